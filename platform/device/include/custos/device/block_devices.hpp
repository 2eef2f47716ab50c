// Block devices behind USB devices: which disks and partitions belong to a
// USB device or interface, what kind of SCSI peripheral each is, read-only
// protection and whether one is mounted.
//
// A USB stick and a USB CD/DVD drive look alike at the USB level (both mass
// storage, 08/06/50); only the SCSI peripheral type of the disk tells them
// apart (0 direct access, 5 CD/DVD), and only once the storage interface is
// bound and the disk has appeared.
//
// Read-only is the kernel's block-device flag (ioctl BLKROSET). Set it on the
// "add block" event, before anything mounts the disk: on a file system that
// is already mounted read-write it does not stop writes.
//
// Thread-safety: implementations may be called from several threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::device {

// What a block device is, from its SCSI peripheral type.
enum class BlockKind : std::uint8_t { unknown, disk, optical, other };
std::string_view to_string(BlockKind kind) noexcept;
// 0 (and 0x0e, reduced block commands) → disk; 5 → optical; other → other.
BlockKind block_kind_from_scsi_type(int type) noexcept;

struct BlockDevice {
  std::string name;                 // "sda", "sda1", "sr0" (also its /dev name)
  std::string sysfs_path;           // "/devices/.../block/sda/sda1"
  bool partition = false;
  std::string disk;                 // the whole disk: itself, or "sda" for "sda1"
  std::optional<int> scsi_type;     // the disk's device/type; nullopt when it has none
  BlockKind kind = BlockKind::unknown;
  std::uint32_t major = 0;          // from `dev` ("8:1")
  std::uint32_t minor = 0;
  friend bool operator==(const BlockDevice&, const BlockDevice&) = default;
};

class BlockDevices {
 public:
  virtual ~BlockDevices() = default;

  // The disks and partitions whose sysfs path runs through the USB device or
  // interface `usb_name` ("2-1", "2-1:1.0"), sorted by name. Empty when it
  // has none (yet); not_found when the USB device is not there.
  virtual Result<std::vector<BlockDevice>> of_usb(std::string_view usb_name) const = 0;
  // One block device by name; not_found when absent.
  virtual Result<BlockDevice> device(std::string_view name) const = 0;

  // Sets or clears the kernel's read-only flag (BLKROSET) of /dev/<name>.
  virtual Result<void> set_read_only(std::string_view name, bool read_only = true) = 0;
  // The flag as the kernel reports it (BLKROGET).
  virtual Result<bool> is_read_only(std::string_view name) const = 0;
  // Whether the device, or for a disk any of its partitions, is mounted
  // (by major:minor in the mount table).
  virtual Result<bool> is_mounted(std::string_view name) const = 0;
};

// Block device names: letters, digits, '-' and '_' only ("sda1", "sr0",
// "loop3"), so a name cannot leave /dev or sysfs.
bool is_block_device_name(std::string_view name) noexcept;

}  // namespace custos::device
