// The registers the confidentiality rules ask for (借阅、销毁记录表). Today the
// lending register: every view grant created in one UTC month, with who
// lent what to whom, when, how it ended and how often the content was
// released under it.
//
// Who may read it: an auditor, every department's (or one named); a
// department manager or project lead, their own department's only. The read
// is audited (`register.lending`, target `lending:YYYY-MM`). A register
// carries no document titles (they can name customers); the document id and
// level stand for the document.
//
// Thread-safety: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/timestamp.hpp"
#include "custos/vault/audit_trail.hpp"

namespace custos::vault {

// A grant's state at the time the register is made: revoked (whenever that
// was, even after it ran out), else expired once past its end, else live.
enum class LendingStatus : std::uint8_t { live, revoked, expired };
std::string_view to_string(LendingStatus status) noexcept;
LendingStatus lending_status(const Grant& grant, UnixSeconds now) noexcept;

struct LendingRow {
  LendingGrant lending;
  LendingStatus status = LendingStatus::live;
  // Content releases (allowed `document.content` records) to the grantee, of
  // the grant's document, from its creation until it was revoked (that second
  // included: records have whole seconds) or ran out (that second excluded,
  // as no release happens under a grant at its expiry). A second grant on the
  // same document to the same person over the same time counts the same
  // releases again.
  std::int64_t views = 0;
};

struct LendingRegister {
  UtcMonth month;
  std::optional<std::string> department;  // the one department covered; none: all
  UnixSeconds generated_at = 0;
  std::vector<LendingRow> rows;           // oldest grant first
};

class RegisterService {
 public:
  RegisterService(Store& store, AuditSink& audit);

  // The lending register of `month` ("YYYY-MM", UTC: a grant belongs to the
  // month its creation falls in, in UTC). `department` narrows an auditor's
  // register to one department; anyone else gets their own department's, and
  // naming another is permission_denied. A bad month is invalid_argument, an
  // unknown department not_found.
  Result<LendingRegister> lending(const Principal& by, std::string_view month,
                                  const std::optional<std::string>& department, const Origin& origin);

 private:
  Store& store_;
  AuditSink& audit_;
};

}  // namespace custos::vault
