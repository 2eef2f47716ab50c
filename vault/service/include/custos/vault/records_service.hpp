// Customer records in the vault (docs/records.md, "In the vault"):
//
//  - import: an information clerk sends a CSV of one template at one level;
//    every row is checked as `custos records check` checks it and stored,
//    sealed under its own data key (wrapped by the vault key; id, version and
//    level bound as associated data). A row that fails a check is kept as a
//    problem case (问题件) with its findings — never dropped. The import is
//    one transaction: a malformed file stores nothing.
//  - fix: a clerk corrects fields of a record; it is checked again, sealed
//    again under a new key as the next version, and screened again.
//  - list/show/export: ID numbers, phones and cards masked; a clerk of the
//    record's department may ask to see one record or list unmasked (audited
//    as such); exports are always masked, and an export for another purpose
//    drops the phone and employer columns.
//  - the T+1 screening: the daily job takes every record entered up to the
//    day before and not screened yet, finds the phone numbers and bank
//    accounts that two or more different customers share across all records
//    (one customer = one ID number; the keyed hashes of values and customers
//    are what is compared), and lists each such value as a case, assigned to
//    the channel staff of the triggering record's agent code, due N working
//    days after the list's day. A value with an open case gets its new
//    records added to that case rather than a second case. Cases past due
//    are raised (once each) in the audit log and by the job's return value.
//
// Who may do what is the role table (principal.cpp) plus department scoping:
// everyone but the general manager and the auditor sees their own
// department's records and cases only.
//
// Thread-safety: thread-safe (state lives in the store).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/secret.hpp"
#include "custos/records/date.hpp"
#include "custos/records/finding.hpp"
#include "custos/records/working_days.hpp"
#include "custos/vault/audit_trail.hpp"
#include "custos/vault/identifier_hasher.hpp"

namespace custos::vault {

struct RecordsOptions {
  records::WorkCalendar calendar;
  std::uint32_t due_working_days = 3;
  // The company's calendar day is taken at this offset from UTC (China
  // Standard Time by default): "the previous day's entries" and due dates.
  std::int32_t utc_offset_seconds = 8 * 3600;
};

struct ImportRequest {
  std::string template_name;
  Level level = Level::unknown;
  std::string filename;
  std::string_view csv;  // the file as received (UTF-8, with or without BOM)
};

struct ImportResult {
  RecordImport import;
  std::vector<records::Finding> findings;  // messages carry masked values at most
  std::uint64_t findings_dropped = 0;
  std::vector<std::string> ignored_columns;
};

// A record as people see it: its fields in template order, masked unless
// `masked` is false.
struct RecordView {
  CustomerRecord record;  // wrapped_key and sealed emptied
  std::vector<std::pair<std::string, std::string>> fields;
  bool masked = true;
};

// What an export holds: the template's columns (less the dropped ones) and
// one row per record, masked.
struct RecordExport {
  std::string template_name;
  std::string purpose;  // "records" | "other"
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct ScreenResult {
  std::string through_day;           // entries up to this day were screened
  std::string listed_on;             // the list's day
  std::int64_t screened = 0;         // records screened by this run
  std::vector<Id> new_cases;
  std::vector<Id> joined_cases;      // open cases that gained records
  std::vector<Id> overdue_raised;    // cases found overdue for the first time
};

enum class CaseFilter : std::uint8_t { open, listed_on, overdue, all };

class RecordsService {
 public:
  RecordsService(Store& store, AuditSink& audit, const Secret& vault_key, const IdentifierHasher& hasher,
                 RecordsOptions options = {});

  Result<ImportResult> import(const Principal& by, const ImportRequest& request, const Origin& origin);

  // The caller's department's records (the general manager's: all), masked
  // unless `unmasked` (a clerk of that department only).
  Result<std::vector<RecordView>> list(const Principal& by, RecordQuery query, bool unmasked, const Origin& origin);
  Result<RecordView> show(const Principal& by, Id record, bool unmasked, const Origin& origin);
  // Sets the named fields (canonical column names of the record's template)
  // and checks the record again; the result shows the new state, masked.
  Result<RecordView> fix(const Principal& by, Id record, const std::map<std::string, std::string>& changes,
                         const Origin& origin);
  // purpose "records" (every column) or "other" (no phone or employer columns).
  Result<RecordExport> export_records(const Principal& by, std::string_view template_name, std::string_view purpose,
                                      const Origin& origin);

  // Screens the unscreened entries up to `through_day` (a manager's run:
  // up to today). The list's day is the day of origin.now.
  Result<ScreenResult> screen(const Principal& by, std::optional<std::string> through_day, const Origin& origin);
  // The daily job (no principal): entries up to yesterday, then overdue
  // cases raised. Writes nothing when there is nothing to do.
  Result<ScreenResult> run_daily(const Origin& origin);

  // `day` is the listed_on day for CaseFilter::listed_on; overdue is as of today.
  Result<std::vector<SuspiciousCaseRow>> cases(const Principal& by, CaseFilter filter, std::optional<std::string> day,
                                               const Origin& origin);
  Result<SuspiciousCaseRow> clear_case(const Principal& by, Id case_id, std::string_view note,
                                       std::string_view evidence, const Origin& origin);

  Result<ChannelStaff> set_channel_staff(const Principal& by, std::string_view agent_code, std::string_view user,
                                         const Origin& origin);
  Result<std::vector<ChannelStaff>> channel_staff(const Principal& by, const Origin& origin);

  // The company's calendar day of `when` (YYYY-MM-DD).
  records::Date day_of(UnixSeconds when) const;

 private:
  Result<ScreenResult> screen_through(const Principal* by, records::Date through, const Origin& origin,
                                      bool always_record);
  Result<RecordView> view_of(const CustomerRecord& record, bool masked) const;

  Store& store_;
  AuditSink& audit_;
  const Secret& vault_key_;
  const IdentifierHasher& hasher_;
  RecordsOptions options_;
};

}  // namespace custos::vault
