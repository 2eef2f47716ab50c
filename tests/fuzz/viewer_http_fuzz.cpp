// Fuzz target for the viewer's loopback server: the first byte picks the
// parser — an HTTP request head (with the cookie lookup), or a
// /proc/net/tcp table. None may crash; a parsed head keeps its invariants.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "custos/viewer/http_request.hpp"
#include "custos/viewer/loopback_peer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    const auto length = custos::viewer::request_head_length(text);
    if (length && *length > text.size()) std::abort();
    if (auto request = custos::viewer::parse_request_head(length ? text.substr(0, *length) : text)) {
      if (request->method != "GET" && request->method != "POST") std::abort();
      if (!request->path.starts_with('/') || request->path.find('?') != std::string::npos) std::abort();
      const auto value = custos::viewer::cookie_value(request->cookie, "custos_view");
      if (value.size() > request->cookie.size()) std::abort();
    }
  } else {
    const std::uint16_t client = size > 2 ? static_cast<std::uint16_t>(data[1] << 8 | data[2]) : 0;
    (void)custos::viewer::find_connection_owner(text, client, 8080);
  }
  return 0;
}
