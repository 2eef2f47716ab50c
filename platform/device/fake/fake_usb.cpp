#include "custos/device/fake.hpp"

namespace custos::device {
namespace {

Error missing(std::string_view name) { return Error{ErrorCode::not_found, "no USB device " + std::string(name)}; }

// The device part of "2-1:1.0".
std::string_view device_of(std::string_view interface_name) {
  return interface_name.substr(0, interface_name.find(':'));
}

}  // namespace

void FakeUsbState::plug(UsbDevice device) {
  device.descriptor_hash = descriptor_hash(device);
  auto name = device.name;
  devices.insert_or_assign(std::move(name), std::move(device));
}

void FakeUsbState::unplug(const std::string& name) { devices.erase(name); }

Result<std::vector<UsbDevice>> FakeUsbBus::devices() const {
  std::vector<UsbDevice> out;
  for (const auto& [name, device] : state_.devices) out.push_back(device);
  return out;
}

Result<UsbDevice> FakeUsbBus::device(std::string_view name) const {
  if (!is_usb_device_name(name)) return fail(ErrorCode::invalid_argument, "bad USB device name");
  const auto found = state_.devices.find(name);
  if (found == state_.devices.end()) return fail(missing(name));
  return found->second;
}

Result<void> FakeUsbAuthorizer::change(std::string_view what, std::string_view name, bool value) {
  if (const auto failing = state_.failing.find(name); failing != state_.failing.end()) {
    return fail(failing->second, "cannot " + std::string(what) + " " + std::string(name) + " (fake failure)");
  }
  state_.log.push_back(std::string(what) + " " + std::string(name) + (value ? " 1" : " 0"));
  return ok();
}

Result<void> FakeUsbAuthorizer::set_authorized_default(std::string_view root_hub, bool authorized) {
  CUSTOS_TRY_VOID(change("set_authorized_default", root_hub, authorized));
  state_.authorized_default.insert_or_assign(std::string(root_hub), authorized);
  return ok();
}

Result<void> FakeUsbAuthorizer::set_interface_authorized_default(std::string_view root_hub, bool authorized) {
  CUSTOS_TRY_VOID(change("set_interface_authorized_default", root_hub, authorized));
  state_.interface_authorized_default.insert_or_assign(std::string(root_hub), authorized);
  return ok();
}

Result<bool> FakeUsbAuthorizer::authorized_default(std::string_view root_hub) const {
  const auto found = state_.authorized_default.find(root_hub);
  return found == state_.authorized_default.end() || found->second;
}

Result<bool> FakeUsbAuthorizer::interface_authorized_default(std::string_view root_hub) const {
  const auto found = state_.interface_authorized_default.find(root_hub);
  return found == state_.interface_authorized_default.end() || found->second;
}

Result<void> FakeUsbAuthorizer::authorize_device(std::string_view name, bool authorized) {
  const auto found = state_.devices.find(name);
  if (found == state_.devices.end()) return fail(missing(name));
  CUSTOS_TRY_VOID(change("authorize_device", name, authorized));
  found->second.authorized = authorized;
  return ok();
}

Result<void> FakeUsbAuthorizer::authorize_interface(std::string_view name, bool authorized) {
  const auto found = state_.devices.find(device_of(name));
  if (found == state_.devices.end()) return fail(missing(name));
  for (auto& interface : found->second.interfaces) {
    if (interface.name != name) continue;
    CUSTOS_TRY_VOID(change("authorize_interface", name, authorized));
    interface.authorized = authorized;
    if (authorized) state_.probed.emplace(name);
    return ok();
  }
  return fail(missing(name));
}

Result<bool> FakeUsbAuthorizer::device_authorized(std::string_view name) const {
  const auto found = state_.devices.find(name);
  if (found == state_.devices.end()) return fail(missing(name));
  return found->second.authorized;
}

Result<bool> FakeUsbAuthorizer::interface_authorized(std::string_view name) const {
  const auto found = state_.devices.find(device_of(name));
  if (found != state_.devices.end()) {
    for (const auto& interface : found->second.interfaces) {
      if (interface.name == name) return interface.authorized;
    }
  }
  return fail(missing(name));
}

}  // namespace custos::device
