#include "custos/vault/records_service.hpp"

#include <algorithm>
#include <set>

#include "custos/platform/aead.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/hash.hpp"
#include "custos/platform/json_text.hpp"
#include "custos/records/checker.hpp"
#include "custos/records/contact_validators.hpp"
#include "custos/records/masking.hpp"
#include "custos/records/templates.hpp"

namespace custos::vault {
namespace {

using records::Field;

constexpr std::size_t kMaxFieldBytes = 4096;
constexpr std::uint8_t kSealedFormat = 1;

std::string target_of(Id record) { return "record:" + std::to_string(record); }

Bytes record_associated_data(std::string_view purpose, Id id, std::uint32_t version, Level level) {
  // As document_associated_data: fixed order, '|' never inside a field.
  std::string text = "custos-" + std::string(purpose) + "-v1|" + std::to_string(id) + "|" + std::to_string(version) +
                     "|" + std::string(to_string(level));
  return Bytes(text.begin(), text.end());
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A record's fields in template order: (field, value).
using Fields = std::vector<std::pair<Field, std::string>>;

// The sealed plaintext: a format byte, then per field its number, a 4-byte
// big-endian length and its UTF-8 bytes. Built straight into locked memory.
Secret encode_fields(const Fields& fields) {
  std::size_t size = 1;
  for (const auto& [field, value] : fields) size += 5 + value.size();
  Secret out(size);
  auto bytes = out.unsafe_bytes();
  std::size_t at = 0;
  bytes[at++] = kSealedFormat;
  for (const auto& [field, value] : fields) {
    bytes[at++] = static_cast<std::uint8_t>(field);
    const auto n = static_cast<std::uint32_t>(value.size());
    for (int shift = 24; shift >= 0; shift -= 8) bytes[at++] = static_cast<std::uint8_t>(n >> shift);
    std::copy(value.begin(), value.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
    at += value.size();
  }
  return out;
}

Result<Fields> decode_fields(const Secret& plain) {
  const auto bytes = plain.unsafe_bytes();
  if (bytes.empty() || bytes[0] != kSealedFormat) return fail(ErrorCode::corrupt, "a sealed record has an unknown format");
  Fields out;
  std::size_t at = 1;
  while (at < bytes.size()) {
    if (bytes.size() - at < 5 || bytes[at] >= records::kFieldCount) {
      return fail(ErrorCode::corrupt, "a sealed record is malformed");
    }
    const auto field = static_cast<Field>(bytes[at]);
    std::uint32_t n = 0;
    for (int i = 1; i <= 4; ++i) n = (n << 8) | bytes[at + static_cast<std::size_t>(i)];
    at += 5;
    if (bytes.size() - at < n) return fail(ErrorCode::corrupt, "a sealed record is malformed");
    out.emplace_back(field, std::string(reinterpret_cast<const char*>(bytes.data() + at), n));
    at += n;
  }
  return out;
}

std::string mask_value(Field field, std::string_view value) {
  switch (field) {
    case Field::id_number:
    case Field::sender_id_number: return records::mask_id_number(value);
    case Field::phone:
    case Field::sender_phone:
    case Field::receiver_phone: return records::mask_phone(value);
    case Field::bank_account: return records::mask_bank_card(value);
    default: return std::string(value);
  }
}

bool is_phone(Field field) {
  return field == Field::phone || field == Field::sender_phone || field == Field::receiver_phone;
}

std::string findings_json(std::span<const records::Finding> findings) {
  std::string out = "[";
  for (const auto& f : findings) {
    if (out.size() > 1) out += ',';
    out += "{\"field\":\"" + json_escape(f.field) + "\",\"code\":\"" + std::string(records::to_string(f.code)) +
           "\",\"message\":\"" + json_escape(f.message) + "\"}";
  }
  return out + "]";
}

std::string ids_json(const std::vector<Id>& ids) {
  std::string out = "[";
  for (const auto id : ids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(id);
  }
  return out + "]";
}

// Open cases whose due day is before `day`: overdue on `day`.
CaseQuery open_cases_due_before(const std::string& day) {
  CaseQuery query;
  query.state = CaseState::open;
  query.due_before = day;
  return query;
}

bool sees_every_department(const Principal& by) {
  return by.user.roles.has(Role::general_manager) || by.user.roles.has(Role::auditor);
}

}  // namespace

RecordsService::RecordsService(Store& store, AuditSink& audit, const Secret& vault_key, const IdentifierHasher& hasher,
                               RecordsOptions options)
    : store_(store), audit_(audit), vault_key_(vault_key), hasher_(hasher), options_(std::move(options)) {}

records::Date RecordsService::day_of(UnixSeconds when) const {
  const auto local = when + options_.utc_offset_seconds;
  return records::Date::from_days(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
}

namespace {

// What import and fix share: turning checked cells into a sealed record.
class RecordSealer {
 public:
  RecordSealer(const Secret& vault_key, const IdentifierHasher& hasher) : vault_key_(vault_key), hasher_(hasher) {}

  // Fills the record's content, state, findings, agent code, customer and
  // values from the row; record.id, version and level must be set.
  Result<void> seal(CustomerRecord& record, const Fields& fields, std::span<const records::Finding> findings,
                    const records::RowKeys& keys) {
    record.state = findings.empty() ? RecordState::ok : RecordState::problem;
    record.findings = findings_json(findings);
    record.agent_code.clear();
    for (const auto& [field, value] : fields) {
      if (field == Field::agent_code) record.agent_code = value;
    }
    record.customer_hash = keys.customer != 0 ? hasher_.hash("custos-record-customer:" + std::to_string(keys.customer))
                                              : std::string();
    record.values.clear();
    if (keys.customer != 0) {
      for (const auto& v : keys.view()) {
        const auto compact = records::CompactNumber::from(v.value);
        const std::string normal = compact ? std::string(compact->view()) : std::string(v.value);
        const std::string kind(records::to_string(v.kind));
        const bool phone = v.kind == records::SuspicionKind::shared_phone;
        record.values.push_back(RecordValue{kind, hasher_.hash("custos-record-" + kind + ":" + normal),
                                            phone ? records::mask_phone(normal) : records::mask_bank_card(normal)});
      }
    }
    auto data_key = Secret::random(32);
    auto plain = encode_fields(fields);
    auto sealed = aead::seal(data_key, plain.unsafe_bytes(),
                             record_associated_data("rec", record.id, record.version, record.level));
    if (!sealed) return fail(sealed.error());
    auto wrapped = aead::seal(vault_key_, data_key.unsafe_bytes(),
                              record_associated_data("rk", record.id, record.version, record.level));
    if (!wrapped) return fail(wrapped.error());
    record.sealed = std::move(*sealed);
    record.wrapped_key = std::move(*wrapped);
    return ok();
  }

  Result<Fields> open(const CustomerRecord& record) const {
    auto key = aead::open(vault_key_, record.wrapped_key,
                          record_associated_data("rk", record.id, record.version, record.level));
    if (!key) return fail(ErrorCode::corrupt, "record " + std::to_string(record.id) + "'s key does not open");
    auto plain = aead::open(*key, record.sealed, record_associated_data("rec", record.id, record.version, record.level));
    if (!plain) return fail(ErrorCode::corrupt, "record " + std::to_string(record.id) + " does not open");
    return decode_fields(*plain);
  }

 private:
  const Secret& vault_key_;
  const IdentifierHasher& hasher_;
};

// Stores each row of an import as the checker hands it over.
class ImportWriter final : public records::RowObserver {
 public:
  ImportWriter(Transaction& tx, RecordSealer& sealer, CustomerRecord base, Id first_id)
      : tx_(tx), sealer_(sealer), base_(std::move(base)), next_id_(first_id) {}

  Result<void> row(const records::HeaderMap& header, std::uint64_t row, std::span<const std::string_view> cells,
                   std::span<const records::Finding> findings, const records::RowKeys& keys) override {
    Fields fields;
    for (const auto& spec : records::columns_of(header.kind())) {
      const auto column = header.column(spec.field);
      const std::string_view value = column && *column < cells.size() ? trim(cells[*column]) : std::string_view();
      fields.emplace_back(spec.field, std::string(value));
    }
    CustomerRecord record = base_;
    record.id = next_id_++;
    record.row = static_cast<std::int64_t>(row);
    CUSTOS_TRY_VOID(sealer_.seal(record, fields, findings, keys));
    if (record.state == RecordState::problem) ++problems_;
    return tx_.insert_record(record);
  }

  std::int64_t problems() const { return problems_; }

 private:
  Transaction& tx_;
  RecordSealer& sealer_;
  CustomerRecord base_;
  Id next_id_;
  std::int64_t problems_ = 0;
};

}  // namespace

Result<ImportResult> RecordsService::import(const Principal& by, const ImportRequest& request, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_import));
  auto kind = records::parse_template(request.template_name);
  if (!kind) return fail(kind.error());
  if (request.level == Level::unknown) {
    return fail(ErrorCode::invalid_argument, "level must be secret, confidential or top_secret");
  }
  if (request.filename.size() > 255 || !is_printable_text(request.filename)) {
    return fail(ErrorCode::invalid_argument,
                "the file name is at most 255 bytes of UTF-8 text without control characters");
  }
  const auto today = day_of(origin.now);
  const auto file_sha256 = hex_encode(sha256(request.csv));
  RecordSealer sealer(vault_key_, hasher_);
  ImportResult result;
  auto stored = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<RecordImport> {
    RecordImport import;
    import.template_name = std::string(records::to_string(*kind));
    import.level = request.level;
    import.department_id = by.user.department_id;
    import.imported_by = by.user.id;
    import.imported_at = origin.now;
    import.entry_day = today.to_string();
    import.filename = request.filename;
    import.file_sha256 = file_sha256;
    auto made = tx.insert_record_import(import);
    if (!made) return fail(made.error());
    auto first_id = tx.next_record_id();
    if (!first_id) return fail(first_id.error());
    CustomerRecord base;
    base.import_id = made->id;
    base.template_name = import.template_name;
    base.level = request.level;
    base.department_id = by.user.department_id;
    base.version = 1;
    base.entered_by = by.user.id;
    base.entered_at = origin.now;
    base.entry_day = import.entry_day;
    ImportWriter writer(tx, sealer, std::move(base), *first_id);
    auto source = records::source_from_memory(request.csv);
    records::CheckOptions options;
    options.today = today;
    auto report = records::check(*source, *kind, options, &writer);
    if (!report) return fail(report.error());
    const auto rows = static_cast<std::int64_t>(report->rows);
    CUSTOS_TRY_VOID(tx.finish_record_import(made->id, rows, writer.problems()));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::records_import, "import:" + std::to_string(made->id),
                                   "{\"template\":\"" + import.template_name + "\",\"level\":\"" +
                                       std::string(to_string(request.level)) + "\",\"rows\":" + std::to_string(rows) +
                                       ",\"problems\":" + std::to_string(writer.problems()) +
                                       ",\"file_sha256\":\"" + file_sha256 + "\"}"));
    result.findings = std::move(report->findings);
    result.findings_dropped = report->findings_dropped;
    result.ignored_columns = std::move(report->ignored_columns);
    return tx.record_import_by_id(made->id);
  });
  if (!stored) return fail(stored.error());
  result.import = std::move(*stored);
  return result;
}

