#include "custos/platform/toml_prescreen.hpp"

namespace custos::toml_prescreen {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return i_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const { return i_ + ahead < text_.size() ? text_[i_ + ahead] : '\0'; }
  bool non_ascii() const { return !done() && static_cast<unsigned char>(text_[i_]) >= 0x80; }
  bool at(std::string_view s) const { return text_.substr(i_).starts_with(s); }
  std::uint32_t line() const { return line_; }
  std::uint32_t column() const { return column_; }

  void advance() {
    if (done()) return;
    const char c = text_[i_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      ++column_;
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
  std::uint32_t line_ = 1;
  std::uint32_t column_ = 1;
};

bool horizontal_space(char c) { return c == ' ' || c == '\t'; }
bool any_space(char c) { return horizontal_space(c) || c == '\n' || c == '\r'; }

// After a backslash in a multi-line basic string toml++ classifies the next
// character, and if it is whitespace, every character up to the next
// non-whitespace one.
std::optional<TomlHazard> after_backslash(Scanner& s) {
  if (s.non_ascii()) return TomlHazard{s.line(), s.column(), true};
  if (!any_space(s.peek())) {
    s.advance();  // an ordinary escape such as \" — must not end the string
    return std::nullopt;
  }
  while (any_space(s.peek())) s.advance();
  if (s.non_ascii()) return TomlHazard{s.line(), s.column(), true};
  return std::nullopt;
}

// Where TOML lets a string begin: at the start of a line, after whitespace,
// '=', '[', ',', '{' or (dotted keys) '.'. Anywhere else a quote is part of
// a bare token such as -"x", and toml++ reads the token to its end one
// character at a time, asking of each whether it is whitespace.
bool string_may_open_after(char previous) {
  return any_space(previous) || previous == '=' || previous == '[' || previous == ',' || previous == '{' ||
         previous == '.';
}

// A value that begins with a sign or a digit (a number or a date) is read
// ahead by toml++ to its terminator, up to 127 characters, each character
// classified on the way: '[', '{', '=' and '.' do not end it, so a quote
// after them opens no string either (found by fuzzing: -{"§).
bool starts_number_run(char c, char previous) {
  const bool sign_or_digit = c == '+' || c == '-' || (c >= '0' && c <= '9');
  return sign_or_digit && (any_space(previous) || previous == '=' || previous == '[' || previous == '{' || previous == ',');
}

bool ends_number_run(char c) { return any_space(c) || c == ']' || c == '}' || c == ',' || c == '#'; }

}  // namespace

std::optional<TomlHazard> find_toml_hazard(std::string_view text) noexcept {
  Scanner s(text);
  if (s.at("\xEF\xBB\xBF")) s.advance(3);  // a byte-order mark is allowed and skipped
  char previous = '\n';
  bool in_number_run = false;
  while (!s.done()) {
    if (s.non_ascii()) return TomlHazard{s.line(), s.column(), false};
    in_number_run = in_number_run ? !ends_number_run(s.peek()) : starts_number_run(s.peek(), previous);
    const bool at_quote = s.peek() == '"' || s.peek() == '\'';
    if (at_quote && (in_number_run || !string_may_open_after(previous))) {
      previous = s.peek();  // part of a bare token: what follows is scanned as such
      s.advance();
      continue;
    }
    previous = s.peek();  // after a string or a comment: its quote or '#', neither lets a string open
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

std::string_view problem(const TomlHazard& hazard) noexcept {
  return hazard.after_backslash ? "expected an ASCII character after a line-ending backslash, found a non-ASCII one"
                                : "expected ASCII outside strings and comments, found a non-ASCII character";
}

std::string_view remedy(const TomlHazard& hazard) noexcept {
  return hazard.after_backslash
             ? "the TOML library mishandles this; move the character up a line or write it as \\uXXXX"
             : "TOML allows other characters only inside quotes or after #";
}

std::string describe(const TomlHazard& hazard) {
  return std::string(problem(hazard)) + " (" + std::string(remedy(hazard)) + ")";
}

}  // namespace custos::toml_prescreen
