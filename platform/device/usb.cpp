#include "custos/device/usb.hpp"
#include "custos/device/usb_authorizer.hpp"

#include "custos/platform/encoding.hpp"
#include "custos/platform/hash.hpp"

namespace custos::device {
namespace {

// Consumes a run of 1-3 decimal digits from the front of `text`.
bool take_number(std::string_view& text) {
  std::size_t n = 0;
  while (n < text.size() && n < 4 && text[n] >= '0' && text[n] <= '9') ++n;
  if (n == 0 || n > 3) return false;
  text.remove_prefix(n);
  return true;
}

bool take_char(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

// "<bus>-<port>[.<port>]*", consuming it from the front of `text`.
bool take_port_path(std::string_view& text) {
  if (!take_number(text) || !take_char(text, '-') || !take_number(text)) return false;
  while (take_char(text, '.')) {
    if (!take_number(text)) return false;
  }
  return true;
}

// Length-prefixed so that ("ab","c") and ("a","bc") hash differently.
void add_field(Sha256& hash, std::string_view value) {
  const auto size = static_cast<std::uint32_t>(value.size());
  const std::uint8_t prefix[4] = {static_cast<std::uint8_t>(size >> 24), static_cast<std::uint8_t>(size >> 16),
                                  static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
  hash.update(prefix);
  hash.update(as_bytes(value));
}

void add_bytes(Sha256& hash, std::initializer_list<std::uint8_t> bytes) {
  hash.update(std::span<const std::uint8_t>(bytes.begin(), bytes.size()));
}

}  // namespace

std::string_view to_string(Removable value) noexcept {
  switch (value) {
    case Removable::removable:
      return "removable";
    case Removable::fixed:
      return "fixed";
    case Removable::unknown:
      break;
  }
  return "unknown";
}

Removable removable_from_string(std::string_view text) noexcept {
  if (text == "removable") return Removable::removable;
  if (text == "fixed") return Removable::fixed;
  return Removable::unknown;
}

std::string descriptor_hash(const UsbDevice& device) {
  Sha256 hash;
  add_field(hash, "custos-usb-descriptor-v1");
  add_bytes(hash, {static_cast<std::uint8_t>(device.vendor_id >> 8), static_cast<std::uint8_t>(device.vendor_id),
                   static_cast<std::uint8_t>(device.product_id >> 8), static_cast<std::uint8_t>(device.product_id),
                   static_cast<std::uint8_t>(device.bcd_device >> 8), static_cast<std::uint8_t>(device.bcd_device),
                   device.device_class, device.device_subclass, device.device_protocol});
  add_field(hash, device.serial);
  add_field(hash, device.manufacturer);
  add_field(hash, device.product);
  for (const auto& interface : device.interfaces) {
    add_bytes(hash, {interface.number, interface.cls, interface.subclass, interface.protocol});
  }
  return hex_encode(hash.finish());
}

bool is_root_hub_name(std::string_view name) noexcept {
  if (!name.starts_with("usb")) return false;
  name.remove_prefix(3);
  return take_number(name) && name.empty();
}

bool is_usb_device_name(std::string_view name) noexcept {
  if (is_root_hub_name(name)) return true;
  return take_port_path(name) && name.empty();
}

bool is_usb_interface_name(std::string_view name) noexcept {
  // A root hub's interface is "<bus>-0:1.0".
  return take_port_path(name) && take_char(name, ':') && take_number(name) && take_char(name, '.') &&
         take_number(name) && name.empty();
}

Result<void> set_authorized_default_on(UsbAuthorizer& authorizer, std::span<const std::string> root_hubs,
                                       bool authorized) {
  for (const auto& hub : root_hubs) CUSTOS_TRY_VOID(authorizer.set_authorized_default(hub, authorized));
  return ok();
}

}  // namespace custos::device
