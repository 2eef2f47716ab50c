#include <algorithm>

#include "custos/device/fake.hpp"

namespace custos::device {

void FakeBlockDevices::add(BlockDevice block, std::string usb_name) {
  auto name = block.name;
  blocks_.insert_or_assign(std::move(name), Entry{std::move(block), std::move(usb_name)});
}

void FakeBlockDevices::remove(const std::string& name) { blocks_.erase(name); }

void FakeBlockDevices::set_mounted(const std::string& name, bool mounted) {
  if (auto found = blocks_.find(name); found != blocks_.end()) found->second.mounted = mounted;
}

Result<const FakeBlockDevices::Entry*> FakeBlockDevices::find(std::string_view name) const {
  if (const auto failing = failing_.find(name); failing != failing_.end()) {
    return custos::fail(failing->second, "cannot use " + std::string(name) + " (fake failure)");
  }
  const auto found = blocks_.find(name);
  if (found == blocks_.end()) return custos::fail(ErrorCode::not_found, "no block device " + std::string(name));
  return &found->second;
}

Result<std::vector<BlockDevice>> FakeBlockDevices::of_usb(std::string_view usb_name) const {
  std::vector<BlockDevice> out;
  for (const auto& [name, entry] : blocks_) {
    // An interface's blocks also belong to its device ("2-1:1.0" in "2-1").
    const std::string_view owner = entry.usb_name;
    if (owner == usb_name || (owner.starts_with(usb_name) && owner.size() > usb_name.size() &&
                              owner[usb_name.size()] == ':')) {
      out.push_back(entry.block);
    }
  }
  return out;
}

Result<BlockDevice> FakeBlockDevices::device(std::string_view name) const {
  auto entry = find(name);
  if (!entry) return custos::fail(std::move(entry).error());
  return (*entry)->block;
}

Result<void> FakeBlockDevices::set_read_only(std::string_view name, bool read_only) {
  auto entry = find(name);
  if (!entry) return custos::fail(std::move(entry).error());
  blocks_.find(name)->second.read_only = read_only;
  return ok();
}

Result<bool> FakeBlockDevices::is_read_only(std::string_view name) const {
  auto entry = find(name);
  if (!entry) return custos::fail(std::move(entry).error());
  return (*entry)->read_only;
}

Result<bool> FakeBlockDevices::is_mounted(std::string_view name) const {
  auto entry = find(name);
  if (!entry) return custos::fail(std::move(entry).error());
  if ((*entry)->mounted) return true;
  return std::any_of(blocks_.begin(), blocks_.end(), [name](const auto& other) {
    return other.second.block.partition && other.second.block.disk == name && other.second.mounted;
  });
}

}  // namespace custos::device
