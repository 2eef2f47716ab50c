#include "custos/platform/json_text.hpp"

#include <gtest/gtest.h>

namespace custos {
namespace {

TEST(JsonText, EscapesWithOneFixedRule) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\r\t\b\f\x01\x1f 证");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f 证\"");
  EXPECT_EQ(json_escape("x\"y"), "x\\\"y");
}

TEST(JsonText, InvalidUtf8NeverReachesTheOutput) {
  std::string out;
  append_json_string(out, std::string_view("ok\xFF\xE6\x8A", 5));
  EXPECT_EQ(out, "\"ok\\ufffd\\ufffd\\ufffd\"");
  EXPECT_TRUE(is_valid_utf8(out));
}

TEST(JsonText, PrintableTextIsUtf8WithoutControlCharacters) {
  for (const char* fine : {"", "保单清单 2026-11", "a.txt", "Ünïcödé ✓ 🔒", "\xC2\xA0nbsp"}) {
    EXPECT_TRUE(is_printable_text(fine)) << fine;
  }
  // C0 (a terminal's escape, a newline), DEL, C1 (U+009B, CSI), bad UTF-8.
  for (const char* bad : {"a\x1b[2Jb", "line\nbreak", "tab\there", "del\x7f", "\xC2\x9B" "2J", "\xC2\x80",
                          "cut\xE4\xBF", "\xFF"}) {
    EXPECT_FALSE(is_printable_text(bad)) << bad;
  }
  EXPECT_FALSE(is_printable_text(std::string_view("nul\0inside", 11)));
}

TEST(JsonText, ToPrintableTextReplacesBadBytesAndControls) {
  EXPECT_EQ(to_printable_text("保单.pdf"), "保单.pdf");
  EXPECT_EQ(to_printable_text("\xB1\xA3\xB5\xA5.pdf"), "\uFFFD\uFFFD\uFFFD\uFFFD.pdf") << "GBK 保单";
  EXPECT_EQ(to_printable_text("a\x1b[2J\nb\xC2\x9B"), "a\uFFFD[2J\uFFFDb\uFFFD");
  for (const char* any : {"\xFF\xFE", "\xC2", "x\x7f\xE4\xBF", "\xC2\x80\xC2\xA0"}) {
    EXPECT_TRUE(is_printable_text(to_printable_text(any))) << any;
  }
}

TEST(JsonText, ToTerminalTextKeepsOnlyLineBreaks) {
  EXPECT_EQ(to_terminal_text("the policy has errors:\npolicy.toml:3:1: 规则"), "the policy has errors:\npolicy.toml:3:1: 规则");
  EXPECT_EQ(to_terminal_text("a\x1b]0;owned\x07\r\tb\xC2\x9B\xFF\n"), "a\uFFFD]0;owned\uFFFD\uFFFD\uFFFDb\uFFFD\uFFFD\n");
}

TEST(JsonText, ToValidUtf8ReplacesOnlyBadBytes) {
  EXPECT_EQ(to_valid_utf8("投保人 ok"), "投保人 ok");
  EXPECT_EQ(to_valid_utf8(std::string_view("a\xC0\x80z", 4)), "a\xEF\xBF\xBD\xEF\xBF\xBDz");
  EXPECT_EQ(to_valid_utf8(std::string_view("\xE6\x8A", 2)), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(to_valid_utf8(std::string_view("\xED\xA0\x80\xF4\x90\x80\x80", 7))));
}

}  // namespace
}  // namespace custos
