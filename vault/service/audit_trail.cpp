#include "custos/vault/audit_trail.hpp"


namespace custos::vault {

AuditRecord make_audit(const Origin& origin, const Principal* principal, Action action, std::string target,
                       Outcome outcome, std::string reason, std::string detail) {
  AuditRecord r;
  r.time = origin.now;
  r.request_id = origin.request_id;
  if (principal != nullptr) {
    r.actor_id = principal->user.id;
    r.actor = principal->user.name;
  }
  r.source = origin.source;
  r.action = std::string(to_string(action));
  r.target = std::move(target);
  r.outcome = outcome;
  r.reason = std::move(reason);
  r.detail = std::move(detail);
  return r;
}

Result<void> append_allowed(Transaction& tx, const Origin& origin, const Principal* principal, Action action,
                            std::string target, std::string detail) {
  CUSTOS_TRY_VOID(tx.append_audit(
      make_audit(origin, principal, action, std::move(target), Outcome::allowed, "ok", std::move(detail))));
  return ok();
}

AuditRecord refusal_audit(const Origin& origin, const Principal* principal, Action action, std::string target,
                          const Error& error) {
  return make_audit(origin, principal, action, std::move(target), Outcome::refused,
                    std::string(to_string(error.code)),
                    "{\"message\":\"" + json_escape(error.message) + "\"}");
}

Result<void> DirectAuditSink::record(AuditRecord record) {
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
    CUSTOS_TRY_VOID(tx.append_audit(record));
    return ok();
  });
}

Result<std::vector<AuditRecord>> list_audit(Store& store, AuditSink& audit, const Principal& by,
                                            const AuditQuery& query, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::audit_list));
  if (query.limit < 1 || query.limit > 10000) {
    return fail(ErrorCode::invalid_argument, "limit must be between 1 and 10000");
  }
  auto records = transact(store, TxMode::read, [&](Transaction& tx) { return tx.list_audit(query); });
  if (!records) return records;
  CUSTOS_TRY_VOID(audit.record(make_audit(origin, &by, Action::audit_list, "audit", Outcome::allowed, "ok",
                                          "{\"count\":" + std::to_string(records->size()) + "}")));
  return records;
}


}  // namespace custos::vault
