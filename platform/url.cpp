#include "custos/platform/url.hpp"

#include <algorithm>

#include "custos/platform/json_text.hpp"

namespace custos {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> url_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) return fail(ErrorCode::invalid_argument, "bad percent-encoding");
      out += static_cast<char>(high << 4 | low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::map<std::string, std::string>> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    auto key = url_decode(pair.substr(0, eq), true);
    auto value = url_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return fail(ErrorCode::invalid_argument, "the query string has bad percent-encoding");
    if (!is_valid_utf8(*key) || !is_valid_utf8(*value)) {
      return fail(ErrorCode::invalid_argument, "the query string is not UTF-8 once decoded");
    }
    if (!key->empty()) out[*key] = *value;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

Result<std::string> decode_path(std::string_view path) {
  auto decoded = url_decode(path, false);
  if (!decoded) return fail(ErrorCode::invalid_argument, "the request path has bad percent-encoding");
  if (std::count(decoded->begin(), decoded->end(), '/') != std::count(path.begin(), path.end(), '/')) {
    return fail(ErrorCode::invalid_argument, "the request path has an encoded '/' (%2F), which would move its segments");
  }
  if (!is_printable_text(*decoded)) {
    return fail(ErrorCode::invalid_argument,
                "the request path is not UTF-8 text once decoded (percent-encode a name's UTF-8 bytes)");
  }
  return decoded;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' ||
                            c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

}  // namespace custos
