#include "custos/vault/principal.hpp"

#include <array>

namespace custos::vault {
namespace {

struct ActionRule {
  std::string_view name;
  RoleSet roles;  // empty: any authenticated user
};

// The role table of docs/api.md ("Who may call what"). The IT engineer and
// the auditor are never given customer content: no document actions.
const std::array<ActionRule, 61>& rules() {
  using R = Role;
  static const std::array<ActionRule, 61> table = {{
      {"session.login", {}},
      {"session.logout", {}},
      {"session.whoami", {}},
      {"user.password_change", {}},
      {"user.create", {R::it_engineer}},
      {"user.list", {R::it_engineer, R::auditor}},
      {"user.disable", {R::it_engineer}},
      {"user.reset_password", {R::it_engineer}},
      {"department.create", {R::it_engineer}},
      {"department.list", {}},
      {"document.upload", {R::project_lead}},
      {"document.list", {R::project_lead, R::dept_manager, R::general_manager}},
      {"document.show", {R::project_lead, R::dept_manager, R::general_manager, R::info_clerk}},
      {"document.content", {R::project_lead, R::info_clerk}},
      {"grant.create", {R::project_lead}},
      {"grant.list", {R::project_lead}},
      {"grant.revoke", {R::project_lead}},
      {"grant.list_mine", {}},
      {"audit.list", {R::auditor}},
      {"policy.apply", {R::it_engineer}},
      {"policy.show", {R::it_engineer, R::auditor, R::dept_manager}},
      {"policy.history", {R::it_engineer, R::auditor}},
      // Agents fetch their bundle with their own credential (agent issue);
      // until then any signed-in user may read a bundle: it is signed and
      // holds no customer information.
      {"policy.bundle", {}},
      // The log's heads and proofs hold hashes only; its entries hold who
      // did what (keyed hashes in place of customer values).
      {"log.head", {R::auditor, R::it_engineer}},
      {"log.proof", {R::auditor}},
      {"log.entries", {R::auditor}},
      {"audit.hash", {R::auditor}},
      // Destruction: a clerk may ask for it (with a live grant on the
      // document), only a project lead decides; the auditor reads the
      // requests and their decisions (no customer content).
      {"destruction.request", {R::project_lead, R::info_clerk}},
      {"destruction.list", {R::project_lead, R::auditor}},
      {"document.destroy", {R::project_lead}},
      {"destruction.refuse", {R::project_lead}},
      // The lending register names staff and documents (no titles): the
      // auditor reads every department's, a department's manager and
      // project leads their own (RegisterService narrows it).
      {"register.lending", {R::auditor, R::dept_manager, R::project_lead}},
      // The destruction register: the same readers (the requests and their
      // decisions, no titles), narrowed the same way.
      {"register.destruction", {R::auditor, R::dept_manager, R::project_lead}},
      // Customer records (RecordsService narrows to the department): clerks
      // enter and correct them; managers read them masked and run the
      // screening; the auditor reads the suspicious cases (masked values)
      // and who handles them, never the records.
      {"records.import", {R::info_clerk}},
      {"records.list", {R::info_clerk, R::dept_manager, R::general_manager}},
      {"records.fix", {R::info_clerk}},
      {"records.export", {R::info_clerk, R::dept_manager, R::general_manager}},
      {"records.screen", {R::dept_manager, R::general_manager}},
      // Channel staff of any role may be assigned cases, so all but the IT
      // engineer may list them; clearing is the assignee's or a manager's.
      {"records.cases", {R::project_lead, R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
      {"records.case_clear", {R::project_lead, R::info_clerk, R::dept_manager, R::general_manager}},
      {"records.channel_set", {R::dept_manager, R::general_manager}},
      {"records.channel_list", {R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
      // Workstation agents: the IT engineer enrolls and revokes them, the
      // auditor may see them. Enrolling needs a token, not a session; the
      // agent's own calls carry its credential, not a user's session, and
      // are refused to every user (no role is given them here).
      {"agent.token_create", {R::it_engineer}},
      {"agent.enroll", {}},
      {"agent.list", {R::it_engineer, R::auditor}},
      {"agent.revoke", {R::it_engineer}},
      {"agent.heartbeat", {}},
      {"agent.events", {}},
      {"agent.policy", {}},
      {"agent.silent", {}},
      // An open viewer asks, every few seconds, whether its grant still
      // holds (with the user's session and the agent's credential, like
      // the content itself); nothing is released, so only refusals are
      // recorded.
      {"document.view_check", {R::project_lead, R::info_clerk}},
      // Controlled printing (PrintService narrows each to the department,
      // the requester, a live grant and an enrolled workstation): a holder
      // of a grant asks, a department manager who did not ask decides and
      // accounts for the copies coming back; the requester prints through
      // the agent and signs for the copies; a printout found anywhere is
      // traced by managers and the auditor.
      {"print.request", {R::info_clerk, R::project_lead}},
      {"print.list", {R::info_clerk, R::project_lead, R::dept_manager, R::general_manager, R::auditor}},
      {"print.approve", {R::dept_manager}},
      {"print.refuse", {R::dept_manager}},
      {"print.start", {R::info_clerk, R::project_lead}},
      {"print.complete", {R::info_clerk, R::project_lead}},
      {"print.abort", {R::info_clerk, R::project_lead}},
      {"print.receive", {R::info_clerk, R::project_lead}},
      {"print.account", {R::dept_manager}},
      {"print.trace", {R::dept_manager, R::general_manager, R::auditor}},
  }};
  return table;
}

}  // namespace

std::string_view to_string(Action action) noexcept {
  const auto index = static_cast<std::size_t>(action);
  return index < rules().size() ? rules()[index].name : std::string_view("unknown");
}

RoleSet permitted_roles(Action action) {
  const auto index = static_cast<std::size_t>(action);
  return index < rules().size() ? rules()[index].roles : RoleSet{};
}

Result<void> require_role(const Principal& principal, Action action) {
  // An action outside the table is permitted to nobody.
  if (static_cast<std::size_t>(action) >= rules().size()) {
    return fail(ErrorCode::permission_denied, "unknown action");
  }
  const auto allowed = permitted_roles(action);
  if (allowed.empty() || principal.user.roles.intersects(allowed)) return ok();
  std::string who;
  for (auto role : allowed.list()) {
    if (!who.empty()) who += ", ";
    who += to_string(role);
  }
  if (who.empty()) who = "nobody";
  return fail(ErrorCode::permission_denied,
              std::string(to_string(action)) + " is for: " + who);
}

}  // namespace custos::vault
