#include "custos/platform/toml_prescreen.hpp"

#include <gtest/gtest.h>

namespace custos::toml_prescreen {
namespace {

TEST(TomlPrescreen, NonAsciiInsideStringsAndCommentsIsFine) {
  const std::string_view fine[] = {
      "a = \"caf\xC3\xA9\"\n",
      "a = 'caf\xC3\xA9'\n",
      "# caf\xC3\xA9\na = 1\n",
      "a = \"\"\"\ncaf\xC3\xA9\n\"\"\"\n",
      "a = '''\\\n\xC3\xA9'''\n",             // no escapes in literal strings
      "a = \"\"\"x\"\"\"\" # \xC3\xA9\n",      // closing run of four quotes
      "a = \"x\\\"\xC3\xA9\"\n",               // escaped quote does not end the string
      "\xEF\xBB\xBF" "a = 1\n",                // byte-order mark
      "\"k\xC3\xA9y\" = 1\n",                  // quoted key
      "a.\"k\xC3\xA9y\" = 1\n",                // quoted part of a dotted key
      "a = [\"\xC3\xA9\",'\xC3\xA9']\n",          // array elements
      "a = {b=\"\xC3\xA9\"}\n",                  // inline table
      "a=\"\xC3\xA9\"\n",                        // no spaces around '='
      "a = \"x\" # \"\xC3\xA9\n",                 // quotes in a comment after a string
      "a = [1, \"\xC3\xA9\"]\n",                  // a string after a number in an array
      "a = {b = -1, c = \"\xC3\xA9\"}\n",          // ... and in an inline table
      "a = [1,\"\xC3\xA9\"]\n",                    // ',' ends the number
      "a = 1 # \"\xC3\xA9\n",                      // so does '#'
      "d = 1979-05-27 \"\xC3\xA9\"\n",             // a date's space before a string
  };
  for (const auto text : fine) EXPECT_FALSE(find_toml_hazard(text).has_value()) << text;
}

TEST(TomlPrescreen, FindsTheHazardsAtTheirPosition) {
  struct Case {
    std::string_view text;
    std::uint32_t line;
    std::uint32_t column;
    bool after_backslash;
  };
  const Case cases[] = {
      {"a = 1\n  \xD1\x9E = 2\n", 2, 3, false},
      {"a = 1 \xC2\xA7\n", 1, 7, false},
      {"s = \"\"\"\\\n\xC2\xA7\"\"\"\n", 2, 1, true},  // upstream issue #190
      {"s = \"\"\"\\\xC2\xA7\"\"\"\n", 1, 9, true},
      {"s = \"\"\"\\  \n   \xC2\xA7\"\"\"\n", 2, 4, true},
      {"\xCC\xAA", 1, 1, false},                             // upstream issue #295
      // A quote inside a bare token opens no string: toml++ reads the token
      // -"§" to its end, classifying each character (found by fuzzing).
      {"s =-\"\xC2\xA7\"\"\"\n", 1, 6, false},
      {"s = 1'\xC3\xA9'\n", 1, 7, false},
      {"s = \"a\"\"\xC3\xA9\"\n", 1, 9, false},
      // Nor after '{', '[', '=' or '.' inside a number or date: toml++ reads
      // those to their terminator too (found by fuzzing: -{{"§).
      {"s =-{{\"\xC2\xA7\n", 1, 8, false},
      {"s = [-[\"\xC2\xA7\"]]\n", 1, 9, false},
      {"s = 1.=\"\xC2\xA7\"\n", 1, 9, false},
      {"s = 1979-05-27 0{\"\xC2\xA7\"\n", 1, 19, false},
      {"s = [1,+{'\xC2\xA7'}]\n", 1, 11, false},
  };
  for (const Case& c : cases) {
    const auto hazard = find_toml_hazard(c.text);
    ASSERT_TRUE(hazard.has_value()) << c.text;
    EXPECT_EQ(hazard->line, c.line) << c.text;
    EXPECT_EQ(hazard->column, c.column) << c.text;
    EXPECT_EQ(hazard->after_backslash, c.after_backslash) << c.text;
  }
}

}  // namespace
}  // namespace custos::toml_prescreen
