// Record templates: which columns a customer-records CSV of each kind has,
// their Chinese heading aliases, and the mapping of a file's header row onto
// them. docs/records.md lists every column and alias.
//
//   insurance       one row per person on a policy (role policyholder|insured)
//   property_owner  one row per owner of a property unit
//   courier         one row per waybill (the sender is the identified customer)
//
// Headings match a column when, after trimming spaces and (for ASCII) folding
// case and turning spaces and hyphens into '_', they equal the column's
// canonical name or one of its aliases: "Policy No", "policy-no", "保单号" all
// mean policy_no. Columns the template does not know are ignored (and listed
// in the report), so a file may carry extra columns such as 备注.
//
// Thread-safety: the tables are constants; HeaderMap is an immutable value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::records {

enum class TemplateKind : std::uint8_t { insurance, property_owner, courier };

// "insurance", "property_owner", "courier"; anything else is invalid_argument
// (bad usage: the CLI exits 2) naming the known templates.
Result<TemplateKind> parse_template(std::string_view name);
std::string_view to_string(TemplateKind kind) noexcept;

// What a column means, across templates. A template uses a subset.
enum class Field : std::uint8_t {
  policy_no, role, name, gender, birth_date, id_type, id_number, phone, address, bank_account,
  agent_code, unit, delivery_date, waybill_no, time, sender_name, sender_address,
  sender_id_number, sender_phone, receiver_name, receiver_address, receiver_phone, company, items,
  employer,  // appended: the numbers are stored in sealed records
};
inline constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::employer) + 1;

struct ColumnSpec {
  Field field;
  std::string_view name;                      // canonical heading, also the "field" of findings
  bool required_heading;                      // the header must have this column
  std::span<const std::string_view> aliases;  // other accepted headings (Chinese first)
};

std::span<const ColumnSpec> columns_of(TemplateKind kind) noexcept;

// A file's header row mapped onto a template.
class HeaderMap {
 public:
  // Fails with invalid_argument (bad input: the CLI exits 2) when a required
  // column is missing (all missing ones are named, with their aliases), or
  // when two headings mean the same column.
  static Result<HeaderMap> build(TemplateKind kind, std::span<const std::string_view> headings);

  TemplateKind kind() const noexcept { return kind_; }
  // The index of the file column holding `field`, if the header has it.
  std::optional<std::size_t> column(Field field) const noexcept {
    const std::uint32_t column = columns_[static_cast<std::size_t>(field)];
    if (column == kAbsent) return std::nullopt;
    return column;
  }
  // The canonical name of `field` in this template ("owner_name" for the
  // property template's Field::name).
  std::string_view name(Field field) const noexcept;
  // Headings that matched no column, in file order.
  const std::vector<std::string>& ignored() const noexcept { return ignored_; }

 private:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;
  TemplateKind kind_ = TemplateKind::insurance;
  std::uint32_t columns_[kFieldCount];
  std::string_view names_[kFieldCount];
  std::vector<std::string> ignored_;
};

// The heading normalisation described above (exposed for tests and docs).
std::string normalize_heading(std::string_view heading);

}  // namespace custos::records
