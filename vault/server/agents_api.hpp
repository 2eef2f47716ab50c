// The workstation-agent endpoints (docs/api.md, "Workstation agents"):
// the IT engineer's (/api/v1/agents…, with a user session) and the agent's
// own (/api/v1/agent/…, with the agent's credential). Internal to the
// server; Api::handle routes the agent actions here.
#pragma once

#include <optional>
#include <string_view>

#include "custos/vault/agent_service.hpp"
#include "custos/vault/api.hpp"

namespace custos::vault {

// Calls made by a user (token creation, list, show, events, revoke).
Result<ApiResponse> handle_agents(AgentService& agents, Action action, std::string_view name,
                                  const ApiRequest& request, const Principal& principal, const Origin& origin);

// Enrollment: no session, the token in the body. The answer carries
// `policy_public_key`, the key the agent pins to verify policy bundles.
Result<ApiResponse> handle_enroll(AgentService& agents, std::string_view policy_public_key,
                                  const ApiRequest& request, const Origin& origin);

// Calls made by an authenticated agent (heartbeat, events, policy).
Result<ApiResponse> handle_agent_call(AgentService& agents, Action action, const Agent& agent,
                                      const ApiRequest& request, const Origin& origin);

}  // namespace custos::vault
