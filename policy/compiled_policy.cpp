#include <algorithm>

#include "compiled_policy_impl.hpp"

namespace custos::policy {
namespace {

using detail::CompiledCondition;
using detail::CompiledDepartment;
using detail::CompiledRule;

constexpr std::uint8_t kMassStorage = 0x08;

std::uint32_t id_key(std::uint16_t vendor, std::uint16_t product) {
  return (static_cast<std::uint32_t>(vendor) << 16) | product;
}

// Device strings are looked up in the interned table only when a candidate
// rule tests them: most decisions never pay for a string hash.
class DeviceView {
 public:
  DeviceView(const Device& device, const CompiledPolicy::Impl& impl) : device_(device), impl_(impl) {}

  std::uint32_t string_id(Attribute attribute) const {
    const auto slot = static_cast<std::size_t>(attribute) - static_cast<std::size_t>(Attribute::serial);
    if ((known_ & (1U << slot)) == 0) {
      const std::string* text = &device_.serial;
      if (attribute == Attribute::name) text = &device_.name;
      else if (attribute == Attribute::hash) text = &device_.hash;
      else if (attribute == Attribute::via_port) text = &device_.via_port;
      ids_[slot] = impl_.lookup(*text);
      known_ |= 1U << slot;
    }
    return ids_[slot];
  }
  const Device& device() const { return device_; }

