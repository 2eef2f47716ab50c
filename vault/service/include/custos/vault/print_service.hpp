// Controlled printing (docs/printing.md): nothing of a document reaches
// paper except with the department manager's approval, once, through an
// enrolled workstation of the document's department, stamped 受控文件 with
// its period of use, signed for by its receiver and accounted for copy by
// copy afterwards.
//
//   request   a user holding a live grant on the document asks for N copies
//             with a reason; refused at once when the department's policy
//             forbids printing the document's level (top_secret by default).
//   approve   a dept_manager of the document's department who is not the
//   refuse    requester decides once; an approval names the period of use
//             [from, until), at most kMaxPrintPeriodDays long.
//   start     the requester's agent claims the approved request (session and
//             agent credential): within the period, on a workstation of the
//             department, with the grant still live and printing still
//             allowed. The answer carries the trace code (the signed record
//             id) the agent prints as a QR code on every page.
//   complete  the printer accepted and finished the job: the request is
//             printed, with the job id and page count. One approval prints
//             once: a second start is refused.
//   abort     the run failed before any job printed (CUPS down, a bad PDF):
//             the request is approved again, the approval not consumed.
//   receive   the receiver (the requester) signs for the copies.
//   account   a dept_manager records copies returned or shredded (why, for
//             a shredding, if given); copies not accounted for when the
//             period ends are overdue.
//
// Signing for and accounting each add a copy event (print_model.hpp) with
// its audit record in one transaction: the lending and destruction
// registers list them.
//   trace     a trace code read off a printout → its print record, after
//             checking the vault's signature.
//
// Every decision is audited in the transaction that makes it.
//
// Thread-safety: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "custos/platform/signing.hpp"
#include "custos/vault/agent_model.hpp"
#include "custos/vault/audit_trail.hpp"

namespace custos::vault {

inline constexpr UnixSeconds kMaxPrintPeriodDays = 90;

struct NewPrintRequest {
  Id document = 0;
  int copies = 0;
  std::string reason;
  std::string printer;  // empty: the workstation's default queue
};

// What the agent needs to stamp and print a claimed request.
struct PrintStart {
  PrintRequest request;
  std::string code;       // the trace code (custos/auditlog/print_code.hpp)
  std::string title;      // the document's title, for the job name
  std::string filename;
  std::string content_type;
};

enum class CopyOutcome : std::uint8_t { returned, shredded };

struct PrintListing {
  std::optional<PrintState> state;
  bool overdue = false;   // only printed requests whose period ended with copies outstanding
};

class PrintService {
 public:
  // `signing` signs trace codes (the vault's log and policy key).
  PrintService(Store& store, AuditSink& audit, const SigningKey& signing);

  Result<PrintRequest> request(const Principal& by, const NewPrintRequest& request, const Origin& origin);
  Result<PrintRequest> approve(const Principal& by, Id id, UnixSeconds from, UnixSeconds until, const Origin& origin);
  Result<PrintRequest> refuse(const Principal& by, Id id, std::string_view reason, const Origin& origin);
  Result<std::vector<PrintRequest>> list(const Principal& by, const PrintListing& listing, const Origin& origin);
  Result<PrintRequest> show(const Principal& by, Id id, const Origin& origin);

  // The agent's run; `agent` is the authenticated workstation.
  Result<PrintStart> start(const Principal& by, const Agent& agent, Id id, std::string_view printer,
                           const Origin& origin);
  Result<PrintRequest> complete(const Principal& by, const Agent& agent, Id id, std::int64_t job_id,
                                std::int64_t pages, const Origin& origin);
  Result<PrintRequest> abort(const Principal& by, const Agent& agent, Id id, std::string_view reason,
                             const Origin& origin);

  Result<PrintRequest> receive(const Principal& by, Id id, const Origin& origin);
  // `reason` may be empty (at most kMaxPrintReasonBytes).
  Result<PrintRequest> account(const Principal& by, Id id, CopyOutcome outcome, int copies, std::string_view reason,
                               const Origin& origin);
  Result<PrintRequest> trace(const Principal& by, std::string_view code, const Origin& origin);

 private:
  Store& store_;
  AuditSink& audit_;
  const SigningKey& signing_;
};

}  // namespace custos::vault
