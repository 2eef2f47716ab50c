// A USB device as the agent sees it on hotplug (or as the IT engineer
// describes it for a dry run): ids, strings, where it is plugged in and its
// interfaces. Decisions are made per interface.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custos::policy {

enum class ConnectType : std::uint8_t { unknown, hotplug, hardwired };
std::string_view to_string(ConnectType type) noexcept;
ConnectType connect_type_from_string(std::string_view text) noexcept;  // unknown if neither

// A USB interface class triple (bInterfaceClass, bInterfaceSubClass, bInterfaceProtocol).
struct InterfaceClass {
  std::uint8_t cls = 0;
  std::uint8_t subclass = 0;
  std::uint8_t protocol = 0;
  friend bool operator==(const InterfaceClass&, const InterfaceClass&) = default;
};

// "08:06:50" (two lower-case hex digits each).
std::string to_string(const InterfaceClass& c);
// Parses "08:06:50" (hex, either case); nullopt when malformed.
std::optional<InterfaceClass> parse_interface_class(std::string_view text) noexcept;

struct Device {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::string serial;   // empty when the device has none
  std::string name;     // the product string
  std::string hash;     // descriptor hash, as the agent computes it
  std::string via_port; // e.g. "1-2.3"
  ConnectType connect_type = ConnectType::unknown;
  std::vector<InterfaceClass> interfaces;
};

// The interface kinds the department settings speak about. Mass storage with
// subclass 02 (MMC-5, ATAPI) is an optical drive; other mass storage and the
// still-image class (06, used by phones in MTP/PTP mode and by cameras) carry
// files and count as removable storage.
enum class InterfaceKind : std::uint8_t { removable_storage, optical, other };
InterfaceKind interface_kind(const InterfaceClass& c) noexcept;

}  // namespace custos::policy
