#include "custos/agent/user_client.hpp"

namespace custos::agent {

Result<vault::VaultClient> user_client(const AgentState& state, const Secret& session, std::chrono::seconds timeout) {
  vault::ClientOptions options;
  options.server = state.server;
  options.fingerprint = state.fingerprint;
  options.token = session.clone();
  options.agent_credential = state.credential.clone();
  options.timeout = timeout;
  return vault::VaultClient::create(std::move(options));
}

}  // namespace custos::agent
