#include "custos/policy/canonical.hpp"

namespace custos::policy {
namespace {

std::string_view boolean(bool value) { return value ? "true" : "false"; }

}  // namespace

std::string toml_quote(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string to_canonical_toml(const Department& department) {
  const DepartmentSettings& s = department.settings;
  const std::string table = "departments." + department.name;
  std::string out = "[" + table + "]\n";
  out += "removable_storage = " + toml_quote(to_string(s.removable_storage)) + "\n";
  out += "optical = " + toml_quote(to_string(s.optical)) + "\n";
  out += "other_devices = " + toml_quote(to_string(s.other_devices)) + "\n";
  out += "printing = " + toml_quote(to_string(s.printing)) + "\n";
  out += "audit = " + std::string(boolean(s.audit)) + "\n";
  out += "scan_paths = [";
  for (std::size_t i = 0; i < s.scan_paths.size(); ++i) {
    out += i == 0 ? "" : ", ";
    out += toml_quote(s.scan_paths[i]);
  }
  out += "]\n";
  out += "devices = [\n";
  for (const auto& rule : department.rules) {
    std::string line = canonical_rule_text(rule);
    line += " label \"";
    line += rule.id;  // labels never need escaping (see valid_label)
    line += '"';
    out += "  " + toml_quote(line) + ",\n";
  }
  out += "]\n";
  out += "\n[" + table + ".grants]\n";
  out += "default_days = " + std::to_string(s.grants.default_days) + "\n";
  out += "max_days = " + std::to_string(s.grants.max_days) + "\n";
  for (const Level level : kLevels) {
    const LevelRules& rules = s.level(level);
    out += "\n[" + table + ".levels." + std::string(to_string(level)) + "]\n";
    out += "allow_printing = " + std::string(boolean(rules.allow_printing)) + "\n";
    out += "max_grant_days = " + std::to_string(rules.max_grant_days) + "\n";
    out += "view_own_department_only = " + std::string(boolean(rules.view_own_department_only)) + "\n";
  }
  return out;
}

std::string to_canonical_toml(const Policy& policy) {
  std::string out;
  for (const auto& department : policy.departments()) {
    if (!out.empty()) out += '\n';
    out += to_canonical_toml(department);
  }
  return out;
}

}  // namespace custos::policy
