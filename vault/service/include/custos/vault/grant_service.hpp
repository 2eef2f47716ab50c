// View-only grants: a project lead lets a named user of the document's
// department view one document until a time, and may revoke it.
//
// Thread-safety: thread-safe.
#pragma once

#include <vector>

#include "custos/vault/audit_trail.hpp"

namespace custos::vault {

struct GrantLimits {
  UnixSeconds max_seconds = 90LL * 86400;  // [grants] max_days = 90
};

class GrantService {
 public:
  GrantService(Store& store, AuditSink& audit, GrantLimits limits = {});

  Result<Grant> grant(const Principal& by, Id document, std::string_view grantee, UnixSeconds until,
                      const Origin& origin);
  Result<Grant> revoke(const Principal& by, Id grant, const Origin& origin);
  Result<std::vector<Grant>> of_document(const Principal& by, Id document, const Origin& origin);
  // The caller's own live grants.
  Result<std::vector<Grant>> mine(const Principal& by, const Origin& origin);

 private:
  Result<Document> lead_document(Transaction& tx, const Principal& by, Id document);

  Store& store_;
  AuditSink& audit_;
  GrantLimits limits_;
};

}  // namespace custos::vault
