#include "custos/vault/agent_service.hpp"

#include <algorithm>
#include <charconv>

#include "custos/platform/encoding.hpp"
#include "custos/platform/hash.hpp"
#include "custos/platform/json_text.hpp"

namespace custos::vault {
namespace {

constexpr std::string_view kTokenPrefix = "cet_";       // custos enrollment token
constexpr std::string_view kCredentialPrefix = "cag_";  // custos agent credential
constexpr std::size_t kSecretBytes = 32;

std::string secret_hash(const Secret& secret) { return hex_encode(sha256(secret.unsafe_bytes())); }

// A prefixed random secret: PREFIX + 64 hex digits, built in locked memory.
Secret new_secret(std::string_view prefix) {
  auto random = Secret::random(kSecretBytes);
  Secret out(prefix.size() + kSecretBytes * 2);
  auto bytes = out.unsafe_bytes();
  std::copy(prefix.begin(), prefix.end(), bytes.begin());
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t at = prefix.size();
  for (const auto b : random.unsafe_bytes()) {
    bytes[at++] = static_cast<std::uint8_t>(kHex[b >> 4]);
    bytes[at++] = static_cast<std::uint8_t>(kHex[b & 15]);
  }
  return out;
}

bool well_formed(const Secret& secret, std::string_view prefix) {
  const auto text = secret.unsafe_view();
  return text.size() == prefix.size() + kSecretBytes * 2 && text.starts_with(prefix);
}

std::string target_of(const Agent& agent) { return "agent:" + agent.name; }

bool printable(std::string_view text, std::size_t max) {
  return !text.empty() && text.size() <= max && is_printable_text(text);
}

}  // namespace

std::string_view to_string(AgentState state) noexcept {
  switch (state) {
    case AgentState::active: return "active";
    case AgentState::silent: return "silent";
    case AgentState::never_seen: return "never_seen";
    case AgentState::revoked: return "revoked";
  }
  return "unknown";
}

AgentService::AgentService(Store& store, AuditSink& audit, AgentOptions options)
    : store_(store), audit_(audit), options_(options) {}

std::string AgentService::event_digest(const AgentEvent& e) {
  // Length-prefixed fields: no two different events share the bytes. Built
  // in one buffer without temporaries (once per event of every batch).
  char time[24];
  const auto time_end = std::to_chars(time, time + sizeof time, e.time).ptr;
  const std::string_view parts[] = {e.kind, e.severity, std::string_view(time, static_cast<std::size_t>(time_end - time)),
                                    e.detail};
  std::string text;
  text.reserve(e.kind.size() + e.severity.size() + e.detail.size() + 64);
  for (const auto part : parts) {
    char length[24];
    const auto length_end = std::to_chars(length, length + sizeof length, part.size()).ptr;
    text.append(length, length_end).append(1, ':').append(part).append(1, ';');
  }
  return hex_encode(sha256(text));
}

Result<NewToken> AgentService::create_token(const Principal& by, std::string_view department, std::int64_t ttl_seconds,
                                            std::int64_t uses, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::agent_token_create));
  if (ttl_seconds < 60 || ttl_seconds > options_.max_token_seconds) {
    return fail(ErrorCode::invalid_argument, "a token lives from 1 minute to " +
                                                 std::to_string(options_.max_token_seconds / 86400) + " days");
  }
  if (uses < 1 || uses > 10000) return fail(ErrorCode::invalid_argument, "a token allows 1 to 10000 enrollments");
  NewToken out{new_secret(kTokenPrefix), {}};
  auto stored = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<EnrollmentToken> {
    auto dept = tx.department_by_name(department);
    if (!dept) return fail(dept.error());
    EnrollmentToken token{secret_hash(out.token), dept->id, dept->name, by.user.id, origin.now,
                          origin.now + ttl_seconds, uses};
    CUSTOS_TRY_VOID(tx.insert_enrollment_token(token));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::agent_token_create, "department:" + dept->name,
                                   "{\"expires_at\":\"" + format_rfc3339(token.expires_at) + "\",\"uses\":" +
                                       std::to_string(uses) + ",\"token_sha256\":\"" + token.token_hash.substr(0, 16) +
                                       "\"}"));
    return token;
  });
  if (!stored) return fail(stored.error());
  out.stored = std::move(*stored);
  return out;
}

