// Hand-written JSON: the shapes are tiny and fixed, and this file must also
// build in the fuzzing build, which has no JSON library. Strings are written
// by the platform's one escaping rule.
#include "custos/policy/decision_format.hpp"

#include "custos/platform/json_text.hpp"

namespace custos::policy {
namespace {

void pad(std::string& out, std::string_view text, std::size_t width) {
  out += text;
  for (std::size_t i = text.size(); i < width; ++i) out += ' ';
}

std::string_view department_or_unknown(std::string_view department) {
  return department.empty() ? std::string_view("(unknown)") : department;
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string format_decision_text(const DeviceDecision& d) {
  std::string out = "department ";
  out += department_or_unknown(d.department);
  out += d.audit ? " (audit mode: not enforced)" : " (enforced)";
  out += ": device ";
  out += to_string(d.device_target);
  out += "\n";
  if (d.interfaces.empty()) {
    out += "  (no interfaces)  rule ";
    out += d.device_rule_id;
    out += "\n";
  }
  for (const auto& i : d.interfaces) {
    out += "  ";
    pad(out, to_string(i.interface), 10);
    pad(out, to_string(i.target), 11);
    out += "rule ";
    out += i.rule_id;
    out += "\n";
  }
  return out;
}

std::string format_decision_json(const DeviceDecision& d) {
  std::string out = "{\"department\":";
  out += d.department.empty() ? std::string("null") : json_quote(d.department);
  out += ",\"audit\":";
  out += d.audit ? "true" : "false";
  out += ",\"device\":" + json_quote(to_string(d.device_target));
  out += ",\"device_rule\":" + json_quote(d.device_rule_id);
  out += ",\"interfaces\":[";
  for (std::size_t n = 0; n < d.interfaces.size(); ++n) {
    const auto& i = d.interfaces[n];
    if (n > 0) out += ',';
    out += "{\"interface\":" + json_quote(to_string(i.interface));
    out += ",\"target\":" + json_quote(to_string(i.target));
    out += ",\"rule\":" + json_quote(i.rule_id) + "}";
  }
  out += "]}";
  return out;
}

std::string format_access_text(const AccessQuery& q, const AccessDecision& d) {
  std::string out(to_string(q.action));
  out += " ";
  out += to_string(q.level);
  out += " document of ";
  out += q.department;
  out += ": ";
  out += to_string(d.verdict);
  if (q.action == Action::grant) out += " (longest grant " + std::to_string(d.max_grant_days) + " days)";
  out += "; rule ";
  out += d.rule_id;
  out += "\n";
  return out;
}

std::string format_access_json(const AccessQuery& q, const AccessDecision& d) {
  std::string out = "{\"action\":" + json_quote(to_string(q.action));
  out += ",\"level\":" + json_quote(to_string(q.level));
  out += ",\"department\":" + json_quote(q.department);
  out += ",\"verdict\":" + json_quote(to_string(d.verdict));
  out += ",\"rule\":" + json_quote(d.rule_id);
  if (q.action == Action::grant) out += ",\"max_grant_days\":" + std::to_string(d.max_grant_days);
  out += "}";
  return out;
}

}  // namespace custos::policy
