// custos-vault: `init` a vault's data folder, `serve` it over HTTPS, print
// its `fingerprint`, `backup` its store while it serves and `restore` one.
// main() wires parts together; each part lives in the server library.
#include <condition_variable>
#include <mutex>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "custos/platform/files.hpp"
#include "custos/vault/http_server.hpp"
#include "custos/vault/open_vault.hpp"
#include "custos/vault/tls_identity.hpp"
#include "custos/vault/vault_config.hpp"
#include "custos/vault/vault_backup.hpp"
#include "custos/vault/vault_home.hpp"

namespace {

using namespace custos;
using namespace custos::vault;

constexpr int kExitOk = 0;
constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;

int report(const Error& error) {
  std::fprintf(stderr, "custos-vault: %s\n", error.describe().c_str());
  return error.code == ErrorCode::invalid_argument ? kExitUsage : kExitRefused;
}

int run_init(const std::filesystem::path& data_dir, const std::string& admin, const std::string& department) {
  InitOptions options;
  options.admin_name = admin;
  options.admin_department = department;
  if (const char* given = std::getenv("CUSTOS_ADMIN_PASSWORD"); given != nullptr && *given != '\0') {
    options.admin_password = Secret::from_string(given);
  }
  auto result = init_vault(data_dir, std::move(options));
  if (!result) return report(result.error());
  std::printf("vault initialised in %s\n", data_dir.c_str());
  std::printf("certificate fingerprint: %s\n", result->fingerprint.c_str());
  std::printf("signing public key:      %s\n", result->signing_public_key.c_str());
  std::printf("IT engineer account:     %s\n", result->admin_name.c_str());
  if (result->generated_password) {
    // Shown once, on the terminal of whoever ran init; never logged.
    std::printf("its password (shown once): %.*s\n", static_cast<int>(result->generated_password->size()),
                result->generated_password->unsafe_view().data());
  }
  return kExitOk;
}

int run_fingerprint(const std::filesystem::path& data_dir) {
  auto fingerprint = certificate_fingerprint(VaultPaths{data_dir}.tls_cert());
  if (!fingerprint) return report(fingerprint.error());
  std::printf("%s\n", fingerprint->c_str());
  return kExitOk;
}

int run_backup(const std::filesystem::path& data_dir, const std::filesystem::path& out) {
  auto summary = backup_vault(VaultPaths{data_dir}, out);
  if (!summary) return report(summary.error());
  std::printf("backup written to %s: store %llu bytes, %llu document file(s), %llu bytes\n", out.c_str(),
              static_cast<unsigned long long>(summary->database_bytes), static_cast<unsigned long long>(summary->blobs),
              static_cast<unsigned long long>(summary->blob_bytes));
  for (const auto id : summary->missing) {
    std::fprintf(stderr, "custos-vault: document %lld was destroyed while the backup ran; restored, it answers corrupt\n",
                 static_cast<long long>(id));
  }
  std::printf("the backup opens only with this vault's keys/: back them up separately (docs/install.md)\n");
  return kExitOk;
}

int run_restore(const std::filesystem::path& file, const std::filesystem::path& data_dir,
                const std::filesystem::path& keys_from) {
  auto summary = restore_vault(file, VaultPaths{data_dir}, keys_from);
  if (!summary) return report(summary.error());
  std::printf("restored into %s: store %llu bytes, %llu document file(s)\n", data_dir.c_str(),
              static_cast<unsigned long long>(summary->database_bytes), static_cast<unsigned long long>(summary->blobs));
  std::printf("the audit log is rolled back to the backup: tell the auditors (docs/install.md)\n");
  return kExitOk;
}

// The T+1 job: at start and then every `every`, screens the entries up to
// yesterday that no run has seen and raises cases past their due day.
void run_screening(RecordsService& records, std::chrono::seconds every, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    const Origin origin{"screening", "local", now_seconds(), ""};
    auto run = records.run_daily(origin);
    if (!run) {
      spdlog::error("T+1 screening failed (will retry): {}", run.error().message);
    } else {
      if (run->screened > 0) {
        spdlog::info("T+1 screening of entries through {}: {} record(s), {} new suspicious case(s)", run->through_day,
                     run->screened, run->new_cases.size());
      }
      if (!run->overdue_raised.empty()) {
        spdlog::warn("{} suspicious case(s) are past their due day; see custos records suspicious --overdue",
                     run->overdue_raised.size());
      }
    }
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, every, [] { return false; });
  }
}

// Raises agents that missed their heartbeats, once each, every heartbeat period.
void watch_agents(AgentService& agents, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    auto raised = agents.raise_silent(Origin{"agent-watch", "local", now_seconds(), ""});
    if (!raised) {
      spdlog::error("checking for silent agents failed (will retry): {}", raised.error().message);
    } else {
      for (const auto& name : *raised) {
        spdlog::warn("{} is silent: no heartbeat for {} periods; see custos agent list", name,
                     agents.options().silent_after_missed);
      }
    }
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, std::chrono::seconds(agents.options().heartbeat_seconds), [] { return false; });
  }
}