Result<RecordView> RecordsService::view_of(const CustomerRecord& record, bool masked) const {
  RecordSealer sealer(vault_key_, hasher_);
  auto fields = sealer.open(record);
  if (!fields) return fail(fields.error());
  auto kind = records::parse_template(record.template_name);
  if (!kind) return fail(ErrorCode::corrupt, "record " + std::to_string(record.id) + " has an unknown template");
  RecordView view;
  view.masked = masked;
  view.record = record;
  view.record.wrapped_key.clear();
  view.record.sealed.clear();
  for (const auto& spec : records::columns_of(*kind)) {
    std::string value;
    for (const auto& [field, text] : *fields) {
      if (field == spec.field) value = text;
    }
    view.fields.emplace_back(std::string(spec.name), masked ? mask_value(spec.field, value) : std::move(value));
  }
  return view;
}

namespace {

// The department a principal's record reads are limited to (none: all).
std::optional<Id> record_scope(const Principal& by) {
  if (by.user.roles.has(Role::general_manager)) return std::nullopt;
  return by.user.department_id;
}

// Unmasked values are for the clerks who enter and correct the records of
// their own department, and only when asked for.
Result<void> may_unmask(const Principal& by, std::optional<Id> department) {
  if (!by.user.roles.has(Role::info_clerk) || (department && *department != by.user.department_id)) {
    return fail(ErrorCode::permission_denied,
                "only an information clerk of the records' department sees them unmasked; leave out --unmasked");
  }
  return ok();
}

}  // namespace

