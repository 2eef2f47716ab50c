#include "rule_analysis.hpp"

#include <algorithm>

namespace custos::policy::detail {
namespace {

bool compatible(const IdPattern& a, const IdPattern& b) {
  return (a.any_vendor || b.any_vendor || a.vendor == b.vendor) &&
         (a.any_product || b.any_product || a.product == b.product);
}

template <class T>
bool all_equal(const std::vector<T>& values) {
  return std::adjacent_find(values.begin(), values.end(), std::not_equal_to<>()) == values.end();
}

// all-of and equals on a single-valued attribute need the one value to match
// every element, so two elements that cannot match one value make the rule dead.
bool condition_contradictory(const Condition& c) {
  if (c.attribute == Attribute::with_interface) {
    return c.op == SetOp::none_of &&
           std::any_of(c.interfaces.begin(), c.interfaces.end(),
                       [](const InterfacePattern& p) { return p.any_class && p.any_subclass && p.any_protocol; });
  }
  if (c.op == SetOp::none_of) {
    return c.attribute == Attribute::id && std::any_of(c.ids.begin(), c.ids.end(), [](const IdPattern& p) {
             return p.any_vendor && p.any_product;
           });
  }
  if (c.op == SetOp::one_of) return false;
  switch (c.attribute) {
    case Attribute::id:
      for (std::size_t i = 0; i < c.ids.size(); ++i) {
        for (std::size_t j = i + 1; j < c.ids.size(); ++j) {
          if (!compatible(c.ids[i], c.ids[j])) return true;
        }
      }
      return false;
    case Attribute::with_connect_type:
      return !all_equal(c.connect_types);
    default:
      return !all_equal(c.strings);
  }
}

template <class Pattern>
bool every_covered(const std::vector<Pattern>& inner, const std::vector<Pattern>& outer) {
  return std::all_of(inner.begin(), inner.end(), [&](const Pattern& p) {
    return std::any_of(outer.begin(), outer.end(), [&](const Pattern& q) { return q.covers(p); });
  });
}

template <class Value>
bool every_contained(const std::vector<Value>& inner, const std::vector<Value>& outer) {
  return std::all_of(inner.begin(), inner.end(), [&](const Value& v) {
    return std::find(outer.begin(), outer.end(), v) != outer.end();
  });
}

// Does condition b (of the later rule) imply condition a (of the earlier)?
bool implies(const Condition& b, const Condition& a) {
  if (a.op == b.op && a.ids == b.ids && a.interfaces == b.interfaces && a.connect_types == b.connect_types &&
      a.strings == b.strings) {
    return true;
  }
  if (a.op == SetOp::none_of && b.op == SetOp::none_of) {
    switch (a.attribute) {
      case Attribute::id: return every_covered(a.ids, b.ids);
      case Attribute::with_interface: return every_covered(a.interfaces, b.interfaces);
      case Attribute::with_connect_type: return every_contained(a.connect_types, b.connect_types);
      default: return every_contained(a.strings, b.strings);
    }
  }
  if (a.op != SetOp::one_of || b.op == SetOp::none_of) return false;
  // b matches only values matching one of its elements (one-of) or all of
  // them (all-of, equals); if each is covered by a's elements, a matches too.
  switch (a.attribute) {
    case Attribute::id: return every_covered(b.ids, a.ids);
    case Attribute::with_interface: return every_covered(b.interfaces, a.interfaces);
    case Attribute::with_connect_type: return every_contained(b.connect_types, a.connect_types);
    default: return every_contained(b.strings, a.strings);
  }
}

}  // namespace

bool contradictory(const DeviceRule& rule) noexcept {
  return std::any_of(rule.conditions.begin(), rule.conditions.end(), condition_contradictory);
}

bool covers(const DeviceRule& earlier, const DeviceRule& later) noexcept {
  return std::all_of(earlier.conditions.begin(), earlier.conditions.end(), [&](const Condition& a) {
    return std::any_of(later.conditions.begin(), later.conditions.end(),
                       [&](const Condition& b) { return b.attribute == a.attribute && implies(b, a); });
  });
}

void analyse_rules(const std::vector<DeviceRule>& rules, std::string_view file, std::vector<Diagnostic>& out) {
  std::vector<bool> dead(rules.size(), false);
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const DeviceRule& rule = rules[i];
    if (contradictory(rule)) {
      dead[i] = true;
      out.push_back(Diagnostic{DiagCode::rule_unreachable, std::string(file), rule.pos,
                               "expected conditions some device can meet, found '" + canonical_rule_text(rule) +
                                   "' which no device satisfies",
                               "all-of and equals on a single-valued attribute need values that agree"});
      continue;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (dead[j] || !covers(rules[j], rule)) continue;
      const bool catch_all = rules[j].conditions.empty();
      out.push_back(Diagnostic{catch_all ? DiagCode::rule_unreachable : DiagCode::rule_shadowed, std::string(file),
                               rule.pos,
                               "expected the rule to be reachable, found that rule '" + rules[j].id + "' (line " +
                                   std::to_string(rules[j].pos.line) + ") matches every interface it matches",
                               catch_all ? "a rule without attributes matches everything; put it last"
                                         : "first match wins: move this rule above '" + rules[j].id +
                                               "' or remove it"});
      break;
    }
  }
}

}  // namespace custos::policy::detail
