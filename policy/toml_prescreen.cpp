#include "toml_prescreen.hpp"

namespace custos::policy::detail {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return i_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const { return i_ + ahead < text_.size() ? text_[i_ + ahead] : '\0'; }
  bool non_ascii() const { return !done() && static_cast<unsigned char>(text_[i_]) >= 0x80; }
  bool at(std::string_view s) const { return text_.substr(i_).starts_with(s); }
  SourcePos pos() const { return pos_; }

  void advance() {
    if (done()) return;
    const char c = text_[i_++];
    if (c == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      ++pos_.column;
    }
  }
  void advance(std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) advance();
  }
  // A closing delimiter may be followed by up to two more quote characters
  // that belong to the string: consume the whole run of up to five.
  void close_multi_line(char quote) {
    std::size_t run = 0;
    while (run < 5 && peek() == quote) {
      advance();
      ++run;
    }
  }

 private:
  std::string_view text_;
  std::size_t i_ = 0;
  SourcePos pos_;
};

bool horizontal_space(char c) { return c == ' ' || c == '\t'; }
bool any_space(char c) { return horizontal_space(c) || c == '\n' || c == '\r'; }

// After a backslash in a multi-line basic string toml++ classifies the next
// character, and if it is whitespace, every character up to the next
// non-whitespace one.
std::optional<TomlHazard> after_backslash(Scanner& s) {
  if (s.non_ascii()) return TomlHazard{s.pos(), true};
  if (!any_space(s.peek())) {
    s.advance();  // an ordinary escape such as \" — must not end the string
    return std::nullopt;
  }
  while (any_space(s.peek())) s.advance();
  if (s.non_ascii()) return TomlHazard{s.pos(), true};
  return std::nullopt;
}

}  // namespace

std::optional<TomlHazard> find_toml_hazard(std::string_view text) noexcept {
  Scanner s(text);
  if (s.at("\xEF\xBB\xBF")) s.advance(3);  // a byte-order mark is allowed and skipped
  while (!s.done()) {
    if (s.non_ascii()) return TomlHazard{s.pos(), false};
    if (s.peek() == '#') {
      while (!s.done() && s.peek() != '\n') s.advance();
    } else if (s.at("\"\"\"")) {
      s.advance(3);
      while (!s.done() && !s.at("\"\"\"")) {
        if (s.peek() == '\\') {
          s.advance();
          if (auto hazard = after_backslash(s)) return hazard;
        } else {
          s.advance();
        }
      }
      s.close_multi_line('"');
    } else if (s.at("'''")) {
      s.advance(3);
      while (!s.done() && !s.at("'''")) s.advance();
      s.close_multi_line('\'');
    } else if (s.peek() == '"' || s.peek() == '\'') {
      // Single-line strings end at their quote, or (an error toml++ reports
      // itself) at the end of the line.
      const char quote = s.peek();
      s.advance();
      while (!s.done() && s.peek() != quote && s.peek() != '\n') {
        if (quote == '"' && s.peek() == '\\' && s.peek(1) != '\n') s.advance();
        s.advance();
      }
      if (s.peek() == quote) s.advance();
    } else {
      s.advance();
    }
  }
  return std::nullopt;
}

}  // namespace custos::policy::detail
