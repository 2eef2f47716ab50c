#include "custos/vault/print_service.hpp"

#include "custos/auditlog/print_code.hpp"
#include "custos/platform/json_text.hpp"
#include "print_rule.hpp"

namespace custos::vault {
namespace {

std::string target_of(Id request) { return "print_request:" + std::to_string(request); }
std::string id_text(Id id) { return std::to_string(id); }

Result<void> check_text(std::string_view what, std::string_view text, std::size_t max) {
  if (text.empty() || text.size() > max) {
    return fail(ErrorCode::invalid_argument,
                "a " + std::string(what) + " of 1 to " + std::to_string(max) + " bytes is required");
  }
  return ok();
}

// May the department's policy print documents of this level at all? The
// newest applied policy decides (a department it does not name may not
// print); before any policy is applied, the built-in level defaults do
// (top_secret never).
Result<Document> active_document(Transaction& tx, Id id) {
  auto doc = tx.document_by_id(id);
  if (!doc || doc->state != DocumentState::active) return fail(ErrorCode::not_found, "no such document");
  return doc;
}

Result<void> require_live_grant(Transaction& tx, const Principal& by, Id document, UnixSeconds now) {
  auto grant = tx.live_grant(document, by.user.id, now);
  if (!grant) return fail(grant.error());
  if (!grant->has_value()) {
    return fail(ErrorCode::permission_denied, "you hold no live grant on document " + std::to_string(document));
  }
  return ok();
}

bool is_manager_of(const Principal& by, const PrintRequest& r) {
  return by.user.roles.has(Role::dept_manager) && by.user.department_id == r.department_id;
}

// Who may read a request: its requester, a manager of its department, the
// general manager and the auditor.
Result<void> may_read(const Principal& by, const PrintRequest& r) {
  if (r.requested_by == by.user.id || is_manager_of(by, r) || by.user.roles.has(Role::general_manager) ||
      by.user.roles.has(Role::auditor)) {
    return ok();
  }
  return fail(ErrorCode::permission_denied, "print request " + id_text(r.id) + " is not yours to see");
}

Result<void> expect_state(const PrintRequest& r, PrintState wanted) {
  if (r.state == wanted) return ok();
  const auto id = id_text(r.id);
  switch (r.state) {
    case PrintState::pending:
      return fail(ErrorCode::permission_denied, "print request " + id + " is not approved (yet)");
    case PrintState::refused:
      return fail(ErrorCode::permission_denied, "print request " + id + " was refused");
    case PrintState::printing:
      return fail(ErrorCode::conflict, "print request " + id + " is being printed now");
    case PrintState::printed:
      return fail(ErrorCode::conflict, "print request " + id + " was printed already; one approval prints once");
    case PrintState::approved:
      return fail(ErrorCode::conflict, "print request " + id + " is approved and not printed");
    case PrintState::unknown: break;
  }
  return fail(ErrorCode::corrupt, "print request " + id + " is in no known state");
}

// Request `id` for a decision of a manager of its department: it must be in
// state `wanted` (`not_so` says why otherwise).
Result<PrintRequest> managed_request(Transaction& tx, const Principal& by, Id id, PrintState wanted,
                                     std::string_view not_so) {
  auto found = tx.print_request_by_id(id);
  if (!found) return found;
  if (!is_manager_of(by, *found)) {
    return fail(ErrorCode::permission_denied, "print request " + id_text(id) + " concerns department '" +
                                                  found->department + "', not yours");
  }
  if (found->state != wanted) {
    return fail(ErrorCode::conflict, "print request " + id_text(id) + " " + std::string(not_so) + " (" +
                                         std::string(to_string(found->state)) + ")");
  }
  return found;
}

std::string period_json(const PrintRequest& r) {
  return ",\"from\":" + std::to_string(r.valid_from.value_or(0)) + ",\"until\":" +
         std::to_string(r.valid_until.value_or(0));
}

}  // namespace

PrintService::PrintService(Store& store, AuditSink& audit, const SigningKey& signing)
    : store_(store), audit_(audit), signing_(signing) {}

Result<PrintRequest> PrintService::request(const Principal& by, const NewPrintRequest& asked, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_request));
  if (asked.copies < 1 || asked.copies > kMaxPrintCopies) {
    return fail(ErrorCode::invalid_argument, "copies are 1 to " + std::to_string(kMaxPrintCopies));
  }
  CUSTOS_TRY_VOID(check_text("reason", asked.reason, kMaxPrintReasonBytes));
  if (asked.printer.size() > 127 || !is_printable_text(asked.printer)) {
    return fail(ErrorCode::invalid_argument, "a printer name is at most 127 bytes of text without control characters");
  }
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<PrintRequest> {
    auto doc = active_document(tx, asked.document);
    if (!doc) return fail(doc.error());
    CUSTOS_TRY_VOID(require_live_grant(tx, by, doc->id, origin.now));
    CUSTOS_TRY_VOID(check_print_rule(tx, *doc));
    PrintRequest row;
    row.document_id = doc->id;
    row.requested_by = by.user.id;
    row.copies = asked.copies;
    row.reason = asked.reason;
    row.printer = asked.printer;
    row.requested_at = origin.now;
    auto made = tx.insert_print_request(row);
    if (!made) return made;
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::print_request, target_of(made->id),
                                   "{\"document\":" + id_text(doc->id) + ",\"level\":\"" +
                                       std::string(to_string(doc->level)) + "\",\"copies\":" +
                                       std::to_string(asked.copies) + ",\"reason\":\"" + json_escape(asked.reason) +
                                       "\"}"));
    return made;
  });
}

