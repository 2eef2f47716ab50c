// Compiling a checked Policy into the evaluator's integer form. Done once per
// policy (the agent recompiles when a new bundle is accepted), so clarity
// wins over speed here; the speed is in compiled_policy.cpp.
#include <algorithm>

#include "compiled_policy_impl.hpp"

namespace custos::policy {

std::uint32_t CompiledPolicy::Impl::intern(const std::string& text) {
  if (const auto it = strings.find(text); it != strings.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(strings.size());
  const std::string& stored = string_storage.emplace_back(text);
  strings.emplace(std::string_view(stored), id);
  return id;
}

std::uint32_t CompiledPolicy::Impl::lookup(std::string_view text) const noexcept {
  const auto it = strings.find(text);
  return it == strings.end() ? detail::kNoString : it->second;
}

namespace {

using detail::CompiledCondition;
using detail::CompiledDepartment;

std::uint32_t size32(std::size_t n) { return static_cast<std::uint32_t>(n); }

CompiledCondition compile_condition(const Condition& c, CompiledDepartment& d, CompiledPolicy::Impl& impl) {
  CompiledCondition out{c.attribute, c.op, 0, 0};
  switch (c.attribute) {
    case Attribute::id:
      out.begin = size32(d.ids.size());
      d.ids.insert(d.ids.end(), c.ids.begin(), c.ids.end());
      out.end = size32(d.ids.size());
      break;
    case Attribute::with_interface:
      out.begin = size32(d.interfaces.size());
      d.interfaces.insert(d.interfaces.end(), c.interfaces.begin(), c.interfaces.end());
      out.end = size32(d.interfaces.size());
      break;
    case Attribute::with_connect_type:
      out.begin = size32(d.connect_types.size());
      d.connect_types.insert(d.connect_types.end(), c.connect_types.begin(), c.connect_types.end());
      out.end = size32(d.connect_types.size());
      break;
    case Attribute::serial:
    case Attribute::name:
    case Attribute::hash:
    case Attribute::via_port:
      out.begin = size32(d.strings.size());
      for (const auto& s : c.strings) d.strings.push_back(impl.intern(s));
      out.end = size32(d.strings.size());
      break;
  }
  return out;
}

// Puts a rule in the narrowest candidate list that still meets every device
// it can match: by exact VID:PID, by vendor, or the generic list.
void index_rule(const DeviceRule& rule, std::uint32_t index, CompiledDepartment& d) {
  const auto id = std::find_if(rule.conditions.begin(), rule.conditions.end(), [](const Condition& c) {
    return c.attribute == Attribute::id && c.op == SetOp::one_of;
  });
  if (id != rule.conditions.end()) {
    const bool all_exact = std::all_of(id->ids.begin(), id->ids.end(),
                                       [](const IdPattern& p) { return !p.any_vendor && !p.any_product; });
    const bool all_vendor = std::all_of(id->ids.begin(), id->ids.end(),
                                        [](const IdPattern& p) { return !p.any_vendor; });
    if (all_exact || all_vendor) {
      for (const auto& p : id->ids) {
        auto& list = p.any_product ? d.by_vendor[p.vendor]
                                   : d.exact[(static_cast<std::uint32_t>(p.vendor) << 16) | p.product];
        if (list.empty() || list.back() != index) list.push_back(index);
      }
      return;
    }
  }
  d.generic.push_back(index);
}

CompiledDepartment compile_department(const Department& department, CompiledPolicy::Impl& impl) {
  CompiledDepartment d;
  d.name = department.name;
  d.settings = department.settings;
  const std::string prefix = "implicit:" + department.name + ":";
  d.implicit_ids = {prefix + "removable-storage", prefix + "optical", prefix + "other-devices"};
  for (std::uint32_t i = 0; i < department.rules.size(); ++i) {
    const DeviceRule& rule = department.rules[i];
    detail::CompiledRule compiled{rule.target, size32(d.conditions.size()), 0};
    for (const auto& c : rule.conditions) d.conditions.push_back(compile_condition(c, d, impl));
    compiled.end = size32(d.conditions.size());
    d.rules.push_back(compiled);
    d.rule_ids.push_back(rule.id);
    index_rule(rule, i, d);
  }
  const std::string own = department.name + ":";
  d.printing_id = own + "printing";
  d.grants_max_id = own + "grants.max_days";
  for (std::size_t l = 0; l < kLevels.size(); ++l) {
    const std::string level = own + "levels." + std::string(to_string(kLevels[l])) + ".";
    d.allow_printing_ids[l] = level + "allow_printing";
    d.view_own_ids[l] = level + "view_own_department_only";
    d.max_grant_ids[l] = level + "max_grant_days";
  }
  return d;
}

}  // namespace

CompiledPolicy CompiledPolicy::compile(const Policy& policy) {
  auto impl = std::make_unique<Impl>();
  for (const auto& department : policy.departments()) {
    impl->departments.push_back(compile_department(department, *impl));
  }
  // Views into the departments' names: only after the vector stops growing.
  for (std::uint32_t i = 0; i < impl->departments.size(); ++i) {
    impl->department_index.emplace(impl->departments[i].name, i);
  }
  return CompiledPolicy(std::move(impl));
}

}  // namespace custos::policy
