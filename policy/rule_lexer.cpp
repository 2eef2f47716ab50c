#include "rule_lexer.hpp"

namespace custos::policy::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool ends_word(char c) { return is_space(c) || c == '{' || c == '}' || c == '"' || c == '#'; }

}  // namespace

std::expected<std::vector<Token>, LexError> lex_rule(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (is_space(c)) {
      ++i;
    } else if (c == '#') {
      break;
    } else if (c == '{' || c == '}') {
      tokens.push_back(Token{c == '{' ? TokenKind::open_brace : TokenKind::close_brace, std::string(1, c), i});
      ++i;
    } else if (c == '"') {
      const std::size_t start = i++;
      std::string value;
      bool closed = false;
      while (i < text.size()) {
        const char d = text[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\') {
          // Only \" and \\: device strings are plain text, and a short escape
          // list keeps the canonical form (and the bundle) unambiguous.
          const char e = i + 1 < text.size() ? text[i + 1] : '\0';
          if (e != '"' && e != '\\') {
            return std::unexpected(LexError{i, std::string("expected \\\" or \\\\ inside a rule string, found \\") +
                                                   (e == '\0' ? std::string("end of rule") : std::string(1, e)),
                                            "only quotes and backslashes are escaped in rule strings"});
          }
          value.push_back(e);
          i += 2;
          continue;
        }
        value.push_back(d);
        ++i;
      }
      if (!closed) {
        return std::unexpected(LexError{start, "expected a closing '\"' for the string, found end of rule",
                                        "close the string on the same rule line"});
      }
      tokens.push_back(Token{TokenKind::string, std::move(value), start});
    } else {
      const std::size_t start = i;
      while (i < text.size() && !ends_word(text[i])) ++i;
      tokens.push_back(Token{TokenKind::word, std::string(text.substr(start, i - start)), start});
    }
  }
  return tokens;
}

std::size_t rule_end(std::string_view text) {
  std::size_t end = text.size();
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (quoted && text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && text[i] == '#') {
      end = i;
      break;
    }
  }
  while (end > 0 && is_space(text[end - 1])) --end;
  return end;
}

}  // namespace custos::policy::detail