Result<PrintRequest> PrintService::approve(const Principal& by, Id id, UnixSeconds from, UnixSeconds until,
                                           const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_approve));
  if (until <= from) return fail(ErrorCode::invalid_argument, "the period of use must end after it starts");
  if (until <= origin.now) return fail(ErrorCode::invalid_argument, "the period of use must end in the future");
  if (until - from > kMaxPrintPeriodDays * 86400) {
    return fail(ErrorCode::invalid_argument,
                "a period of use lasts at most " + std::to_string(kMaxPrintPeriodDays) + " days");
  }
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<PrintRequest> {
    auto found = managed_request(tx, by, id, PrintState::pending, "was decided already");
    if (!found) return found;
    if (found->requested_by == by.user.id) {
      return fail(ErrorCode::permission_denied,
                  "you made print request " + id_text(id) + "; another department manager must decide it");
    }
    auto doc = active_document(tx, found->document_id);
    if (!doc) return fail(doc.error());
    CUSTOS_TRY_VOID(check_print_rule(tx, *doc));
    auto row = *found;
    row.state = PrintState::approved;
    row.decided_by = by.user.id;
    row.decided_at = origin.now;
    row.valid_from = from;
    row.valid_until = until;
    CUSTOS_TRY_VOID(tx.update_print_request(row, PrintState::pending));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::print_approve, target_of(id),
                                   "{\"document\":" + id_text(row.document_id) + ",\"requester\":\"" +
                                       json_escape(row.requested_by_name) + "\",\"copies\":" +
                                       std::to_string(row.copies) + period_json(row) + "}"));
    return tx.print_request_by_id(id);
  });
}

Result<PrintRequest> PrintService::refuse(const Principal& by, Id id, std::string_view reason, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_refuse));
  CUSTOS_TRY_VOID(check_text("reason", reason, kMaxPrintReasonBytes));
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<PrintRequest> {
    auto found = managed_request(tx, by, id, PrintState::pending, "was decided already");
    if (!found) return found;
    auto row = *found;
    row.state = PrintState::refused;
    row.decided_by = by.user.id;
    row.decided_at = origin.now;
    row.decision_reason = std::string(reason);
    CUSTOS_TRY_VOID(tx.update_print_request(row, PrintState::pending));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::print_refuse, target_of(id),
                                   "{\"document\":" + id_text(row.document_id) + ",\"requester\":\"" +
                                       json_escape(row.requested_by_name) + "\",\"reason\":\"" +
                                       json_escape(reason) + "\"}"));
    return tx.print_request_by_id(id);
  });
}

Result<std::vector<PrintRequest>> PrintService::list(const Principal& by, const PrintListing& listing,
                                                     const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_list));
  PrintQuery query;
  query.state = listing.overdue ? std::optional(PrintState::printed) : listing.state;
  const auto& roles = by.user.roles;
  if (!roles.has(Role::auditor) && !roles.has(Role::general_manager)) {
    if (roles.has(Role::dept_manager)) {
      query.department = by.user.department_id;
    } else {
      query.requested_by = by.user.id;
    }
  }
  auto found = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.list_print_requests(query); });
  if (!found) return found;
  if (listing.overdue) std::erase_if(*found, [&](const PrintRequest& r) { return !r.overdue(origin.now); });
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::print_list, "print_requests", Outcome::allowed, "ok",
                                           "{\"count\":" + std::to_string(found->size()) +
                                               ",\"overdue\":" + (listing.overdue ? "true" : "false") + "}")));
  return found;
}

Result<PrintRequest> PrintService::show(const Principal& by, Id id, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_list));
  auto found = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.print_request_by_id(id); });
  if (!found) return found;
  CUSTOS_TRY_VOID(may_read(by, *found));
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::print_list, target_of(id), Outcome::allowed, "ok")));
  return found;
}

