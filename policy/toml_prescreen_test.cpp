#include "toml_prescreen.hpp"

#include <gtest/gtest.h>

#include "custos/policy/parser.hpp"

namespace custos::policy::detail {
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
  };
  for (const auto text : fine) EXPECT_FALSE(find_toml_hazard(text).has_value()) << text;
}

TEST(TomlPrescreen, FindsTheHazardsAtTheirPosition) {
  struct Case {
    std::string_view text;
    SourcePos pos;
    bool after_backslash;
  };
  const Case cases[] = {
      {"a = 1\n  \xD1\x9E = 2\n", {2, 3}, false},
      {"a = 1 \xC2\xA7\n", {1, 7}, false},
      {"s = \"\"\"\\\n\xC2\xA7\"\"\"\n", {2, 1}, true},  // upstream issue #190
      {"s = \"\"\"\\\xC2\xA7\"\"\"\n", {1, 9}, true},
      {"s = \"\"\"\\  \n   \xC2\xA7\"\"\"\n", {2, 4}, true},
      {"\xCC\xAA", {1, 1}, false},                             // upstream issue #295
  };
  for (const Case& c : cases) {
    const auto hazard = find_toml_hazard(c.text);
    ASSERT_TRUE(hazard.has_value()) << c.text;
    EXPECT_EQ(hazard->pos, c.pos) << c.text;
    EXPECT_EQ(hazard->after_backslash, c.after_backslash) << c.text;
  }
}

TEST(TomlPrescreen, ParserReportsTheHazardAsTomlSyntax) {
  const CheckReport report = parse_policy("[departments.s]\n\xC2\xA7 = 1\n", "h.toml");
  EXPECT_FALSE(report.ok);
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_EQ(report.diagnostics[0].code, DiagCode::toml_syntax);
  EXPECT_EQ(report.diagnostics[0].pos, (SourcePos{2, 1}));
}

}  // namespace
}  // namespace custos::policy::detail
