#include "custos/agent/device_control.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

namespace custos::agent {

namespace json = boost::json;
using policy::DeviceTarget;

namespace {

// How long a configured device's interfaces are waited for: 20 × 25 ms.
constexpr int kInterfaceWaits = 20;
constexpr auto kInterfaceWait = std::chrono::milliseconds(25);

std::string hex4(std::uint16_t v) {
  char text[5];
  std::snprintf(text, sizeof text, "%04x", v);
  return text;
}

std::string root_hub_of(const device::UsbDevice& usb) { return "usb" + std::to_string(usb.busnum); }

}  // namespace

DeviceControl::DeviceControl(device::UsbBus& bus, device::UsbAuthorizer& authorizer, device::BlockDevices& blocks,
                             const PolicyKeeper& policy, EventSink& events)
    : bus_(bus), authorizer_(authorizer), blocks_(blocks), policy_(policy), events_(events) {}

Result<bool> DeviceControl::start() {
  auto devices = bus_.devices();
  if (!devices) {
    if (devices.error().code == ErrorCode::not_found) return false;
    return fail(devices.error());
  }
  std::vector<std::string> errors;
  bool any_hub = false;
  for (const auto& usb : *devices) {
    if (!usb.root_hub) continue;
    any_hub = true;
    // Devices first, then interfaces: a device that slips in between is
    // still unauthorized.
    if (auto set = authorizer_.set_authorized_default(usb.name, false); !set) errors.push_back(set.error().message);
    if (auto set = authorizer_.set_interface_authorized_default(usb.name, false); !set) {
      errors.push_back(set.error().message);
    }
  }
  if (!any_hub) return false;
  Result<bool> outcome = true;
  if (!errors.empty()) {
    json::array list;
    for (const auto& e : errors) list.emplace_back(e);
    events_.record("device.enforcement_failed", Severity::critical,
                   {{"what", "root hub defaults"}, {"errors", std::move(list)}});
    outcome = fail(ErrorCode::io, "cannot make new USB devices arrive unauthorized: " + errors.front());
  }
  for (const auto& usb : *devices) {
    if (!usb.root_hub) decide(usb.name);
  }
  return outcome;
}

void DeviceControl::rescan() {
  auto devices = bus_.devices();
  if (!devices) {
    spdlog::error("cannot list USB devices: {}", devices.error().message);
    return;
  }
  std::vector<std::string> present;
  for (const auto& usb : *devices) {
    if (usb.root_hub) continue;
    present.push_back(usb.name);
    decide(usb.name);
  }
  std::lock_guard lock(mutex_);
  std::erase_if(devices_, [&](const auto& entry) {
    return std::find(present.begin(), present.end(), entry.first) == present.end();
  });
}

void DeviceControl::poll() {
  auto devices = bus_.devices();
  if (!devices) return;
  std::vector<std::string> fresh, gone;
  {
    std::lock_guard lock(mutex_);
    for (const auto& usb : *devices) {
      if (!usb.root_hub && !devices_.contains(usb.name)) fresh.push_back(usb.name);
    }
    for (const auto& [name, status] : devices_) {
      const bool present = std::any_of(devices->begin(), devices->end(), [&](const auto& u) { return u.name == name; });
      if (!present) gone.push_back(name);
    }
  }
  for (const auto& name : gone) forget(name);
  for (const auto& name : fresh) decide(name);
}

void DeviceControl::handle(const device::Uevent& event) {
  using device::UeventAction;
  if (event.subsystem == "usb" && event.devtype == "usb_device") {
    const auto name = event.sysfs_name();
    if (!device::is_usb_device_name(name) || device::is_root_hub_name(name)) return;
    if (event.action == UeventAction::add) decide(name);
    if (event.action == UeventAction::remove) forget(name);
    return;
  }
  if (event.subsystem == "block" && event.action == UeventAction::add) on_block_added(event);
}

std::vector<std::string> DeviceControl::optical_interfaces(const device::UsbDevice& usb) const {
  std::vector<std::string> out;
  for (const auto& i : usb.interfaces) {
    if (i.cls != 0x08) continue;
    auto found = blocks_.of_usb(i.name);
    if (!found) continue;
    for (const auto& b : *found) {
      if (b.kind == device::BlockKind::optical) {
        out.push_back(i.name);
        break;
      }
    }
  }
  return out;
}

void DeviceControl::decide(std::string_view name) {
  auto usb = bus_.device(name);
  if (!usb) {
    if (usb.error().code != ErrorCode::not_found) spdlog::error("cannot read USB device {}: {}", name, usb.error().message);
    return;
  }
  DeviceStatus status;
  status.name = usb->name;
  status.id = hex4(usb->vendor_id) + ":" + hex4(usb->product_id);
  status.serial = usb->serial;
  status.product = usb->product;
  auto note = [&](const Result<void>& done) {
    if (!done) status.errors.push_back(done.error().message);
  };

  // Under authorized_default=0 a new device has no configuration, so no
  // interfaces to decide on. With interface_authorized_default=0 its
  // interfaces appear unauthorized once the device is: nothing binds yet.
  bool configured = usb->authorized;
  if (!usb->authorized && usb->interfaces.empty()) {
    auto per_interface = authorizer_.interface_authorized_default(root_hub_of(*usb));
    if (per_interface && !*per_interface) {
      const auto authorized = authorizer_.authorize_device(usb->name, true);
      note(authorized);
      configured = authorized.has_value();
      auto again = bus_.device(name);
      if (again) usb = std::move(again);
    }
  }
  // A configured device has at least one interface. None yet means the
  // kernel is still adding them (a device that arrives authorized announces
  // itself before its configuration is set): wait a little rather than
  // block it for having none. Still none after that, it is blocked.
  for (int tries = 0; configured && usb->interfaces.empty() && tries < kInterfaceWaits; ++tries) {
    std::this_thread::sleep_for(kInterfaceWait);
    auto again = bus_.device(name);
    if (!again) break;
    usb = std::move(again);
  }

  auto active = policy_.current();
  status.verdict = decide_usb_device(active.get(), *usb, optical_interfaces(*usb));
  auto& verdict = status.verdict;

  if (verdict.audit) {
    // Audit mode reports and does not enforce: everything is let through.
    for (const auto& i : usb->interfaces) {
      if (!i.authorized) note(authorizer_.authorize_interface(i.name, true));
    }
    if (!usb->authorized) note(authorizer_.authorize_device(usb->name, true));
  } else if (verdict.device_target == DeviceTarget::block) {
    note(authorizer_.authorize_device(usb->name, false));
  } else {
    for (std::size_t k = 0; k < verdict.interfaces.size() && k < usb->interfaces.size(); ++k) {
      auto& decided = verdict.interfaces[k];
      const auto& present = usb->interfaces[k];
      if (decided.target == DeviceTarget::read_only) {
        auto disks = blocks_.of_usb(present.name);
        if (!disks) {
          note(fail(disks.error()));
        } else {
          for (const auto& disk : *disks) {
            auto mounted = blocks_.is_mounted(disk.name);
            if (mounted && *mounted) {
              // BLKROSET would not stop writes to a read-write mount.
              decided.target = DeviceTarget::block;
              decided.rule += " (mounted read-write: blocked)";
              break;
            }
            if (auto done = blocks_.set_read_only(disk.name, true); done) {
              status.read_only.push_back(disk.name);
            } else {
              note(done);
            }
          }
        }
      }
      const bool want = decided.target != DeviceTarget::block;
      if (present.authorized != want) note(authorizer_.authorize_interface(present.name, want));
    }
    if (!usb->authorized) note(authorizer_.authorize_device(usb->name, true));
  }
  status.enforced = status.errors.empty();
  report(*usb, status);
  std::lock_guard lock(mutex_);
  devices_[status.name] = std::move(status);
}

void DeviceControl::report(const device::UsbDevice& usb, const DeviceStatus& status) {
  const auto& verdict = status.verdict;
  json::array interfaces;
  bool any_blocked = verdict.device_target == DeviceTarget::block;
  for (const auto& i : verdict.interfaces) {
    any_blocked = any_blocked || i.target == DeviceTarget::block;
    interfaces.emplace_back(json::object{{"name", i.name},
                                         {"interface", policy::to_string(i.cls)},
                                         {"decision", policy::to_string(i.target)},
                                         {"rule", i.rule}});
  }
  json::object detail{{"device", status.id},
                      {"name", usb.name},
                      {"serial", usb.serial},
                      {"manufacturer", usb.manufacturer},
                      {"product", usb.product},
                      {"hash", usb.descriptor_hash},
                      {"decision", policy::to_string(verdict.device_target)},
                      {"rule", verdict.rule},
                      {"department", verdict.department},
                      {"policy_version", verdict.policy_version},
                      {"audit", verdict.audit},
                      {"interfaces", std::move(interfaces)},
                      {"enforced", status.enforced}};
  if (seat_user_) {
    if (const auto user = seat_user_()) {
      detail["user"] = user->user;
      detail["uid"] = user->uid;
    }
  }
  if (!status.read_only.empty()) {
    json::array ro;
    for (const auto& b : status.read_only) ro.emplace_back(b);
    detail["read_only"] = std::move(ro);
  }
  if (status.errors.empty()) {
    spdlog::info("USB {} {} ({}): {} by {}", usb.name, status.id, usb.product, policy::to_string(verdict.device_target),
                 verdict.rule);
    events_.record("device.decision", any_blocked ? Severity::warning : Severity::info, std::move(detail));
    return;
  }
  json::array errors;
  for (const auto& e : status.errors) errors.emplace_back(e);
  detail["errors"] = std::move(errors);
  spdlog::error("USB {} {}: {} by {} NOT enforced: {}", usb.name, status.id, policy::to_string(verdict.device_target),
                verdict.rule, status.errors.front());
  events_.record("device.enforcement_failed", Severity::critical, std::move(detail));
}

void DeviceControl::on_block_added(const device::Uevent& event) {
  const std::string block(event.devname.empty() ? event.sysfs_name() : std::string_view(event.devname));
  if (!device::is_block_device_name(block)) return;
  // The USB interface the disk sits behind is a component of its devpath.
  std::string owner, interface;
  DeviceTarget target = DeviceTarget::block;
  {
    std::lock_guard lock(mutex_);
    std::string_view path = event.devpath;
    while (!path.empty() && owner.empty()) {
      const auto slash = path.find('/');
      const auto part = path.substr(0, slash);
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
      if (!device::is_usb_interface_name(part)) continue;
      const auto device_name = part.substr(0, part.find(':'));
      auto found = devices_.find(device_name);
      if (found == devices_.end()) continue;
      for (const auto& i : found->second.verdict.interfaces) {
        if (i.name == part) {
          owner = found->first;
          interface = i.name;
          target = i.target;
        }
      }
    }
  }
  if (owner.empty()) return;  // not behind a USB device we decided on

  auto info = blocks_.device(block);
  if (info && info->kind == device::BlockKind::optical) {
    // Looked like a stick at the USB level; decide again as a drive.
    decide(owner);
    return;
  }
  if (target != DeviceTarget::read_only) return;
  auto done = blocks_.set_read_only(block, true);
  json::object detail{{"device", owner}, {"interface", interface}, {"block", block}, {"read_only", bool(done)}};
  if (!done) {
    detail["error"] = done.error().message;
    spdlog::error("cannot make {} (USB {}) read-only: {}", block, owner, done.error().message);
    events_.record("device.enforcement_failed", Severity::critical, std::move(detail));
    return;
  }
  events_.record("device.read_only", Severity::info, std::move(detail));
  std::lock_guard lock(mutex_);
  if (auto found = devices_.find(owner); found != devices_.end()) found->second.read_only.push_back(block);
}

void DeviceControl::forget(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto found = devices_.find(name); found != devices_.end()) {
    events_.record("device.removed", Severity::info, {{"device", found->second.id}, {"name", found->second.name},
                                                      {"serial", found->second.serial}});
    devices_.erase(found);
  }
}

std::vector<DeviceStatus> DeviceControl::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<DeviceStatus> out;
  for (const auto& [name, status] : devices_) out.push_back(status);
  return out;
}

}  // namespace custos::agent