Result<std::vector<RecordView>> RecordsService::list(const Principal& by, RecordQuery query, bool unmasked,
                                                     const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_list));
  query.department = record_scope(by);
  if (unmasked) CUSTOS_TRY_VOID(may_unmask(by, by.user.department_id));
  query.limit = std::clamp<std::size_t>(query.limit, 1, 1000);
  auto found = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.list_records(query); });
  if (!found) return fail(found.error());
  std::vector<RecordView> out;
  out.reserve(found->size());
  for (const auto& record : *found) {
    auto view = view_of(record, !unmasked);
    if (!view) return fail(view.error());
    out.push_back(std::move(*view));
  }
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::records_list, "records", Outcome::allowed, "ok",
                                           "{\"count\":" + std::to_string(out.size()) + ",\"problems_only\":" +
                                               (query.problems_only ? "true" : "false") +
                                               ",\"unmasked\":" + (unmasked ? "true" : "false") + "}")));
  return out;
}

Result<RecordView> RecordsService::show(const Principal& by, Id id, bool unmasked, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_list));
  auto record = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.record_by_id(id); });
  if (!record) return fail(record.error());
  const auto scope = record_scope(by);
  if (scope && *scope != record->department_id) {
    return fail(ErrorCode::permission_denied, "record " + std::to_string(id) + " belongs to another department");
  }
  if (unmasked) CUSTOS_TRY_VOID(may_unmask(by, record->department_id));
  auto view = view_of(*record, !unmasked);
  if (!view) return fail(view.error());
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::records_list, target_of(id), Outcome::allowed, "ok",
                                           std::string("{\"unmasked\":") + (unmasked ? "true" : "false") + "}")));
  return view;
}

