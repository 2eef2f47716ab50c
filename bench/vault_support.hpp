// What the vault benchmarks share (bench/vault_*_bench.cpp):
//   - TempDir: a private folder removed when the benchmark ends;
//   - VaultServer: a real `custos-vault` (init + serve) on an ephemeral
//     loopback port, stopped (SIGTERM, then SIGKILL) and cleaned up when it
//     goes out of scope, and killed by the kernel if the benchmark dies;
//   - run_load(): an asynchronous Beast client keeping N keep-alive TLS
//     connections busy from one thread, so that the client, not 64 OS
//     threads, is the cheap side of the measurement.
// The one bench translation unit that instantiates Beast is vault_support.cpp.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "custos/vault/client.hpp"

namespace custos::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Prints "name: value unit" on its own line and flushes (figures appear as
// they are measured, even if a later step fails).
void figure(const std::string& name, double value, const std::string& unit, int decimals = 0);

// Throws std::runtime_error(what): each benchmark's main() catches it, prints
// the one-line reason and exits 1, so every VaultServer and TempDir still
// alive is stopped and removed on the way out.
[[noreturn]] void die(const std::string& what);

// The 1-minute load average: the machine is shared, and figures taken while
// other work runs are lower — each benchmark prints it first.
double load_average();

// The whole machine's CPU time so far (/proc/stat, every core): busy
// (user, nice, system, interrupts) and not (idle, I/O wait, stolen).
struct MachineCpu {
  double busy = 0, other = 0;  // seconds
};
MachineCpu machine_cpu();

// User + system CPU seconds process `pid` has used, all its threads
// (/proc/PID/stat); dies when the process is gone.
double cpu_seconds(pid_t pid);

class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// ${CMAKE_BINARY_DIR}/bin/custos-vault, found from this program's own path
// (BUILD/bench/NAME), or $CUSTOS_VAULT_BIN when set.
std::filesystem::path vault_binary();

class VaultServer {
 public:
  static constexpr const char* kAdmin = "admin";
  static constexpr const char* kAdminPassword = "bench-admin-password-1";
  static constexpr const char* kAdminDepartment = "quality-management";

  // `vault_toml` replaces the all-comment vault.toml init writes (empty: defaults).
  explicit VaultServer(const std::string& tag, const std::string& vault_toml = "");
  ~VaultServer();
  VaultServer(const VaultServer&) = delete;
  VaultServer& operator=(const VaultServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const std::string& fingerprint() const { return fingerprint_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  pid_t pid() const { return pid_; }  // -1 once stopped

  // A VaultClient, logged in when `user` is given (dies on failure).
  vault::VaultClient client(const std::string& user = "", const std::string& password = "") const;
  // Logs in and returns the bearer token.
  std::string login(const std::string& user, const std::string& password) const;
  // Creates a user through the API as the admin (dies on failure).
  void add_user(const std::string& name, const std::string& department, const std::string& role,
                const std::string& password) const;
  // GET /metrics, and one unlabelled counter or gauge from it (-1 when absent).
  std::string metrics() const;
  static double metric(const std::string& text, const std::string& name);

  // SIGTERM, wait for a clean exit (SIGKILL after 15 s); idempotent.
  void stop();

 private:
  TempDir dir_;
  std::filesystem::path data_dir_;
  std::string fingerprint_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// The small-request scene: a project lead `lead1` uploads a 4 KiB document
// and grants it (view only, 30 days) to the information clerk `clerk1`, who
// then logs in `sessions` times. The requests are the clerk's
// GET /api/v1/documents/{id}: session lookup, grant check, audit record.
struct DocumentScene {
  std::int64_t document_id = 0;
  std::string target;                 // "/api/v1/documents/{id}"
  std::vector<std::string> tokens;    // the clerk's bearer tokens
  static constexpr const char* kClerk = "clerk1";
  static constexpr const char* kClerkPassword = "bench-clerk-password-1";
};
DocumentScene make_document_scene(const VaultServer& server, unsigned sessions);

struct LoadOptions {
  std::uint16_t port = 0;
  std::string fingerprint;           // pinned like VaultClient does
  std::string target;                // e.g. "/api/v1/documents/1"
  std::vector<std::string> tokens;   // bearer tokens, spread over connections; empty: none
  unsigned connections = 64;
  std::chrono::milliseconds duration{10'000};
  std::uint64_t max_requests = 0;    // stop after this many (0: only the duration bounds it)
};

// Load against `scene`'s document on `server`, spread over its sessions.
LoadOptions document_load(const VaultServer& server, const DocumentScene& scene, unsigned connections);

struct LoadResult {
  std::uint64_t requests = 0;        // answered with 200 inside the measured window
  std::uint64_t failures = 0;        // non-200 answers and broken connections
  double seconds = 0;                // from "all connected" to the last counted answer
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  double rate() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

// Connects and handshakes every connection first (not measured), then sends
// GET `target` back to back on each keep-alive connection until the duration
// or the request budget is used up. One client thread.
LoadResult run_load(const LoadOptions& options);

}  // namespace custos::bench
