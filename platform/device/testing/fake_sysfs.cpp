#include "testing/fake_sysfs.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace custos::device::testing {
namespace {

const std::filesystem::path kController = "devices/pci0000:00/0000:00:04.0";

}  // namespace

FakeSysfs::FakeSysfs() {
  static std::atomic<int> counter{0};
  base_ = std::filesystem::temp_directory_path() /
          ("custos-sysfs-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(base_);
  std::filesystem::create_directories(base_);
  base_ = std::filesystem::canonical(base_);  // links are made relative to real paths
  std::filesystem::create_directories(sys() / "bus" / "usb" / "drivers" / "usb-storage");
  std::filesystem::create_directories(sys() / "bus" / "usb" / "drivers" / "usbhid");
  std::filesystem::create_directories(sys() / "bus" / "usb" / "drivers" / "hub");
  std::filesystem::create_directories(sys() / "class" / "block");
  std::filesystem::create_directories(dev());
  write(sys() / "bus" / "usb" / "drivers_probe", "");
  write(mountinfo(), "");

  for (const auto* hub : {"usb1", "usb2"}) {
    const bool super_speed = std::string_view(hub) == "usb2";
    add_usb_device(sys() / kController, hub, "1d6b", super_speed ? "0003" : "0002", "0000:00:04.0", 1);
    const auto folder = usb_folder(hub);
    write(folder / "bDeviceClass", "09\n");
    write(folder / "bcdDevice", "0601\n");
    write(folder / "removable", "unknown\n");
    write(folder / "manufacturer", "Linux 6.1.0-28-amd64 xhci-hcd\n");
    write(folder / "product", "xHCI Host Controller\n");
    write(folder / "authorized_default", "1\n");
    write(folder / "interface_authorized_default", "1\n");
    add_interface(super_speed ? "2-0:1.0" : "1-0:1.0", "09", "00", "00", "hub");
  }

  add_usb_device(usb_folder("usb1"), "1-1", "0627", "0001", "68284-0000:00:04.0-1", 2);
  write(usb_folder("1-1") / "manufacturer", "QEMU\n");
  write(usb_folder("1-1") / "product", "QEMU USB Keyboard\n");
  add_interface("1-1:1.0", "03", "01", "01", "usbhid");

  add_usb_device(usb_folder("usb1"), "1-2", "1234", "5678", "COMBO-7", 3);
  add_interface("1-2:1.0", "03", "01", "01", "usbhid");
  add_interface("1-2:1.1", "08", "06", "50", "usb-storage");
  add_scsi_disk("1-2:1.1", 1, 5, "sr0", "11:0");

  add_usb_device(usb_folder("usb2"), "2-1", "46f4", "0001", "SN-0001", 2);
  write(usb_folder("2-1") / "manufacturer", "QEMU\n");
  write(usb_folder("2-1") / "product", "QEMU USB HARDDRIVE\n");
  add_interface("2-1:1.0", "08", "06", "50", "usb-storage");
  add_scsi_disk("2-1:1.0", 0, 0, "sda", "8:0", "sda1", "8:1");
}

FakeSysfs::~FakeSysfs() {
  std::error_code ignored;
  std::filesystem::remove_all(base_, ignored);
}

std::filesystem::path FakeSysfs::usb_folder(std::string_view name) const {
  return std::filesystem::canonical(sys() / "bus" / "usb" / "devices" / name);
}

void FakeSysfs::write(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string FakeSysfs::read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void FakeSysfs::link(const std::filesystem::path& link, const std::filesystem::path& target) {
  std::filesystem::create_directories(link.parent_path());
  std::filesystem::create_directory_symlink(target.lexically_relative(link.parent_path()), link);
}

void FakeSysfs::add_usb_device(const std::filesystem::path& parent, std::string_view name, std::string_view vendor,
                               std::string_view product, std::string_view serial, int devnum) {
  const auto folder = parent / name;
  write(folder / "idVendor", std::string(vendor) + "\n");
  write(folder / "idProduct", std::string(product) + "\n");
  write(folder / "bcdDevice", "0000\n");
  write(folder / "bDeviceClass", "00\n");
  write(folder / "bDeviceSubClass", "00\n");
  write(folder / "bDeviceProtocol", "00\n");
  write(folder / "serial", std::string(serial) + "\n");
  const auto bus = name.starts_with("usb") ? name.substr(3) : name.substr(0, name.find('-'));
  write(folder / "busnum", std::string(bus) + "\n");
  write(folder / "devnum", std::to_string(devnum) + "\n");
  write(folder / "removable", "removable\n");
  write(folder / "authorized", "1\n");
  link(sys() / "bus" / "usb" / "devices" / name, folder);
}

void FakeSysfs::add_interface(std::string_view name, std::string_view cls, std::string_view subclass,
                              std::string_view protocol, std::string_view driver) {
  const auto device = name.substr(0, name.find(':'));
  const auto folder = (device.ends_with("-0") ? usb_folder("usb" + std::string(device.substr(0, device.find('-'))))
                                              : usb_folder(device)) /
                      name;
  const auto number = name.substr(name.rfind('.') + 1);
  write(folder / "bInterfaceNumber", "0" + std::string(number) + "\n");
  write(folder / "bInterfaceClass", std::string(cls) + "\n");
  write(folder / "bInterfaceSubClass", std::string(subclass) + "\n");
  write(folder / "bInterfaceProtocol", std::string(protocol) + "\n");
  write(folder / "bAlternateSetting", " 0\n");
  write(folder / "authorized", "1\n");
  link(folder / "driver", sys() / "bus" / "usb" / "drivers" / driver);
  link(sys() / "bus" / "usb" / "devices" / name, folder);
}

void FakeSysfs::add_scsi_disk(std::string_view interface, int host, int type, std::string_view disk,
                              std::string_view dev, std::string_view partition, std::string_view partition_dev) {
  const auto h = std::to_string(host);
  const auto scsi = usb_folder(interface) / ("host" + h) / ("target" + h + ":0:0") / (h + ":0:0:0");
  write(scsi / "type", std::to_string(type) + "\n");
  write(scsi / "vendor", "QEMU    \n");
  const auto disk_folder = scsi / "block" / disk;
  write(disk_folder / "dev", std::string(dev) + "\n");
  write(disk_folder / "ro", "0\n");
  link(disk_folder / "device", scsi);
  link(sys() / "class" / "block" / disk, disk_folder);
  if (!partition.empty()) {
    write(disk_folder / partition / "dev", std::string(partition_dev) + "\n");
    write(disk_folder / partition / "partition", "1\n");
    link(sys() / "class" / "block" / partition, disk_folder / partition);
  }
}

}  // namespace custos::device::testing
