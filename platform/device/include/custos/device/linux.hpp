// The Linux implementations: sysfs for USB discovery and authorization,
// /dev ioctls for read-only, a netlink socket for kernel uevents.
//
// Every root is a constructor parameter so that tests run this very code over
// a fake sysfs tree in a temporary folder, and every file access goes through
// a FileOps, so that tests can make any single access fail. The FileOps must
// outlive the objects given it.
//
// Thread-safety: SysfsUsbBus, SysfsUsbAuthorizer and SysfsBlockDevices hold
// no mutable state of their own and may be shared by threads when their
// FileOps may. NetlinkUeventSource is used by one thread at a time.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "custos/device/block_devices.hpp"
#include "custos/device/file_ops.hpp"
#include "custos/device/uevent.hpp"
#include "custos/device/usb.hpp"
#include "custos/device/usb_authorizer.hpp"

namespace custos::device {

// Reads <sysfs>/bus/usb/devices/*: the entries are links into
// <sysfs>/devices/..., whose attributes (idVendor, serial, authorized, ...)
// fill UsbDevice. Strings absent from sysfs (no serial) are left empty;
// a numeric attribute that is missing or malformed is an Error.
class SysfsUsbBus final : public UsbBus {
 public:
  SysfsUsbBus(FileOps& files, std::filesystem::path sysfs_root = "/sys");

  Result<std::vector<UsbDevice>> devices() const override;
  Result<UsbDevice> device(std::string_view name) const override;

 private:
  Result<UsbDevice> read_device(std::string_view name, const std::vector<std::string>& entries) const;

  FileOps& files_;
  std::filesystem::path root_;
};

// Writes "0"/"1" to <sysfs>/bus/usb/devices/<name>/authorized (and the root
// hubs' authorized_default, interface_authorized_default), and interface
// names to <sysfs>/bus/usb/drivers_probe.
class SysfsUsbAuthorizer final : public UsbAuthorizer {
 public:
  SysfsUsbAuthorizer(FileOps& files, std::filesystem::path sysfs_root = "/sys");

  Result<void> set_authorized_default(std::string_view root_hub, bool authorized) override;
  Result<void> set_interface_authorized_default(std::string_view root_hub, bool authorized) override;
  Result<bool> authorized_default(std::string_view root_hub) const override;
  Result<bool> interface_authorized_default(std::string_view root_hub) const override;
  Result<void> authorize_device(std::string_view name, bool authorized) override;
  Result<void> authorize_interface(std::string_view name, bool authorized) override;
  Result<bool> device_authorized(std::string_view name) const override;
  Result<bool> interface_authorized(std::string_view name) const override;

 private:
  Result<void> write_flag(std::string_view name, std::string_view attribute, bool value);
  Result<bool> read_flag(std::string_view name, std::string_view attribute) const;

  FileOps& files_;
  std::filesystem::path root_;
};

// Walks <sysfs>/class/block (or <sysfs>/block on kernels without it),
// resolving each entry's link to its place under <sysfs>/devices; ioctls go
// to <dev root>/<name>; mounts come from `mountinfo`.
class SysfsBlockDevices final : public BlockDevices {
 public:
  SysfsBlockDevices(FileOps& files, std::filesystem::path sysfs_root = "/sys",
                    std::filesystem::path dev_root = "/dev",
                    std::filesystem::path mountinfo = "/proc/self/mountinfo");

  Result<std::vector<BlockDevice>> of_usb(std::string_view usb_name) const override;
  Result<BlockDevice> device(std::string_view name) const override;
  Result<void> set_read_only(std::string_view name, bool read_only) override;
  Result<bool> is_read_only(std::string_view name) const override;
  Result<bool> is_mounted(std::string_view name) const override;

 private:
  Result<std::vector<BlockDevice>> all() const;
  Result<BlockDevice> read_block(const std::filesystem::path& folder, std::string_view name) const;

  FileOps& files_;
  std::filesystem::path root_;
  std::filesystem::path dev_root_;
  std::filesystem::path mountinfo_;
};

// Kernel uevents from a NETLINK_KOBJECT_UEVENT socket (multicast group 1,
// the kernel's; udevd's group is not joined). The socket is close-on-exec,
// asks for a receive buffer of `receive_buffer_bytes` (SO_RCVBUFFORCE when
// privileged, else SO_RCVBUF), and passes credentials: a datagram is taken
// only from the kernel (sender port id 0 and uid 0), others are dropped.
class NetlinkUeventSource final : public UeventSource {
 public:
  static Result<std::unique_ptr<NetlinkUeventSource>> open(int receive_buffer_bytes = 4 << 20);
  ~NetlinkUeventSource() override;
  NetlinkUeventSource(const NetlinkUeventSource&) = delete;
  NetlinkUeventSource& operator=(const NetlinkUeventSource&) = delete;

  Result<std::optional<Uevent>> next(std::chrono::milliseconds timeout) override;

  // Datagrams dropped for not coming from the kernel (a kernel datagram
  // that does not parse comes out of next() as a `corrupt` Error).
  std::size_t dropped() const noexcept { return dropped_; }

 private:
  explicit NetlinkUeventSource(int fd) : fd_(fd) {}
  int fd_;
  std::size_t dropped_ = 0;
};

}  // namespace custos::device