Result<PrintStart> PrintService::start(const Principal& by, const Agent& agent, Id id, std::string_view printer,
                                       const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_start));
  if (printer.empty() || printer.size() > 127 || !is_printable_text(printer)) {
    return fail(ErrorCode::invalid_argument, "name the printer queue (1 to 127 bytes)");
  }
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<PrintStart> {
    auto found = tx.print_request_by_id(id);
    if (!found) return fail(found.error());
    if (found->requested_by != by.user.id) {
      return fail(ErrorCode::permission_denied,
                  "print request " + id_text(id) + " is " + found->requested_by_name + "'s; only they may print it");
    }
    CUSTOS_TRY_VOID(expect_state(*found, PrintState::approved));
    if (origin.now < found->valid_from.value_or(0)) {
      return fail(ErrorCode::permission_denied, "print request " + id_text(id) + " may be printed from " +
                                                    format_rfc3339(*found->valid_from) + " on");
    }
    if (origin.now >= found->valid_until.value_or(0)) {
      return fail(ErrorCode::expired, "the approved period of print request " + id_text(id) + " ended " +
                                          format_rfc3339(found->valid_until.value_or(0)) + "; ask for a new approval");
    }
    if (agent.department_id != found->department_id) {
      return fail(ErrorCode::permission_denied, "this workstation (" + agent.name + ") belongs to department '" +
                                                    agent.department + "'; print request " + id_text(id) +
                                                    " prints only in department '" + found->department + "'");
    }
    auto doc = active_document(tx, found->document_id);
    if (!doc) return fail(doc.error());
    CUSTOS_TRY_VOID(require_live_grant(tx, by, doc->id, origin.now));
    CUSTOS_TRY_VOID(check_print_rule(tx, *doc));
    auto row = *found;
    row.state = PrintState::printing;
    row.agent_id = agent.id;
    row.printer_used = std::string(printer);
    row.started_at = origin.now;
    CUSTOS_TRY_VOID(tx.update_print_request(row, PrintState::approved));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::print_start, target_of(id),
                                   "{\"document\":" + id_text(doc->id) + ",\"agent\":\"" + json_escape(agent.name) +
                                       "\",\"printer\":\"" + json_escape(printer) + "\",\"copies\":" +
                                       std::to_string(row.copies) + "}"));
    auto stored = tx.print_request_by_id(id);
    if (!stored) return fail(stored.error());
    return PrintStart{std::move(*stored), auditlog::make_print_code(id, signing_), doc->title, doc->filename,
                      doc->content_type};
  });
}

namespace {

// The running request `id` of this user on this agent.
Result<PrintRequest> running(Transaction& tx, const Principal& by, const Agent& agent, Id id) {
  auto found = tx.print_request_by_id(id);
  if (!found) return found;
  if (found->requested_by != by.user.id) {
    return fail(ErrorCode::permission_denied, "print request " + id_text(id) + " is not yours");
  }
  if (found->state != PrintState::printing) {
    return fail(ErrorCode::conflict, "print request " + id_text(id) + " is not being printed (" +
                                         std::string(to_string(found->state)) + ")");
  }
  if (found->agent_id != agent.id) {
    return fail(ErrorCode::permission_denied, "print request " + id_text(id) + " is being printed on " + found->agent);
  }
  return found;
}

}  // namespace

Result<PrintRequest> PrintService::complete(const Principal& by, const Agent& agent, Id id, std::int64_t job_id,
                                            std::int64_t pages, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_complete));
  if (job_id <= 0 || pages <= 0) return fail(ErrorCode::invalid_argument, "a job id and a page count are positive");
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<PrintRequest> {
    auto found = running(tx, by, agent, id);
    if (!found) return found;
    auto row = *found;
    row.state = PrintState::printed;
    row.printed_at = origin.now;
    row.job_id = job_id;
    row.pages = pages;
    CUSTOS_TRY_VOID(tx.update_print_request(row, PrintState::printing));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::print_complete, target_of(id),
                                   "{\"document\":" + id_text(row.document_id) + ",\"agent\":\"" +
                                       json_escape(agent.name) + "\",\"printer\":\"" +
                                       json_escape(row.printer_used) + "\",\"job\":" + std::to_string(job_id) +
                                       ",\"pages\":" + std::to_string(pages) + ",\"copies\":" +
                                       std::to_string(row.copies) + "}"));
    return tx.print_request_by_id(id);
  });
}

