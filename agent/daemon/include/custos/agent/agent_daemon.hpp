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
#pragma once

#include <string_view>

#include "custos/agent/agent_config.hpp"

namespace custos::agent {

// The process's exit code: 0 after a clean stop, 1 when it cannot run (not
// enrolled, the state folder or outbox unusable).
int run_daemon(const AgentConfig& config, std::string_view agent_version);

}  // namespace custos::agent
