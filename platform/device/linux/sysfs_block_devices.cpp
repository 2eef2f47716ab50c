#include <linux/fs.h>

#include <algorithm>

#include "custos/device/linux.hpp"
#include "custos/device/mountinfo.hpp"
#include "linux/sysfs_attributes.hpp"

namespace custos::device {
namespace {

Result<void> check_name(std::string_view name) {
  if (is_block_device_name(name)) return ok();
  return fail(ErrorCode::invalid_argument, "\"" + std::string(name) + "\" is not a block device name like sda or sr0");
}

bool is_below(std::string_view path, std::string_view folder) {
  return path.size() > folder.size() && path.starts_with(folder) && path[folder.size()] == '/';
}

}  // namespace

SysfsBlockDevices::SysfsBlockDevices(FileOps& files, std::filesystem::path sysfs_root, std::filesystem::path dev_root,
                                     std::filesystem::path mountinfo)
    : files_(files),
      root_(sysfs::clean_root(sysfs_root)),
      dev_root_(std::move(dev_root)),
      mountinfo_(std::move(mountinfo)) {}

Result<BlockDevice> SysfsBlockDevices::read_block(const std::filesystem::path& folder, std::string_view name) const {
  BlockDevice block;
  block.name = name;
  block.sysfs_path = sysfs::devpath(root_, folder);
  // Partitions have a `partition` attribute and live in their disk's folder.
  auto partition = sysfs::read_optional(files_, folder / "partition");
  if (!partition) return fail(std::move(partition).error());
  block.partition = partition->has_value();
  const auto disk_folder = block.partition ? folder.parent_path() : folder;
  block.disk = disk_folder.filename().string();

  auto dev = sysfs::read_dev_numbers(files_, folder / "dev");
  if (!dev) return fail(std::move(dev).error());
  block.major = dev->first;
  block.minor = dev->second;

  // The SCSI peripheral type sits on the disk's SCSI device; loop and
  // virtio disks have none.
  auto type = sysfs::read_optional(files_, disk_folder / "device" / "type");
  if (!type) return fail(std::move(type).error());
  if (type->has_value()) {
    auto number = sysfs::read_number(files_, disk_folder / "device" / "type", 10, 0x1f);
    if (!number) return fail(std::move(number).error());
    block.scsi_type = static_cast<int>(*number);
    block.kind = block_kind_from_scsi_type(*block.scsi_type);
  }
  return block;
}

Result<std::vector<BlockDevice>> SysfsBlockDevices::all() const {
  // class/block lists disks and partitions alike (the older top-level
  // block/ folder only disks); every kernel this runs on has it.
  const auto folder = root_ / "class" / "block";
  auto names = files_.list_dir(folder);
  if (!names) return fail(std::move(names).error());
  std::vector<BlockDevice> blocks;
  for (const auto& name : *names) {
    auto target = sysfs::resolve_link(files_, root_, folder / name);
    if (!target) return fail(std::move(target).error());
    auto block = read_block(*target, name);
    if (!block) return fail(std::move(block).error());
    blocks.push_back(std::move(*block));
  }
  return blocks;
}

Result<std::vector<BlockDevice>> SysfsBlockDevices::of_usb(std::string_view usb_name) const {
  if (!is_usb_device_name(usb_name) && !is_usb_interface_name(usb_name)) {
    return fail(ErrorCode::invalid_argument,
                "\"" + std::string(usb_name) + "\" is not a USB device or interface name like 2-1 or 2-1:1.0");
  }
  auto usb_folder = sysfs::resolve_link(files_, root_, root_ / "bus" / "usb" / "devices" / usb_name);
  if (!usb_folder) return fail(std::move(usb_folder).error());
  const auto usb_path = sysfs::devpath(root_, *usb_folder);
  auto blocks = all();
  if (!blocks) return blocks;
  std::erase_if(*blocks, [&usb_path](const BlockDevice& block) { return !is_below(block.sysfs_path, usb_path); });
  return blocks;
}

Result<BlockDevice> SysfsBlockDevices::device(std::string_view name) const {
  CUSTOS_TRY_VOID(check_name(name));
  auto target = sysfs::resolve_link(files_, root_, root_ / "class" / "block" / name);
  if (!target) return fail(std::move(target).error());
  return read_block(*target, name);
}

Result<void> SysfsBlockDevices::set_read_only(std::string_view name, bool read_only) {
  CUSTOS_TRY_VOID(check_name(name));
  int flag = read_only ? 1 : 0;
  CUSTOS_TRY_VOID(files_.ioctl_int(dev_root_ / name, BLKROSET, flag));
  // Read it back: success must mean the kernel holds the flag now.
  auto now = is_read_only(name);
  if (!now) return fail(std::move(now).error());
  if (*now != read_only) {
    return fail(ErrorCode::io, "the kernel did not keep the read-only flag of " + std::string(name));
  }
  return ok();
}

Result<bool> SysfsBlockDevices::is_read_only(std::string_view name) const {
  CUSTOS_TRY_VOID(check_name(name));
  int flag = 0;
  CUSTOS_TRY_VOID(files_.ioctl_int(dev_root_ / name, BLKROGET, flag));
  return flag != 0;
}

Result<bool> SysfsBlockDevices::is_mounted(std::string_view name) const {
  auto block = device(name);
  if (!block) return fail(std::move(block).error());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> numbers = {{block->major, block->minor}};
  if (!block->partition) {
    auto blocks = all();
    if (!blocks) return fail(std::move(blocks).error());
    for (const auto& other : *blocks) {
      if (other.partition && other.disk == block->name) numbers.emplace_back(other.major, other.minor);
    }
  }
  auto text = files_.read_text(mountinfo_, 16 << 20);
  if (!text) return fail(std::move(text).error());
  auto mounts = parse_mountinfo(*text);
  if (!mounts) return fail(std::move(mounts).error());
  return std::any_of(mounts->begin(), mounts->end(), [&numbers](const MountEntry& mount) {
    return std::find(numbers.begin(), numbers.end(), std::pair(mount.major, mount.minor)) != numbers.end();
  });
}

}  // namespace custos::device
