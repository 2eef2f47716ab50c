// Workstation agents as the vault keeps them (docs/agent.md): the tokens an
// IT engineer makes for enrolling, the enrolled agents with their own
// credential (stored only as a hash), their last heartbeat, and the events
// they send, kept once per (agent, sequence).
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "custos/vault/model.hpp"

namespace custos::vault {

struct EnrollmentToken {
  std::string token_hash;          // SHA-256 of the token, hex
  Id department_id = 0;
  std::string department;
  Id created_by = 0;
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;
  std::int64_t uses_left = 1;      // a rollout token may enroll several machines
};

struct Agent {
  Id id = 0;
  std::string name;                // "agent-<id>"
  std::string hostname;            // as the machine reported it at enrollment
  std::string machine_id;          // /etc/machine-id at enrollment
  Id department_id = 0;
  std::string department;
  std::string credential_hash;     // SHA-256 of the credential, hex
  UnixSeconds enrolled_at = 0;
  std::optional<UnixSeconds> last_seen_at;
  std::string last_source;         // the address of its last request
  std::int64_t policy_version = 0; // the policy version it reported applying
  std::int64_t outbox_depth = 0;   // events it reported still to send
  std::string agent_version;
  std::optional<UnixSeconds> revoked_at;
  std::string revoked_by_name;
  std::optional<UnixSeconds> silent_since;  // set when raised as silent; cleared by its next heartbeat
  std::int64_t last_event_seq = 0; // the highest sequence received
  std::int64_t events = 0;         // events received
};

// One event as an agent sends it. `detail` is a JSON object (text).
struct AgentEvent {
  Id agent_id = 0;
  std::int64_t seq = 0;            // the agent's own, from 1, never reused
  UnixSeconds time = 0;            // when it happened on the workstation
  std::string kind;                // e.g. "device.decision", "agent.gap"
  std::string severity;            // "info" | "warning" | "critical"
  std::string detail;
  std::string digest;              // SHA-256 of (kind, severity, time, detail), hex: tells a resend from a clash
  UnixSeconds received_at = 0;
};

}  // namespace custos::vault
