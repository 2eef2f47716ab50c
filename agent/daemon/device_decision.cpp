#include "custos/agent/device_decision.hpp"

#include <algorithm>

namespace custos::agent {

using policy::DeviceTarget;

policy::Device to_policy_device(const device::UsbDevice& usb) {
  policy::Device d;
  d.vendor_id = usb.vendor_id;
  d.product_id = usb.product_id;
  d.serial = usb.serial;
  d.name = usb.product;
  d.hash = usb.descriptor_hash;
  d.via_port = usb.name;
  d.connect_type = usb.removable == device::Removable::removable ? policy::ConnectType::hotplug
                   : usb.removable == device::Removable::fixed   ? policy::ConnectType::hardwired
                                                                 : policy::ConnectType::unknown;
  for (const auto& i : usb.interfaces) d.interfaces.push_back({i.cls, i.subclass, i.protocol});
  return d;
}

DeviceVerdict decide_usb_device(const ActivePolicy* active, const device::UsbDevice& usb,
                                const std::vector<std::string>& optical) {
  auto device = to_policy_device(usb);
  for (std::size_t i = 0; i < usb.interfaces.size(); ++i) {
    if (std::find(optical.begin(), optical.end(), usb.interfaces[i].name) != optical.end() &&
        device.interfaces[i].cls == 0x08) {
      device.interfaces[i].subclass = 0x02;  // MMC-5: what the policy calls optical
    }
  }

  DeviceVerdict verdict;
  if (active == nullptr) {
    // Fail secure: nothing that carries files, everything else as usual.
    verdict.rule = std::string(kNoPolicyRule);
    bool any_allowed = false;
    for (std::size_t i = 0; i < device.interfaces.size(); ++i) {
      const auto kind = policy::interface_kind(device.interfaces[i]);
      const auto target = kind == policy::InterfaceKind::other ? DeviceTarget::allow : DeviceTarget::block;
      any_allowed = any_allowed || target != DeviceTarget::block;
      verdict.interfaces.push_back({usb.interfaces[i].name, device.interfaces[i], target, std::string(kNoPolicyRule)});
    }
    verdict.device_target = any_allowed ? DeviceTarget::allow : DeviceTarget::block;
    return verdict;
  }

  const auto decision = active->compiled.decide_device(active->department, device);
  verdict.device_target = decision.device_target;
  verdict.rule = std::string(decision.device_rule_id);
  verdict.department = std::string(decision.department);
  verdict.policy_version = active->version;
  verdict.audit = decision.audit;
  for (std::size_t i = 0; i < decision.interfaces.size() && i < usb.interfaces.size(); ++i) {
    const auto& d = decision.interfaces[i];
    // `unknown` never leaves the evaluator, but a switch over a decision
    // defaults to deny all the same.
    DeviceTarget target = DeviceTarget::block;
    switch (d.target) {
      case DeviceTarget::allow: target = DeviceTarget::allow; break;
      case DeviceTarget::read_only:
        // read_only protects block devices; on any other interface it blocks.
        target = policy::interface_kind(d.interface) == policy::InterfaceKind::other ? DeviceTarget::block
                                                                                     : DeviceTarget::read_only;
        break;
      default: target = DeviceTarget::block; break;
    }
    verdict.interfaces.push_back({usb.interfaces[i].name, d.interface, target, std::string(d.rule_id)});
  }
  return verdict;
}

}  // namespace custos::agent
