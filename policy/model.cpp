#include "custos/policy/model.hpp"

#include <algorithm>

namespace custos::policy {
namespace {

template <class Enum, std::size_t N>
Enum from_names(std::string_view text, const std::array<std::pair<std::string_view, Enum>, N>& names,
                Enum fallback) noexcept {
  for (const auto& [name, value] : names) {
    if (name == text) return value;
  }
  return fallback;
}

constexpr std::array<std::pair<std::string_view, DeviceTarget>, 3> kTargets = {{
    {"block", DeviceTarget::block}, {"read_only", DeviceTarget::read_only}, {"allow", DeviceTarget::allow}}};
constexpr std::array<std::pair<std::string_view, PrintMode>, 2> kPrintModes = {{
    {"forbid", PrintMode::forbid}, {"by_approval", PrintMode::by_approval}}};
constexpr std::array<std::pair<std::string_view, Level>, 3> kLevelNames = {{
    {"secret", Level::secret}, {"confidential", Level::confidential}, {"top_secret", Level::top_secret}}};

void hex4(std::string& out, std::uint16_t v) {
  constexpr std::string_view kHex = "0123456789abcdef";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(v >> shift) & 0x0F];
}
void hex2(std::string& out, std::uint8_t v) {
  constexpr std::string_view kHex = "0123456789abcdef";
  out += kHex[v >> 4];
  out += kHex[v & 0x0F];
}

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append_value(std::string& out, const Condition& c, std::size_t i) {
  switch (c.attribute) {
    case Attribute::id: {
      const auto& p = c.ids[i];
      if (p.any_vendor) out += '*'; else hex4(out, p.vendor);
      out += ':';
      if (p.any_product) out += '*'; else hex4(out, p.product);
      return;
    }
    case Attribute::with_interface: {
      const auto& p = c.interfaces[i];
      if (p.any_class) out += '*'; else hex2(out, p.value.cls);
      out += ':';
      if (p.any_subclass) out += '*'; else hex2(out, p.value.subclass);
      out += ':';
      if (p.any_protocol) out += '*'; else hex2(out, p.value.protocol);
      return;
    }
    case Attribute::with_connect_type:
      append_quoted(out, to_string(c.connect_types[i]));
      return;
    case Attribute::serial:
    case Attribute::name:
    case Attribute::hash:
    case Attribute::via_port:
      append_quoted(out, c.strings[i]);
      return;
  }
}

std::size_t value_count(const Condition& c) {
  switch (c.attribute) {
    case Attribute::id: return c.ids.size();
    case Attribute::with_interface: return c.interfaces.size();
    case Attribute::with_connect_type: return c.connect_types.size();
    default: return c.strings.size();
  }
}

}  // namespace

std::string_view to_string(DeviceTarget target) noexcept {
  for (const auto& [name, value] : kTargets) {
    if (value == target) return name;
  }
  return "unknown";
}
std::string_view to_string(PrintMode mode) noexcept {
  for (const auto& [name, value] : kPrintModes) {
    if (value == mode) return name;
  }
  return "unknown";
}
std::string_view to_string(Level level) noexcept {
  for (const auto& [name, value] : kLevelNames) {
    if (value == level) return name;
  }
  return "unknown";
}
DeviceTarget device_target_from_string(std::string_view text) noexcept {
  return from_names(text, kTargets, DeviceTarget::unknown);
}
PrintMode print_mode_from_string(std::string_view text) noexcept {
  return from_names(text, kPrintModes, PrintMode::unknown);
}
Level level_from_string(std::string_view text) noexcept { return from_names(text, kLevelNames, Level::unknown); }

std::string_view to_string(Attribute attribute) noexcept {
  switch (attribute) {
    case Attribute::id: return "id";
    case Attribute::serial: return "serial";
    case Attribute::name: return "name";
    case Attribute::hash: return "hash";
    case Attribute::via_port: return "via-port";
    case Attribute::with_interface: return "with-interface";
    case Attribute::with_connect_type: return "with-connect-type";
  }
  return "unknown";
}

std::string_view to_string(SetOp op) noexcept {
  switch (op) {
    case SetOp::one_of: return "one-of";
    case SetOp::all_of: return "all-of";
    case SetOp::none_of: return "none-of";
    case SetOp::equals: return "equals";
  }
  return "unknown";
}

bool IdPattern::covers(const IdPattern& o) const noexcept {
  return (any_vendor || (!o.any_vendor && o.vendor == vendor)) &&
         (any_product || (!o.any_product && o.product == product));
}

bool InterfacePattern::covers(const InterfacePattern& o) const noexcept {
  return (any_class || (!o.any_class && o.value.cls == value.cls)) &&
         (any_subclass || (!o.any_subclass && o.value.subclass == value.subclass)) &&
         (any_protocol || (!o.any_protocol && o.value.protocol == value.protocol));
}

std::string canonical_rule_text(const DeviceRule& rule) {
  std::string out(to_string(rule.target));
  // Attributes in one fixed order: the same rule written two ways reads the same.
  std::vector<const Condition*> conditions;
  for (const auto& c : rule.conditions) conditions.push_back(&c);
  std::stable_sort(conditions.begin(), conditions.end(),
                   [](const Condition* a, const Condition* b) { return a->attribute < b->attribute; });
  for (const Condition* c : conditions) {
    out += ' ';
    out += to_string(c->attribute);
    out += ' ';
    const std::size_t n = value_count(*c);
    if (!c->braced) {
      append_value(out, *c, 0);
      continue;
    }
    out += to_string(c->op);
    out += " {";
    for (std::size_t i = 0; i < n; ++i) {
      out += ' ';
      append_value(out, *c, i);
    }
    out += " }";
  }
  return out;
}

const LevelRules& DepartmentSettings::level(Level l) const noexcept {
  switch (l) {
    case Level::secret: return levels[0];
    case Level::confidential: return levels[1];
    case Level::top_secret:
    case Level::unknown: break;
  }
  return levels[2];  // the strictest, should a caller pass unknown anyway
}

const Department* Policy::find(std::string_view name) const noexcept {
  const auto it = std::lower_bound(departments_.begin(), departments_.end(), name,
                                   [](const Department& d, std::string_view n) { return d.name < n; });
  return it != departments_.end() && it->name == name ? &*it : nullptr;
}

Policy Policy::from_checked(std::string source_name, std::vector<Department> departments) {
  Policy policy;
  policy.source_name_ = std::move(source_name);
  std::sort(departments.begin(), departments.end(),
            [](const Department& a, const Department& b) { return a.name < b.name; });
  policy.departments_ = std::move(departments);
  return policy;
}

}  // namespace custos::policy
