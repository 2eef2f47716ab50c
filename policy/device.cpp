#include "custos/policy/device.hpp"

namespace custos::policy {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::uint8_t kMassStorage = 0x08;
constexpr std::uint8_t kMmc5Subclass = 0x02;  // ATAPI / MMC-5: CD, DVD and BD drives
constexpr std::uint8_t kStillImage = 0x06;

}  // namespace

std::string_view to_string(ConnectType type) noexcept {
  switch (type) {
    case ConnectType::hotplug: return "hotplug";
    case ConnectType::hardwired: return "hardwired";
    case ConnectType::unknown: break;
  }
  return "unknown";
}

ConnectType connect_type_from_string(std::string_view text) noexcept {
  if (text == "hotplug") return ConnectType::hotplug;
  if (text == "hardwired") return ConnectType::hardwired;
  return ConnectType::unknown;
}

std::string to_string(const InterfaceClass& c) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t v : {c.cls, c.subclass, c.protocol}) {
    if (!out.empty()) out += ':';
    out += kHex[v >> 4];
    out += kHex[v & 0x0F];
  }
  return out;
}

std::optional<InterfaceClass> parse_interface_class(std::string_view text) noexcept {
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return std::nullopt;
  std::uint8_t fields[3] = {};
  for (std::size_t i = 0; i < 3; ++i) {
    const int hi = hex_digit(text[i * 3]);
    const int lo = hex_digit(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    fields[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return InterfaceClass{fields[0], fields[1], fields[2]};
}

InterfaceKind interface_kind(const InterfaceClass& c) noexcept {
  if (c.cls == kMassStorage) return c.subclass == kMmc5Subclass ? InterfaceKind::optical : InterfaceKind::removable_storage;
  // Phones in MTP/PTP mode move files through the still-image class: treat
  // them as the storage they are, or "block USB storage" would leak through them.
  if (c.cls == kStillImage) return InterfaceKind::removable_storage;
  return InterfaceKind::other;
}

}  // namespace custos::policy
