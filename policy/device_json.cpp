// Boost.JSON is used with error codes only, so nothing is thrown past here.
#include "custos/policy/device_json.hpp"

#include <boost/json.hpp>

namespace custos::policy {
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_hex16(std::string_view text, std::uint16_t& out) {
  if (text.size() != 4) return false;
  unsigned v = 0;
  for (const char c : text) {
    const int d = hex(c);
    if (d < 0) return false;
    v = v * 16 + static_cast<unsigned>(d);
  }
  out = static_cast<std::uint16_t>(v);
  return true;
}

Result<std::string> string_field(const boost::json::value& value, std::string_view key) {
  if (const auto* s = value.if_string()) return std::string(s->data(), s->size());
  return fail(ErrorCode::invalid_argument, "device JSON: \"" + std::string(key) + "\" must be a string");
}

}  // namespace

Result<Device> parse_device_json(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(boost::json::string_view(json.data(), json.size()), ec);
  if (ec) return fail(ErrorCode::invalid_argument, "device JSON is not valid JSON: " + ec.message());
  const auto* object = root.if_object();
  if (object == nullptr) return fail(ErrorCode::invalid_argument, "device JSON must be an object {\"id\": ...}");
  Device device;
  bool have_id = false;
  for (const auto& [key_view, value] : *object) {
    const std::string_view key(key_view.data(), key_view.size());
    if (key == "interfaces") {
      const auto* array = value.if_array();
      if (array == nullptr) return fail(ErrorCode::invalid_argument, "device JSON: \"interfaces\" must be an array");
      for (const auto& element : *array) {
        const auto* s = element.if_string();
        const auto parsed = s ? parse_interface_class(std::string_view(s->data(), s->size())) : std::nullopt;
        if (!parsed) {
          return fail(ErrorCode::invalid_argument,
                      "device JSON: each interface must be \"CC:SS:PP\" in hex, e.g. \"08:06:50\"");
        }
        device.interfaces.push_back(*parsed);
      }
      continue;
    }
    auto text = string_field(value, key);
    if (!text) return std::unexpected(std::move(text).error());
    if (key == "id") {
      const auto colon = text->find(':');
      if (colon == std::string::npos || !parse_hex16(std::string_view(*text).substr(0, colon), device.vendor_id) ||
          !parse_hex16(std::string_view(*text).substr(colon + 1), device.product_id)) {
        return fail(ErrorCode::invalid_argument, "device JSON: \"id\" must be VID:PID in hex, e.g. \"0781:5581\"");
      }
      have_id = true;
    } else if (key == "serial") {
      device.serial = std::move(*text);
    } else if (key == "name") {
      device.name = std::move(*text);
    } else if (key == "hash") {
      device.hash = std::move(*text);
    } else if (key == "via_port") {
      device.via_port = std::move(*text);
    } else if (key == "connect_type") {
      device.connect_type = connect_type_from_string(*text);
      if (device.connect_type == ConnectType::unknown && *text != "unknown") {
        return fail(ErrorCode::invalid_argument,
                    "device JSON: \"connect_type\" must be \"hotplug\", \"hardwired\" or \"unknown\"");
      }
    } else {
      return fail(ErrorCode::invalid_argument,
                  "device JSON: unknown key \"" + std::string(key) +
                      "\"; known keys are id, serial, name, hash, via_port, connect_type, interfaces");
    }
  }
  if (!have_id) return fail(ErrorCode::invalid_argument, "device JSON: \"id\" (VID:PID) is required");
  return device;
}

}  // namespace custos::policy
