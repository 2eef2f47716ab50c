#include "custos/policy/diagnostic.hpp"

#include <algorithm>
#include <array>
#include <tuple>

namespace custos::policy {
namespace {

constexpr std::array<std::string_view, 23> kCodeNames = {
    "file_unreadable", "toml_syntax", "wrong_type", "bad_value", "out_of_range",
    "bad_department_name", "no_departments", "rule_empty", "rule_bad_target",
    "rule_unknown_attribute", "rule_duplicate_attribute", "rule_expected_value", "rule_bad_id",
    "rule_bad_interface", "rule_bad_connect_type", "rule_bad_string", "rule_bad_set",
    "rule_bad_label", "rule_duplicate_label", "internal", "unknown_key", "rule_shadowed",
    "rule_unreachable",
};
static_assert(kCodeNames.size() == static_cast<std::size_t>(DiagCode::rule_unreachable) + 1);

}  // namespace

std::string_view to_string(DiagCode code) noexcept {
  const auto index = static_cast<std::size_t>(code);
  return index < kCodeNames.size() ? kCodeNames[index] : std::string_view("internal");
}

std::string_view to_string(Severity severity) noexcept {
  return severity == Severity::warning ? "warning" : "error";
}

Severity severity_of(DiagCode code) noexcept {
  switch (code) {
    case DiagCode::unknown_key:
    case DiagCode::rule_shadowed:
    case DiagCode::rule_unreachable:
      return Severity::warning;
    default:
      return Severity::error;  // anything not known to be harmless stops the policy
  }
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.file;
  out += ':';
  out += std::to_string(d.pos.line);
  out += ':';
  out += std::to_string(d.pos.column);
  out += ": ";
  out += to_string(d.severity());
  out += ": ";
  out += d.message;
  if (!d.hint.empty()) {
    out += "; hint: ";
    out += d.hint;
  }
  out += " [";
  out += to_string(d.code);
  out += ']';
  return out;
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple(a.pos.line, a.pos.column, a.code) < std::tuple(b.pos.line, b.pos.column, b.code);
  });
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) noexcept {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity() == Severity::error; });
}

}  // namespace custos::policy
