#include "custos/device/linux.hpp"
#include "linux/sysfs_attributes.hpp"

namespace custos::device {
namespace {

std::filesystem::path bus_devices(const std::filesystem::path& root) { return root / "bus" / "usb" / "devices"; }

std::uint8_t byte(std::uint32_t value) { return static_cast<std::uint8_t>(value); }

Result<UsbInterface> read_interface(const FileOps& files, const std::filesystem::path& folder, std::string name) {
  UsbInterface interface;
  interface.name = std::move(name);
  auto number = sysfs::read_number(files, folder / "bInterfaceNumber", 16, 0xff);
  auto cls = sysfs::read_number(files, folder / "bInterfaceClass", 16, 0xff);
  auto subclass = sysfs::read_number(files, folder / "bInterfaceSubClass", 16, 0xff);
  auto protocol = sysfs::read_number(files, folder / "bInterfaceProtocol", 16, 0xff);
  auto authorized = sysfs::read_flag(files, folder / "authorized");
  for (auto* read : {&number, &cls, &subclass, &protocol}) {
    if (!*read) return fail(std::move(*read).error());
  }
  if (!authorized) return fail(std::move(authorized).error());
  interface.number = byte(*number);
  interface.cls = byte(*cls);
  interface.subclass = byte(*subclass);
  interface.protocol = byte(*protocol);
  interface.authorized = *authorized;
  // `driver` is a link to the bound driver's folder; absent when unbound.
  auto driver = files.read_link(folder / "driver");
  if (driver) {
    interface.driver = std::filesystem::path(*driver).filename().string();
  } else if (driver.error().code != ErrorCode::not_found) {
    return fail(std::move(driver).error());
  }
  return interface;
}

}  // namespace

SysfsUsbBus::SysfsUsbBus(FileOps& files, std::filesystem::path sysfs_root)
    : files_(files), root_(sysfs::clean_root(sysfs_root)) {}

Result<UsbDevice> SysfsUsbBus::read_device(std::string_view name, const std::vector<std::string>& entries) const {
  const auto link = bus_devices(root_) / name;
  auto folder = sysfs::resolve_link(files_, root_, link);
  if (!folder) return fail(std::move(folder).error());

  UsbDevice device;
  device.name = name;
  device.sysfs_path = sysfs::devpath(root_, *folder);
  device.root_hub = is_root_hub_name(name);
  auto vendor = sysfs::read_number(files_, *folder / "idVendor", 16, 0xffff);
  auto product = sysfs::read_number(files_, *folder / "idProduct", 16, 0xffff);
  auto release = sysfs::read_number(files_, *folder / "bcdDevice", 16, 0xffff);
  auto cls = sysfs::read_number(files_, *folder / "bDeviceClass", 16, 0xff);
  auto subclass = sysfs::read_number(files_, *folder / "bDeviceSubClass", 16, 0xff);
  auto protocol = sysfs::read_number(files_, *folder / "bDeviceProtocol", 16, 0xff);
  auto busnum = sysfs::read_number(files_, *folder / "busnum", 10, 0xffff);
  auto devnum = sysfs::read_number(files_, *folder / "devnum", 10, 0xffff);
  for (auto* read : {&vendor, &product, &release, &cls, &subclass, &protocol, &busnum, &devnum}) {
    if (!*read) return fail(std::move(*read).error());
  }
  auto authorized = sysfs::read_flag(files_, *folder / "authorized");
  if (!authorized) return fail(std::move(authorized).error());
  device.vendor_id = static_cast<std::uint16_t>(*vendor);
  device.product_id = static_cast<std::uint16_t>(*product);
  device.bcd_device = static_cast<std::uint16_t>(*release);
  device.device_class = byte(*cls);
  device.device_subclass = byte(*subclass);
  device.device_protocol = byte(*protocol);
  device.busnum = *busnum;
  device.devnum = *devnum;
  device.authorized = *authorized;

  // Descriptor strings exist only when the device has them; `removable`
  // only where the hub reports it.
  struct Optional {
    const char* attribute;
    std::string* field;
  };
  std::string removable;
  for (const auto& [attribute, field] : {Optional{"serial", &device.serial}, Optional{"manufacturer", &device.manufacturer},
                                         Optional{"product", &device.product}, Optional{"removable", &removable}}) {
    auto text = sysfs::read_optional(files_, *folder / attribute);
    if (!text) return fail(std::move(text).error());
    if (*text) *field = std::move(**text);
  }
  device.removable = removable_from_string(removable);

  // Interfaces of the active configuration: "<name>:<config>.<number>";
  // a root hub "usbN" names its interface "N-0:1.0".
  const std::string prefix =
      device.root_hub ? std::string(name.substr(3)) + "-0:" : std::string(name) + ":";
  for (const auto& entry : entries) {
    if (!entry.starts_with(prefix) || !is_usb_interface_name(entry)) continue;
    auto interface_folder = sysfs::resolve_link(files_, root_, bus_devices(root_) / entry);
    if (!interface_folder) return fail(std::move(interface_folder).error());
    auto interface = read_interface(files_, *interface_folder, entry);
    if (!interface) return fail(std::move(interface).error());
    device.interfaces.push_back(std::move(*interface));
  }
  device.descriptor_hash = descriptor_hash(device);
  return device;
}

Result<std::vector<UsbDevice>> SysfsUsbBus::devices() const {
  auto entries = files_.list_dir(bus_devices(root_));
  if (!entries) return fail(std::move(entries).error());
  std::vector<UsbDevice> devices;
  for (const auto& name : *entries) {
    if (!is_usb_device_name(name)) continue;
    auto device = read_device(name, *entries);
    if (device) {
      devices.push_back(std::move(*device));
      continue;
    }
    // Unplugged while we read it: its link is gone too. A missing attribute
    // of a device still present is a real error.
    if (device.error().code == ErrorCode::not_found) {
      auto link = files_.read_link(bus_devices(root_) / name);
      if (!link && link.error().code == ErrorCode::not_found) continue;
    }
    return fail(std::move(device).error());
  }
  return devices;
}

Result<UsbDevice> SysfsUsbBus::device(std::string_view name) const {
  if (!is_usb_device_name(name)) {
    return fail(ErrorCode::invalid_argument, "\"" + std::string(name) + "\" is not a USB device name like 2-1 or usb1");
  }
  auto entries = files_.list_dir(bus_devices(root_));
  if (!entries) return fail(std::move(entries).error());
  return read_device(name, *entries);
}

}  // namespace custos::device
