// Workstation agents on the vault side (docs/agent.md):
//
//  - an IT engineer makes an enrollment token for a department (single use
//    by default, a rollout token may allow several), valid for a while;
//  - `custos-agent enroll` trades it, once, for the agent's own credential
//    (a random 256-bit secret the vault keeps only as a hash), bound to the
//    department and to the machine id the workstation reported;
//  - the agent authenticates its own calls (heartbeat, events, its policy
//    bundle) with that credential alone, and joins it to a user's session
//    for content (the seam DocumentService::open_content reads);
//  - heartbeats keep it "active"; one that misses `silent_after_missed`
//    heartbeats is raised as silent once (audit record and log warning);
//  - events are kept once per (agent, sequence): a resend of the same event
//    is acknowledged again, a different event under a sequence already used
//    is a clash — a copied state folder on a second machine — refused and
//    raised. Each accepted batch is one audit record that carries the
//    SHA-256 of the batch, so the events are bound into the signed log.
//  - a revoked agent is refused at its next request.
//
// Thread-safety: thread-safe (state lives in the store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "custos/platform/secret.hpp"
#include "custos/vault/audit_trail.hpp"

namespace custos::vault {

struct AgentOptions {
  std::int64_t heartbeat_seconds = 60;     // how often agents report
  std::int64_t silent_after_missed = 3;    // missed heartbeats before an agent is silent
  std::int64_t max_token_seconds = 30 * 86400;
  std::size_t max_batch = 1000;            // events per request
};

struct NewToken {
  Secret token;  // shown once
  EnrollmentToken stored;
};

struct Enrollment {
  Agent agent;
  Secret credential;  // shown once, to the enrolling workstation
};

// What an agent reports with each heartbeat.
struct AgentStatus {
  std::string machine_id;
  std::int64_t policy_version = 0;
  std::int64_t outbox_depth = 0;
  std::string agent_version;
};

struct HeartbeatAnswer {
  std::int64_t policy_version = 0;     // the newest policy version there is (0: none)
  std::int64_t heartbeat_seconds = 0;
};

struct EventBatchResult {
  std::int64_t stored = 0;     // new events
  std::int64_t duplicates = 0; // resends of events already stored
  std::vector<std::int64_t> acknowledged;  // every seq of the batch, now durable
};

enum class AgentState : std::uint8_t { active, silent, never_seen, revoked };
std::string_view to_string(AgentState state) noexcept;

class AgentService {
 public:
  AgentService(Store& store, AuditSink& audit, AgentOptions options = {});

  Result<NewToken> create_token(const Principal& by, std::string_view department, std::int64_t ttl_seconds,
                                std::int64_t uses, const Origin& origin);
  // No session: the token is the authority. Refusals are audited here.
  Result<Enrollment> enroll(const Secret& token, std::string_view hostname, std::string_view machine_id,
                            const Origin& origin);

  // The agent a credential belongs to; unauthenticated when none,
  // permission_denied when it is revoked.
  Result<Agent> authenticate(const Secret& credential);

  Result<HeartbeatAnswer> heartbeat(const Agent& agent, const AgentStatus& status, const Origin& origin);
  // The newest signed policy bundle of the agent's department: (version, bundle).
  Result<std::pair<std::int64_t, std::string>> policy(const Agent& agent, const Origin& origin);
  Result<EventBatchResult> accept_events(const Agent& agent, std::vector<AgentEvent> events, const Origin& origin);

  Result<std::vector<Agent>> list(const Principal& by, const Origin& origin);
  Result<Agent> show(const Principal& by, std::string_view name, const Origin& origin);
  Result<Agent> revoke(const Principal& by, std::string_view name, const Origin& origin);
  // Events of one agent, for the IT engineer.
  Result<std::vector<AgentEvent>> events(const Principal& by, std::string_view name, std::int64_t after_seq,
                                         std::size_t limit, const Origin& origin);

  AgentState state_of(const Agent& agent, UnixSeconds now) const;
  // The job: raises every agent that has just gone silent, once. Returns their names.
  Result<std::vector<std::string>> raise_silent(const Origin& origin);

  const AgentOptions& options() const noexcept { return options_; }

  // SHA-256 (hex) of an event's content, as stored in `digest`.
  static std::string event_digest(const AgentEvent& event);

 private:
  Result<Agent> find(Transaction& tx, std::string_view name);

  Store& store_;
  AuditSink& audit_;
  AgentOptions options_;
};

}  // namespace custos::vault
