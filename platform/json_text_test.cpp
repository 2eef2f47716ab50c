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

TEST(JsonText, ToValidUtf8ReplacesOnlyBadBytes) {
  EXPECT_EQ(to_valid_utf8("投保人 ok"), "投保人 ok");
  EXPECT_EQ(to_valid_utf8(std::string_view("a\xC0\x80z", 4)), "a\xEF\xBF\xBD\xEF\xBF\xBDz");
  EXPECT_EQ(to_valid_utf8(std::string_view("\xE6\x8A", 2)), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(to_valid_utf8(std::string_view("\xED\xA0\x80\xF4\x90\x80\x80", 7))));
}

}  // namespace
}  // namespace custos
