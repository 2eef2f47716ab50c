// Reads [defaults] and each department's settings. A department starts from
// a copy of the defaults, so every key here overrides one inherited value and
// a key left out keeps the inherited (and, last, the built-in) value.
#include "toml_reader.hpp"

namespace custos::policy::detail {
namespace {

constexpr std::int64_t kMaxDays = 3650;  // ten years: longer is a typo, not a policy

void read_level(const toml::table& table, LevelRules& rules, std::string_view level_name, ReadContext& context) {
  for (auto&& [key, node] : table) {
    const std::string_view k = key.str();
    if (k == "allow_printing") {
      if (auto v = read_bool(node, context)) rules.allow_printing = *v;
    } else if (k == "max_grant_days") {
      if (auto v = read_int(node, 1, kMaxDays, context)) rules.max_grant_days = *v;
    } else if (k == "view_own_department_only") {
      if (auto v = read_bool(node, context)) rules.view_own_department_only = *v;
    } else {
      report_unknown_key(key, "levels." + std::string(level_name),
                         "allow_printing, max_grant_days, view_own_department_only", context);
    }
  }
}

void read_levels(const toml::table& table, DepartmentSettings& settings, ReadContext& context) {
  for (auto&& [key, node] : table) {
    const Level level = level_from_string(key.str());
    if (level == Level::unknown) {
      report_unknown_key(key, "levels", "secret, confidential, top_secret", context);
      continue;
    }
    const auto* level_table = node.as_table();
    if (level_table == nullptr) {
      context.report(DiagCode::wrong_type, position_of(node.source()),
                     "expected a table for level '" + std::string(key.str()) + "', found " +
                         std::string(type_name(node)),
                     "write [departments.NAME.levels." + std::string(key.str()) + "] or an inline table { ... }");
      continue;
    }
    read_level(*level_table, settings.levels[static_cast<std::size_t>(level) - 1], key.str(), context);
  }
}

void read_grants(const toml::table& table, GrantLimits& grants, ReadContext& context) {
  std::optional<SourcePos> set_at;
  for (auto&& [key, node] : table) {
    const std::string_view k = key.str();
    if (k == "default_days") {
      if (auto v = read_int(node, 1, kMaxDays, context)) grants.default_days = *v;
      set_at = position_of(node.source());
    } else if (k == "max_days") {
      if (auto v = read_int(node, 1, kMaxDays, context)) grants.max_days = *v;
      if (!set_at) set_at = position_of(node.source());
    } else {
      report_unknown_key(key, "grants", "default_days, max_days", context);
    }
  }
  if (set_at && grants.default_days > grants.max_days) {
    context.report(DiagCode::out_of_range, *set_at,
                   "expected grants.default_days <= grants.max_days, found " + std::to_string(grants.default_days) +
                       " > " + std::to_string(grants.max_days),
                   "shorten the default or lengthen the maximum (values may be inherited from [defaults])");
  }
}

void read_scan_paths(const toml::node& node, std::vector<std::string>& paths, ReadContext& context) {
  const auto* array = node.as_array();
  if (array == nullptr) {
    context.report(DiagCode::wrong_type, position_of(node.source()),
                   "expected an array of folder paths, found " + std::string(type_name(node)),
                   "scan_paths = [\"/srv/share\"]");
    return;
  }
  paths.clear();
  for (const auto& element : *array) {
    const auto* s = element.as_string();
    if (s == nullptr) {
      context.report(DiagCode::wrong_type, position_of(element.source()),
                     "expected a folder path string, found " + std::string(type_name(element)), "quote the path");
      continue;
    }
    if (!s->get().starts_with('/')) {
      context.report(DiagCode::bad_value, position_of(element.source()),
                     "expected an absolute path, found \"" + s->get() + "\"", "paths start with '/'");
      continue;
    }
    paths.push_back(s->get());
  }
}

template <class Apply>
void with_table(const toml::node& node, std::string_view what, ReadContext& context, Apply apply) {
  if (const auto* t = node.as_table()) {
    apply(*t);
    return;
  }
  context.report(DiagCode::wrong_type, position_of(node.source()),
                 "expected a table for '" + std::string(what) + "', found " + std::string(type_name(node)),
                 "write it as [..." + std::string(what) + "] or an inline table { ... }");
}

}  // namespace

void read_settings(const toml::table& table, DepartmentSettings& settings, const toml::node** devices,
                   ReadContext& context) {
  constexpr std::string_view kKnown =
      "removable_storage, optical, other_devices, printing, audit, grants, levels, scan_paths, devices";
  for (auto&& [key, node] : table) {
    const std::string_view k = key.str();
    if (k == "removable_storage") {
      if (auto v = read_target(node, context)) settings.removable_storage = *v;
    } else if (k == "optical") {
      if (auto v = read_target(node, context)) settings.optical = *v;
    } else if (k == "other_devices") {
      if (auto v = read_target(node, context)) settings.other_devices = *v;
    } else if (k == "printing") {
      if (auto v = read_print_mode(node, context)) settings.printing = *v;
    } else if (k == "audit") {
      if (auto v = read_bool(node, context)) settings.audit = *v;
    } else if (k == "grants") {
      with_table(node, "grants", context, [&](const toml::table& t) { read_grants(t, settings.grants, context); });
    } else if (k == "levels") {
      with_table(node, "levels", context, [&](const toml::table& t) { read_levels(t, settings, context); });
    } else if (k == "scan_paths") {
      read_scan_paths(node, settings.scan_paths, context);
    } else if (k == "devices" && devices != nullptr) {
      *devices = &node;
    } else if (k == "devices") {
      context.report(DiagCode::unknown_key, position_of(key.source()),
                     "expected device rules only in a department, found 'devices' in [defaults]",
                     "the rules are ignored here; move them to [departments.NAME]");
    } else {
      report_unknown_key(key, devices != nullptr ? "a department" : "[defaults]", kKnown, context);
    }
  }
}

}  // namespace custos::policy::detail
