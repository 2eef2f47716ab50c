#include "custos/device/uevent.hpp"

#include <array>
#include <charconv>

namespace custos::device {
namespace {

constexpr std::array<std::string_view, 9> kActions = {
    "unknown", "add", "remove", "change", "move", "online", "offline", "bind", "unbind",
};

Error corrupt(std::size_t offset, std::string_view what) {
  return Error{ErrorCode::corrupt, "malformed uevent at byte " + std::to_string(offset) + ": " + std::string(what)};
}

// Kernel keys are upper-case names (add_uevent_var callers); holding to that
// keeps binary junk from passing as a key.
bool is_key(std::string_view key) {
  if (key.empty()) return false;
  for (const char c : key) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(UeventAction action) noexcept {
  const auto index = static_cast<std::size_t>(action);
  return index < kActions.size() ? kActions[index] : kActions[0];
}

UeventAction uevent_action_from_string(std::string_view text) noexcept {
  for (std::size_t i = 1; i < kActions.size(); ++i) {
    if (kActions[i] == text) return static_cast<UeventAction>(i);
  }
  return UeventAction::unknown;
}

std::optional<std::string_view> Uevent::property(std::string_view key) const noexcept {
  for (const auto& [name, value] : properties) {
    if (name == key) return value;
  }
  return std::nullopt;
}

std::string_view Uevent::sysfs_name() const noexcept {
  const std::string_view path = devpath;
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

Result<std::optional<Uevent>> parse_uevent(std::span<const std::uint8_t> datagram) {
  return parse_uevent(std::string_view(reinterpret_cast<const char*>(datagram.data()), datagram.size()));
}

Result<std::optional<Uevent>> parse_uevent(std::string_view data) {
  if (data.empty()) return fail(corrupt(0, "the datagram is empty"));
  if (data.size() > kMaxUeventBytes) return fail(corrupt(kMaxUeventBytes, "the datagram is longer than a uevent can be"));
  if (data.starts_with(std::string_view("libudev\0", 8))) return std::optional<Uevent>();

  // Entries are NUL-terminated; the last NUL may be missing (tolerated).
  std::size_t pos = 0;
  auto next_entry = [&data, &pos]() {
    const auto end = data.find('\0', pos);
    const auto stop = end == std::string_view::npos ? data.size() : end;
    const auto entry = data.substr(pos, stop - pos);
    pos = end == std::string_view::npos ? data.size() : end + 1;
    return entry;
  };

  const auto header = next_entry();
  const auto at = header.find('@');
  if (at == std::string_view::npos) return fail(corrupt(0, "the header has no '@' (expected \"<action>@<devpath>\")"));
  if (at == 0) return fail(corrupt(0, "the header has an empty action"));
  const auto header_devpath = header.substr(at + 1);
  if (!header_devpath.starts_with('/')) return fail(corrupt(at + 1, "the header's devpath does not start with '/'"));

  Uevent event;
  bool seen_action = false, seen_devpath = false, seen_subsystem = false, seen_devtype = false,
       seen_devname = false, seen_seqnum = false;
  while (pos < data.size()) {
    const auto offset = pos;
    const auto entry = next_entry();
    if (entry.empty()) return fail(corrupt(offset, "empty entry"));
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos || !is_key(entry.substr(0, eq))) {
      return fail(corrupt(offset, "entry is not KEY=VALUE with an upper-case KEY"));
    }
    const auto key = entry.substr(0, eq);
    const auto value = entry.substr(eq + 1);
    // A known key fills its field once; a second copy is an error.
    auto take = [&](bool& seen, std::string& field) -> Result<void> {
      if (seen) return fail(corrupt(offset, "repeated key " + std::string(key)));
      seen = true;
      field.assign(value);
      return ok();
    };
    if (key == "ACTION") {
      CUSTOS_TRY_VOID(take(seen_action, event.action_text));
    } else if (key == "DEVPATH") {
      CUSTOS_TRY_VOID(take(seen_devpath, event.devpath));
    } else if (key == "SUBSYSTEM") {
      CUSTOS_TRY_VOID(take(seen_subsystem, event.subsystem));
    } else if (key == "DEVTYPE") {
      CUSTOS_TRY_VOID(take(seen_devtype, event.devtype));
    } else if (key == "DEVNAME") {
      CUSTOS_TRY_VOID(take(seen_devname, event.devname));
    } else if (key == "SEQNUM") {
      if (seen_seqnum) return fail(corrupt(offset, "repeated key SEQNUM"));
      seen_seqnum = true;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), event.seqnum);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
        return fail(corrupt(offset, "SEQNUM is not a decimal number"));
      }
    } else {
      if (event.property(key)) return fail(corrupt(offset, "repeated key " + std::string(key)));
      event.properties.emplace_back(key, value);
    }
  }

  if (!seen_action || event.action_text != header.substr(0, at)) {
    return fail(corrupt(0, "ACTION is missing or differs from the header"));
  }
  if (!seen_devpath || event.devpath != header_devpath) {
    return fail(corrupt(0, "DEVPATH is missing or differs from the header"));
  }
  if (!seen_subsystem || event.subsystem.empty()) return fail(corrupt(0, "SUBSYSTEM is missing or empty"));
  if (!seen_seqnum) return fail(corrupt(0, "SEQNUM is missing"));
  event.action = uevent_action_from_string(event.action_text);
  return std::optional<Uevent>(std::move(event));
}

}  // namespace custos::device
