// The customer-record tables of the SQLite store (migration 5): what
// SqliteTransaction's record methods run, kept apart from the rest of the
// store. Each call runs inside the caller's transaction.
//
// Thread-safety: as the Database it is given (one transaction at a time).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "custos/vault/records_model.hpp"
#include "sqlite/database.hpp"

namespace custos::vault::sqlite {

class RecordTables {
 public:
  explicit RecordTables(Database& db) : db_(db) {}

  Result<RecordImport> insert_import(const RecordImport& import);
  Result<void> finish_import(Id import, std::int64_t rows, std::int64_t problems);
  Result<RecordImport> import_by_id(Id import);
  Result<Id> next_record_id();
  Result<void> insert_record(const CustomerRecord& record);
  Result<CustomerRecord> record_by_id(Id record);
  Result<std::vector<CustomerRecord>> list_records(const RecordQuery& query);
  Result<void> update_record(const CustomerRecord& record);
  Result<std::vector<CustomerRecord>> unscreened_records(std::string_view through_day);
  Result<std::vector<std::pair<Id, std::string>>> records_with_value(std::string_view kind, std::string_view value_hash);
  Result<void> mark_screened(std::span<const Id> records);
  Result<std::optional<SuspiciousCaseRow>> open_case_for(std::string_view kind, std::string_view value_hash);
  Result<Id> insert_case(const SuspiciousCaseRow& c);
  Result<void> add_case_records(Id case_id, std::span<const Id> records);
  Result<SuspiciousCaseRow> case_by_id(Id case_id);
  Result<std::vector<SuspiciousCaseRow>> list_cases(const CaseQuery& query);
  Result<void> clear_case(Id case_id, Id by, UnixSeconds at, std::string_view note, std::string_view evidence);
  Result<void> mark_overdue_raised(Id case_id, UnixSeconds at);
  Result<void> set_channel_staff(const ChannelStaff& staff);
  Result<std::optional<ChannelStaff>> channel_staff(std::string_view agent_code);
  Result<std::vector<ChannelStaff>> list_channel_staff();

 private:
  Result<void> insert_values(const CustomerRecord& record);
  Result<void> load_values(std::vector<CustomerRecord>& records);
  Result<void> load_case_records(std::vector<SuspiciousCaseRow>& cases);

  Database& db_;
};

}  // namespace custos::vault::sqlite