Result<Enrollment> AgentService::enroll(const Secret& token, std::string_view hostname, std::string_view machine_id,
                                        const Origin& origin) {
  // Refusals are audited by the caller (the API records every refusal).
  auto refuse = [](Error error) -> Result<Enrollment> { return fail(std::move(error)); };
  if (!printable(hostname, 253) || !printable(machine_id, 128)) {
    return refuse(Error{ErrorCode::invalid_argument, "hostname and machine id must be printable text"});
  }
  if (!well_formed(token, kTokenPrefix)) {
    return refuse(Error{ErrorCode::unauthenticated, "that is not an enrollment token (it starts with cet_)"});
  }
  Enrollment out{{}, new_secret(kCredentialPrefix)};
  auto made = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<Agent> {
    auto used = tx.use_enrollment_token(secret_hash(token), origin.now);
    if (!used) {
      if (used.error().code == ErrorCode::not_found) {
        return fail(ErrorCode::unauthenticated, "the enrollment token is not valid");
      }
      return fail(used.error());
    }
    Agent agent;
    agent.hostname = std::string(hostname);
    agent.machine_id = std::string(machine_id);
    agent.department_id = used->department_id;
    agent.credential_hash = secret_hash(out.credential);
    agent.enrolled_at = origin.now;
    auto inserted = tx.insert_agent(agent);
    if (!inserted) return fail(inserted.error());
    CUSTOS_TRY_VOID(append_allowed(tx, origin, nullptr, Action::agent_enroll, target_of(*inserted),
                                   "{\"department\":\"" + json_escape(inserted->department) + "\",\"hostname\":\"" +
                                       json_escape(hostname) + "\",\"machine_id\":\"" + json_escape(machine_id) +
                                       "\",\"token_sha256\":\"" + used->token_hash.substr(0, 16) + "\"}"));
    return inserted;
  });
  if (!made) return refuse(made.error());
  out.agent = std::move(*made);
  return out;
}

Result<Agent> AgentService::authenticate(const Secret& credential) {
  const Error invalid{ErrorCode::unauthenticated, "the agent credential is not valid; enroll the workstation again"};
  if (!well_formed(credential, kCredentialPrefix)) return fail(invalid);
  auto agent = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.agent_by_credential(secret_hash(credential)); });
  if (!agent) return agent.error().code == ErrorCode::not_found ? fail(invalid) : fail(agent.error());
  if (agent->revoked_at) {
    return fail(ErrorCode::permission_denied, agent->name + " has been revoked; an IT engineer must enroll it again");
  }
  return agent;
}

Result<HeartbeatAnswer> AgentService::heartbeat(const Agent& agent, const AgentStatus& status, const Origin& origin) {
  // A credential used from another machine: a copied state folder. The
  // clash is recorded and the request refused; the IT engineer decides.
  if (!status.machine_id.empty() && status.machine_id != agent.machine_id) {
    Error clash{ErrorCode::conflict, agent.name + " was enrolled on another machine; its credential has been copied"};
    CUSTOS_TRY_VOID(audit_.record(make_audit(origin, nullptr, Action::agent_heartbeat, target_of(agent),
                                             Outcome::refused, "conflict",
                                             "{\"machine_id\":\"" + json_escape(status.machine_id) + "\"}")));
    return fail(std::move(clash));
  }
  if (status.agent_version.size() > 64 || status.policy_version < 0 || status.outbox_depth < 0) {
    return fail(ErrorCode::invalid_argument, "a heartbeat's version is at most 64 bytes; counts are not negative");
  }
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<HeartbeatAnswer> {
    CUSTOS_TRY_VOID(tx.record_heartbeat(agent.id, origin.now, origin.source, status.policy_version,
                                        status.outbox_depth, status.agent_version));
    HeartbeatAnswer answer{0, options_.heartbeat_seconds};
    auto policy = tx.latest_policy();
    if (policy) {
      answer.policy_version = policy->version;
    } else if (policy.error().code != ErrorCode::not_found) {
      return fail(policy.error());
    }
    // A heartbeat after silence is worth a record; the others are not.
    if (agent.silent_since) {
      CUSTOS_TRY_VOID(append_allowed(tx, origin, nullptr, Action::agent_heartbeat, target_of(agent),
                                     "{\"back_after_silence\":true}"));
    } else {
      CUSTOS_TRY_VOID(append_allowed(tx, origin, nullptr, Action::agent_heartbeat, target_of(agent),
                                     "{\"policy_version\":" + std::to_string(status.policy_version) +
                                         ",\"outbox_depth\":" + std::to_string(status.outbox_depth) + "}"));
    }
    return answer;
  });
}