int run_serve(const std::filesystem::path& data_dir, std::filesystem::path config_file, const std::string& listen,
              const std::string& log_level, const std::filesystem::path& port_file) {
  const VaultPaths paths{data_dir};
  const bool explicit_config = !config_file.empty();
  if (!explicit_config) config_file = paths.config();
  auto config = load_vault_config(data_dir, config_file, !explicit_config);
  if (!config) return report(config.error());
  if (!listen.empty()) config->server.listen = listen;
  if (!log_level.empty()) config->log_level = log_level;
  spdlog::set_level(spdlog::level::from_str(config->log_level));

  auto vault = OpenVault::open(paths, *config);
  if (!vault) return report(vault.error());
  if (const auto& swept = (*vault)->swept(); swept.uploads > 0 || swept.blobs > 0) {
    spdlog::warn("removed {} upload(s) left unfinished by the last run and shredded {} ciphertext file(s) "
                 "without an active document",
                 swept.uploads, swept.blobs);
  }
  auto& log = (*vault)->log();
  auto& records = (*vault)->records();
  auto& agents = (*vault)->agents();
  HttpServer server((*vault)->api(), (*vault)->metrics(), config->server, config->limits,
                    config->documents.max_upload_bytes);
  if (auto loaded = server.load_tls(config->resolve(config->tls_certificate), config->resolve(config->tls_private_key));
      !loaded) {
    return report(loaded.error());
  }
  auto port = server.listen(config->server.listen);
  if (!port) return report(port.error());
  // Before the port file says the vault is up: a SIGTERM right after it
  // must stop the vault cleanly, not kill it with the default action.
  server.catch_signals();
  if (!port_file.empty()) {
    if (auto written = files::write_atomic(port_file, std::to_string(*port) + "\n", 0644); !written) {
      return report(written.error());
    }
  }
  auto fingerprint = certificate_fingerprint(config->resolve(config->tls_certificate));
  spdlog::info("custos-vault serving {} on port {} (certificate {})", data_dir.string(), *port,
               fingerprint ? *fingerprint : std::string("unknown"));
  std::jthread signer([&log](std::stop_token stop) { log.run([&stop] { return stop.stop_requested(); }); });
  std::jthread screening([&records, every = config->screen_every_seconds](std::stop_token stop) {
    run_screening(records, std::chrono::seconds(every), stop);
  });
  std::jthread watch([&agents](std::stop_token stop) { watch_agents(agents, stop); });
  server.run(true);
  signer.request_stop();
  screening.request_stop();
  watch.request_stop();
  signer.join();
  screening.join();
  watch.join();
  spdlog::info("custos-vault stopped");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything the vault creates (store, WAL, keys) is for its own user only.
  ::umask(077);
  // A file-size limit (or a full quota) must fail the write that meets it,
  // so the action is refused and logged as such, not kill the vault.
  ::signal(SIGXFSZ, SIG_IGN);
  try {
    spdlog::set_default_logger(spdlog::stderr_color_mt("custos-vault"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    if (auto ready = init_crypto(); !ready) return report(ready.error());

    CLI::App app{"custos-vault — the Custos vault server"};
    app.require_subcommand(1);
    std::filesystem::path data_dir;
    std::string admin = "admin", department = "quality-management";
    auto* init = app.add_subcommand("init", "Create a new vault: store, keys, TLS identity, first IT engineer");
    init->add_option("--data-dir", data_dir, "Folder for the vault's data (created, mode 0700)")->required();
    init->add_option("--admin", admin, "Login name of the first IT engineer")->capture_default_str();
    init->add_option("--department", department, "Department of the first IT engineer")->capture_default_str();
    init->footer("The password comes from CUSTOS_ADMIN_PASSWORD, or is generated and printed once.");

    std::filesystem::path config_file, port_file;
    std::string listen, log_level;
    auto* serve = app.add_subcommand("serve", "Serve the vault's HTTPS API");
    serve->add_option("--data-dir", data_dir, "The vault's data folder")->required();
    serve->add_option("--config", config_file, "Configuration file (default: DATA_DIR/vault.toml)");
    serve->add_option("--listen", listen, "Address and port, e.g. 127.0.0.1:8443 (overrides the file)");
    serve->add_option("--log-level", log_level, "trace, debug, info, warn or error (overrides the file)");
    serve->add_option("--port-file", port_file, "Write the bound port here (useful with port 0)");

    auto* fingerprint = app.add_subcommand("fingerprint", "Print the TLS certificate's SHA-256 fingerprint");
    fingerprint->add_option("--data-dir", data_dir, "The vault's data folder")->required();

    auto* default_config = app.add_subcommand("default-config",
                                              "Print vault.toml with every key, commented out at its default");

    std::filesystem::path backup_out, restore_file, keys_from;
    auto* backup = app.add_subcommand("backup", "Write an encrypted, consistent backup of the store while it serves");
    backup->add_option("--data-dir", data_dir, "The vault's data folder")->required();
    backup->add_option("--out", backup_out, "The backup file to create (mode 0600; never replaced)")->required();
    backup->footer("The keys are not in the backup: back up DATA_DIR/keys separately (docs/install.md).");

    auto* restore = app.add_subcommand("restore", "Restore a backup into a new data folder");
    restore->add_option("FILE", restore_file, "The backup file")->required();
    restore->add_option("--data-dir", data_dir, "The new data folder (must hold no store)")->required();
    restore->add_option("--keys-from", keys_from,
                        "A folder with the backed-up keys/ (and tls/, vault.toml); default: DATA_DIR/keys is in place");

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? 0 : kExitUsage;
    }
    if (init->parsed()) return run_init(data_dir, admin, department);
    if (serve->parsed()) return run_serve(data_dir, config_file, listen, log_level, port_file);
    if (fingerprint->parsed()) return run_fingerprint(data_dir);
    if (default_config->parsed()) {
      std::fputs(default_vault_toml().c_str(), stdout);
      return kExitOk;
    }
    if (backup->parsed()) return run_backup(data_dir, backup_out);
    if (restore->parsed()) return run_restore(restore_file, data_dir, keys_from);
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custos-vault: internal error: %s\n", e.what());
    return kExitRefused;
  }
}
