#include "custos/vault/grant_service.hpp"

namespace custos::vault {

GrantService::GrantService(Store& store, AuditSink& audit, GrantLimits limits)
    : store_(store), audit_(audit), limits_(limits) {}

Result<Document> GrantService::lead_document(Transaction& tx, const Principal& by, Id id) {
  auto doc = tx.document_by_id(id);
  if (!doc || doc->state != DocumentState::active) return fail(ErrorCode::not_found, "no such document");
  if (doc->department_id != by.user.department_id) {
    return fail(ErrorCode::permission_denied, "document " + std::to_string(id) + " belongs to department '" +
                                                  doc->department + "', not yours");
  }
  return doc;
}

Result<Grant> GrantService::grant(const Principal& by, Id document, std::string_view grantee, UnixSeconds until,
                                  const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::grant_create));
  if (until <= origin.now) return fail(ErrorCode::invalid_argument, "a grant must end in the future");
  if (until - origin.now > limits_.max_seconds) {
    return fail(ErrorCode::invalid_argument, "a grant may last at most " +
                                                 std::to_string(limits_.max_seconds / 86400) + " days");
  }
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<Grant> {
    auto doc = lead_document(tx, by, document);
    if (!doc) return fail(doc.error());
    auto user = tx.user_by_name(grantee);
    if (!user) return fail(ErrorCode::not_found, "no user '" + std::string(grantee) + "'");
    if (user->disabled) return fail(ErrorCode::conflict, "user '" + user->name + "' is disabled");
    if (user->department_id != doc->department_id) {
      return fail(ErrorCode::permission_denied, "user '" + user->name + "' is not in the document's department");
    }
    if (!user->roles.has(Role::info_clerk) && !user->roles.has(Role::project_lead)) {
      return fail(ErrorCode::permission_denied, "view grants go to information clerks or project leads");
    }
    Grant row;
    row.document_id = document;
    row.grantee_id = user->id;
    row.granted_by = by.user.id;
    row.created_at = origin.now;
    row.expires_at = until;
    auto made = tx.insert_grant(row);
    if (!made) return made;
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::grant_create, "document:" + std::to_string(document),
                                   "{\"grant\":" + std::to_string(made->id) + ",\"grantee\":\"" +
                                       json_escape(user->name) + "\",\"until\":" + std::to_string(until) +
                                       ",\"access\":\"view_only\"}"));
    return made;
  });
}

Result<Grant> GrantService::revoke(const Principal& by, Id grant, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::grant_revoke));
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<Grant> {
    auto found = tx.grant_by_id(grant);
    if (!found) return found;
    if (auto doc = lead_document(tx, by, found->document_id); !doc) return fail(doc.error());
    CUSTOS_TRY_VOID(tx.revoke_grant(grant, by.user.id, origin.now));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::grant_revoke, "grant:" + std::to_string(grant),
                                   "{\"document\":" + std::to_string(found->document_id) + "}"));
    return tx.grant_by_id(grant);
  });
}

Result<std::vector<Grant>> GrantService::of_document(const Principal& by, Id document, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::grant_list));
  auto grants = transact(store_, TxMode::read, [&](Transaction& tx) -> Result<std::vector<Grant>> {
    if (auto doc = lead_document(tx, by, document); !doc) return fail(doc.error());
    return tx.grants_of_document(document);
  });
  if (!grants) return grants;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::grant_list, "document:" + std::to_string(document),
                                           Outcome::allowed, "ok")));
  return grants;
}

Result<std::vector<Grant>> GrantService::mine(const Principal& by, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::grant_list_mine));
  auto grants = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.grants_of_user(by.user.id, origin.now); });
  if (!grants) return grants;
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::grant_list_mine, "user:" + by.user.name,
                                           Outcome::allowed, "ok")));
  return grants;
}

}  // namespace custos::vault
