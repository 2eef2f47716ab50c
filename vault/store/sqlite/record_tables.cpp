#include "sqlite/record_tables.hpp"

#include "sqlite/rows.hpp"

namespace custos::vault::sqlite {
namespace {

constexpr const char* kImportColumns =
    "SELECT i.id, i.template, i.level, i.department_id, d.name, i.imported_by, u.name, i.imported_at, "
    "i.entry_day, i.filename, i.file_sha256, i.rows, i.problems FROM record_imports i "
    "JOIN departments d ON d.id = i.department_id JOIN users u ON u.id = i.imported_by ";

RecordImport read_import(const Statement& s) {
  RecordImport i;
  i.id = s.integer(0);
  i.template_name = s.text(1);
  i.level = level_from_string(s.text(2));
  i.department_id = s.integer(3);
  i.department = s.text(4);
  i.imported_by = s.integer(5);
  i.imported_by_name = s.text(6);
  i.imported_at = s.integer(7);
  i.entry_day = s.text(8);
  i.filename = s.text(9);
  i.file_sha256 = s.text(10);
  i.rows = s.integer(11);
  i.problems = s.integer(12);
  return i;
}

constexpr const char* kRecordColumns =
    "SELECT r.id, r.import_id, r.row, r.template, r.level, r.department_id, d.name, r.version, r.state, "
    "r.findings, r.agent_code, r.customer_hash, r.entered_by, u.name, r.entered_at, r.entry_day, r.updated_by, "
    "r.updated_at, r.wrapped_key, r.sealed FROM customer_records r "
    "JOIN departments d ON d.id = r.department_id JOIN users u ON u.id = r.entered_by ";

CustomerRecord read_record(const Statement& s) {
  CustomerRecord r;
  r.id = s.integer(0);
  r.import_id = s.integer(1);
  r.row = s.integer(2);
  r.template_name = s.text(3);
  r.level = level_from_string(s.text(4));
  r.department_id = s.integer(5);
  r.department = s.text(6);
  r.version = static_cast<std::uint32_t>(s.integer(7));
  r.state = record_state_from_string(s.text(8));
  r.findings = s.text(9);
  r.agent_code = s.text(10);
  r.customer_hash = s.text(11);
  r.entered_by = s.integer(12);
  r.entered_by_name = s.text(13);
  r.entered_at = s.integer(14);
  r.entry_day = s.text(15);
  r.updated_by = optional_integer(s, 16);
  r.updated_at = optional_integer(s, 17);
  r.wrapped_key = s.blob(18);
  r.sealed = s.blob(19);
  return r;
}

constexpr const char* kCaseColumns =
    "SELECT c.id, c.kind, c.value_hash, c.masked_value, c.department_id, d.name, c.entry_day, c.listed_on, "
    "c.due_on, c.agent_code, c.assigned_to, COALESCE(au.name, ''), c.state, c.cleared_by, COALESCE(cu.name, ''), "
    "c.cleared_at, c.note, c.evidence, c.overdue_raised_at FROM suspicious_cases c "
    "JOIN departments d ON d.id = c.department_id LEFT JOIN users au ON au.id = c.assigned_to "
    "LEFT JOIN users cu ON cu.id = c.cleared_by ";

SuspiciousCaseRow read_case(const Statement& s) {
  SuspiciousCaseRow c;
  c.id = s.integer(0);
  c.kind = s.text(1);
  c.value_hash = s.text(2);
  c.masked_value = s.text(3);
  c.department_id = s.integer(4);
  c.department = s.text(5);
  c.entry_day = s.text(6);
  c.listed_on = s.text(7);
  c.due_on = s.text(8);
  c.agent_code = s.text(9);
  c.assigned_to = optional_integer(s, 10);
  c.assigned_to_name = s.text(11);
  c.state = case_state_from_string(s.text(12));
  c.cleared_by = optional_integer(s, 13);
  c.cleared_by_name = s.text(14);
  c.cleared_at = optional_integer(s, 15);
  c.note = s.text(16);
  c.evidence = s.text(17);
  c.overdue_raised_at = optional_integer(s, 18);
  return c;
}

// A row found with its child rows loaded by `load` (which takes a vector).
template <class Row, class Load>
Result<Row> with_children(Result<Row> found, Load load) {
  if (!found) return found;
  std::vector<Row> one{std::move(*found)};
  CUSTOS_TRY_VOID(load(one));
  return std::move(one.front());
}

}  // namespace

Result<RecordImport> RecordTables::insert_import(const RecordImport& i) {
  TRY_STMT(s, db_.prepare("INSERT INTO record_imports (template, level, department_id, imported_by, imported_at, "
                          "entry_day, filename, file_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  s.bind(1, i.template_name).bind(2, to_string(i.level)).bind(3, i.department_id).bind(4, i.imported_by)
      .bind(5, i.imported_at).bind(6, i.entry_day).bind(7, i.filename).bind(8, i.file_sha256);
  CUSTOS_TRY_VOID(s.run());
  return import_by_id(db_.last_insert_rowid());
}

Result<void> RecordTables::finish_import(Id import, std::int64_t rows, std::int64_t problems) {
  TRY_STMT(s, db_.prepare("UPDATE record_imports SET rows = ?, problems = ? WHERE id = ?"));
  s.bind(1, rows).bind(2, problems).bind(3, import);
  return s.run();
}

Result<RecordImport> RecordTables::import_by_id(Id import) {
  static const std::string sql = std::string(kImportColumns) + "WHERE i.id = ?";
  auto stmt = db_.prepare(sql.c_str());
  if (stmt) stmt->bind(1, import);
  return one_row(std::move(stmt), read_import, "no such import");
}

Result<Id> RecordTables::next_record_id() {
  return one_row(db_.prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM customer_records"),
                 [](const Statement& st) { return Id{st.integer(0)}; }, "no row");
}

Result<void> RecordTables::insert_record(const CustomerRecord& r) {
  TRY_STMT(s, db_.prepare(
      "INSERT INTO customer_records (id, import_id, row, template, level, department_id, version, state, findings, "
      "agent_code, customer_hash, entered_by, entered_at, entry_day, wrapped_key, sealed) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  s.bind(1, r.id).bind(2, r.import_id).bind(3, r.row).bind(4, r.template_name).bind(5, to_string(r.level))
      .bind(6, r.department_id).bind(7, std::int64_t{r.version}).bind(8, to_string(r.state)).bind(9, r.findings)
      .bind(10, r.agent_code).bind(11, r.customer_hash).bind(12, r.entered_by).bind(13, r.entered_at)
      .bind(14, r.entry_day).bind(15, std::span<const std::uint8_t>(r.wrapped_key))
      .bind(16, std::span<const std::uint8_t>(r.sealed));
  CUSTOS_TRY_VOID(s.run());
  return insert_values(r);
}

Result<void> RecordTables::insert_values(const CustomerRecord& r) {
  for (const auto& v : r.values) {
    TRY_STMT(s, db_.prepare("INSERT INTO record_values (record_id, kind, value_hash, masked) VALUES (?, ?, ?, ?)"));
    s.bind(1, r.id).bind(2, v.kind).bind(3, v.value_hash).bind(4, v.masked);
    CUSTOS_TRY_VOID(s.run());
  }
  return ok();
}

Result<void> RecordTables::load_values(std::vector<CustomerRecord>& records) {
  for (auto& r : records) {
    TRY_STMT(s, db_.prepare("SELECT kind, value_hash, masked FROM record_values WHERE record_id = ? ORDER BY kind"));
    s.bind(1, r.id);
    auto values = all_rows(s, [](const Statement& st) { return RecordValue{st.text(0), st.text(1), st.text(2)}; });
    if (!values) return fail(values.error());
    r.values = std::move(*values);
  }
  return ok();
}

Result<CustomerRecord> RecordTables::record_by_id(Id record) {
  static const std::string sql = std::string(kRecordColumns) + "WHERE r.id = ?";
  auto stmt = db_.prepare(sql.c_str());
  if (stmt) stmt->bind(1, record);
  return with_children(one_row(std::move(stmt), read_record, "no such record"),
                       [this](std::vector<CustomerRecord>& one) { return load_values(one); });
}

Result<std::vector<CustomerRecord>> RecordTables::list_records(const RecordQuery& q) {
  static const std::string sql = std::string(kRecordColumns) +
                                 "WHERE r.id > ?1 AND (?2 IS NULL OR r.department_id = ?2) AND "
                                 "(?3 IS NULL OR r.import_id = ?3) AND (?4 = 0 OR r.state = 'problem') "
                                 "AND (?6 IS NULL OR r.template = ?6) ORDER BY r.id LIMIT ?5";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  s.bind(1, q.after_id).bind(2, q.department).bind(3, q.import_id).bind(4, std::int64_t{q.problems_only})
      .bind(5, static_cast<std::int64_t>(q.limit)).bind(6, q.template_name);
  auto records = all_rows(s, read_record);
  if (!records) return records;
  CUSTOS_TRY_VOID(load_values(*records));
  return records;
}

Result<void> RecordTables::update_record(const CustomerRecord& r) {
  TRY_STMT(s, db_.prepare(
      "UPDATE customer_records SET version = ?, state = ?, findings = ?, agent_code = ?, customer_hash = ?, "
      "updated_by = ?, updated_at = ?, wrapped_key = ?, sealed = ?, screened = 0 WHERE id = ?"));
  s.bind(1, std::int64_t{r.version}).bind(2, to_string(r.state)).bind(3, r.findings).bind(4, r.agent_code)
      .bind(5, r.customer_hash).bind(6, r.updated_by).bind(7, r.updated_at)
      .bind(8, std::span<const std::uint8_t>(r.wrapped_key)).bind(9, std::span<const std::uint8_t>(r.sealed))
      .bind(10, r.id);
  CUSTOS_TRY_VOID(s.run());
  if (db_.changes() != 1) return fail(ErrorCode::not_found, "no such record");
  TRY_STMT(d, db_.prepare("DELETE FROM record_values WHERE record_id = ?"));
  d.bind(1, r.id);
  CUSTOS_TRY_VOID(d.run());
  return insert_values(r);
}

Result<std::vector<CustomerRecord>> RecordTables::unscreened_records(std::string_view through_day) {
  TRY_STMT(s, db_.prepare(
      "SELECT r.id, r.department_id, r.agent_code, r.customer_hash, r.entry_day FROM customer_records r "
      "WHERE r.screened = 0 AND r.entry_day <= ? ORDER BY r.id"));
  s.bind(1, through_day);
  auto records = all_rows(s, [](const Statement& st) {
    CustomerRecord r;
    r.id = st.integer(0);
    r.department_id = st.integer(1);
    r.agent_code = st.text(2);
    r.customer_hash = st.text(3);
    r.entry_day = st.text(4);
    return r;
  });
  if (!records) return records;
  CUSTOS_TRY_VOID(load_values(*records));
  return records;
}

Result<std::vector<std::pair<Id, std::string>>> RecordTables::records_with_value(std::string_view kind,
                                                                                 std::string_view value_hash) {
  TRY_STMT(s, db_.prepare("SELECT r.id, r.customer_hash FROM record_values v JOIN customer_records r "
                          "ON r.id = v.record_id WHERE v.kind = ? AND v.value_hash = ? ORDER BY r.id"));
  s.bind(1, kind).bind(2, value_hash);
  return all_rows(s, [](const Statement& st) { return std::pair<Id, std::string>(st.integer(0), st.text(1)); });
}

Result<void> RecordTables::mark_screened(std::span<const Id> records) {
  for (const Id id : records) {
    TRY_STMT(s, db_.prepare("UPDATE customer_records SET screened = 1 WHERE id = ?"));
    s.bind(1, id);
    CUSTOS_TRY_VOID(s.run());
  }
  return ok();
}

Result<void> RecordTables::load_case_records(std::vector<SuspiciousCaseRow>& cases) {
  for (auto& c : cases) {
    TRY_STMT(s, db_.prepare("SELECT record_id FROM suspicious_case_records WHERE case_id = ? ORDER BY record_id"));
    s.bind(1, c.id);
    auto ids = all_rows(s, [](const Statement& st) { return Id{st.integer(0)}; });
    if (!ids) return fail(ids.error());
    c.records = std::move(*ids);
  }
  return ok();
}

Result<std::optional<SuspiciousCaseRow>> RecordTables::open_case_for(std::string_view kind,
                                                                     std::string_view value_hash) {
  static const std::string sql = std::string(kCaseColumns) +
                                 "WHERE c.kind = ? AND c.value_hash = ? AND c.state = 'open'";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  s.bind(1, kind).bind(2, value_hash);
  auto found = optional_row(s, read_case);
  if (!found || !*found) return found;
  auto loaded = with_children(Result<SuspiciousCaseRow>(std::move(**found)),
                              [this](std::vector<SuspiciousCaseRow>& one) { return load_case_records(one); });
  if (!loaded) return fail(loaded.error());
  return std::optional<SuspiciousCaseRow>(std::move(*loaded));
}

Result<Id> RecordTables::insert_case(const SuspiciousCaseRow& c) {
  TRY_STMT(s, db_.prepare(
      "INSERT INTO suspicious_cases (kind, value_hash, masked_value, department_id, entry_day, listed_on, due_on, "
      "agent_code, assigned_to, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')"));
  s.bind(1, c.kind).bind(2, c.value_hash).bind(3, c.masked_value).bind(4, c.department_id).bind(5, c.entry_day)
      .bind(6, c.listed_on).bind(7, c.due_on).bind(8, c.agent_code).bind(9, c.assigned_to);
  CUSTOS_TRY_VOID(s.run());
  const Id id = db_.last_insert_rowid();
  CUSTOS_TRY_VOID(add_case_records(id, c.records));
  return id;
}

Result<void> RecordTables::add_case_records(Id case_id, std::span<const Id> records) {
  for (const Id record : records) {
    TRY_STMT(s, db_.prepare("INSERT OR IGNORE INTO suspicious_case_records (case_id, record_id) VALUES (?, ?)"));
    s.bind(1, case_id).bind(2, record);
    CUSTOS_TRY_VOID(s.run());
  }
  return ok();
}

Result<SuspiciousCaseRow> RecordTables::case_by_id(Id case_id) {
  static const std::string sql = std::string(kCaseColumns) + "WHERE c.id = ?";
  auto stmt = db_.prepare(sql.c_str());
  if (stmt) stmt->bind(1, case_id);
  return with_children(one_row(std::move(stmt), read_case, "no such suspicious case"),
                       [this](std::vector<SuspiciousCaseRow>& one) { return load_case_records(one); });
}

Result<std::vector<SuspiciousCaseRow>> RecordTables::list_cases(const CaseQuery& q) {
  static const std::string sql = std::string(kCaseColumns) +
                                 "WHERE (?1 IS NULL OR c.department_id = ?1) AND (?2 IS NULL OR c.listed_on = ?2) "
                                 "AND (?3 IS NULL OR c.state = ?3) AND (?4 IS NULL OR c.due_on < ?4) "
                                 "ORDER BY c.due_on, c.id";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  s.bind(1, q.department).bind(2, q.listed_on).bind(4, q.due_before);
  if (q.state) {
    s.bind(3, to_string(*q.state));
  } else {
    s.bind_null(3);
  }
  auto cases = all_rows(s, read_case);
  if (!cases) return cases;
  CUSTOS_TRY_VOID(load_case_records(*cases));
  return cases;
}

Result<void> RecordTables::clear_case(Id case_id, Id by, UnixSeconds at, std::string_view note,
                                      std::string_view evidence) {
  TRY_STMT(s, db_.prepare("UPDATE suspicious_cases SET state = 'cleared', cleared_by = ?, cleared_at = ?, note = ?, "
                          "evidence = ? WHERE id = ? AND state = 'open'"));
  s.bind(1, by).bind(2, at).bind(3, note).bind(4, evidence).bind(5, case_id);
  CUSTOS_TRY_VOID(s.run());
  if (db_.changes() == 1) return ok();
  CUSTOS_TRY_VOID(case_by_id(case_id));
  return fail(ErrorCode::conflict, "suspicious case " + std::to_string(case_id) + " is cleared already");
}

Result<void> RecordTables::mark_overdue_raised(Id case_id, UnixSeconds at) {
  TRY_STMT(s, db_.prepare("UPDATE suspicious_cases SET overdue_raised_at = ? WHERE id = ?"));
  s.bind(1, at).bind(2, case_id);
  return s.run();
}

Result<void> RecordTables::set_channel_staff(const ChannelStaff& staff) {
  TRY_STMT(s, db_.prepare("INSERT INTO channel_staff (agent_code, user_id, set_by, set_at) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (agent_code) DO UPDATE SET user_id = excluded.user_id, "
                          "set_by = excluded.set_by, set_at = excluded.set_at"));
  s.bind(1, staff.agent_code).bind(2, staff.user_id).bind(3, staff.set_by).bind(4, staff.set_at);
  return s.run();
}

namespace {
constexpr const char* kStaffColumns =
    "SELECT c.agent_code, c.user_id, u.name, c.set_by, c.set_at FROM channel_staff c JOIN users u ON u.id = c.user_id ";
ChannelStaff read_staff(const Statement& s) {
  return ChannelStaff{s.text(0), s.integer(1), s.text(2), s.integer(3), s.integer(4)};
}
}  // namespace

Result<std::optional<ChannelStaff>> RecordTables::channel_staff(std::string_view agent_code) {
  static const std::string sql = std::string(kStaffColumns) + "WHERE c.agent_code = ?";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  s.bind(1, agent_code);
  return optional_row(s, read_staff);
}

Result<std::vector<ChannelStaff>> RecordTables::list_channel_staff() {
  static const std::string sql = std::string(kStaffColumns) + "ORDER BY c.agent_code";
  TRY_STMT(s, db_.prepare(sql.c_str()));
  return all_rows(s, read_staff);
}

}  // namespace custos::vault::sqlite
