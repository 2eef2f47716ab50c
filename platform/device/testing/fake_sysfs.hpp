// A sysfs tree in a temporary folder shaped like the kernel's under QEMU's
// xHCI controller (see the testbed notes): folders under devices/, relative
// symbolic links in bus/usb/devices/ and class/block/, `driver` and `device`
// links, attribute files holding what the kernel prints ("46f4\n").
//
//   usb1, usb2      root hubs (1d6b:0002, 1d6b:0003), interfaces 1-0:1.0, 2-0:1.0
//   1-1             keyboard 0627:0001, interface 1-1:1.0 (03/01/01), usbhid
//   1-2             composite: 1-2:1.0 keyboard (03/01/01) and 1-2:1.1 mass
//                   storage (08/06/50) with a CD drive behind it: sr0 (type 5)
//   2-1             QEMU storage 46f4:0001, serial SN-0001, 2-1:1.0 (08/06/50),
//                   disk sda (type 0, 8:0) with partition sda1 (8:1)
//
// Test-only; one per test.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace custos::device::testing {

class FakeSysfs {
 public:
  FakeSysfs();
  ~FakeSysfs();
  FakeSysfs(const FakeSysfs&) = delete;
  FakeSysfs& operator=(const FakeSysfs&) = delete;

  const std::filesystem::path& base() const { return base_; }  // holds sys/, dev/, mountinfo
  std::filesystem::path sys() const { return base_ / "sys"; }
  std::filesystem::path dev() const { return base_ / "dev"; }
  std::filesystem::path mountinfo() const { return base_ / "mountinfo"; }
  // The folder of a USB device or interface, "<sys>/devices/.../2-1".
  std::filesystem::path usb_folder(std::string_view name) const;

  // Writes an attribute file (creating folders), e.g. write(usb_folder("2-1") / "serial", "X\n").
  static void write(const std::filesystem::path& path, std::string_view text);
  // The text of a file, as tests read back what the code wrote.
  static std::string read(const std::filesystem::path& path);
  // A relative link at `link` pointing at `target` (both absolute here).
  static void link(const std::filesystem::path& link, const std::filesystem::path& target);

  // Adds a USB device folder under `parent` and its bus/usb/devices link.
  void add_usb_device(const std::filesystem::path& parent, std::string_view name, std::string_view vendor,
                      std::string_view product, std::string_view serial, int devnum);
  // Adds an interface folder under its device and its bus/usb/devices link.
  void add_interface(std::string_view name, std::string_view cls, std::string_view subclass,
                     std::string_view protocol, std::string_view driver);
  // Adds a SCSI device of `type` behind `interface`, with a disk `disk`
  // ("8:0") and optionally one partition.
  void add_scsi_disk(std::string_view interface, int host, int type, std::string_view disk, std::string_view dev,
                     std::string_view partition = {}, std::string_view partition_dev = {});

 private:
  std::filesystem::path base_;
};

}  // namespace custos::device::testing
