// Fuzzes the parsers that read what the kernel hands the agent: a uevent
// datagram (as received on NETLINK_KOBJECT_UEVENT) and a mountinfo table,
// both on the same input, and checks what a parsed value promises: the
// header's action and devpath agree with the fields, no key twice, and the
// USB and block name checks accept nothing that could leave sysfs or /dev.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "custos/device/block_devices.hpp"
#include "custos/device/mountinfo.hpp"
#include "custos/device/uevent.hpp"
#include "custos/device/usb.hpp"

namespace {

using namespace custos::device;

void check_name(std::string_view name) {
  const bool usb = is_usb_device_name(name) || is_usb_interface_name(name) || is_root_hub_name(name);
  if ((usb || is_block_device_name(name)) &&
      (name.empty() || name.find('/') != std::string_view::npos || name.find("..") != std::string_view::npos)) {
    std::abort();
  }
}

void fuzz_uevent(std::string_view bytes) {
  const auto event = parse_uevent(bytes);
  if (!event) {
    if (event.error().message.empty()) std::abort();
    return;
  }
  if (!*event) {
    if (!bytes.starts_with(std::string_view("libudev\0", 8))) std::abort();
    return;
  }
  const Uevent& e = **event;
  if (e.action_text.empty() || !e.devpath.starts_with('/') || e.subsystem.empty()) std::abort();
  if (!bytes.starts_with(e.action_text + "@" + e.devpath)) std::abort();
  if (e.action != uevent_action_from_string(e.action_text)) std::abort();
  std::set<std::string_view> keys;
  for (const auto& [key, value] : e.properties) {
    if (!keys.insert(key).second || key.empty()) std::abort();
    if (e.property(key) != std::string_view(value)) std::abort();
  }
  check_name(e.sysfs_name());
  check_name(e.devname);
}

void fuzz_mountinfo(std::string_view bytes) {
  const auto mounts = parse_mountinfo(bytes);
  if (!mounts) {
    if (mounts.error().message.find("mountinfo line ") != 0) std::abort();
    return;
  }
  for (const auto& mount : *mounts) {
    if (mount.options.find(' ') != std::string::npos || mount.fs_type.find(' ') != std::string::npos) std::abort();
    for (const auto& field : mount.optional_fields) {
      if (field == "-") std::abort();
    }
  }
  (void)unescape_mount_field(bytes.substr(0, 64));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz_uevent(bytes);
  fuzz_mountinfo(bytes);
  check_name(bytes.substr(0, 40));
  return 0;
}
