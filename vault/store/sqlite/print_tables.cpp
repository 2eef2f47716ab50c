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

std::optional<std::int64_t> maybe(const Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return s.integer(column);
}

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
  r.decided_by = maybe(s, 13);
  r.decided_by_name = s.text(14);
  r.decided_at = maybe(s, 15);
  r.decision_reason = s.text(16);
  r.valid_from = maybe(s, 17);
  r.valid_until = maybe(s, 18);
  r.agent_id = maybe(s, 19);
  r.agent = s.text(20);
  r.printer_used = s.text(21);
  r.started_at = maybe(s, 22);
  r.printed_at = maybe(s, 23);
  r.job_id = maybe(s, 24);
  r.pages = maybe(s, 25);
  r.received_at = maybe(s, 26);
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
                          "started_at = ?9, printed_at = ?10, job_id = ?11, pages = ?12, received_at = ?13, "
                          "returned = ?14, shredded = ?15 WHERE id = ?16 AND state = ?17"));
  s.bind(1, to_string(r.state)).bind(2, r.decided_by).bind(3, r.decided_at).bind(4, r.decision_reason)
      .bind(5, r.valid_from).bind(6, r.valid_until).bind(7, r.agent_id).bind(8, r.printer_used)
      .bind(9, r.started_at).bind(10, r.printed_at).bind(11, r.job_id).bind(12, r.pages).bind(13, r.received_at)
      .bind(14, std::int64_t{r.returned}).bind(15, std::int64_t{r.shredded}).bind(16, r.id)
      .bind(17, to_string(expected));
  CUSTOS_TRY_VOID(s.run());
  if (db_.changes() != 1) {
    return fail(ErrorCode::conflict, "print request " + std::to_string(r.id) + " changed meanwhile; try again");
  }
  return ok();
}

}  // namespace custos::vault::sqlite
