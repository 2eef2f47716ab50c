// A vault client that acts for a user of this workstation: the user's
// session together with this agent's credential, as the vault asks for
// content, views and print runs.
//
// Thread-safety: a plain function; the client it returns is used on one
// thread at a time.
#pragma once

#include <chrono>

#include "custos/agent/agent_state.hpp"
#include "custos/platform/secret.hpp"
#include "custos/vault/client.hpp"

namespace custos::agent {

Result<vault::VaultClient> user_client(const AgentState& state, const Secret& session,
                                       std::chrono::seconds timeout = std::chrono::seconds(60));

}  // namespace custos::agent
