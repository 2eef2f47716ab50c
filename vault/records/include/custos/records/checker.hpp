// The records check: reads a customer-records CSV of one template, checks
// every data row, and lists suspicious customers. This is what
// `custos records check FILE --template T [--format json]` runs, offline.
//
//   auto kind = parse_template("insurance");            // invalid_argument → exit 2
//   auto report = check_file(path, *kind);               // Error → exit 2
//   write_json(std::cout, *report);  /  write_text(std::cout, *report);
//   return exit_code(report);                            // 0 clean, 1 findings, 2 error
//
// Per row, in this order (docs/records.md has the full rules):
//   - key fields present (missing_field); a value that cannot be read at all
//     (gender "X", birth_date "1990/1/1", role "boss") is missing_field too;
//   - the resident ID number (id_format, id_region, id_birth_date,
//     id_checksum), then, only when it is valid, its agreement with the
//     row's gender and birth_date (gender_mismatch, birth_date_mismatch);
//   - phone numbers (phone_format) and bank account (bank_card_luhn).
// Then across rows: the same phone or bank account used by two or more
// different customers (suspicious cases).
//
// The file is streamed: memory holds one record, the findings, and the
// suspicious index (one entry per distinct phone or account).
//
// Thread-safety: RecordChecker is single-threaded; `check*` functions share
// nothing and may run concurrently on different inputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"
#include "custos/records/byte_source.hpp"
#include "custos/records/csv_reader.hpp"
#include "custos/records/date.hpp"
#include "custos/records/finding.hpp"
#include "custos/records/suspicious_index.hpp"
#include "custos/records/templates.hpp"

namespace custos::records {

struct CheckOptions {
  // The day that "in the future" and "under 18" are measured against.
  // Default: today in the local time zone.
  std::optional<Date> today;
  // CSV size limits (see CsvLimits); the defaults suit any real file.
  CsvLimits csv;
  // Findings kept in the report; more are counted in findings_dropped
  // but not stored, so a hopeless file cannot exhaust memory. Default 100,000.
  std::size_t max_findings = 100'000;
};

struct Report {
  TemplateKind template_kind = TemplateKind::insurance;
  std::uint64_t rows = 0;                 // data rows checked (header and blank rows excluded)
  std::vector<Finding> findings;          // in row order
  std::uint64_t findings_dropped = 0;     // findings beyond max_findings
  std::vector<SuspiciousCase> suspicious;  // by first row
  std::vector<std::string> ignored_columns;  // headings the template does not know
};

// What a checked row contributes to the suspicious-customer index: whose
// record it is (0: no usable ID number, so the row is not indexed) and the
// phone and account values it carries, as typed (views into the row's
// cells, valid while they are). Empty values are left out.
struct RowKeys {
  struct Value {
    SuspicionKind kind = SuspicionKind::shared_phone;
    std::string_view value;
  };
  std::uint64_t customer = 0;
  Value values[2];
  std::size_t count = 0;

  void add(SuspicionKind kind, std::string_view value) noexcept {
    if (!value.empty() && count < 2) values[count++] = Value{kind, value};
  }
  void clear() noexcept {
    customer = 0;
    count = 0;
  }
  std::span<const Value> view() const noexcept { return {values, count}; }
};

// Checks rows one at a time; the engine behind `check`, and what the vault's
// import uses to keep each failing record as a problem case with its findings.
class RecordChecker {
 public:
  // Maps the header row; fails as HeaderMap::build does.
  static Result<RecordChecker> create(TemplateKind kind, std::span<const std::string_view> header, Date today);

  // Appends the findings of one data row (`row` counts from 1, `line` is
  // its first physical line) to `out`, and indexes its phone and account.
  // Cells beyond the row's end read as empty.
  void check_row(std::uint64_t row, std::uint64_t line, std::span<const std::string_view> cells,
                 std::vector<Finding>& out);

  const HeaderMap& header() const noexcept { return header_; }
  const SuspiciousIndex& index() const noexcept { return index_; }
  // The customer and values of the row last checked (what went into index()).
  const RowKeys& last_keys() const noexcept { return keys_; }

 private:
  RecordChecker(HeaderMap header, Date today) : header_(std::move(header)), today_(today) {}

  HeaderMap header_;
  Date today_;
  SuspiciousIndex index_;
  RowKeys keys_;
};

// Sees every data row right after its check: the row's cells as in the file,
// the findings of that row alone (all of them, whatever max_findings keeps
// in the report) and what it put into the suspicious index. The vault's
// import stores each row this way; a failure stops the check with it.
class RowObserver {
 public:
  virtual ~RowObserver() = default;
  virtual Result<void> row(const HeaderMap& header, std::uint64_t row, std::span<const std::string_view> cells,
                           std::span<const Finding> findings, const RowKeys& keys) = 0;
};

// Reads the whole input; fails (exit 2) on an empty input, a bad header,
// malformed CSV, non-UTF-8 text or a read error. Findings are not failures.
Result<Report> check(ByteSource& source, TemplateKind kind, const CheckOptions& options = {},
                     RowObserver* observer = nullptr);
Result<Report> check(std::istream& in, TemplateKind kind, const CheckOptions& options = {});
// Fails with not_found for a missing file.
Result<Report> check_file(const std::filesystem::path& path, TemplateKind kind,
                          const CheckOptions& options = {});

// The command's exit status: 0 no findings and no suspicious cases,
// 1 findings or suspicious cases, 2 the check could not be done.
int exit_code(const Result<Report>& result) noexcept;

}  // namespace custos::records
