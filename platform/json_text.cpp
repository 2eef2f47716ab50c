#include "custos/platform/json_text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace custos {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// The length of the UTF-8 sequence a lead byte announces (1 for a stray byte).
std::size_t sequence_length(unsigned char c) noexcept {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

// The length of the control character at `i` of valid UTF-8 text: 1 for C0
// and DEL, 2 for U+0080–U+009F (0xC2 0x80–0x9F); 0 when it is none.
std::size_t control_at(std::string_view valid, std::size_t i) noexcept {
  const auto c = static_cast<unsigned char>(valid[i]);
  if (c < 0x20 || c == 0x7F) return 1;
  if (c == 0xC2 && i + 1 < valid.size() && static_cast<unsigned char>(valid[i + 1]) <= 0x9F) return 2;
  return 0;
}

// `text` as valid UTF-8 with every control character but those `keep`
// accepts replaced by U+FFFD.
template <class Keep>
std::string replace_controls(std::string_view text, Keep keep) {
  const std::string valid = to_valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size(); ++i) {
    if (const auto length = control_at(valid, i); length != 0 && !keep(valid[i])) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += length - 1;
    } else {
      out += valid[i];
    }
  }
  return out;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes, std::size_t* bad_at) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  const auto bad = [&](std::size_t at) {
    if (bad_at != nullptr) *bad_at = at;
    return false;
  };
  while (i < n) {
    // Eight ASCII bytes at a time: the common case for IDs, phones, dates.
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, s + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlongs
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // no overlongs
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return bad(i);
    }
    if (i + len > n) return bad(i);
    if (s[i + 1] < lo || s[i + 1] > hi) return bad(i);
    for (std::size_t k = 2; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return bad(i);
    }
    i += len;
  }
  return true;
}

bool is_printable_text(std::string_view text) noexcept {
  if (!is_valid_utf8(text)) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (control_at(text, i) != 0) return false;
  }
  return true;
}

std::string to_printable_text(std::string_view text) {
  return replace_controls(text, [](char) { return false; });
}

std::string to_terminal_text(std::string_view text) {
  return replace_controls(text, [](char c) { return c == '\n'; });
}

std::string to_valid_utf8(std::string_view text) {
  std::size_t bad = 0;
  if (is_valid_utf8(text, &bad)) return std::string(text);
  std::string out(text.substr(0, bad));
  std::size_t i = bad;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = std::min(sequence_length(c), text.size() - i);
    if (c < 0x80 || (len > 1 && is_valid_utf8(text.substr(i, len)))) {
      out.append(text.substr(i, c < 0x80 ? 1 : len));
      i += c < 0x80 ? 1 : len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t i = 0;
  while (i < text.size()) {
    // Plain ASCII that needs no escape is copied a run at a time.
    std::size_t run = i;
    while (run < text.size()) {
      const auto b = static_cast<unsigned char>(text[run]);
      if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
      ++run;
    }
    if (run > i) {
      out.append(text.substr(i, run - i));
      i = run;
      if (i == text.size()) break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      // Copy a whole valid sequence; replace anything else so that a file
      // read without the UTF-8 requirement still yields parseable JSON.
      const std::size_t len = std::min(sequence_length(c), text.size() - i);
      if (len > 1 && is_valid_utf8(text.substr(i, len))) {
        out.append(text.substr(i, len));
        i += len;
      } else {
        out.append("\\ufffd");
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        if (c < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

std::string json_escape(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  append_json_string(quoted, text);
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace custos
