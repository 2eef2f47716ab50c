// custos-agent: the workstation daemon (`run`), its enrollment (`enroll`)
// and a look at it through its local socket (`status`).
// Exit codes: 0 success, 1 refused or failed, 2 bad usage or input.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <optional>

#include "custos/agent/agent_config.hpp"
#include "custos/agent/agent_daemon.hpp"
#include "custos/agent/agent_state.hpp"
#include "custos/agent/enroll_file.hpp"
#include "custos/agent/enrollment.hpp"
#include "custos/agent/local_api.hpp"
#include "custos/agent/offline_policy.hpp"
#include "custos/agent/status_report.hpp"
#include "custos/platform/secret.hpp"

#ifndef CUSTOS_VERSION
#define CUSTOS_VERSION "dev"
#endif

namespace {

using namespace custos;
using namespace custos::agent;

constexpr int kExitOk = 0;
constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;

// One line: what failed and why; usage errors exit 2, the rest 1.
int report(const Error& error, std::string_view what) {
  std::fprintf(stderr, "custos-agent: %.*s: %s\n", static_cast<int>(what.size()), what.data(), error.describe().c_str());
  return error.code == ErrorCode::invalid_argument ? kExitUsage : kExitRefused;
}

// The configuration: --config FILE must exist; the default file may not.
Result<AgentConfig> config_for(const std::string& file, const std::string& state_dir) {
  auto config = load_agent_config(file.empty() ? kDefaultConfigFile : file, file.empty());
  if (!config) {
    if (config.error().code == ErrorCode::not_found) return fail(ErrorCode::invalid_argument, config.error().message);
    return config;
  }
  if (!state_dir.empty()) config->state_dir = state_dir;
  return config;
}

void set_up_logging(const std::string& level) {
  // stderr, no colours: journald adds the time and the unit.
  auto logger = spdlog::stderr_logger_mt("custos-agent");
  logger->set_pattern("%l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

// `enroll --from-file`: run before every start of the service, so it is
// quiet when there is nothing to do.
int enroll_with_file(const std::filesystem::path& file, const AgentConfig& config) {
  auto outcome = enroll_from_file(file, config);
  if (!outcome) return report(outcome.error(), "enroll");
  switch (*outcome) {
    case EnrollFileOutcome::absent: break;
    case EnrollFileOutcome::already_enrolled:
      std::printf("already enrolled; deleted the unused %s\n", file.c_str());
      break;
    case EnrollFileOutcome::enrolled: {
      auto state = load_state(config.state_dir);
      std::printf("enrolled as %s (department %s) with %s, which is deleted\n",
                  state ? state->agent_name.c_str() : "?", state ? state->department.c_str() : "?", file.c_str());
      break;
    }
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  ::umask(077);
  try {
    if (auto ready = init_crypto(); !ready) return report(ready.error(), "start");
    CLI::App app{"custos-agent — the Custos workstation agent: device control, policy, events"};
    app.require_subcommand(1);
    app.footer("Exit codes: 0 success, 1 refused or failed, 2 bad usage or input.");
    std::function<int()> action;

    std::string config_file, state_dir;
    auto* enroll_cmd = app.add_subcommand("enroll", "enroll this workstation with a token from an IT engineer");
    std::string server, fingerprint, token, enroll_file;
    enroll_cmd->add_option("--server", server, "the vault's address, https://HOST:PORT");
    enroll_cmd->add_option("--fingerprint", fingerprint, "the vault certificate's SHA256:… fingerprint");
    enroll_cmd->add_option("--token", token, "the enrollment token (cet_…)");
    enroll_cmd->add_option("--from-file", enroll_file,
                           "unattended: server, fingerprint and token from this file (e.g. " +
                               std::string(kDefaultEnrollFile) + "), deleted once used; absent: nothing to do");
    enroll_cmd->add_option("--state-dir", state_dir, "where the agent keeps its state (default from the config)");
    enroll_cmd->add_option("--config", config_file, "configuration file (default /etc/custos/agent.toml)");
    enroll_cmd->callback([&] {
      action = [&]() -> int {
        auto config = config_for(config_file, state_dir);
        if (!config) return report(config.error(), "enroll");
        if (!enroll_file.empty()) {
          if (!server.empty() || !fingerprint.empty() || !token.empty()) {
            return report(Error{ErrorCode::invalid_argument, "--from-file replaces --server, --fingerprint and --token"},
                          "enroll");
          }
          return enroll_with_file(enroll_file, *config);
        }
        if (server.empty() || fingerprint.empty() || token.empty()) {
          return report(Error{ErrorCode::invalid_argument, "give --server, --fingerprint and --token, or --from-file"},
                        "enroll");
        }
        EnrollRequest request{.server = server,
                              .fingerprint = fingerprint,
                              .token = Secret::from_string(token),
                              .state_dir = config->state_dir,
                              .machine_id_file = config->machine_id_file};
        std::fill(token.begin(), token.end(), '\0');
        auto state = enroll(request);
        if (!state) return report(state.error(), "enroll");
        std::printf("enrolled as %s (department %s); state in %s\n", state->agent_name.c_str(),
                    state->department.c_str(), config->state_dir.c_str());
        return kExitOk;
      };
    });

    auto* run_cmd = app.add_subcommand("run", "run the agent (as the custos-agent service)");
    run_cmd->add_option("--config", config_file, "configuration file (default /etc/custos/agent.toml)");
    run_cmd->add_option("--state-dir", state_dir, "overrides state_dir of the configuration");
    std::string policy_file, policy_key, department;
    run_cmd->add_option("--policy-file", policy_file,
                        "offline: enforce this signed policy bundle; no enrollment, no vault");
    run_cmd->add_option("--policy-key", policy_key, "offline: the key it is signed with (ed25519:… or a file)");
    run_cmd->add_option("--department", department, "offline: the department it must be for");
    run_cmd->callback([&] {
      action = [&]() -> int {
        auto config = config_for(config_file, state_dir);
        if (!config) return report(config.error(), "run");
        if (!policy_file.empty()) config->policy_file = policy_file;
        if (!policy_key.empty()) config->policy_key = policy_key;
        if (!department.empty()) config->department = department;
        if (auto offline = offline_policy(*config); !offline) return report(offline.error(), "run");
        set_up_logging(config->log_level);
        return run_daemon(*config, CUSTOS_VERSION);
      };
    });

    auto* status_cmd = app.add_subcommand("status", "show what the running agent enforces");
    std::string socket, format = "text";
    status_cmd->add_option("--socket", socket, "the agent's socket (default from the config)");
    status_cmd->add_option("--config", config_file, "configuration file (default /etc/custos/agent.toml)");
    status_cmd->add_option("--format", format, "text or json")->check(CLI::IsMember({"text", "json"}));
    status_cmd->callback([&] {
      action = [&]() -> int {
        std::filesystem::path path = socket;
        if (path.empty()) {
          auto config = config_for(config_file, "");
          if (!config) return report(config.error(), "status");
          path = config->socket;
        }
        auto answer = local_request(path, R"({"command":"status"})");
        if (!answer) {
          return report(Error{answer.error().code, answer.error().message + "; is custos-agent running?"}, "status");
        }
        boost::system::error_code ec;
        auto parsed = boost::json::parse(*answer, ec);
        if (ec || !parsed.is_object()) return report(Error{ErrorCode::corrupt, "the agent's answer is not JSON"}, "status");
        if (const auto* error = parsed.as_object().if_contains("error"); error != nullptr) {
          return report(Error{ErrorCode::internal, boost::json::serialize(*error)}, "status");
        }
        if (format == "json") {
          std::printf("%s\n", answer->c_str());
        } else {
          std::fputs(format_status_text(parsed.as_object()).c_str(), stdout);
        }
        return kExitOk;
      };
    });

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? kExitOk : kExitUsage;
    }
    return action ? action() : kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custos-agent: internal error: %s\n", e.what());
    return kExitRefused;
  }
}
