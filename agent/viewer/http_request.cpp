#include "custos/viewer/http_request.hpp"

#include <algorithm>

namespace custos::viewer {
namespace {

constexpr std::size_t kMaxHeaders = 64;

bool is_token_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_printable(std::string_view text) noexcept {
  return std::ranges::all_of(text, [](char c) { return (c >= 0x20 && c < 0x7F) || c == '\t'; });
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool equals_lower(std::string_view name, std::string_view lower) noexcept {
  return name.size() == lower.size() && std::ranges::equal(name, lower, [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
         });
}

}  // namespace

std::optional<std::size_t> request_head_length(std::string_view bytes) noexcept {
  const auto end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  return end + 4;
}

Result<HttpRequest> parse_request_head(std::string_view head) {
  if (head.size() > kMaxRequestHead) return fail(ErrorCode::too_large, "the request head is over 8 KiB");
  if (!head.ends_with("\r\n\r\n")) return fail(ErrorCode::invalid_argument, "the request head does not end");
  head.remove_suffix(2);  // the blank line; every line below ends with CRLF
  HttpRequest request;
  bool first = true, saw_host = false, saw_cookie = false;
  std::size_t headers = 0;
  while (!head.empty()) {
    const auto eol = head.find("\r\n");
    if (eol == std::string_view::npos) return fail(ErrorCode::invalid_argument, "a line does not end with CRLF");
    const auto line = head.substr(0, eol);
    head.remove_prefix(eol + 2);
    if (!is_printable(line)) return fail(ErrorCode::invalid_argument, "the request has bytes that are not printable ASCII");
    if (first) {
      first = false;
      const auto sp1 = line.find(' ');
      const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
      if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        return fail(ErrorCode::invalid_argument, "the request line is not METHOD TARGET VERSION");
      }
      const auto method = line.substr(0, sp1);
      const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
      const auto version = line.substr(sp2 + 1);
      if (method != "GET" && method != "POST") return fail(ErrorCode::invalid_argument, "only GET and POST are served");
      if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail(ErrorCode::invalid_argument, "not HTTP/1.x");
      if (!target.starts_with('/')) return fail(ErrorCode::invalid_argument, "the target is not a path");
      request.method = std::string(method);
      const auto q = target.find('?');
      request.path = std::string(target.substr(0, q));
      if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
      continue;
    }
    if (++headers > kMaxHeaders) return fail(ErrorCode::too_large, "more than 64 header lines");
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail(ErrorCode::invalid_argument, "a header has no name");
    const auto name = line.substr(0, colon);
    if (!std::ranges::all_of(name, is_token_char)) return fail(ErrorCode::invalid_argument, "a header name is not a token");
    const auto value = trim(line.substr(colon + 1));
    if (equals_lower(name, "host")) {
      if (saw_host) return fail(ErrorCode::invalid_argument, "two Host headers");
      saw_host = true;
      request.host = std::string(value);
    } else if (equals_lower(name, "cookie")) {
      if (saw_cookie) return fail(ErrorCode::invalid_argument, "two Cookie headers");
      saw_cookie = true;
      request.cookie = std::string(value);
    }
  }
  if (first) return fail(ErrorCode::invalid_argument, "an empty request");
  return request;
}

std::string_view cookie_value(std::string_view header, std::string_view name) noexcept {
  while (!header.empty()) {
    const auto semi = header.find(';');
    const auto pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return {};
}

}  // namespace custos::viewer
