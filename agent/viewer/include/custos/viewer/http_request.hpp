// The head of an HTTP/1.1 request as the viewer's loopback server reads it
// from the browser: request line and headers, nothing else. Strict on
// purpose — the only client is a browser on the same machine, so anything
// unusual is refused rather than interpreted:
//   - at most 8 KiB of head, at most 64 header lines, CRLF line ends;
//   - printable ASCII only (a request target is percent-encoded anyway);
//   - methods GET and POST; the target an origin-form path ("/…");
//   - a header name is a token; a repeated Cookie or Host header is refused.
// The body, if any, is never read: the server answers and closes.
//
// Thread-safety: plain functions and values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos::viewer {

inline constexpr std::size_t kMaxRequestHead = 8 * 1024;

struct HttpRequest {
  std::string method;  // "GET" or "POST"
  std::string path;    // the target up to '?'
  std::string query;   // after '?', without it; "" when none
  std::string host;    // the Host header; "" when none
  std::string cookie;  // the Cookie header; "" when none
};

// The length of the head (through the blank line) when `bytes` holds a
// complete one; nullopt while more is needed.
std::optional<std::size_t> request_head_length(std::string_view bytes) noexcept;

// Parses a complete head (as measured by request_head_length). Fails with
// invalid_argument naming what is wrong, or too_large.
Result<HttpRequest> parse_request_head(std::string_view head);

// The value of cookie `name` in a Cookie header ("a=1; b=2"); "" when absent.
std::string_view cookie_value(std::string_view header, std::string_view name) noexcept;

}  // namespace custos::viewer
