#include "custos/agent/enrollment.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <climits>

#include "custos/platform/files.hpp"
#include "custos/vault/client.hpp"

namespace custos::agent {

namespace json = boost::json;

Result<std::string> read_machine_id(const std::filesystem::path& file) {
  auto text = files::read_text(file);
  if (!text) return fail(text.error().code, "cannot read the machine id: " + text.error().message);
  std::string id = text->substr(0, text->find('\n'));
  const bool printable = std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 127; });
  if (id.empty() || id.size() > 128 || !printable) {
    return fail(ErrorCode::invalid_argument, file.string() + " does not hold a machine id");
  }
  return id;
}

Result<std::string> host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return fail(ErrorCode::io, "cannot read the host name");
  return std::string(name);
}

Result<AgentState> enroll(const EnrollRequest& request) {
  std::error_code ec;
  if (std::filesystem::exists(state_file(request.state_dir), ec)) {
    return fail(ErrorCode::already_exists, "this workstation is enrolled already (" +
                                               state_file(request.state_dir).string() +
                                               "); to enroll it again, remove that file first");
  }
  auto machine_id = read_machine_id(request.machine_id_file);
  if (!machine_id) return fail(machine_id.error());
  auto hostname = host_name();
  if (!hostname) return fail(hostname.error());

  vault::ClientOptions options;
  options.server = request.server;
  options.fingerprint = request.fingerprint;
  options.timeout = std::chrono::seconds(30);
  auto client = vault::VaultClient::create(std::move(options));
  if (!client) return fail(client.error());
  json::value body(json::object{{"token", std::string(request.token.unsafe_view())},
                                {"hostname", *hostname},
                                {"machine_id", *machine_id}});
  auto answer = client->call("POST", "/api/v1/agents/enroll", &body);
  auto& sent = body.as_object()["token"].as_string();
  std::fill(sent.begin(), sent.end(), '\0');
  if (!answer) return fail(answer.error());

  AgentState state;
  state.server = request.server;
  state.fingerprint = request.fingerprint;
  state.machine_id = *machine_id;
  state.hostname = *hostname;
  try {
    auto& o = answer->as_object();
    const auto& agent = o.at("agent").as_object();
    state.agent_name = std::string(agent.at("name").as_string());
    state.department = std::string(agent.at("department").as_string());
    auto key = PublicKey::parse(std::string_view(o.at("policy_public_key").as_string()));
    if (!key) return fail(ErrorCode::corrupt, "the vault's policy key does not parse: " + key.error().message);
    state.policy_key = *key;
    auto& credential = o.at("credential").as_string();
    state.credential = Secret::from_string(std::string_view(credential));
    std::fill(credential.begin(), credential.end(), '\0');
    if (const auto* beat = o.if_contains("heartbeat_seconds"); beat != nullptr && beat->is_int64()) {
      state.heartbeat_seconds = beat->as_int64();
    }
  } catch (const std::exception& e) {
    return fail(ErrorCode::corrupt, std::string("the vault's enrollment answer is incomplete (") + e.what() +
                                        "); is the vault older than this agent?");
  }
  CUSTOS_TRY_VOID(save_state(request.state_dir, state));
  return state;
}

}  // namespace custos::agent
