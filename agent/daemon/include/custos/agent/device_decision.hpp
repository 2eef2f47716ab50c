// Turning a USB device as sysfs shows it into the policy's view of it, and
// asking the policy (or, before there is one, the fail-secure rule) what to
// do with each interface. Rule ids are copied out of the compiled policy, so
// a decision outlives a policy change.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "custos/agent/policy_keeper.hpp"
#include "custos/device/usb.hpp"
#include "custos/policy/device.hpp"
#include "custos/policy/model.hpp"

namespace custos::agent {

// The rule id of decisions made before any valid policy: removable storage
// and optical interfaces blocked, everything else (keyboards, hubs) allowed.
inline constexpr std::string_view kNoPolicyRule = "implicit:no-policy";

struct InterfaceVerdict {
  std::string name;                    // "2-1:1.0"
  policy::InterfaceClass cls;          // as decided (08:02:xx for a drive found to be optical)
  policy::DeviceTarget target = policy::DeviceTarget::block;
  std::string rule;
};

struct DeviceVerdict {
  policy::DeviceTarget device_target = policy::DeviceTarget::block;
  std::string rule;
  std::string department;
  std::uint64_t policy_version = 0;  // 0: no policy (fail secure)
  bool audit = false;
  std::vector<InterfaceVerdict> interfaces;  // in device order
};

// The policy's view: ids, serial, product string, descriptor hash, port, and
// the interface class triples (with `optical` interfaces given the optical
// subclass 02, see decide_usb_device).
policy::Device to_policy_device(const device::UsbDevice& usb);

// Decides `usb` under `active` (nullptr: no policy, fail secure).
// `optical` names the interfaces whose disks turned out to be CD/DVD drives
// (SCSI type 5): at the USB level they look like sticks (08:06:50), so they
// are decided as optical drives (08:02:50) instead.
DeviceVerdict decide_usb_device(const ActivePolicy* active, const device::UsbDevice& usb,
                                const std::vector<std::string>& optical = {});

}  // namespace custos::agent