Result<RecordView> RecordsService::fix(const Principal& by, Id id, const std::map<std::string, std::string>& changes,
                                       const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_fix));
  if (changes.empty()) return fail(ErrorCode::invalid_argument, "name at least one field to set (--set FIELD=VALUE)");
  RecordSealer sealer(vault_key_, hasher_);
  auto fixed = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<CustomerRecord> {
    auto record = tx.record_by_id(id);
    if (!record) return fail(record.error());
    if (record->department_id != by.user.department_id) {
      return fail(ErrorCode::permission_denied, "record " + std::to_string(id) + " belongs to another department");
    }
    auto kind = records::parse_template(record->template_name);
    if (!kind) return fail(ErrorCode::corrupt, "record " + std::to_string(id) + " has an unknown template");
    auto fields = sealer.open(*record);
    if (!fields) return fail(fields.error());
    // The record's fields in template order, with the changes applied.
    Fields next;
    std::vector<std::string> names;
    for (const auto& spec : records::columns_of(*kind)) {
      std::string value;
      for (const auto& [field, text] : *fields) {
        if (field == spec.field) value = text;
      }
      next.emplace_back(spec.field, std::move(value));
      names.emplace_back(spec.name);
    }
    std::string changed = "[";
    for (const auto& [name, value] : changes) {
      const auto at = std::find(names.begin(), names.end(), name);
      if (at == names.end()) {
        return fail(ErrorCode::invalid_argument, "the " + record->template_name + " template has no field '" + name +
                                                     "' (docs/records.md lists them)");
      }
      if (value.size() > kMaxFieldBytes || !is_valid_utf8(value)) {
        return fail(ErrorCode::invalid_argument, "field '" + name + "' must be UTF-8 text of at most 4096 bytes");
      }
      next[static_cast<std::size_t>(at - names.begin())].second = std::string(trim(value));
      if (changed.size() > 1) changed += ',';
      changed += "\"" + json_escape(name) + "\"";
    }
    changed += "]";
    // Check the record again, as a one-row file of the template's columns.
    std::vector<std::string_view> header(names.begin(), names.end());
    auto checker = records::RecordChecker::create(*kind, header, day_of(origin.now));
    if (!checker) return fail(checker.error());
    std::vector<std::string_view> cells;
    for (const auto& [field, value] : next) cells.push_back(value);
    std::vector<records::Finding> findings;
    checker->check_row(static_cast<std::uint64_t>(record->row), static_cast<std::uint64_t>(record->row), cells,
                       findings);
    record->version += 1;
    record->updated_by = by.user.id;
    record->updated_at = origin.now;
    CUSTOS_TRY_VOID(sealer.seal(*record, next, findings, checker->last_keys()));
    CUSTOS_TRY_VOID(tx.update_record(*record));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::records_fix, target_of(id),
                                   "{\"fields\":" + changed + ",\"version\":" + std::to_string(record->version) +
                                       ",\"state\":\"" + std::string(to_string(record->state)) +
                                       "\",\"findings\":" + std::to_string(findings.size()) + "}"));
    return tx.record_by_id(id);
  });
  if (!fixed) return fail(fixed.error());
  return view_of(*fixed, true);
}