Result<std::pair<std::int64_t, std::string>> AgentService::policy(const Agent& agent, const Origin& origin) {
  auto found = transact(store_, TxMode::read, [&](Transaction& tx) -> Result<std::pair<std::int64_t, std::string>> {
    auto latest = tx.latest_policy();
    if (!latest) return fail(latest.error());
    auto bundle = tx.policy_bundle(latest->version, agent.department);
    if (!bundle) return fail(bundle.error());
    return std::pair<std::int64_t, std::string>(latest->version, std::move(*bundle));
  });
  if (!found) return found;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, nullptr, Action::agent_policy, target_of(agent), Outcome::allowed,
                                           "ok", "{\"version\":" + std::to_string(found->first) + "}")));
  return found;
}

Result<EventBatchResult> AgentService::accept_events(const Agent& agent, std::vector<AgentEvent> events,
                                                     const Origin& origin) {
  if (events.empty()) return EventBatchResult{};
  if (events.size() > options_.max_batch) {
    return fail(ErrorCode::too_large, "at most " + std::to_string(options_.max_batch) + " events per request");
  }
  for (auto& e : events) {
    if (e.seq <= 0) return fail(ErrorCode::invalid_argument, "event sequences start at 1");
    if (e.severity != "info" && e.severity != "warning" && e.severity != "critical") {
      return fail(ErrorCode::invalid_argument, "an event's severity is info, warning or critical");
    }
    if (!printable(e.kind, 64) || e.detail.size() > 16384 || !is_valid_utf8(e.detail)) {
      return fail(ErrorCode::invalid_argument, "an event needs a kind (≤ 64 bytes) and a detail of ≤ 16 KiB UTF-8");
    }
    e.agent_id = agent.id;
    e.received_at = origin.now;
    e.digest = event_digest(e);
  }
  EventBatchResult result;
  Sha256 batch;
  bool only_resends = false;
  auto stored = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<EventBatchResult> {
    std::int64_t last_stored = 0;
    for (const auto& e : events) {
      std::string existing;
      auto inserted = tx.insert_agent_event(e, existing);
      if (!inserted) return fail(inserted.error());
      if (*inserted) {
        ++result.stored;
        last_stored = std::max(last_stored, e.seq);
        batch.update(as_bytes(std::string_view(e.digest)));
      } else if (existing == e.digest) {
        ++result.duplicates;
      } else {
        return fail(ErrorCode::conflict, agent.name + " sent a different event under sequence " +
                                             std::to_string(e.seq) + ": two machines share its identity");
      }
      result.acknowledged.push_back(e.seq);
    }
    // Resends alone change nothing: roll back, nothing to record.
    if (result.stored == 0) {
      only_resends = true;
      return fail(ErrorCode::already_exists, "only resends");
    }
    CUSTOS_TRY_VOID(tx.count_agent_events(agent.id, result.stored, last_stored));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, nullptr, Action::agent_events, target_of(agent),
                                   "{\"stored\":" + std::to_string(result.stored) + ",\"first_seq\":" +
                                       std::to_string(events.front().seq) + ",\"last_seq\":" +
                                       std::to_string(events.back().seq) + ",\"batch_sha256\":\"" +
                                       hex_encode(batch.finish()) + "\"}"));
    return result;
  });
  if (!stored && only_resends) return result;
  return stored;
}

