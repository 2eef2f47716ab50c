#include "toml_string_map.hpp"

#include <algorithm>
#include <cstdint>

namespace custos::policy::detail {
namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

// A cursor over the raw file that keeps line and column the way toml++ counts
// them (columns in code points), because positions must agree with toml++'s.
struct Cursor {
  std::string_view text;
  std::size_t offset = 0;
  SourcePos pos;

  bool done() const { return offset >= text.size(); }
  char peek(std::size_t ahead = 0) const {
    return offset + ahead < text.size() ? text[offset + ahead] : '\0';
  }
  bool starts_with(std::string_view s) const { return text.substr(offset).starts_with(s); }
  void advance() {
    if (done()) return;
    const char c = text[offset++];
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if (!is_continuation(c)) {
      ++pos.column;
    }
  }
  void advance(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) advance();
  }
};

std::size_t utf8_length(std::uint32_t code_point) {
  if (code_point < 0x80) return 1;
  if (code_point < 0x800) return 2;
  if (code_point < 0x10000) return 3;
  return 4;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

StringMap StringMap::identity(std::size_t length, SourcePos start) {
  StringMap map;
  map.positions_.reserve(length + 1);
  for (std::size_t i = 0; i <= length; ++i) {
    map.positions_.push_back(SourcePos{start.line, start.column + static_cast<std::uint32_t>(i)});
  }
  return map;
}

StringMap StringMap::from_toml(std::string_view file_text, std::size_t line_offset, SourcePos value_begin,
                               std::string_view decoded) {
  StringMap map;
  map.positions_.reserve(decoded.size() + 1);
  Cursor cur{file_text, std::min(line_offset, file_text.size()), SourcePos{value_begin.line, 1}};
  while (!cur.done() && (cur.pos.line < value_begin.line ||
                         (cur.pos.line == value_begin.line && cur.pos.column < value_begin.column))) {
    cur.advance();
  }
  const bool multi_line = cur.starts_with("'''") || cur.starts_with("\"\"\"");
  const bool literal = cur.peek() == '\'';
  const bool recognised = multi_line || cur.peek() == '\'' || cur.peek() == '"';
  if (!recognised) {
    // Not a quoted string where toml++ said one starts: keep every byte at
    // the value's start rather than guess.
    map.positions_.assign(decoded.size() + 1, value_begin);
    return map;
  }
  cur.advance(multi_line ? 3 : 1);
  // TOML drops a newline right after the opening delimiter of a multi-line string.
  if (multi_line) {
    if (cur.starts_with("\r\n")) cur.advance(2);
    else if (cur.peek() == '\n') cur.advance();
  }

  std::size_t out = 0;
  auto emit = [&](std::size_t count, SourcePos at) {
    for (std::size_t i = 0; i < count && out < decoded.size(); ++i, ++out) map.positions_.push_back(at);
  };
  while (out < decoded.size() && !cur.done()) {
    const SourcePos here = cur.pos;
    const char c = cur.peek();
    if (c == '\r' && cur.peek(1) == '\n' && decoded[out] == '\n') {
      emit(1, here);  // toml++ normalises CRLF inside multi-line strings
      cur.advance(2);
      continue;
    }
    if (literal || c != '\\') {
      emit(1, here);
      cur.advance();
      continue;
    }
    // An escape in a basic string.
    const char e = cur.peek(1);
    if (multi_line && (is_space(e) || e == '\n' || e == '\r')) {
      // Line-ending backslash: it and all whitespace after it vanish.
      cur.advance();
      while (!cur.done() && (is_space(cur.peek()) || cur.peek() == '\n' || cur.peek() == '\r')) cur.advance();
      continue;
    }
    if (e == 'u' || e == 'U') {
      const std::size_t digits = e == 'u' ? 4 : 8;
      std::uint32_t code_point = 0;
      for (std::size_t i = 0; i < digits; ++i) {
        const char h = cur.peek(2 + i);
        const std::uint32_t v = (h >= '0' && h <= '9')   ? static_cast<std::uint32_t>(h - '0')
                                : (h >= 'a' && h <= 'f') ? static_cast<std::uint32_t>(h - 'a' + 10)
                                : (h >= 'A' && h <= 'F') ? static_cast<std::uint32_t>(h - 'A' + 10)
                                                         : 0U;
        code_point = (code_point << 4) | v;
      }
      emit(utf8_length(code_point), here);
      cur.advance(2 + digits);
      continue;
    }
    emit(1, here);
    cur.advance(2);
  }
  // Anything left (should not happen with toml++'s own values) sits at the end.
  while (map.positions_.size() < decoded.size()) map.positions_.push_back(cur.pos);
  map.positions_.push_back(cur.pos);
  return map;
}

SourcePos StringMap::at(std::size_t offset) const noexcept {
  if (positions_.empty()) return SourcePos{};
  return offset < positions_.size() ? positions_[offset] : positions_.back();
}

}  // namespace custos::policy::detail
