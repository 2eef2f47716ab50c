#include "toml_string_map.hpp"

#include <gtest/gtest.h>

namespace custos::policy::detail {
namespace {

SourcePos at(std::uint32_t line, std::uint32_t column) { return SourcePos{line, column}; }

TEST(StringMap, LiteralStringMapsByteForByte) {
  const std::string_view file = "x = 'abc'\n";
  const StringMap map = StringMap::from_toml(file, 0, at(1, 5), "abc");
  EXPECT_EQ(map.at(0), at(1, 6));
  EXPECT_EQ(map.at(2), at(1, 8));
  EXPECT_EQ(map.at(3), at(1, 9));  // the closing quote
}

TEST(StringMap, EscapesMapToTheirBackslash) {
  const std::string_view file = "x = \"a\\\"b\\u00e9c\"\n";  // x = "a\"b\u00e9c"
  const StringMap map = StringMap::from_toml(file, 0, at(1, 5), "a\"b\xC3\xA9" "c");
  EXPECT_EQ(map.at(0), at(1, 6));   // a
  EXPECT_EQ(map.at(1), at(1, 7));   // \" 
  EXPECT_EQ(map.at(2), at(1, 9));   // b
  EXPECT_EQ(map.at(3), at(1, 10));  // both bytes of é come from \u00e9
  EXPECT_EQ(map.at(4), at(1, 10));
  EXPECT_EQ(map.at(5), at(1, 16));  // c
}

TEST(StringMap, MultiLineStringsSkipTheFirstNewlineAndCountLines) {
  const std::string_view file = "k = 1\nx = \"\"\"\nab\n  cd\"\"\"\n";
  const StringMap map = StringMap::from_toml(file, 6, at(2, 5), "ab\n  cd");
  EXPECT_EQ(map.at(0), at(3, 1));
  EXPECT_EQ(map.at(2), at(3, 3));  // the newline
  EXPECT_EQ(map.at(5), at(4, 3));  // c
}

TEST(StringMap, LineEndingBackslashVanishes) {
  const std::string_view file = "x = \"\"\"\nab \\\n    cd\"\"\"\n";
  const StringMap map = StringMap::from_toml(file, 0, at(1, 5), "ab cd");
  EXPECT_EQ(map.at(2), at(2, 3));
  EXPECT_EQ(map.at(3), at(3, 5));  // c after the trimmed indentation
}

TEST(StringMap, ColumnsCountCodePointsNotBytes) {
  const std::string_view file = "x = 'é!'\n";
  const StringMap map = StringMap::from_toml(file, 0, at(1, 5), "\xC3\xA9!");
  EXPECT_EQ(map.at(2), at(1, 7));
}

TEST(StringMap, NoStringAtThePositionKeepsEveryByteThere) {
  const StringMap map = StringMap::from_toml("x = 1\n", 0, at(1, 5), "ab");
  EXPECT_EQ(map.at(0), at(1, 5));
  EXPECT_EQ(map.at(99), at(1, 5));
}

TEST(StringMap, IdentityCountsColumnsFromTheStart) {
  const StringMap map = StringMap::identity(3, at(7, 10));
  EXPECT_EQ(map.at(0), at(7, 10));
  EXPECT_EQ(map.at(3), at(7, 13));
}

}  // namespace
}  // namespace custos::policy::detail
