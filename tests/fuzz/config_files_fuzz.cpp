// Fuzz target for the daemons' configuration files: the vault's vault.toml
// (load_vault_config) when the first byte is even, the agent's agent.toml
// (load_agent_config) when it is odd; the rest is the file, written to a
// temporary folder made once per process.
//
// No input may crash. A file that is read gives values inside the ranges
// the readers document (docs/admin-guide.md, docs/agent.md); a refusal is
// invalid_argument and names the file, so the administrator knows which one.
// CONFIG_FILES_FUZZ_TRACE=1 prints each outcome, to see what a corpus reaches.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>

#include "custos/agent/agent_config.hpp"
#include "custos/vault/vault_config.hpp"

namespace {

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "config_files fuzz: %s\n", why.c_str());
  std::abort();
}

struct Folder {
  std::filesystem::path dir;
  Folder() {
    const std::filesystem::path base =
        ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : std::filesystem::temp_directory_path();
    dir = base / ("custos-config-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    // The file vault init writes must read as the defaults.
    const auto file = dir / "vault.toml";
    std::ofstream(file, std::ios::binary) << custos::vault::default_vault_toml();
    auto defaults = custos::vault::load_vault_config(dir, file, false);
    if (!defaults) die("the default vault.toml is refused: " + defaults.error().describe());
    if (defaults->server.workers != custos::vault::ServerSettings{}.workers) die("the default vault.toml is not the defaults");
  }
  ~Folder() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const std::set<std::string, std::less<>> kLevels = {"trace", "debug", "info", "warn", "error"};

void trace(const std::string& what) {
  if (std::getenv("CONFIG_FILES_FUZZ_TRACE")) std::fprintf(stderr, "%s\n", what.c_str());
}

void check_refusal(const custos::Error& error, const std::filesystem::path& file) {
  trace(error.describe());
  if (error.code != custos::ErrorCode::invalid_argument) die("refused with another code: " + error.describe());
  if (!error.message.starts_with(file.string())) die("a refusal that does not name the file: " + error.message);
}

void check_vault(const custos::vault::VaultConfig& c) {
  trace("vault.toml read");
  if (c.server.workers < 1 || c.server.workers > 1024) die("server.workers out of range");
  if (c.server.login_threads < 1 || c.server.login_threads > 64) die("server.login_threads out of range");
  if (c.server.max_connections < 1) die("server.max_connections out of range");
  if (c.limits.header_bytes < 1024 || c.limits.json_body_bytes < 1024 || c.limits.records_body_bytes < 1024) {
    die("a body or head limit below 1 KiB");
  }
  if (c.limits.handshake_timeout_seconds < 1 || c.limits.idle_timeout_seconds < 1 ||
      c.limits.request_timeout_seconds < 1 || c.limits.body_read_timeout_seconds < 1) {
    die("a time-out of zero");
  }
  if (c.auth.idle_seconds < 60 || c.auth.absolute_seconds < 3600 || c.auth.lockout_failures < 1) {
    die("a session or login setting out of range");
  }
  if (c.auth.min_password_length < 8) die("login.min_password_length under 8");
  if (c.grants.max_seconds < 86400) die("grants.max_days under 1");
  if (c.records.utc_offset_seconds < -24 * 3600 || c.records.utc_offset_seconds > 24 * 3600) {
    die("records.utc_offset beyond a day");
  }
  if (!kLevels.contains(c.log_level)) die("log.level " + c.log_level);
  if (c.tls_certificate.empty() || c.tls_private_key.empty()) die("an empty TLS path");
}

void check_agent(const custos::agent::AgentConfig& c) {
  trace("agent.toml read");
  if (c.outbox_max_bytes < (1 << 20)) die("outbox_max_bytes under 1 MiB");
  if (c.heartbeat_seconds < 0 || c.heartbeat_seconds > 3600) die("heartbeat_seconds out of range");
  if (c.print_timeout_seconds < 1 || c.print_timeout_seconds > 86400) die("print_timeout_seconds out of range");
  if (!kLevels.contains(c.log_level)) die("log_level " + c.log_level);
  if (c.state_dir.empty() || c.socket.empty() || c.machine_id_file.empty()) die("an empty path");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static Folder folder;
  const bool vault = data[0] % 2 == 0;
  const auto file = folder.dir / (vault ? "vault.toml" : "agent.toml");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
    if (!out) die("cannot write " + file.string());
  }
  if (vault) {
    auto config = custos::vault::load_vault_config(folder.dir, file, false);
    if (config) check_vault(*config);
    else check_refusal(config.error(), file);
  } else {
    auto config = custos::agent::load_agent_config(file, false);
    if (config) check_agent(*config);
    else check_refusal(config.error(), file);
  }
  return 0;
}
