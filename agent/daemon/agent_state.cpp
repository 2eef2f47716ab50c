#include "custos/agent/agent_state.hpp"

#include <boost/json.hpp>

#include "custos/platform/files.hpp"

namespace custos::agent {

namespace json = boost::json;

std::filesystem::path state_file(const std::filesystem::path& state_dir) { return state_dir / "agent.json"; }

Result<void> save_state(const std::filesystem::path& state_dir, const AgentState& state) {
  CUSTOS_TRY_VOID(files::make_private_dir(state_dir, 0700));
  json::object o{{"server", state.server},
                 {"fingerprint", state.fingerprint},
                 {"agent", state.agent_name},
                 {"department", state.department},
                 {"machine_id", state.machine_id},
                 {"hostname", state.hostname},
                 {"policy_public_key", state.policy_key.to_string()},
                 {"heartbeat_seconds", state.heartbeat_seconds},
                 {"credential", std::string(state.credential.unsafe_view())}};
  auto text = Secret::from_string(json::serialize(o) + "\n");
  // Overwrite the copy of the credential the JSON object held.
  auto& credential = o["credential"].as_string();
  std::fill(credential.begin(), credential.end(), '\0');
  return files::write_atomic(state_file(state_dir), text.unsafe_bytes(), 0600);
}

Result<AgentState> load_state(const std::filesystem::path& state_dir) {
  const auto file = state_file(state_dir);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return fail(ErrorCode::not_found, "not enrolled: no " + file.string() + " (run custos-agent enroll first)");
  }
  auto text = files::read_secret(file);
  if (!text) return fail(text.error());
  boost::system::error_code parse_error;
  auto value = json::parse(text->unsafe_view(), parse_error);
  if (parse_error || !value.is_object()) return fail(ErrorCode::corrupt, file.string() + " is not a JSON object");
  auto& o = value.as_object();
  const auto str = [&](const char* key) -> Result<std::string> {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string() || v->as_string().empty()) {
      return fail(ErrorCode::corrupt, file.string() + " has no \"" + key + "\"; enroll again");
    }
    return std::string(v->as_string());
  };
  AgentState state;
  for (auto [key, out] : {std::pair{"server", &state.server}, std::pair{"fingerprint", &state.fingerprint},
                          std::pair{"agent", &state.agent_name}, std::pair{"department", &state.department},
                          std::pair{"machine_id", &state.machine_id}, std::pair{"hostname", &state.hostname}}) {
    auto v = str(key);
    if (!v) return fail(v.error());
    *out = std::move(*v);
  }
  auto key = str("policy_public_key");
  if (!key) return fail(key.error());
  auto parsed = PublicKey::parse(*key);
  if (!parsed) return fail(ErrorCode::corrupt, file.string() + ": policy_public_key: " + parsed.error().message);
  state.policy_key = *parsed;
  const auto* credential = o.if_contains("credential");
  if (credential == nullptr || !credential->is_string() || credential->as_string().empty()) {
    return fail(ErrorCode::corrupt, file.string() + " has no credential; enroll again");
  }
  state.credential = Secret::from_string(std::string_view(credential->as_string()));
  auto& held = o["credential"].as_string();
  std::fill(held.begin(), held.end(), '\0');
  if (const auto* beat = o.if_contains("heartbeat_seconds"); beat != nullptr && beat->is_int64()) {
    state.heartbeat_seconds = std::max<std::int64_t>(1, beat->as_int64());
  }
  return state;
}

}  // namespace custos::agent