Result<RecordExport> RecordsService::export_records(const Principal& by, std::string_view template_name,
                                                    std::string_view purpose, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_export));
  auto kind = records::parse_template(template_name);
  if (!kind) return fail(kind.error());
  if (purpose != "records" && purpose != "other") {
    return fail(ErrorCode::invalid_argument, "purpose must be records or other");
  }
  const bool other = purpose == "other";
  RecordExport out;
  out.template_name = std::string(records::to_string(*kind));
  out.purpose = std::string(purpose);
  std::vector<bool> keep;
  out.columns = {"record_id", "state"};
  for (const auto& spec : records::columns_of(*kind)) {
    const bool dropped = other && (is_phone(spec.field) || spec.field == Field::employer);
    keep.push_back(!dropped);
    if (!dropped) out.columns.emplace_back(spec.name);
  }
  RecordQuery query;
  query.department = record_scope(by);
  query.template_name = out.template_name;
  query.limit = 1000;
  for (;;) {
    auto page = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.list_records(query); });
    if (!page) return fail(page.error());
    for (const auto& record : *page) {
      query.after_id = record.id;
      auto view = view_of(record, true);
      if (!view) return fail(view.error());
      std::vector<std::string> row = {std::to_string(record.id), std::string(to_string(record.state))};
      for (std::size_t i = 0; i < view->fields.size(); ++i) {
        if (keep[i]) row.push_back(std::move(view->fields[i].second));
      }
      out.rows.push_back(std::move(row));
    }
    if (page->size() < query.limit) break;
  }
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::records_export, "records:" + out.template_name,
                                           Outcome::allowed, "ok",
                                           "{\"purpose\":\"" + out.purpose + "\",\"rows\":" +
                                               std::to_string(out.rows.size()) + ",\"masked\":true}")));
  return out;
}

Result<ScreenResult> RecordsService::screen(const Principal& by, std::optional<std::string> through_day,
                                            const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_screen));
  auto through = day_of(origin.now);
  if (through_day) {
    auto parsed = records::parse_date(*through_day);
    if (!parsed) return fail(parsed.error());
    if (through < *parsed) return fail(ErrorCode::invalid_argument, "entries of a future day cannot be screened");
    through = *parsed;
  }
  return screen_through(&by, through, origin, true);
}

Result<ScreenResult> RecordsService::run_daily(const Origin& origin) {
  return screen_through(nullptr, day_of(origin.now).plus_days(-1), origin, false);
}

