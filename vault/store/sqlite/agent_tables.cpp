#include "sqlite/agent_tables.hpp"

#include "sqlite/rows.hpp"

namespace custos::vault::sqlite {
namespace {

constexpr const char* kAgentColumns =
    "SELECT a.id, a.name, a.hostname, a.machine_id, a.department_id, d.name, a.credential_hash, a.enrolled_at, "
    "a.last_seen_at, a.last_source, a.policy_version, a.outbox_depth, a.agent_version, a.revoked_at, "
    "COALESCE(u.name, ''), a.silent_since, a.last_event_seq, a.events FROM agents a "
    "JOIN departments d ON d.id = a.department_id LEFT JOIN users u ON u.id = a.revoked_by ";

Agent read_agent(const Statement& s) {
  Agent a;
  a.id = s.integer(0);
  a.name = s.text(1);
  a.hostname = s.text(2);
  a.machine_id = s.text(3);
  a.department_id = s.integer(4);
  a.department = s.text(5);
  a.credential_hash = s.text(6);
  a.enrolled_at = s.integer(7);
  a.last_seen_at = optional_integer(s, 8);
  a.last_source = s.text(9);
  a.policy_version = s.integer(10);
  a.outbox_depth = s.integer(11);
  a.agent_version = s.text(12);
  a.revoked_at = optional_integer(s, 13);
  a.revoked_by_name = s.text(14);
  a.silent_since = optional_integer(s, 15);
  a.last_event_seq = s.integer(16);
  a.events = s.integer(17);
  return a;
}

}  // namespace

Result<void> AgentTables::insert_token(const EnrollmentToken& t) {
  TRY_STMT(s, db_.prepare("INSERT INTO enrollment_tokens (token_hash, department_id, created_by, created_at, "
                          "expires_at, uses_left) VALUES (?, ?, ?, ?, ?, ?)"));
  s.bind(1, t.token_hash).bind(2, t.department_id).bind(3, t.created_by).bind(4, t.created_at)
      .bind(5, t.expires_at).bind(6, t.uses_left);
  return s.run();
}

Result<EnrollmentToken> AgentTables::use_token(std::string_view token_hash, UnixSeconds now) {
  auto stmt = db_.prepare(
      "SELECT t.token_hash, t.department_id, d.name, t.created_by, t.created_at, t.expires_at, t.uses_left "
      "FROM enrollment_tokens t JOIN departments d ON d.id = t.department_id WHERE t.token_hash = ?");
  if (stmt) stmt->bind(1, token_hash);
  auto token = one_row(std::move(stmt), [](const Statement& st) {
    return EnrollmentToken{st.text(0), st.integer(1), st.text(2), st.integer(3), st.integer(4), st.integer(5),
                           st.integer(6)};
  }, "no such enrollment token");
  if (!token) return token;
  if (token->expires_at <= now) return fail(ErrorCode::expired, "the enrollment token has expired; ask for a new one");
  if (token->uses_left <= 0) return fail(ErrorCode::expired, "the enrollment token has been used; ask for a new one");
  TRY_STMT(s, db_.prepare("UPDATE enrollment_tokens SET uses_left = uses_left - 1 WHERE token_hash = ?"));
  s.bind(1, token_hash);
  CUSTOS_TRY_VOID(s.run());
  return token;
}

Result<Agent> AgentTables::insert_agent(const Agent& a) {
  TRY_STMT(s, db_.prepare(
      "INSERT INTO agents (name, hostname, machine_id, department_id, credential_hash, enrolled_at) "
      "VALUES ('agent-' || (SELECT COALESCE(MAX(id), 0) + 1 FROM agents), ?, ?, ?, ?, ?)"));
  s.bind(1, a.hostname).bind(2, a.machine_id).bind(3, a.department_id).bind(4, a.credential_hash)
      .bind(5, a.enrolled_at);
  CUSTOS_TRY_VOID(s.run());
  return agent_by_id(db_.last_insert_rowid());
}

Result<Agent> AgentTables::agent_by_id(Id agent) {
  static const std::string sql = std::string(kAgentColumns) + "WHERE a.id = ?";
  auto stmt = db_.prepare(sql.c_str());
  if (stmt) stmt->bind(1, agent);
  return one_row(std::move(stmt), read_agent, "no such agent");
}

Result<Agent> AgentTables::agent_by_name(std::string_view name) {
  static const std::string sql = std::string(kAgentColumns) + "WHERE a.name = ?";
  auto stmt = db_.prepare(sql.c_str());
  if (stmt) stmt->bind(1, name);
  return one_row(std::move(stmt), read_agent, "no such agent");
}

Result<Agent> AgentTables::agent_by_credential(std::string_view credential_hash) {
  static const std::string sql = std::string(kAgentColumns) + "WHERE a.credential_hash = ?";
  auto stmt = db_.prepare(sql.c_str());
  if (stmt) stmt->bind(1, credential_hash);
  return one_row(std::move(stmt), read_agent, "no such agent");
}

Result<std::vector<Agent>> AgentTables::list_agents() {
  static const std::string sql = std::string(kAgentColumns) + "ORDER BY a.id";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  return all_rows(s, read_agent);
}

Result<void> AgentTables::record_heartbeat(Id agent, UnixSeconds now, std::string_view source,
                                           std::int64_t policy_version, std::int64_t outbox_depth,
                                           std::string_view agent_version) {
  TRY_STMT(s, db_.prepare("UPDATE agents SET last_seen_at = ?, last_source = ?, policy_version = ?, outbox_depth = ?, "
                          "agent_version = ?, silent_since = NULL WHERE id = ?"));
  s.bind(1, now).bind(2, source).bind(3, policy_version).bind(4, outbox_depth).bind(5, agent_version).bind(6, agent);
  return s.run();
}

Result<void> AgentTables::revoke_agent(Id agent, Id by, UnixSeconds now) {
  TRY_STMT(s, db_.prepare("UPDATE agents SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL"));
  s.bind(1, now).bind(2, by).bind(3, agent);
  CUSTOS_TRY_VOID(s.run());
  if (db_.changes() == 1) return ok();
  CUSTOS_TRY_VOID(agent_by_id(agent));
  return fail(ErrorCode::conflict, "the agent is revoked already");
}

Result<void> AgentTables::mark_silent(Id agent, UnixSeconds since) {
  TRY_STMT(s, db_.prepare("UPDATE agents SET silent_since = ? WHERE id = ?"));
  s.bind(1, since).bind(2, agent);
  return s.run();
}

Result<bool> AgentTables::insert_event(const AgentEvent& e, std::string& existing_digest) {
  TRY_STMT(s, db_.prepare("INSERT OR IGNORE INTO agent_events (agent_id, seq, time, kind, severity, detail, digest, "
                          "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  s.bind(1, e.agent_id).bind(2, e.seq).bind(3, e.time).bind(4, e.kind).bind(5, e.severity).bind(6, e.detail)
      .bind(7, e.digest).bind(8, e.received_at);
  CUSTOS_TRY_VOID(s.run());
  if (db_.changes() == 1) return true;
  auto stmt = db_.prepare("SELECT digest FROM agent_events WHERE agent_id = ? AND seq = ?");
  if (stmt) stmt->bind(1, e.agent_id).bind(2, e.seq);
  auto digest = one_row(std::move(stmt), [](const Statement& st) { return st.text(0); }, "no such event");
  if (!digest) return fail(digest.error());
  existing_digest = std::move(*digest);
  return false;
}

Result<void> AgentTables::count_events(Id agent, std::int64_t stored, std::int64_t last_seq) {
  // Once per batch, not per event: the agent's row is rewritten once.
  TRY_STMT(u, db_.prepare("UPDATE agents SET events = events + ?, last_event_seq = MAX(last_event_seq, ?) WHERE id = ?"));
  u.bind(1, stored).bind(2, last_seq).bind(3, agent);
  return u.run();
}

Result<std::vector<AgentEvent>> AgentTables::events(Id agent, std::int64_t after_seq, std::size_t limit) {
  TRY_STMT(s, db_.prepare("SELECT agent_id, seq, time, kind, severity, detail, digest, received_at FROM agent_events "
                          "WHERE agent_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
  s.bind(1, agent).bind(2, after_seq).bind(3, static_cast<std::int64_t>(limit));
  return all_rows(s, [](const Statement& st) {
    return AgentEvent{st.integer(0), st.integer(1), st.integer(2), st.text(3), st.text(4), st.text(5), st.text(6),
                      st.integer(7)};
  });
}

}  // namespace custos::vault::sqlite
