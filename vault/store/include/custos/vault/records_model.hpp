// The vault's customer records as the store keeps them (docs/records.md,
// "In the vault"): imports, records sealed one by one, the keyed hashes of
// their phone and account values that the T+1 screening joins on, the
// suspicious cases it raises, and the channel staff those are assigned to.
//
// Nothing here holds a customer value in the clear: a record's fields are in
// `sealed` (XChaCha20-Poly1305 under the record's own data key, which is
// wrapped by the vault key), values and customers appear only as keyed
// hashes, and a case shows its value masked.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "custos/vault/model.hpp"

namespace custos::vault {

enum class RecordState : std::uint8_t { ok, problem, unknown };
std::string_view to_string(RecordState state) noexcept;
RecordState record_state_from_string(std::string_view text) noexcept;

// One `custos records import`: a file of one template, at one level.
struct RecordImport {
  Id id = 0;
  std::string template_name;       // "insurance", "property_owner", "courier"
  Level level = Level::unknown;
  Id department_id = 0;
  std::string department;
  Id imported_by = 0;
  std::string imported_by_name;
  UnixSeconds imported_at = 0;
  std::string entry_day;           // YYYY-MM-DD in the vault's records time zone
  std::string filename;
  std::string file_sha256;         // of the file as received
  std::int64_t rows = 0;
  std::int64_t problems = 0;       // rows kept as problem cases (问题件)
};

// A phone or account value of a record, as the screening sees it.
struct RecordValue {
  std::string kind;        // "shared_phone" | "shared_bank_account"
  std::string value_hash;  // keyed hash of the normalised value
  std::string masked;      // 138****8000
};

struct CustomerRecord {
  Id id = 0;
  Id import_id = 0;
  std::int64_t row = 0;            // its data row in the imported file (from 1)
  std::string template_name;
  Level level = Level::unknown;
  Id department_id = 0;
  std::string department;
  std::uint32_t version = 1;       // +1 on every fix; bound into the sealed content
  RecordState state = RecordState::unknown;
  std::string findings;            // JSON array of {field, code, message}; "[]" when ok
  std::string agent_code;          // the channel (insurance); empty otherwise
  std::string customer_hash;       // keyed hash of whom it is about; empty when unknown
  Id entered_by = 0;
  std::string entered_by_name;
  UnixSeconds entered_at = 0;
  std::string entry_day;
  std::optional<Id> updated_by;
  std::optional<UnixSeconds> updated_at;
  Bytes wrapped_key;               // the record's data key, sealed by the vault key
  Bytes sealed;                    // the record's fields as a JSON object
  std::vector<RecordValue> values;
};

struct RecordQuery {
  std::optional<Id> department;    // none: every department
  std::optional<Id> import_id;
  std::optional<std::string> template_name;
  bool problems_only = false;
  Id after_id = 0;                 // paging: ids greater than this
  std::size_t limit = 1000;
};

enum class CaseState : std::uint8_t { open, cleared, unknown };
std::string_view to_string(CaseState state) noexcept;
CaseState case_state_from_string(std::string_view text) noexcept;

// One suspicious case of the T+1 list: a value shared by two or more
// different customers.
struct SuspiciousCaseRow {
  Id id = 0;
  std::string kind;
  std::string value_hash;
  std::string masked_value;
  Id department_id = 0;
  std::string department;
  std::string entry_day;           // the day of the entries that raised it
  std::string listed_on;           // the day of the list it is on (T+1)
  std::string due_on;              // listed_on + N working days
  std::string agent_code;
  std::optional<Id> assigned_to;   // the channel staff of agent_code, if known
  std::string assigned_to_name;
  CaseState state = CaseState::unknown;
  std::optional<Id> cleared_by;
  std::string cleared_by_name;
  std::optional<UnixSeconds> cleared_at;
  std::string note;
  std::string evidence;
  std::optional<UnixSeconds> overdue_raised_at;
  std::vector<Id> records;         // ascending
};

struct CaseQuery {
  std::optional<Id> department;
  std::optional<std::string> listed_on;
  std::optional<CaseState> state;
  std::optional<std::string> due_before;  // due_on < this (overdue as of a day)
};

struct ChannelStaff {
  std::string agent_code;
  Id user_id = 0;
  std::string user_name;
  Id set_by = 0;
  UnixSeconds set_at = 0;
};

}  // namespace custos::vault
