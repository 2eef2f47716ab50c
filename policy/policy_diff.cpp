#include <utility>

#include "custos/policy/decision_format.hpp"
#include "custos/policy/diff.hpp"

namespace custos::policy {
namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

// The settings as (key path, value) pairs in a fixed order: comparing two of
// these lists is the whole settings diff.
Settings flatten(const DepartmentSettings& s) {
  auto boolean = [](bool b) { return std::string(b ? "true" : "false"); };
  Settings out = {
      {"removable_storage", std::string(to_string(s.removable_storage))},
      {"optical", std::string(to_string(s.optical))},
      {"other_devices", std::string(to_string(s.other_devices))},
      {"printing", std::string(to_string(s.printing))},
      {"audit", boolean(s.audit)},
      {"grants.default_days", std::to_string(s.grants.default_days)},
      {"grants.max_days", std::to_string(s.grants.max_days)},
  };
  for (const Level level : kLevels) {
    const std::string prefix = "levels." + std::string(to_string(level)) + ".";
    const LevelRules& r = s.level(level);
    out.emplace_back(prefix + "allow_printing", boolean(r.allow_printing));
    out.emplace_back(prefix + "max_grant_days", std::to_string(r.max_grant_days));
    out.emplace_back(prefix + "view_own_department_only", boolean(r.view_own_department_only));
  }
  std::string paths;
  for (const auto& p : s.scan_paths) paths += (paths.empty() ? "" : ", ") + p;
  out.emplace_back("scan_paths", "[" + paths + "]");
  return out;
}

void diff_rules(const Department& o, const Department& n, std::vector<PolicyChange>& out) {
  std::vector<std::string> old_text, new_text;
  for (const auto& r : o.rules) old_text.push_back(canonical_rule_text(r));
  for (const auto& r : n.rules) new_text.push_back(canonical_rule_text(r));
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> partner(n.rules.size(), kNone);  // new index -> old index
  std::vector<bool> old_paired(o.rules.size(), false);
  for (std::size_t j = 0; j < n.rules.size(); ++j) {
    for (std::size_t i = 0; i < o.rules.size(); ++i) {
      if (old_paired[i] || o.rules[i].labelled != n.rules[j].labelled) continue;
      const bool same = n.rules[j].labelled ? o.rules[i].id == n.rules[j].id : old_text[i] == new_text[j];
      if (same) {
        partner[j] = i;
        old_paired[i] = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < o.rules.size(); ++i) {
    if (!old_paired[i]) out.push_back({n.name, ChangeKind::rule_removed, o.rules[i].id, old_text[i], ""});
  }
  std::size_t furthest = 0;
  bool any = false;
  for (std::size_t j = 0; j < n.rules.size(); ++j) {
    const std::size_t i = partner[j];
    if (i == kNone) {
      out.push_back({n.name, ChangeKind::rule_added, n.rules[j].id, "", new_text[j]});
      continue;
    }
    if (old_text[i] != new_text[j]) {
      out.push_back({n.name, ChangeKind::rule_changed, n.rules[j].id, old_text[i], new_text[j]});
    }
    if (any && i < furthest) {
      out.push_back({n.name, ChangeKind::rule_moved, n.rules[j].id, "position " + std::to_string(i + 1),
                     "position " + std::to_string(j + 1)});
    }
    if (!any || i > furthest) furthest = i;
    any = true;
  }
}

}  // namespace

std::string_view to_string(ChangeKind kind) noexcept {
  switch (kind) {
    case ChangeKind::department_added: return "department_added";
    case ChangeKind::department_removed: return "department_removed";
    case ChangeKind::setting_changed: return "setting_changed";
    case ChangeKind::rule_added: return "rule_added";
    case ChangeKind::rule_removed: return "rule_removed";
    case ChangeKind::rule_changed: return "rule_changed";
    case ChangeKind::rule_moved: return "rule_moved";
  }
  return "unknown";
}

std::vector<PolicyChange> diff_policies(const Policy& old_policy, const Policy& new_policy) {
  std::vector<PolicyChange> out;
  const auto& olds = old_policy.departments();
  const auto& news = new_policy.departments();
  std::size_t i = 0, j = 0;
  // Both lists are sorted by name: walk them together.
  while (i < olds.size() || j < news.size()) {
    if (j == news.size() || (i < olds.size() && olds[i].name < news[j].name)) {
      out.push_back({olds[i].name, ChangeKind::department_removed, olds[i].name, "", ""});
      ++i;
      continue;
    }
    if (i == olds.size() || news[j].name < olds[i].name) {
      out.push_back({news[j].name, ChangeKind::department_added, news[j].name, "", ""});
      ++j;
      continue;
    }
    const Settings a = flatten(olds[i].settings);
    const Settings b = flatten(news[j].settings);
    for (std::size_t k = 0; k < a.size(); ++k) {
      if (a[k].second != b[k].second) {
        out.push_back({news[j].name, ChangeKind::setting_changed, a[k].first, a[k].second, b[k].second});
      }
    }
    diff_rules(olds[i], news[j], out);
    ++i;
    ++j;
  }
  return out;
}

std::string format_diff_text(const std::vector<PolicyChange>& changes) {
  std::string out;
  for (const auto& c : changes) {
    out += c.department + ": ";
    switch (c.kind) {
      case ChangeKind::department_added: out += "department added"; break;
      case ChangeKind::department_removed: out += "department removed"; break;
      case ChangeKind::setting_changed: out += c.subject + ": " + c.old_value + " -> " + c.new_value; break;
      case ChangeKind::rule_added: out += "rule " + c.subject + " added: " + c.new_value; break;
      case ChangeKind::rule_removed: out += "rule " + c.subject + " removed: " + c.old_value; break;
      case ChangeKind::rule_changed:
        out += "rule " + c.subject + " changed: " + c.old_value + " -> " + c.new_value;
        break;
      case ChangeKind::rule_moved:
        out += "rule " + c.subject + " moved: " + c.old_value + " -> " + c.new_value;
        break;
    }
    out += '\n';
  }
  return out;
}

std::string format_diff_json(const std::vector<PolicyChange>& changes) {
  std::string out = "[";
  for (std::size_t k = 0; k < changes.size(); ++k) {
    const auto& c = changes[k];
    if (k > 0) out += ',';
    out += "{\"department\":" + json_quote(c.department) + ",\"kind\":" + json_quote(to_string(c.kind)) +
           ",\"subject\":" + json_quote(c.subject) + ",\"old\":" + json_quote(c.old_value) +
           ",\"new\":" + json_quote(c.new_value) + "}";
  }
  out += "]";
  return out;
}

}  // namespace custos::policy
