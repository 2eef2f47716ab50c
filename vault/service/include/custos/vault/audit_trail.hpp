// Building audit records, and the sink that stores decisions which change
// nothing else (reads that were allowed, requests that were refused).
//
// Who writes which record: a service writes the record of every decision it
// allows — in the same store transaction as the change, or, for reads that
// change nothing, through an AuditSink. Refusals are recorded by the API
// layer, which sees every failed call (logins excepted: the login service
// records its own refusals, with the failed-login counter). An AuditSink may
// batch records (group commit); the caller still learns whether its record
// was stored, and must not answer the request if it was not (fail closed).
//
// Thread-safety: AuditSink implementations are thread-safe.
#pragma once

#include <string>
#include <vector>

#include "custos/platform/json_text.hpp"
#include "custos/vault/principal.hpp"
#include "custos/vault/store.hpp"

namespace custos::vault {

AuditRecord make_audit(const Origin& origin, const Principal* principal, Action action, std::string target,
                       Outcome outcome, std::string reason, std::string detail = "{}");

// Appends the record of an allowed decision to `tx`, the transaction that
// makes the change it records (so both commit or neither does).
Result<void> append_allowed(Transaction& tx, const Origin& origin, const Principal* principal, Action action,
                            std::string target, std::string detail = "{}");

// The record of a refusal: the error's code is the reason.
AuditRecord refusal_audit(const Origin& origin, const Principal* principal, Action action, std::string target,
                          const Error& error);

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Stores the record durably, or fails.
  virtual Result<void> record(AuditRecord record) = 0;
};

// Writes each record in its own store transaction.
class DirectAuditSink final : public AuditSink {
 public:
  explicit DirectAuditSink(Store& store) : store_(store) {}
  Result<void> record(AuditRecord record) override;

 private:
  Store& store_;
};

// The auditor's read of the audit table (the read itself is audited).
Result<std::vector<AuditRecord>> list_audit(Store& store, AuditSink& audit, const Principal& by,
                                            const AuditQuery& query, const Origin& origin);

// Audit `detail` strings are escaped by the platform's json_escape.
using ::custos::json_escape;

}  // namespace custos::vault
