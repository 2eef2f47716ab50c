// The top of the parse: TOML syntax first (toml++), then [defaults], then each
// department. toml++ reports syntax errors by exception; it is caught here, at
// the edge, together with anything else thrown, so that the library's callers
// only ever see diagnostics.
#include <filesystem>
#include <new>

#include "custos/platform/files.hpp"
#include "custos/platform/toml_prescreen.hpp"
#include "custos/policy/parser.hpp"
#include "policy_builder.hpp"
#include "rule_analysis.hpp"
#include "toml_reader.hpp"

namespace custos::policy {
namespace {

using detail::ReadContext;

bool valid_department_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

// The prefix of derived rule ids: the file's base name, cut down to what a
// label may hold, because derived ids are written out as labels in bundles.
std::string rule_id_prefix(std::string_view file_name) {
  const auto slash = file_name.find_last_of('/');
  std::string base(slash == std::string_view::npos ? file_name : file_name.substr(slash + 1));
  if (base.size() > 40) base.resize(40);
  for (char& c : base) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (base.empty()) return "policy";
  if (base == "implicit") base += '_';
  return base;
}

std::vector<Department> read_policy(const toml::table& root, ReadContext& context) {
  DepartmentSettings defaults;
  if (const auto* node = root.get("defaults")) {
    if (const auto* table = node->as_table()) {
      detail::read_settings(*table, defaults, nullptr, context);
    } else {
      context.report(DiagCode::wrong_type, detail::position_of(node->source()),
                     "expected a table for 'defaults', found " + std::string(detail::type_name(*node)),
                     "write [defaults] on a line of its own");
    }
  }
  std::vector<Department> departments;
  for (auto&& [key, node] : root) {
    const std::string_view k = key.str();
    if (k == "defaults") continue;
    if (k != "departments") {
      detail::report_unknown_key(key, "the top level", "defaults, departments", context);
      continue;
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      context.report(DiagCode::wrong_type, detail::position_of(node.source()),
                     "expected a table of departments, found " + std::string(detail::type_name(node)),
                     "write one [departments.NAME] table per department");
      continue;
    }
    for (auto&& [name, department_node] : *table) {
      if (!valid_department_name(name.str())) {
        context.report(DiagCode::bad_department_name, detail::position_of(name.source()),
                       "expected a department name of 1-64 characters a-z, 0-9, _ or -, found '" +
                           std::string(name.str()) + "'",
                       "department names are the ids the vault knows departments by");
        continue;
      }
      const auto* department_table = department_node.as_table();
      if (department_table == nullptr) {
        context.report(DiagCode::wrong_type, detail::position_of(department_node.source()),
                       "expected a table for department '" + std::string(name.str()) + "', found " +
                           std::string(detail::type_name(department_node)),
                       "write [departments." + std::string(name.str()) + "]");
        continue;
      }
      Department department{std::string(name.str()), defaults, {}};
      const toml::node* devices = nullptr;
      detail::read_settings(*department_table, department.settings, &devices, context);
      if (devices != nullptr) {
        department.rules = detail::read_device_rules(*devices, context);
        detail::analyse_rules(department.rules, context.file, context.diagnostics);
      }
      departments.push_back(std::move(department));
    }
  }
  if (departments.empty() && !has_errors(context.diagnostics)) {
    context.report(DiagCode::no_departments, SourcePos{1, 1}, "expected at least one [departments.NAME] table, found none",
                   "a policy says what each department may do; add [departments.sales] for example");
  }
  return departments;
}

CheckReport finish(ReadContext& context, std::vector<Department> departments) {
  CheckReport report;
  sort_diagnostics(context.diagnostics);
  report.ok = !has_errors(context.diagnostics);
  report.diagnostics = std::move(context.diagnostics);
  if (report.ok) report.policy = detail::PolicyBuilder::make(std::string(context.file), std::move(departments));
  return report;
}

CheckReport single(DiagCode code, std::string_view file, SourcePos pos, std::string message, std::string hint) {
  CheckReport report;
  report.diagnostics.push_back(Diagnostic{code, std::string(file), pos, std::move(message), std::move(hint)});
  return report;
}

}  // namespace

CheckReport parse_policy(std::string_view text, std::string_view file_name) {
  try {
    ReadContext context(file_name, text);
    context.rule_id_prefix = rule_id_prefix(file_name);
    if (const auto hazard = toml_prescreen::find_toml_hazard(text)) {
      return single(DiagCode::toml_syntax, file_name, SourcePos{hazard->line, hazard->column},
                    std::string(toml_prescreen::problem(*hazard)), std::string(toml_prescreen::remedy(*hazard)));
    }
    toml::table root;
    try {
      root = toml::parse(text, std::string_view(file_name));
    } catch (const toml::parse_error& error) {
      return single(DiagCode::toml_syntax, file_name, detail::position_of(error.source()),
                    "expected valid TOML, found an error: " + std::string(error.description()),
                    "fix the TOML syntax here first; the policy is checked once it parses");
    }
    auto departments = read_policy(root, context);
    return finish(context, std::move(departments));
  } catch (const std::bad_alloc&) {
    return single(DiagCode::internal, file_name, SourcePos{1, 1}, "expected to fit in memory, found the file too large",
                  "split the policy or check the file");
  } catch (...) {
    return single(DiagCode::internal, file_name, SourcePos{1, 1}, "expected to check the file, found an internal failure",
                  "please report this with the file");
  }
}

CheckReport check_file(const std::filesystem::path& path) {
  auto text = files::read_text(path);
  if (!text) {
    return single(DiagCode::file_unreadable, path.string(), SourcePos{1, 1},
                  "expected a readable policy file, found " + text.error().describe(),
                  "check the path and its permissions");
  }
  return parse_policy(*text, path.string());
}

std::string CheckReport::format() const {
  std::string out;
  for (const auto& d : diagnostics) {
    out += format_diagnostic(d);
    out += '\n';
  }
  return out;
}

Result<Policy> to_result(CheckReport report) {
  if (report.ok && report.policy) return std::move(*report.policy);
  for (const auto& d : report.diagnostics) {
    if (d.severity() == Severity::error) return fail(ErrorCode::invalid_argument, format_diagnostic(d));
  }
  return fail(ErrorCode::internal, "the policy was refused without a diagnostic");
}

}  // namespace custos::policy
