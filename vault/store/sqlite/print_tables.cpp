#include "sqlite/print_tables.hpp"

#include "sqlite/rows.hpp"

namespace custos::vault::sqlite {
namespace {

constexpr const char* kColumns =
    "SELECT p.id, p.document_id, doc.level, doc.department_id, d.name, p.requested_by, ru.name, ru.display_name, "
    "p.copies, p.reason, p.printer, p.requested_at, p.state, p.decided_by, COALESCE(du.name, ''), p.decided_at, "
    "p.decision_reason, p.valid_from, p.valid_until, p.agent_id, COALESCE(a.name, ''), p.printer_used, "
    "p.started_at, p.printed_at, p.job_id, p.pages, p.received_at, p.returned, p.shredded "
    "FROM print_requests p JOIN documents doc ON doc.id = p.document_id "
    "JOIN departments d ON d.id = doc.department_id JOIN users ru ON ru.id = p.requested_by "
    "LEFT JOIN users du ON du.id = p.decided_by LEFT JOIN agents a ON a.id = p.agent_id ";

PrintRequest read_request(const Statement& s) {
  PrintRequest r;
  r.id = s.integer(0);
  r.document_id = s.integer(1);
  r.level = level_from_string(s.text(2));
  r.department_id = s.integer(3);
  r.department = s.text(4);
  r.requested_by = s.integer(5);
  r.requested_by_name = s.text(6);
  r.requested_by_display = s.text(7);
  r.copies = static_cast<int>(s.integer(8));
  r.reason = s.text(9);
  r.printer = s.text(10);
  r.requested_at = s.integer(11);
  r.state = print_state_from_string(s.text(12));
  r.decided_by = optional_integer(s, 13);
  r.decided_by_name = s.text(14);
  r.decided_at = optional_integer(s, 15);
  r.decision_reason = s.text(16);
  r.valid_from = optional_integer(s, 17);
  r.valid_until = optional_integer(s, 18);
  r.agent_id = optional_integer(s, 19);
  r.agent = s.text(20);
  r.printer_used = s.text(21);
  r.started_at = optional_integer(s, 22);
  r.printed_at = optional_integer(s, 23);
  r.job_id = optional_integer(s, 24);
  r.pages = optional_integer(s, 25);
  r.received_at = optional_integer(s, 26);
  r.returned = static_cast<int>(s.integer(27));
  r.shredded = static_cast<int>(s.integer(28));
  return r;
}

}  // namespace

Result<PrintRequest> PrintTables::insert(const PrintRequest& r) {
  TRY_STMT(s, db_.prepare("INSERT INTO print_requests (document_id, requested_by, copies, reason, printer, "
                          "requested_at, state) VALUES (?, ?, ?, ?, ?, ?, 'pending')"));
  s.bind(1, r.document_id).bind(2, r.requested_by).bind(3, std::int64_t{r.copies}).bind(4, r.reason)
      .bind(5, r.printer).bind(6, r.requested_at);
  CUSTOS_TRY_VOID(s.run());
  return by_id(db_.last_insert_rowid());
}

Result<PrintRequest> PrintTables::by_id(Id request) {
  static const std::string sql = std::string(kColumns) + "WHERE p.id = ?";
  auto stmt = db_.prepare(sql.c_str());
  if (stmt) stmt->bind(1, request);
  return one_row(std::move(stmt), read_request, "no such print request");
}

Result<std::vector<PrintRequest>> PrintTables::list(const PrintQuery& q) {
  static const std::string sql = std::string(kColumns) +
                                 "WHERE (?1 IS NULL OR doc.department_id = ?1) AND (?2 IS NULL OR p.requested_by = ?2) "
                                 "AND (?3 IS NULL OR p.state = ?3) ORDER BY p.id";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  s.bind(1, q.department).bind(2, q.requested_by);
  if (q.state) s.bind(3, to_string(*q.state)); else s.bind_null(3);
  return all_rows(s, read_request);
}

Result<std::vector<PrintRequest>> PrintTables::printed_between(UnixSeconds from, UnixSeconds to,
                                                               std::optional<Id> department) {
  static const std::string sql = std::string(kColumns) +
                                 "WHERE p.printed_at >= ?1 AND p.printed_at < ?2 AND "
                                 "(?3 IS NULL OR doc.department_id = ?3) ORDER BY p.printed_at, p.id";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  s.bind(1, from).bind(2, to).bind(3, department);
  return all_rows(s, read_request);
}

Result<void> PrintTables::update(const PrintRequest& r, PrintState expected) {
  TRY_STMT(s, db_.prepare("UPDATE print_requests SET state = ?1, decided_by = ?2, decided_at = ?3, "
                          "decision_reason = ?4, valid_from = ?5, valid_until = ?6, agent_id = ?7, printer_used = ?8, "
                          "started_at = ?9, printed_at = ?10, job_id = ?11, pages = ?12 WHERE id = ?13 AND state = ?14"));
  s.bind(1, to_string(r.state)).bind(2, r.decided_by).bind(3, r.decided_at).bind(4, r.decision_reason)
      .bind(5, r.valid_from).bind(6, r.valid_until).bind(7, r.agent_id).bind(8, r.printer_used)
      .bind(9, r.started_at).bind(10, r.printed_at).bind(11, r.job_id).bind(12, r.pages).bind(13, r.id)
      .bind(14, to_string(expected));
  CUSTOS_TRY_VOID(s.run());
  if (db_.changes() != 1) {
    return fail(ErrorCode::conflict, "print request " + std::to_string(r.id) + " changed meanwhile; try again");
  }
  return ok();
}

namespace {

constexpr const char* kEventColumns =
    "SELECT e.id, e.request_id, e.kind, e.copies, e.recorded_by, u.name, e.recorded_at, e.reason, e.audit_seq, "
    "p.document_id, doc.level, doc.department_id, d.name, ru.name "
    "FROM print_copy_events e JOIN print_requests p ON p.id = e.request_id "
    "JOIN documents doc ON doc.id = p.document_id JOIN departments d ON d.id = doc.department_id "
    "JOIN users u ON u.id = e.recorded_by JOIN users ru ON ru.id = p.requested_by ";

PrintCopyEvent read_event(const Statement& s) {
  PrintCopyEvent e;
  e.id = s.integer(0);
  e.request_id = s.integer(1);
  e.kind = copy_event_kind_from_string(s.text(2));
  e.copies = static_cast<int>(s.integer(3));
  e.recorded_by = s.integer(4);
  e.recorded_by_name = s.text(5);
  e.recorded_at = s.integer(6);
  e.reason = s.text(7);
  e.audit_seq = s.integer(8);
  e.document_id = s.integer(9);
  e.level = level_from_string(s.text(10));
  e.department_id = s.integer(11);
  e.department = s.text(12);
  e.requested_by_name = s.text(13);
  return e;
}

}  // namespace

Result<PrintCopyEvent> PrintTables::insert_event(const PrintCopyEvent& e) {
  const auto id = std::to_string(e.request_id);
  // The request's side first: only a printed request changes, and the
  // conditions say why nothing did.
  const char* sql = nullptr;
  std::string refused;
  switch (e.kind) {
    case CopyEventKind::received:
      sql = "UPDATE print_requests SET received_at = ?2 WHERE id = ?1 AND state = 'printed' AND received_at IS NULL "
            "AND ?3 = copies";
      refused = "print request " + id + " is not printed, or its copies were signed for already";
      break;
    case CopyEventKind::returned:
      sql = "UPDATE print_requests SET returned = returned + ?3 WHERE id = ?1 AND state = 'printed' "
            "AND returned + shredded + ?3 <= copies";
      refused = "print request " + id + " is not printed, or has fewer copies outstanding";
      break;
    case CopyEventKind::shredded:
      sql = "UPDATE print_requests SET shredded = shredded + ?3 WHERE id = ?1 AND state = 'printed' "
            "AND returned + shredded + ?3 <= copies";
      refused = "print request " + id + " is not printed, or has fewer copies outstanding";
      break;
    case CopyEventKind::unknown:
      return fail(ErrorCode::invalid_argument, "a copy event is received, returned or shredded");
  }
  if (e.copies < 1) return fail(ErrorCode::invalid_argument, "a copy event names at least one copy");
  TRY_STMT(update, db_.prepare(sql));
  update.bind(1, e.request_id).bind(2, e.recorded_at).bind(3, std::int64_t{e.copies});
  CUSTOS_TRY_VOID(update.run());
  if (db_.changes() != 1) return fail(ErrorCode::conflict, refused);

  TRY_STMT(s, db_.prepare("INSERT INTO print_copy_events (request_id, kind, copies, recorded_by, recorded_at, reason, "
                          "audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  s.bind(1, e.request_id).bind(2, to_string(e.kind)).bind(3, std::int64_t{e.copies}).bind(4, e.recorded_by)
      .bind(5, e.recorded_at).bind(6, e.reason).bind(7, e.audit_seq);
  CUSTOS_TRY_VOID(s.run());
  static const std::string by_id = std::string(kEventColumns) + "WHERE e.id = ?";
  auto stmt = db_.prepare(by_id.c_str());
  if (stmt) stmt->bind(1, db_.last_insert_rowid());
  return one_row(std::move(stmt), read_event, "no such print copy event");
}

Result<std::vector<PrintCopyEvent>> PrintTables::events_between(UnixSeconds from, UnixSeconds to,
                                                                std::optional<Id> department,
                                                                std::optional<CopyEventKind> kind) {
  static const std::string sql = std::string(kEventColumns) +
                                 "WHERE e.recorded_at >= ?1 AND e.recorded_at < ?2 AND "
                                 "(?3 IS NULL OR doc.department_id = ?3) AND (?4 IS NULL OR e.kind = ?4) "
                                 "ORDER BY e.recorded_at, e.id";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  s.bind(1, from).bind(2, to).bind(3, department);
  if (kind) s.bind(4, to_string(*kind)); else s.bind_null(4);
  return all_rows(s, read_event);
}

Result<std::vector<PrintCopyEvent>> PrintTables::events_of_printed_between(UnixSeconds from, UnixSeconds to,
                                                                           std::optional<Id> department) {
  static const std::string sql = std::string(kEventColumns) +
                                 "WHERE p.printed_at >= ?1 AND p.printed_at < ?2 AND "
                                 "(?3 IS NULL OR doc.department_id = ?3) ORDER BY e.request_id, e.recorded_at, e.id";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  s.bind(1, from).bind(2, to).bind(3, department);
  return all_rows(s, read_event);
}

}  // namespace custos::vault::sqlite
