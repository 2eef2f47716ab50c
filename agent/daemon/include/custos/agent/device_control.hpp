// Device control: the policy's decisions made real through the kernel's USB
// authorization and block-device read-only flag.
//
// start() sets `authorized_default` and `interface_authorized_default` to 0
// on every root hub — so a device that arrives is unusable until decided,
// also after the agent stops (the agent never sets them back) — and decides
// every device present. Then each kernel event goes through handle():
//   add usb_device    decide and enforce: a device that arrived
//                     unauthorized is first authorized with its interfaces
//                     still unauthorized (that is when the kernel creates
//                     them), then each interface is authorized or not as
//                     decided; a device whose every interface is blocked is
//                     deauthorized whole
//   add block         read-only (BLKROSET) when its USB interface is decided
//                     read_only, before anything can mount it; a CD/DVD
//                     drive (SCSI type 5) behind an interface decided as a
//                     stick is decided again as an optical drive
//   remove usb_device forgotten
// A read_only interface whose disk is already mounted is blocked instead
// (the flag would not stop writes to a read-write mount), and the event says
// so.
//
// Every decision is an event ("device.decision": ids, serial, interfaces,
// decision and rule for each, the user at the workstation if known); a decision that could not be enforced — any
// sysfs write or ioctl that failed — is a critical "device.enforcement_failed"
// event with the errors, never reported as enforced.
//
// Thread-safety: handle(), start() and rescan() are called by one thread
// (the device thread); snapshot() may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "custos/agent/device_decision.hpp"
#include "custos/agent/event_sink.hpp"
#include "custos/agent/policy_keeper.hpp"
#include "custos/device/block_devices.hpp"
#include "custos/device/seat_user.hpp"
#include "custos/device/uevent.hpp"
#include "custos/device/usb.hpp"
#include "custos/device/usb_authorizer.hpp"

namespace custos::agent {

// What the local API shows of a device present.
struct DeviceStatus {
  std::string name;        // "2-1"
  std::string id;          // "46f4:0001"
  std::string serial;
  std::string product;
  DeviceVerdict verdict;
  bool enforced = false;   // every write the verdict needed was accepted
  std::vector<std::string> errors;
  std::vector<std::string> read_only;  // block devices set read-only
};

class DeviceControl {
 public:
  DeviceControl(device::UsbBus& bus, device::UsbAuthorizer& authorizer, device::BlockDevices& blocks,
                const PolicyKeeper& policy, EventSink& events);

  // Root hub defaults, then every device present. false: there is no USB
  // bus (no root hub), nothing to control. An Error when the root hubs'
  // defaults could not be set (also recorded as a critical event); the
  // devices present are decided all the same.
  Result<bool> start();
  void handle(const device::Uevent& event);
  // Decides every device present again: after a policy change, or when
  // kernel events were lost.
  void rescan();
  // Without kernel events: decides the devices that appeared since the last
  // look and forgets those that went.
  void poll();

  std::vector<DeviceStatus> snapshot() const;

  // Who is at the workstation when a decision is made; its user goes into
  // the decision's event ("user", "uid"). None set, or nobody there: the
  // event names no user.
  void set_seat_user(std::function<std::optional<device::SeatUser>()> source) { seat_user_ = std::move(source); }

 private:
  void decide(std::string_view name);
  void on_block_added(const device::Uevent& event);
  void forget(std::string_view name);
  // Interfaces of `usb` whose block devices include a CD/DVD drive.
  std::vector<std::string> optical_interfaces(const device::UsbDevice& usb) const;
  void report(const device::UsbDevice& usb, const DeviceStatus& status);

  device::UsbBus& bus_;
  device::UsbAuthorizer& authorizer_;
  device::BlockDevices& blocks_;
  const PolicyKeeper& policy_;
  EventSink& events_;
  std::function<std::optional<device::SeatUser>()> seat_user_;
  mutable std::mutex mutex_;  // guards devices_
  std::map<std::string, DeviceStatus, std::less<>> devices_;
};

}  // namespace custos::agent