Result<PrintRequest> PrintService::abort(const Principal& by, const Agent& agent, Id id, std::string_view reason,
                                         const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_abort));
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<PrintRequest> {
    auto found = running(tx, by, agent, id);
    if (!found) return found;
    auto row = *found;
    row.state = PrintState::approved;
    row.agent_id.reset();
    row.printer_used.clear();
    row.started_at.reset();
    CUSTOS_TRY_VOID(tx.update_print_request(row, PrintState::printing));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::print_abort, target_of(id),
                                   "{\"agent\":\"" + json_escape(agent.name) + "\",\"reason\":\"" +
                                       json_escape(reason.substr(0, kMaxPrintReasonBytes)) + "\"}"));
    return tx.print_request_by_id(id);
  });
}

namespace {

// Writes a copy event and its audit record in `tx`: the record first, so
// the event names its log entry; either failing fails both.
Result<void> record_copies(Transaction& tx, const Principal& by, const PrintRequest& r, CopyEventKind kind,
                           int copies, std::string_view reason, Action action, std::string detail,
                           const Origin& origin) {
  auto seq = tx.append_audit(make_audit(origin, &by, action, target_of(r.id), Outcome::allowed, "ok", std::move(detail)));
  if (!seq) return fail(seq.error());
  PrintCopyEvent event;
  event.request_id = r.id;
  event.kind = kind;
  event.copies = copies;
  event.recorded_by = by.user.id;
  event.recorded_at = origin.now;
  event.reason = std::string(reason);
  event.audit_seq = *seq;
  auto made = tx.insert_print_copy_event(event);
  if (!made) return fail(made.error());
  return ok();
}

}  // namespace

Result<PrintRequest> PrintService::receive(const Principal& by, Id id, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_receive));
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<PrintRequest> {
    auto found = tx.print_request_by_id(id);
    if (!found) return found;
    if (found->requested_by != by.user.id) {
      return fail(ErrorCode::permission_denied,
                  "the copies of print request " + id_text(id) + " are " + found->requested_by_name + "'s to sign for");
    }
    if (found->state != PrintState::printed) {
      return fail(ErrorCode::conflict, "print request " + id_text(id) + " has not been printed");
    }
    if (found->received_at) {
      return fail(ErrorCode::conflict, "the copies of print request " + id_text(id) + " were signed for already");
    }
    CUSTOS_TRY_VOID(record_copies(tx, by, *found, CopyEventKind::received, found->copies, {}, Action::print_receive,
                                  "{\"document\":" + id_text(found->document_id) + ",\"copies\":" +
                                      std::to_string(found->copies) + "}",
                                  origin));
    return tx.print_request_by_id(id);
  });
}

Result<PrintRequest> PrintService::account(const Principal& by, Id id, CopyOutcome outcome, int copies,
                                           std::string_view reason, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_account));
  if (copies < 1) return fail(ErrorCode::invalid_argument, "copies are at least 1");
  if (reason.size() > kMaxPrintReasonBytes) {
    return fail(ErrorCode::invalid_argument,
                "a reason is at most " + std::to_string(kMaxPrintReasonBytes) + " bytes");
  }
  const bool shredded = outcome == CopyOutcome::shredded;
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<PrintRequest> {
    auto found = managed_request(tx, by, id, PrintState::printed, "has not been printed");
    if (!found) return found;
    if (copies > found->outstanding()) {
      return fail(ErrorCode::conflict, "print request " + id_text(id) + " has " +
                                                   std::to_string(found->outstanding()) + " copies outstanding");
    }
    std::string detail = std::string("{\"document\":") + id_text(found->document_id) + ",\"outcome\":\"" +
                         (shredded ? "shredded" : "returned") + "\",\"copies\":" + std::to_string(copies) +
                         ",\"outstanding\":" + std::to_string(found->outstanding() - copies);
    if (!reason.empty()) detail += ",\"reason\":\"" + json_escape(reason) + "\"";
    detail += "}";
    CUSTOS_TRY_VOID(record_copies(tx, by, *found, shredded ? CopyEventKind::shredded : CopyEventKind::returned, copies,
                                  reason, Action::print_account, std::move(detail), origin));
    return tx.print_request_by_id(id);
  });
}

Result<PrintRequest> PrintService::trace(const Principal& by, std::string_view text, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::print_trace));
  auto code = auditlog::parse_print_code(text);
  if (!code) return fail(code.error());
  // A forged or altered code is bad input to this call, not a fault of the vault.
  if (auto verified = auditlog::verify_print_code(*code, signing_.public_key()); !verified) {
    return fail(ErrorCode::invalid_argument, verified.error().message);
  }
  auto found = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.print_request_by_id(code->record); });
  if (!found) return found;
  if (!by.user.roles.has(Role::auditor) && !by.user.roles.has(Role::general_manager)) {
    CUSTOS_TRY_VOID(may_read(by, *found));
  }
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::print_trace, target_of(found->id), Outcome::allowed,
                                           "ok", "{\"document\":" + id_text(found->document_id) + "}")));
  return found;
}

}  // namespace custos::vault
