// `custos-agent run`: wires the parts together and runs them until SIGTERM
// or SIGINT —
//   the policy keeper (cached bundle first, re-verified),
//   device control on the device thread (root hub defaults, devices present,
//     then kernel uevents; "no USB bus; device control idle" when there is
//     none),
//   the vault link on its thread (heartbeats, outbox, policy),
//   the local API on its thread (status, and print runs: print_runner.hpp),
// and tells systemd it is ready (sd_notify). On stop the threads are joined;
// the root hubs' authorized_default stays 0.
//
// Offline (config.policy_file set, offline_policy.hpp) there is no enrolled
// state and no vault link: the policy file is applied before device control
// starts, and a refused file stops the agent before it touches a device.
#pragma once

#include <string_view>

#include "custos/agent/agent_config.hpp"

namespace custos::agent {

// The process's exit code: 0 after a clean stop, 1 when it cannot run (not
// enrolled, the state folder or outbox unusable, the offline policy file
// refused), 2 for incomplete offline settings.
int run_daemon(const AgentConfig& config, std::string_view agent_version);

}  // namespace custos::agent