Result<ScreenResult> RecordsService::screen_through(const Principal* by, records::Date through, const Origin& origin,
                                                    bool always_record) {
  const auto today = day_of(origin.now);
  ScreenResult result;
  result.through_day = through.to_string();
  result.listed_on = today.to_string();
  const auto due = records::add_working_days(today, options_.due_working_days, options_.calendar).to_string();
  auto run = [&](Transaction& tx) -> Result<ScreenResult> {
    auto entries = tx.unscreened_records(result.through_day);
    if (!entries) return fail(entries.error());
    std::set<std::pair<std::string, std::string>> seen;
    std::vector<Id> screened;
    // Newest first: a case takes its department and agent code from the
    // latest record that shares the value.
    for (auto entry = entries->rbegin(); entry != entries->rend(); ++entry) {
      const auto& record = *entry;
      screened.push_back(record.id);
      for (const auto& value : record.values) {
        if (!seen.emplace(value.kind, value.value_hash).second) continue;
        auto holders = tx.records_with_value(value.kind, value.value_hash);
        if (!holders) return fail(holders.error());
        std::set<std::string> customers;
        std::vector<Id> ids;
        for (const auto& [holder, customer] : *holders) {
          if (customer.empty()) continue;
          customers.insert(customer);
          ids.push_back(holder);
        }
        // The same person on several records is one customer: no case.
        if (customers.size() < 2) continue;
        auto open = tx.open_case_for(value.kind, value.value_hash);
        if (!open) return fail(open.error());
        if (*open) {
          if ((*open)->records != ids) {
            CUSTOS_TRY_VOID(tx.add_case_records((*open)->id, ids));
            result.joined_cases.push_back((*open)->id);
          }
          continue;
        }
        SuspiciousCaseRow c;
        c.kind = value.kind;
        c.value_hash = value.value_hash;
        c.masked_value = value.masked;
        c.department_id = record.department_id;
        c.entry_day = record.entry_day;
        c.listed_on = result.listed_on;
        c.due_on = due;
        c.agent_code = record.agent_code;
        if (!record.agent_code.empty()) {
          auto staff = tx.channel_staff(record.agent_code);
          if (!staff) return fail(staff.error());
          if (*staff) c.assigned_to = (*staff)->user_id;
        }
        c.records = ids;
        auto made = tx.insert_case(c);
        if (!made) return fail(made.error());
        result.new_cases.push_back(*made);
      }
    }
    CUSTOS_TRY_VOID(tx.mark_screened(screened));
    result.screened = static_cast<std::int64_t>(screened.size());
    // Open cases past their due day, raised once each.
    auto late = tx.list_cases(open_cases_due_before(result.listed_on));
    if (!late) return fail(late.error());
    for (const auto& c : *late) {
      if (c.overdue_raised_at) continue;
      CUSTOS_TRY_VOID(tx.mark_overdue_raised(c.id, origin.now));
      result.overdue_raised.push_back(c.id);
    }
    CUSTOS_TRY_VOID(append_allowed(tx, origin, by, Action::records_screen, "records:" + result.through_day,
                                   "{\"listed_on\":\"" + result.listed_on + "\",\"screened\":" +
                                       std::to_string(result.screened) + ",\"new_cases\":" +
                                       ids_json(result.new_cases) + ",\"joined_cases\":" +
                                       ids_json(result.joined_cases) + ",\"overdue\":" +
                                       ids_json(result.overdue_raised) + "}"));
    return result;
  };
  // A run with nothing to do writes nothing; it reads first to find out.
  if (!always_record) {
    auto idle = transact(store_, TxMode::read, [&](Transaction& tx) -> Result<bool> {
      auto entries = tx.unscreened_records(result.through_day);
      if (!entries) return fail(entries.error());
      if (!entries->empty()) return false;
      auto late = tx.list_cases(open_cases_due_before(result.listed_on));
      if (!late) return fail(late.error());
      return std::none_of(late->begin(), late->end(), [](const auto& c) { return !c.overdue_raised_at; });
    });
    if (!idle) return fail(idle.error());
    if (*idle) return result;
  }
  return transact(store_, TxMode::write, run);
}

