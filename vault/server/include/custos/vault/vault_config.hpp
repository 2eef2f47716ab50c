// The vault server's configuration: `<data dir>/vault.toml` (or the file
// given with --config), every key optional with the default shown here and in
// docs/admin-guide.md. Command-line flags override the file.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "custos/platform/error.hpp"
#include "custos/vault/agent_service.hpp"
#include "custos/vault/auth_service.hpp"
#include "custos/vault/document_service.hpp"
#include "custos/vault/grant_service.hpp"
#include "custos/vault/log_service.hpp"
#include "custos/vault/records_service.hpp"

namespace custos::vault {

struct ServerSettings {
  std::string listen = "127.0.0.1:8443";   // [server] listen: address:port (IPv6 as [::1]:8443)
  unsigned io_threads = 0;                 // [server] io_threads: 0 = one per core
  // Workers mostly wait (for a group commit of the audit log), so there are
  // many: each waiting request holds one, and a commit serves them all.
  unsigned workers = 64;                   // [server] workers: threads for store work
  // One Argon2id login takes a whole core for ~50 ms; on small machines more
  // than one at a time starves every other request.
  unsigned login_threads = 1;              // [server] login_threads: threads for Argon2id (64 MiB each)
  std::size_t max_connections = 10000;     // [server] max_connections: more are closed at once
  bool metrics = true;                     // [server] metrics: serve /metrics
};

struct HttpLimits {
  std::size_t header_bytes = 16 * 1024;    // [limits] header_bytes: larger request heads get 413 too_large
  std::size_t json_body_bytes = 1 << 20;   // [limits] json_body_bytes: larger bodies get 413
  std::size_t records_body_bytes = 64 << 20; // [limits] records_body_bytes: largest records CSV import
  unsigned handshake_timeout_seconds = 10; // [limits] handshake_timeout_seconds
  unsigned idle_timeout_seconds = 60;      // [limits] idle_timeout_seconds: wait for a request head (keep-alive)
  unsigned request_timeout_seconds = 30;   // [limits] request_timeout_seconds: to read a JSON body, to write an answer
  unsigned body_read_timeout_seconds = 60; // [limits] body_read_timeout_seconds: per read while uploading
};

struct VaultConfig {
  std::filesystem::path data_dir;          // --data-dir; every relative path below is inside it
  std::filesystem::path tls_certificate = "tls/cert.pem";  // [tls] certificate
  std::filesystem::path tls_private_key = "tls/key.pem";   // [tls] private_key
  std::string log_level = "info";          // [log] level: trace|debug|info|warn|error
  ServerSettings server;
  HttpLimits limits;
  AuthPolicy auth;                         // [sessions] idle_minutes, absolute_hours; [login] …
  DocumentLimits documents;                // [limits] max_upload_bytes
  GrantLimits grants;                      // [grants] max_days
  LogOptions audit_log;                    // [audit_log] head_every_entries, head_every_seconds
  RecordsOptions records;                  // [records] holidays, extra_working_days, due_working_days, utc_offset
  unsigned screen_every_seconds = 600;     // [records] screen_every_seconds: how often the T+1 job looks
  AgentOptions agents;                     // [agents] heartbeat_seconds, silent_after_missed

  std::filesystem::path resolve(const std::filesystem::path& p) const {
    return p.is_absolute() ? p : data_dir / p;
  }
};

// Reads `file` over the defaults. A missing file is fine when `optional`;
// unknown keys and wrong types are errors naming file, line and key.
Result<VaultConfig> load_vault_config(const std::filesystem::path& data_dir, const std::filesystem::path& file,
                                      bool optional);

// "+08:00" → 28800: an offset from UTC as [records] utc_offset writes it.
Result<std::int32_t> parse_utc_offset(std::string_view text);

// The documented default file written by `custos-vault init`.
std::string default_vault_toml();

}  // namespace custos::vault
