// The agent's last word when it is stopped: an `agent.stopping` event
// (a tamper signal for the vault) with the reason, delivered if the vault
// can be reached within a short grace. The vault raises a silent agent in
// any case; this says *why* before the silence starts.
//
// The reason comes from `stop-reason` beside the local socket, which the
// package's prerm writes before it stops the service ("remove", "upgrade",
// "deconfigure"); without it the stop is reported as a plain "stop" (an
// administrator's systemctl stop or disable --now, a shutdown).
//
// Thread-safety: call once, from the thread that handles the stop signal,
// while the outbox's sender still runs.
#pragma once

#include <chrono>
#include <filesystem>

#include "custos/agent/agent_config.hpp"
#include "custos/agent/outbox.hpp"

namespace custos::agent {

// <socket's folder>/stop-reason
std::filesystem::path stop_reason_file(const AgentConfig& config);

// Records agent.stopping {reason, signal} — info for an upgrade, warning
// otherwise — and waits up to `grace` for the outbox to be delivered.
// Returns whether it was.
bool announce_stop(const AgentConfig& config, Outbox& outbox, int signal_number, std::chrono::milliseconds grace);

}  // namespace custos::agent
