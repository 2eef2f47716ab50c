// The workstation-agent tables of the SQLite store (migration 6): what
// SqliteTransaction's agent methods run. Each call runs inside the caller's
// transaction.
//
// Thread-safety: as the Database it is given (one transaction at a time).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "custos/vault/agent_model.hpp"
#include "sqlite/database.hpp"

namespace custos::vault::sqlite {

class AgentTables {
 public:
  explicit AgentTables(Database& db) : db_(db) {}

  Result<void> insert_token(const EnrollmentToken& token);
  Result<EnrollmentToken> use_token(std::string_view token_hash, UnixSeconds now);
  Result<Agent> insert_agent(const Agent& agent);
  Result<Agent> agent_by_id(Id agent);
  Result<Agent> agent_by_name(std::string_view name);
  Result<Agent> agent_by_credential(std::string_view credential_hash);
  Result<std::vector<Agent>> list_agents();
  Result<void> record_heartbeat(Id agent, UnixSeconds now, std::string_view source, std::int64_t policy_version,
                                std::int64_t outbox_depth, std::string_view agent_version);
  Result<void> revoke_agent(Id agent, Id by, UnixSeconds now);
  Result<void> mark_silent(Id agent, UnixSeconds since);
  Result<bool> insert_event(const AgentEvent& event, std::string& existing_digest);
  Result<void> count_events(Id agent, std::int64_t stored, std::int64_t last_seq);
  Result<std::vector<AgentEvent>> events(Id agent, std::int64_t after_seq, std::size_t limit);

 private:
  Database& db_;
};

}  // namespace custos::vault::sqlite
