#include "custos/device/linux.hpp"
#include "linux/sysfs_attributes.hpp"

namespace custos::device {
namespace {

enum class Shape : std::uint8_t { root_hub, device, interface };

Result<void> check_name(std::string_view name, Shape shape) {
  switch (shape) {
    case Shape::root_hub:
      if (is_root_hub_name(name)) return ok();
      return fail(ErrorCode::invalid_argument, "\"" + std::string(name) + "\" is not a root hub name like usb1");
    case Shape::device:
      if (is_usb_device_name(name)) return ok();
      return fail(ErrorCode::invalid_argument, "\"" + std::string(name) + "\" is not a USB device name like 2-1");
    case Shape::interface:
      if (is_usb_interface_name(name)) return ok();
      break;
  }
  return fail(ErrorCode::invalid_argument, "\"" + std::string(name) + "\" is not a USB interface name like 2-1:1.0");
}

}  // namespace

SysfsUsbAuthorizer::SysfsUsbAuthorizer(FileOps& files, std::filesystem::path sysfs_root)
    : files_(files), root_(sysfs::clean_root(sysfs_root)) {}

Result<void> SysfsUsbAuthorizer::write_flag(std::string_view name, std::string_view attribute, bool value) {
  return files_.write_text(root_ / "bus" / "usb" / "devices" / name / attribute, value ? "1" : "0");
}

Result<bool> SysfsUsbAuthorizer::read_flag(std::string_view name, std::string_view attribute) const {
  return sysfs::read_flag(files_, root_ / "bus" / "usb" / "devices" / name / attribute);
}

Result<void> SysfsUsbAuthorizer::set_authorized_default(std::string_view root_hub, bool authorized) {
  CUSTOS_TRY_VOID(check_name(root_hub, Shape::root_hub));
  return write_flag(root_hub, "authorized_default", authorized);
}

Result<void> SysfsUsbAuthorizer::set_interface_authorized_default(std::string_view root_hub, bool authorized) {
  CUSTOS_TRY_VOID(check_name(root_hub, Shape::root_hub));
  return write_flag(root_hub, "interface_authorized_default", authorized);
}

Result<bool> SysfsUsbAuthorizer::authorized_default(std::string_view root_hub) const {
  CUSTOS_TRY_VOID(check_name(root_hub, Shape::root_hub));
  // The kernel also knows 2 ("internal devices only"); read_flag calls that
  // corrupt rather than guess which way it leans.
  return read_flag(root_hub, "authorized_default");
}

Result<bool> SysfsUsbAuthorizer::interface_authorized_default(std::string_view root_hub) const {
  CUSTOS_TRY_VOID(check_name(root_hub, Shape::root_hub));
  return read_flag(root_hub, "interface_authorized_default");
}

Result<void> SysfsUsbAuthorizer::authorize_device(std::string_view name, bool authorized) {
  CUSTOS_TRY_VOID(check_name(name, Shape::device));
  return write_flag(name, "authorized", authorized);
}

Result<void> SysfsUsbAuthorizer::authorize_interface(std::string_view name, bool authorized) {
  CUSTOS_TRY_VOID(check_name(name, Shape::interface));
  CUSTOS_TRY_VOID(write_flag(name, "authorized", authorized));
  if (!authorized) return ok();
  // Re-authorizing an interface does not bind its driver again; a probe of
  // the bus does. The kernel answers success when no driver wants it.
  auto probed = files_.write_text(root_ / "bus" / "usb" / "drivers_probe", name);
  if (!probed) {
    return fail(probed.error().code,
                std::string(name) + " is authorized but no driver was bound: " + probed.error().message);
  }
  return ok();
}

Result<bool> SysfsUsbAuthorizer::device_authorized(std::string_view name) const {
  CUSTOS_TRY_VOID(check_name(name, Shape::device));
  return read_flag(name, "authorized");
}

Result<bool> SysfsUsbAuthorizer::interface_authorized(std::string_view name) const {
  CUSTOS_TRY_VOID(check_name(name, Shape::interface));
  return read_flag(name, "authorized");
}

}  // namespace custos::device
