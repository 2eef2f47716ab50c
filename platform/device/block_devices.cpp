#include "custos/device/block_devices.hpp"

namespace custos::device {

std::string_view to_string(BlockKind kind) noexcept {
  switch (kind) {
    case BlockKind::disk:
      return "disk";
    case BlockKind::optical:
      return "optical";
    case BlockKind::other:
      return "other";
    case BlockKind::unknown:
      break;
  }
  return "unknown";
}

BlockKind block_kind_from_scsi_type(int type) noexcept {
  // SPC peripheral device types: 0x00 direct access (disks, sticks), 0x0e
  // simplified direct access (RBC), 0x05 CD/DVD.
  if (type == 0x00 || type == 0x0e) return BlockKind::disk;
  if (type == 0x05) return BlockKind::optical;
  return BlockKind::other;
}

bool is_block_device_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 32) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace custos::device