Result<std::vector<SuspiciousCaseRow>> RecordsService::cases(const Principal& by, CaseFilter filter,
                                                             std::optional<std::string> day, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_cases));
  CaseQuery query;
  const auto today = day_of(origin.now).to_string();
  switch (filter) {
    case CaseFilter::open: query.state = CaseState::open; break;
    case CaseFilter::overdue: query = open_cases_due_before(today); break;
    case CaseFilter::listed_on: {
      if (!day) return fail(ErrorCode::invalid_argument, "give the list's day (--date YYYY-MM-DD)");
      auto parsed = records::parse_date(*day);
      if (!parsed) return fail(parsed.error());
      query.listed_on = parsed->to_string();
      break;
    }
    case CaseFilter::all: break;
  }
  auto found = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.list_cases(query); });
  if (!found) return fail(found.error());
  // Own department's cases, and those assigned to the reader wherever they are.
  if (!sees_every_department(by)) {
    std::erase_if(*found, [&](const SuspiciousCaseRow& c) {
      return c.department_id != by.user.department_id && c.assigned_to != by.user.id;
    });
  }
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::records_cases, "suspicious_cases", Outcome::allowed,
                                           "ok", "{\"count\":" + std::to_string(found->size()) + "}")));
  return found;
}

Result<SuspiciousCaseRow> RecordsService::clear_case(const Principal& by, Id case_id, std::string_view note,
                                                     std::string_view evidence, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_case_clear));
  if (trim(note).empty() || note.size() > 2000 || !is_valid_utf8(note)) {
    return fail(ErrorCode::invalid_argument, "clearing a case needs a note (--note, 1 to 2000 bytes of UTF-8)");
  }
  if (trim(evidence).empty() || evidence.size() > 512 || !is_valid_utf8(evidence)) {
    return fail(ErrorCode::invalid_argument,
                "clearing a case needs an evidence reference (--evidence, 1 to 512 bytes of UTF-8)");
  }
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<SuspiciousCaseRow> {
    auto found = tx.case_by_id(case_id);
    if (!found) return fail(found.error());
    const auto& roles = by.user.roles;
    const bool assignee = found->assigned_to == by.user.id;
    const bool manager = roles.has(Role::general_manager) ||
                         (roles.has(Role::dept_manager) && found->department_id == by.user.department_id);
    if (!assignee && !manager) {
      return fail(ErrorCode::permission_denied, "suspicious case " + std::to_string(case_id) +
                                                    " is cleared by its assignee or the department's manager");
    }
    CUSTOS_TRY_VOID(tx.clear_case(case_id, by.user.id, origin.now, note, evidence));
    // The note and evidence may name customers: the log keeps keyed hashes.
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::records_case_clear, "case:" + std::to_string(case_id),
                                   "{\"note\":\"" + hasher_.hash(note) + "\",\"evidence\":\"" +
                                       hasher_.hash(evidence) + "\",\"due_on\":\"" + found->due_on + "\"}"));
    return tx.case_by_id(case_id);
  });
}

Result<ChannelStaff> RecordsService::set_channel_staff(const Principal& by, std::string_view agent_code,
                                                       std::string_view user, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_channel_set));
  const auto code = trim(agent_code);
  if (code.empty() || code.size() > 64 || !is_valid_utf8(code)) {
    return fail(ErrorCode::invalid_argument, "an agent code is 1 to 64 bytes of UTF-8");
  }
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<ChannelStaff> {
    auto staff = tx.user_by_name(user);
    if (!staff) return fail(staff.error());
    if (staff->disabled) return fail(ErrorCode::invalid_argument, "user " + staff->name + " is disabled");
    CUSTOS_TRY_VOID(tx.set_channel_staff(ChannelStaff{std::string(code), staff->id, staff->name, by.user.id, origin.now}));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &by, Action::records_channel_set, "channel:" + std::string(code),
                                   "{\"user\":\"" + json_escape(staff->name) + "\"}"));
    auto set = tx.channel_staff(code);
    if (!set) return fail(set.error());
    if (!*set) return fail(ErrorCode::internal, "the channel staff just set cannot be read back");
    return **set;
  });
}

Result<std::vector<ChannelStaff>> RecordsService::channel_staff(const Principal& by, const Origin& origin) {
  CUSTOS_TRY_VOID(require_role(by, Action::records_channel_list));
  auto found = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.list_channel_staff(); });
  if (!found) return fail(found.error());
  CUSTOS_TRY_VOID(audit_.record(make_audit(origin, &by, Action::records_channel_list, "channel_staff",
                                           Outcome::allowed, "ok",
                                           "{\"count\":" + std::to_string(found->size()) + "}")));
  return found;
}

}  // namespace custos::vault
