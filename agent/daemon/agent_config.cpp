#include "custos/agent/agent_config.hpp"

#include <set>
#include "custos/toml/config_file.hpp"

namespace custos::agent {
namespace {

using toml_config::where;

}  // namespace

Result<AgentConfig> load_agent_config(const std::filesystem::path& file, bool optional) {
  AgentConfig config;
  auto parsed = toml_config::read(file, optional);
  if (!parsed) return fail(parsed.error());
  if (!*parsed) return config;
  const toml::table& table = **parsed;

  const auto bad = [&](const toml::node& node, std::string_view key, std::string_view what) {
    return fail(ErrorCode::invalid_argument, where(file, node.source()) + ": " + std::string(key) + " " +
                                                 std::string(what));
  };
  for (const auto& [key, node] : table) {
    const std::string_view k = key.str();
    const auto path = [&](std::filesystem::path& out) -> Result<void> {
      const auto value = node.value_exact<std::string>();
      if (!value || value->empty()) return bad(node, k, "must be a non-empty path");
      out = *value;
      return ok();
    };
    const auto number = [&](std::int64_t& out, std::int64_t low, std::int64_t high) -> Result<void> {
      const auto value = node.value_exact<std::int64_t>();
      if (!value || *value < low || *value > high) {
        return bad(node, k, "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
      }
      out = *value;
      return ok();
    };
    const auto flag = [&](bool& out) -> Result<void> {
      const auto value = node.value_exact<bool>();
      if (!value) return bad(node, k, "must be true or false");
      out = *value;
      return ok();
    };
    Result<void> read = ok();
    if (k == "state_dir") read = path(config.state_dir);
    else if (k == "socket") read = path(config.socket);
    else if (k == "machine_id_file") read = path(config.machine_id_file);
    else if (k == "sysfs_root") read = path(config.sysfs_root);
    else if (k == "dev_root") read = path(config.dev_root);
    else if (k == "mountinfo") read = path(config.mountinfo);
    else if (k == "sessions_dir") read = path(config.sessions_dir);
    else if (k == "device_control") read = flag(config.device_control);
    else if (k == "uevents") read = flag(config.uevents);
    else if (k == "outbox_max_bytes") read = number(config.outbox_max_bytes, 1 << 20, std::int64_t{1} << 40);
    else if (k == "heartbeat_seconds") read = number(config.heartbeat_seconds, 0, 3600);
    else if (k == "policy_file") read = path(config.policy_file);
    else if (k == "worker") read = path(config.worker);
    else if (k == "print_timeout_seconds") read = number(config.print_timeout_seconds, 1, 86400);
    else if (k == "policy_key" || k == "department") {
      const auto value = node.value_exact<std::string>();
      if (!value || value->empty()) read = bad(node, k, "must be a non-empty string");
      else (k == "policy_key" ? config.policy_key : config.department) = *value;
    } else if (k == "log_level") {
      static const std::set<std::string, std::less<>> levels = {"trace", "debug", "info", "warn", "error"};
      const auto value = node.value_exact<std::string>();
      if (!value || !levels.contains(*value)) read = bad(node, k, "must be trace, debug, info, warn or error");
      else config.log_level = *value;
    } else {
      return fail(ErrorCode::invalid_argument, where(file, key.source()) + ": " + std::string(k) +
                                                   " is not a key of the agent's configuration (see docs/agent.md)");
    }
    if (!read) return fail(read.error());
  }
  return config;
}

}  // namespace custos::agent
