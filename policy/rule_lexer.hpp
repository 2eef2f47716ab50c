// Internal: splits one device rule into tokens — words, quoted strings and
// braces — remembering each token's byte offset so errors point at it.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace custos::policy::detail {

enum class TokenKind : unsigned char { word, string, open_brace, close_brace };

struct Token {
  TokenKind kind = TokenKind::word;
  std::string text;        // a string's decoded value; a word as written
  std::size_t offset = 0;  // of its first byte in the rule text
};

struct LexError {
  std::size_t offset = 0;
  std::string message;
  std::string hint;
};

// Tokenises `text`; a `#` outside quotes ends the rule (a comment).
std::expected<std::vector<Token>, LexError> lex_rule(std::string_view text);

// The rule text's end, ignoring a trailing comment and spaces: where "found
// end of rule" errors point.
std::size_t rule_end(std::string_view text);

}  // namespace custos::policy::detail
