// The agent's side of the conversation with the vault, on its own thread:
// heartbeats every heartbeat period (machine id, policy version held,
// outbox depth, agent version), the outbox sent in batches of at most 1,000
// events with only acknowledged sequences deleted, and the policy fetched at
// start and whenever a heartbeat's answer names a newer version.
//
// When the vault cannot be reached, or refuses the agent (revoked), the
// link backs off exponentially with jitter (1 s doubling to `max_backoff`,
// each wait drawn between half and all of it), so that a vault coming back
// is not flooded by every agent at once. Meanwhile the last good policy
// stays in force and events wait in the outbox.
//
// Thread-safety: run() on one thread; stop() and status() from any.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "custos/agent/agent_state.hpp"
#include "custos/agent/outbox.hpp"
#include "custos/agent/policy_keeper.hpp"
#include "custos/vault/client.hpp"

namespace custos::agent {

struct VaultLinkOptions {
  std::chrono::seconds heartbeat{0};       // 0: as the vault says (enrollment, then each heartbeat)
  std::chrono::seconds max_backoff{60};
  std::size_t batch = 1000;                // the vault's limit per request
  std::string agent_version;
};

struct LinkStatus {
  bool reachable = false;        // the last exchange with the vault succeeded
  UnixSeconds last_contact = 0;  // 0: never
  std::string last_error;        // the last failure, empty after a success
  std::uint64_t vault_policy_version = 0;  // the newest the vault announced
};

class VaultLink {
 public:
  VaultLink(const AgentState& state, VaultLinkOptions options, Outbox& outbox, PolicyKeeper& policy);

  // Talks to the vault until stop(). Never throws.
  void run();
  void stop();
  LinkStatus status() const;

 private:
  Result<void> heartbeat(vault::VaultClient& client);
  Result<void> fetch_policy(vault::VaultClient& client);
  Result<void> send_events(vault::VaultClient& client);
  void failed(const Error& error);
  void succeeded();
  // Sleeps up to `how_long`, waking early for new events or stop().
  void pause(std::chrono::milliseconds how_long);

  const AgentState& state_;
  VaultLinkOptions options_;
  Outbox& outbox_;
  PolicyKeeper& policy_;
  std::chrono::seconds vault_heartbeat_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;  // guards status_ and logged_error_
  LinkStatus status_;
  std::string logged_error_;  // the failure logged last (each kind is logged once)
};

}  // namespace custos::agent
