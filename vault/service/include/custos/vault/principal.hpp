// Who is asking and from where, and the role table that says which roles may
// ask for which action at all. Object-level rules (same department, a live
// grant) are checked by each service on top of this table.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "custos/vault/model.hpp"

namespace custos::vault {

// The request a decision is about: its id (echoed in errors and the audit
// log), the client's address and the time the decision is made at.
struct Origin {
  std::string request_id;
  std::string source;
  UnixSeconds now = 0;
  // The enrolled workstation the request came through, once agents exist
  // (the agent issue fills this in from the agent's credential).
  std::string agent_id;
};

// An authenticated user and the session they authenticated with.
struct Principal {
  User user;
  std::string token_hash;
};

// Every action the API offers. The wire/audit name is `to_string(action)`.
enum class Action : std::uint8_t {
  session_login, session_logout, whoami, password_change,
  user_create, user_list, user_disable, user_reset_password,
  department_create, department_list,
  document_upload, document_list, document_show, document_content,
  grant_create, grant_list, grant_revoke, grant_list_mine,
  audit_list,
  policy_apply, policy_show, policy_history, policy_bundle,
  log_head, log_proof, log_entries, audit_hash,
  destruction_request, destruction_list, document_destroy, destruction_refuse,
  register_lending,
  register_destruction,
  records_import, records_list, records_fix, records_export, records_screen, records_cases, records_case_clear,
  records_channel_set, records_channel_list,
  agent_token_create, agent_enroll, agent_list, agent_revoke, agent_heartbeat, agent_events, agent_policy,
  agent_silent,
  document_view_check,
  print_request, print_list, print_approve, print_refuse, print_start, print_complete, print_abort, print_receive,
  print_account, print_trace,
};
std::string_view to_string(Action action) noexcept;

// The roles that may take `action` at all; an empty set means any
// authenticated user. `session_login` needs no session.
RoleSet permitted_roles(Action action);

// Fails with permission_denied (naming the roles that may) unless one of the
// principal's roles is permitted.
Result<void> require_role(const Principal& principal, Action action);

}  // namespace custos::vault
