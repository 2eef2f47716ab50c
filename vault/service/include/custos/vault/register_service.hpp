// The registers the confidentiality rules ask for (借阅、销毁记录表), each
// of one UTC month:
//  - lending: every view grant created in the month, with who lent what to
//    whom, when, how it ended and how often the content was released under it;
//    and every controlled printout printed in the month, with when its copies
//    were signed for, handed back or shredded;
//  - destruction: every destruction request decided in the month (supervised
//    or refused), and those made in it that are still pending, with who asked,
//    why, who decided, how, and the audit log entry of each destruction; and
//    every shredding of printed copies recorded in the month.
//
// Who may read them: an auditor, every department's (or one named); a
// department manager or project lead, their own department's only. Every
// read is audited (`register.lending`, target `lending:YYYY-MM`;
// `register.destruction`, target `destruction:YYYY-MM`). A register carries
// no document titles (they can name customers); the document id and level
// stand for the document.
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

// A destruction request as the register shows it: as it stands when the
// register is made.
struct DestructionRow {
  DestructionRequest request;
  // The seq of the `document.destroy` entry recording a supervised
  // request's destruction (a destruction certificate is built from it);
  // none for a pending or refused one.
  std::optional<Id> seq;
};

// One month's register: what it covers and its rows.
template <class Row>
struct Register {
  UtcMonth month;
  std::optional<std::string> department;  // the one department covered; none: all
  UnixSeconds generated_at = 0;
  std::vector<Row> rows;
  // Lending only: the paper copies printed in the month under a print
  // approval (docs/printing.md), by the time printed, with how many came
  // back or were shredded so far.
  std::vector<PrintRequest> printouts{};
  // Lending only: every copy event of those printouts (signed for,
  // returned, shredded), whenever recorded: by printout, then time.
  std::vector<PrintCopyEvent> printout_events{};
  // Destruction only: the shreddings of printed copies recorded in the
  // month, on documents of the department(s) covered, by time. Their
  // requester is the receiver who held the copies, their supervisor the
  // department manager who recorded them; the method is paper shredding.
  std::vector<PrintCopyEvent> shredded_copies{};
};
// Oldest grant first.
using LendingRegister = Register<LendingRow>;
// In the order of the time that puts each request in the month: its
// decision, or its making for one still pending.
using DestructionRegister = Register<DestructionRow>;

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

  // The destruction register of `month`: the requests decided in it (UTC),
  // and those made in it that are still pending, so that no request goes
  // unseen. A request made in one month and decided in a later one is in
  // the later month's register (and in the earlier one's only while it is
  // pending). Who may read which department, and the errors, as lending().
  // A supervised request whose log entry cannot be found is corrupt.
  Result<DestructionRegister> destruction(const Principal& by, std::string_view month,
                                          const std::optional<std::string>& department, const Origin& origin);

 private:

  Store& store_;
  AuditSink& audit_;
};

}  // namespace custos::vault
