// Kernel device events (uevents): the datagram parser and the event source.
//
// The kernel broadcasts one datagram per event on NETLINK_KOBJECT_UEVENT
// multicast group 1: a header "<action>@<devpath>" and then KEY=VALUE
// entries, every one NUL-terminated:
//
//   add@/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0\0ACTION=add\0
//   DEVPATH=/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0\0
//   SUBSYSTEM=usb\0DEVTYPE=usb_interface\0...\0SEQNUM=1234\0
//
// udevd re-broadcasts events in its own binary format, which starts with
// "libudev\0"; those are not the kernel's word and are skipped (parse_uevent
// answers nullopt). Anything else that does not have the kernel's shape is an
// Error (code `corrupt`, with the byte offset), never a crash.
//
// Thread-safety: parse_uevent is a pure function; Uevent is a plain value. A
// UeventSource is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::device {

enum class UeventAction : std::uint8_t { unknown, add, remove, change, move, online, offline, bind, unbind };
std::string_view to_string(UeventAction action) noexcept;
UeventAction uevent_action_from_string(std::string_view text) noexcept;  // unknown if none

struct Uevent {
  UeventAction action = UeventAction::unknown;
  std::string action_text;  // as sent, also for actions this code does not know
  std::string devpath;      // "/devices/...", relative to the sysfs root
  std::string subsystem;    // "usb", "block", "scsi", ...
  std::string devtype;      // "usb_device", "usb_interface", "disk", "partition"; may be empty
  std::string devname;      // "sda", "bus/usb/002/003" (relative to /dev); may be empty
  std::uint64_t seqnum = 0; // the kernel's event counter: gaps mean lost events
  // Every other KEY=VALUE entry, in the order sent (PRODUCT, TYPE,
  // INTERFACE, MAJOR, MINOR, DRIVER, ...).
  std::vector<std::pair<std::string, std::string>> properties;

  // The value of a key among `properties`; nullopt when absent.
  std::optional<std::string_view> property(std::string_view key) const noexcept;
  // The last component of devpath: "2-1", "2-1:1.0", "sda".
  std::string_view sysfs_name() const noexcept;
};

// Datagrams longer than this are refused (the kernel's own limit is 2048).
inline constexpr std::size_t kMaxUeventBytes = 8192;

// Parses one datagram. nullopt: a libudev message, to be skipped. Errors
// (`corrupt`): empty or oversized input, a header without '@', with an empty
// action or a devpath not starting with "/", an entry that is not KEY=VALUE
// with an upper-case KEY, an empty entry, a repeated key, ACTION/DEVPATH
// that disagree with the header, a missing or empty SUBSYSTEM, a missing
// SEQNUM, a SEQNUM that is not a decimal number.
Result<std::optional<Uevent>> parse_uevent(std::span<const std::uint8_t> datagram);
Result<std::optional<Uevent>> parse_uevent(std::string_view datagram);

// Where device events come from. Implementations: NetlinkUeventSource
// (linux.hpp) and ScriptedUeventSource (fake.hpp).
class UeventSource {
 public:
  virtual ~UeventSource() = default;

  // Waits up to `timeout` for the next kernel event. nullopt: the time
  // passed with none. An `unavailable` Error means events were lost (the
  // receive buffer overflowed): the caller must rescan the devices, then go
  // on calling next(). Datagrams that are not from the kernel, or skipped by
  // parse_uevent, never come out of next().
  virtual Result<std::optional<Uevent>> next(std::chrono::milliseconds timeout) = 0;
};

}  // namespace custos::device