 private:
  const Device& device_;
  const CompiledPolicy::Impl& impl_;
  mutable std::array<std::uint32_t, 4> ids_{};
  mutable unsigned known_ = 0;
};

template <class Match>
bool apply_op(SetOp op, std::uint32_t begin, std::uint32_t end, Match match) {
  switch (op) {
    case SetOp::one_of:
      for (auto i = begin; i < end; ++i) {
        if (match(i)) return true;
      }
      return false;
    case SetOp::all_of:
    case SetOp::equals:  // one value equals a set only if it matches every element
      for (auto i = begin; i < end; ++i) {
        if (!match(i)) return false;
      }
      return true;
    case SetOp::none_of:
      for (auto i = begin; i < end; ++i) {
        if (match(i)) return false;
      }
      return true;
  }
  return false;
}

bool interface_condition(const CompiledDepartment& d, const CompiledCondition& c, const Device& device,
                         std::size_t current) {
  const auto& patterns = d.interfaces;
  const auto& here = device.interfaces[current];
  auto any_pattern_matches = [&](const InterfaceClass& iface) {
    for (auto i = c.begin; i < c.end; ++i) {
      if (patterns[i].matches(iface)) return true;
    }
    return false;
  };
  auto every_pattern_present = [&] {
    for (auto i = c.begin; i < c.end; ++i) {
      const bool present = std::any_of(device.interfaces.begin(), device.interfaces.end(),
                                       [&](const InterfaceClass& iface) { return patterns[i].matches(iface); });
      if (!present) return false;
    }
    return true;
  };
  switch (c.op) {
    case SetOp::one_of: return any_pattern_matches(here);
    case SetOp::none_of: return !any_pattern_matches(here);
    case SetOp::all_of: return any_pattern_matches(here) && every_pattern_present();
    case SetOp::equals:
      return std::all_of(device.interfaces.begin(), device.interfaces.end(), any_pattern_matches) &&
             every_pattern_present();
  }
  return false;
}

bool condition_holds(const CompiledDepartment& d, const CompiledCondition& c, const DeviceView& view,
                     std::size_t current) {
  const Device& device = view.device();
  switch (c.attribute) {
    case Attribute::id:
      return apply_op(c.op, c.begin, c.end,
                      [&](std::uint32_t i) { return d.ids[i].matches(device.vendor_id, device.product_id); });
    case Attribute::with_interface:
      return interface_condition(d, c, device, current);
    case Attribute::with_connect_type:
      return apply_op(c.op, c.begin, c.end,
                      [&](std::uint32_t i) { return d.connect_types[i] == device.connect_type; });
    case Attribute::serial:
    case Attribute::name:
    case Attribute::hash:
    case Attribute::via_port: {
      const std::uint32_t value = view.string_id(c.attribute);
      return apply_op(c.op, c.begin, c.end, [&](std::uint32_t i) { return d.strings[i] == value; });
    }
  }
  return false;
}

bool rule_matches(const CompiledDepartment& d, const CompiledRule& rule, const DeviceView& view, std::size_t current) {
  for (auto i = rule.begin; i < rule.end; ++i) {
    if (!condition_holds(d, d.conditions[i], view, current)) return false;
  }
  return true;
}

// read_only can only be enforced on block devices; anything else it is put
// on is blocked rather than silently allowed. Unknown is always block.
DeviceTarget effective(DeviceTarget target, const InterfaceClass& iface) {
  switch (target) {
    case DeviceTarget::allow: return DeviceTarget::allow;
    case DeviceTarget::read_only: return iface.cls == kMassStorage ? DeviceTarget::read_only : DeviceTarget::block;
    case DeviceTarget::block:
    case DeviceTarget::unknown: break;
  }
  return DeviceTarget::block;
}

const std::vector<std::uint32_t>& empty_list() {
  static const std::vector<std::uint32_t> empty;
  return empty;
}

void decide_interface(const CompiledDepartment& d, const DeviceView& view, std::size_t current,
                      const std::vector<std::uint32_t>& exact, const std::vector<std::uint32_t>& vendor,
                      InterfaceDecision& out) {
  const InterfaceClass& iface = view.device().interfaces[current];
  out.interface = iface;
  // Three ascending lists merged on the fly: the first candidate that matches
  // is the first rule in file order that matches.
  std::size_t a = 0, b = 0, c = 0;
  constexpr std::uint32_t kEnd = 0xFFFFFFFFU;
  while (true) {
    const std::uint32_t ea = a < exact.size() ? exact[a] : kEnd;
    const std::uint32_t eb = b < vendor.size() ? vendor[b] : kEnd;
    const std::uint32_t ec = c < d.generic.size() ? d.generic[c] : kEnd;
    const std::uint32_t next = std::min({ea, eb, ec});
    if (next == kEnd) break;
    if (next == ea) ++a;
    else if (next == eb) ++b;
    else ++c;
    const CompiledRule& rule = d.rules[next];
    if (rule_matches(d, rule, view, current)) {
      out.target = effective(rule.target, iface);
      out.rule_id = d.rule_ids[next];
      return;
    }
  }
  const InterfaceKind kind = interface_kind(iface);
  const DeviceTarget fallback = kind == InterfaceKind::removable_storage ? d.settings.removable_storage
                                : kind == InterfaceKind::optical       ? d.settings.optical
                                                                       : d.settings.other_devices;
  out.target = effective(fallback, iface);
  out.rule_id = d.implicit_ids[static_cast<std::size_t>(kind)];
}

}  // namespace

CompiledPolicy::CompiledPolicy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledPolicy::CompiledPolicy(CompiledPolicy&&) noexcept = default;
CompiledPolicy& CompiledPolicy::operator=(CompiledPolicy&&) noexcept = default;
CompiledPolicy::~CompiledPolicy() = default;

std::optional<std::uint32_t> CompiledPolicy::department_index(std::string_view name) const noexcept {
  const auto it = impl_->department_index.find(name);
  if (it == impl_->department_index.end()) return std::nullopt;
  return it->second;
}

std::size_t CompiledPolicy::rule_count() const noexcept {
  std::size_t n = 0;
  for (const auto& d : impl_->departments) n += d.rules.size();
  return n;
}

DeviceDecision CompiledPolicy::decide_device(std::string_view department, const Device& device) const {
  DeviceDecision out;
  decide_device(department_index(department), device, out);
  return out;
}

void CompiledPolicy::decide_device(std::optional<std::uint32_t> department, const Device& device,
                                   DeviceDecision& out) const {
  out.interfaces.clear();
  out.audit = false;
  out.device_target = DeviceTarget::block;
  out.device_rule_id = {};
  out.department = {};
  if (!department || *department >= impl_->departments.size()) {
    // Fail secure: a department the policy does not know gets nothing.
    out.device_rule_id = kUnknownDepartmentRule;
    for (const auto& iface : device.interfaces) {
      out.interfaces.push_back(InterfaceDecision{iface, DeviceTarget::block, kUnknownDepartmentRule});
    }
    return;
  }
  const CompiledDepartment& d = impl_->departments[*department];
  out.department = d.name;
  out.audit = d.settings.audit;
  if (device.interfaces.empty()) {
    out.device_rule_id = kNoInterfacesRule;
    return;
  }
  const auto exact_it = d.exact.find(id_key(device.vendor_id, device.product_id));
  const auto& exact = exact_it != d.exact.end() ? exact_it->second : empty_list();
  const auto vendor_it = d.by_vendor.find(device.vendor_id);
  const auto& vendor = vendor_it != d.by_vendor.end() ? vendor_it->second : empty_list();
  const DeviceView view(device, *impl_);
  out.interfaces.resize(device.interfaces.size());
  for (std::size_t i = 0; i < device.interfaces.size(); ++i) {
    decide_interface(d, view, i, exact, vendor, out.interfaces[i]);
  }
  const auto authorised = std::find_if(out.interfaces.begin(), out.interfaces.end(),
                                       [](const InterfaceDecision& x) { return x.target != DeviceTarget::block; });
  if (authorised != out.interfaces.end()) {
    out.device_target = DeviceTarget::allow;
    out.device_rule_id = authorised->rule_id;
  } else {
    out.device_rule_id = out.interfaces.front().rule_id;
  }
}

}  // namespace custos::policy
