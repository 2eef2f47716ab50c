// What `custos-agent status` shows, built from the running parts and
// answered over the local API: the agent's identity, the policy version in
// force, whether the vault is reachable, the outbox depth, and every device
// present with its decision and the rule that made it (per interface too).
//
// Thread-safety: answer_local_request reads each part through its own
// thread-safe accessors.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "custos/agent/agent_state.hpp"
#include "custos/agent/device_control.hpp"
#include "custos/agent/local_api.hpp"
#include "custos/agent/outbox.hpp"
#include "custos/agent/policy_keeper.hpp"
#include "custos/agent/vault_link.hpp"

namespace custos::agent {

struct StatusSources {
  const AgentState& state;
  const PolicyKeeper& policy;
  const VaultLink* link;  // nullptr offline: no vault, a policy file
  const Outbox& outbox;
  const DeviceControl& devices;
  std::string device_mode;  // "active", "idle" (no USB bus) or "off"
  std::string policy_file{};  // offline: the bundle file enforced
};

boost::json::object status_json(const StatusSources& sources);

// One local API request line → one answer line. Commands: "status".
// Unknown or malformed requests get {"error": {"code", "message"}}.
std::string answer_local_request(const StatusSources& sources, std::string_view request, const Peer& peer);

// The status answer as text for people.
std::string format_status_text(const boost::json::object& status);

}  // namespace custos::agent
