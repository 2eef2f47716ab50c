// Diagnostics of the policy checker: one finding about a policy file, with
// its exact position in the TOML file, a machine code that tests and tools
// match on, and a message a person can act on (what was expected, what was
// found, a hint).
//
// Printed form (`format_diagnostic`), one line each:
//   site.toml:12:17: error: expected VID:PID ..., found "07g1"; hint: ... [rule_bad_id]
//
// Errors make a policy unusable (`custos policy check` exits 2); warnings
// (shadowed or unreachable rules, unknown keys) leave it usable (exit 0).
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace custos::policy {

// The closed set of diagnostic codes. The string form (`to_string`) is
// stable: golden test files, the CLI's JSON output and docs/policy.md use it.
enum class DiagCode : std::uint8_t {
  // errors
  file_unreadable,           // the policy file could not be read
  toml_syntax,               // the file is not valid TOML
  wrong_type,                // a key holds the wrong TOML type (string for integer, ...)
  bad_value,                 // a value outside its closed set ("blok" for removable_storage)
  out_of_range,              // a number outside its allowed range
  bad_department_name,       // a department name with characters outside [a-z0-9_-]
  no_departments,            // the file defines no department at all
  rule_empty,                // a device rule with nothing in it (array form only)
  rule_bad_target,           // a rule that does not start with allow | block | read_only
  rule_unknown_attribute,    // an attribute keyword the language does not have
  rule_duplicate_attribute,  // the same attribute twice in one rule
  rule_expected_value,       // an attribute without its value
  rule_bad_id,               // a malformed VID:PID
  rule_bad_interface,        // a malformed CC:SS:PP interface triple
  rule_bad_connect_type,     // with-connect-type other than "hotplug" | "hardwired"
  rule_bad_string,           // an unterminated string or an unknown escape
  rule_bad_set,              // an empty, unterminated or malformed { ... } set
  rule_bad_label,            // a label with forbidden characters or a reserved prefix
  rule_duplicate_label,      // two rules of one department with the same id
  internal,                  // a bug in the checker; please report it
  // warnings
  unknown_key,               // a key the policy language does not have (ignored)
  rule_shadowed,             // an earlier rule matches everything this rule matches
  rule_unreachable,          // the rule can never match anything
};

enum class Severity : std::uint8_t { error, warning };

std::string_view to_string(DiagCode code) noexcept;
std::string_view to_string(Severity severity) noexcept;
Severity severity_of(DiagCode code) noexcept;

// A position in a text file: 1-based line and 1-based column counted in
// Unicode code points (as editors and toml++ count them).
struct SourcePos {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

struct Diagnostic {
  DiagCode code = DiagCode::internal;
  std::string file;
  SourcePos pos;
  std::string message;  // "expected ..., found ..."
  std::string hint;     // what to do; may be empty

  Severity severity() const noexcept { return severity_of(code); }
};

// "FILE:LINE:COLUMN: error: MESSAGE; hint: HINT [code]"
std::string format_diagnostic(const Diagnostic& diagnostic);

// Sorts by position (line, column), then code, so output is deterministic.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

bool has_errors(const std::vector<Diagnostic>& diagnostics) noexcept;

}  // namespace custos::policy