Result<Agent> AgentService::find(Transaction& tx, std::string_view name) {
  // By its name ("agent-7"), or by its bare id ("7").
  auto agent = tx.agent_by_name(name);
  if (!agent && agent.error().code == ErrorCode::not_found) {
    Id id = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (ec == std::errc() && end == name.data() + name.size() && id > 0) agent = tx.agent_by_id(id);
  }
  if (!agent && agent.error().code == ErrorCode::not_found) {
    return fail(ErrorCode::not_found, "no agent named " + std::string(name) + " (custos agent list shows them)");
  }
  return agent;
}

AgentState AgentService::state_of(const Agent& agent, UnixSeconds now) const {
  if (agent.revoked_at) return AgentState::revoked;
  if (!agent.last_seen_at) {
    // Enrolled but never heard from: silent once the grace has passed too.
    return agent.enrolled_at + options_.heartbeat_seconds * options_.silent_after_missed < now ? AgentState::silent
                                                                                              : AgentState::never_seen;
  }
  return *agent.last_seen_at + options_.heartbeat_seconds * options_.silent_after_missed < now ? AgentState::silent
                                                                                              : AgentState::active;
}

Result<std::vector<Agent>> AgentService::list(const Principal& by, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::agent_list));
  auto all = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.list_agents(); });
  if (!all) return all;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::agent_list, "agents", Outcome::allowed, "ok",
                                           "{\"count\":" + std::to_string(all->size()) + "}")));
  return all;
}

Result<Agent> AgentService::show(const Principal& by, std::string_view name, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::agent_list));
  auto agent = transact(store_, TxMode::read, [&](Transaction& tx) { return find(tx, name); });
  if (!agent) return agent;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::agent_list, target_of(*agent), Outcome::allowed, "ok")));
  return agent;
}

Result<Agent> AgentService::revoke(const Principal& by, std::string_view name, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::agent_revoke));
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<Agent> {
    auto agent = find(tx, name);
    if (!agent) return agent;
    CUSTOS_TRY_VOID(tx.revoke_agent(agent->id, by.user.id, origin.now));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::agent_revoke, target_of(*agent)));
    return tx.agent_by_id(agent->id);
  });
}

Result<std::vector<AgentEvent>> AgentService::events(const Principal& by, std::string_view name,
                                                     std::int64_t after_seq, std::size_t limit, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::agent_list));
  auto found = transact(store_, TxMode::read, [&](Transaction& tx) -> Result<std::vector<AgentEvent>> {
    auto agent = find(tx, name);
    if (!agent) return fail(agent.error());
    return tx.agent_events(agent->id, after_seq, std::clamp<std::size_t>(limit, 1, 1000));
  });
  if (!found) return found;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::agent_list, "agent:" + std::string(name),
                                           Outcome::allowed, "ok",
                                           "{\"events\":" + std::to_string(found->size()) + "}")));
  return found;
}

Result<std::vector<std::string>> AgentService::raise_silent(const Origin& origin) {
  auto all = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.list_agents(); });
  if (!all) return fail(all.error());
  std::vector<std::string> raised;
  for (const auto& agent : *all) {
    if (agent.silent_since || state_of(agent, origin.now) != AgentState::silent) continue;
    const auto since = agent.last_seen_at.value_or(agent.enrolled_at);
    CUSTOS_TRY_VOID(transact(store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
      CUSTOS_TRY_VOID(tx.mark_agent_silent(agent.id, origin.now));
      return append_allowed(tx, origin, nullptr, Action::agent_silent, target_of(agent),
                            "{\"last_seen_at\":\"" + format_rfc3339(since) + "\",\"hostname\":\"" +
                                json_escape(agent.hostname) + "\"}");
    }));
    raised.push_back(agent.name);
  }
  return raised;
}

}  // namespace custos::vault
