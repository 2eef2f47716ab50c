// The device-rule language, rule by rule: what each good rule means (through
// its canonical text) and, for each rejection branch, the code and column.
#include "rule_parser.hpp"

#include <gtest/gtest.h>

namespace custos::policy::detail {
namespace {

std::expected<DeviceRule, Diagnostic> parse(std::string_view text, const StringMap& map) {
  return parse_rule(text, RuleContext{"r.toml", &map, 0});
}

struct Good {
  std::string_view text;
  std::string_view canonical;
};

TEST(RuleParser, GoodRulesReadAsTheirCanonicalText) {
  const Good cases[] = {
      {"allow", "allow"},
      {"block id 0781:5581", "block id 0781:5581"},
      {"read_only id 0781:*", "read_only id 0781:*"},
      {"allow id *:*", "allow id *:*"},
      {"allow id ABCD:ef01", "allow id abcd:ef01"},
      {"allow serial \"4C53\\\"x\\\\\"", "allow serial \"4C53\\\"x\\\\\""},
      {"allow with-interface { 08:06:50 03:*:* }", "allow with-interface one-of { 08:06:50 03:*:* }"},
      {"allow with-interface all-of{03:01:01 03:01:02}", "allow with-interface all-of { 03:01:01 03:01:02 }"},
      {"block id none-of { 0781:* }", "block id none-of { 0781:* }"},
      {"allow with-interface equals { 09:*:* }", "allow with-interface equals { 09:*:* }"},
      {"allow with-connect-type \"hardwired\"", "allow with-connect-type \"hardwired\""},
      {"allow via-port \"1-2\" name \"Stick\" hash \"h=\" id 1234:0001",
       "allow id 1234:0001 name \"Stick\" hash \"h=\" via-port \"1-2\""},
      {"  allow   id 0781:5581   # trailing comment", "allow id 0781:5581"},
  };
  for (const Good& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    const StringMap map = StringMap::identity(c.text.size(), SourcePos{1, 1});
    auto rule = parse(c.text, map);
    ASSERT_TRUE(rule.has_value()) << format_diagnostic(rule.error());
    EXPECT_EQ(canonical_rule_text(*rule), c.canonical);
  }
}

TEST(RuleParser, LabelGivesTheRuleItsId) {
  const std::string_view text = "allow label \"usb-kbd\" with-interface 03:*:*";
  const StringMap map = StringMap::identity(text.size(), SourcePos{1, 1});
  auto rule = parse(text, map);
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->id, "usb-kbd");
  EXPECT_TRUE(rule->labelled);
  EXPECT_EQ(rule->target, DeviceTarget::allow);
  ASSERT_EQ(rule->conditions.size(), 1U);
  EXPECT_EQ(rule->conditions[0].attribute, Attribute::with_interface);
}

struct Bad {
  std::string_view text;
  DiagCode code;
  std::uint32_t column;
};

TEST(RuleParser, EachRejectionHasItsCodeAndColumn) {
  const Bad cases[] = {
      {"permit id 0781:5581", DiagCode::rule_bad_target, 1},
      {"id 0781:5581", DiagCode::rule_bad_target, 1},
      {"\"allow\"", DiagCode::rule_bad_target, 1},
      {"allow colour \"red\"", DiagCode::rule_unknown_attribute, 7},
      {"allow \"red\"", DiagCode::rule_unknown_attribute, 7},
      {"allow id 0781:5581 id 0781:5582", DiagCode::rule_duplicate_attribute, 20},
      {"allow label \"a\" label \"b\"", DiagCode::rule_duplicate_attribute, 17},
      {"allow id", DiagCode::rule_expected_value, 9},
      {"allow serial abc", DiagCode::rule_expected_value, 14},
      {"allow label x", DiagCode::rule_expected_value, 13},
      {"allow id 781:5581", DiagCode::rule_bad_id, 10},
      {"allow id 0781-5581", DiagCode::rule_bad_id, 10},
      {"allow id \"0781:5581\"", DiagCode::rule_bad_id, 10},
      {"allow id { 0781:5581 zz:top }", DiagCode::rule_bad_id, 22},
      {"allow with-interface 08:06", DiagCode::rule_bad_interface, 22},
      {"allow with-interface 08:06:5g", DiagCode::rule_bad_interface, 22},
      {"allow with-interface 8:06:50", DiagCode::rule_bad_interface, 22},
      {"allow with-connect-type hotplug", DiagCode::rule_bad_connect_type, 25},
      {"allow with-connect-type \"usb\"", DiagCode::rule_bad_connect_type, 25},
      {"allow serial \"abc", DiagCode::rule_bad_string, 14},
      {"allow serial \"a\\nb\"", DiagCode::rule_bad_string, 16},
      {"allow id one-of 0781:5581", DiagCode::rule_bad_set, 17},
      {"allow id one-of", DiagCode::rule_bad_set, 16},
      {"allow id { }", DiagCode::rule_bad_set, 10},
      {"allow id { 0781:5581", DiagCode::rule_bad_set, 21},
      {"allow id { { 0781:5581 } }", DiagCode::rule_bad_set, 12},
      {"allow id }", DiagCode::rule_bad_set, 10},
      {"allow label \"has space\"", DiagCode::rule_bad_label, 13},
      {"allow label \"implicit:sales\"", DiagCode::rule_bad_label, 13},
      {"allow label \"\"", DiagCode::rule_bad_label, 13},
      {"", DiagCode::rule_empty, 1},
      {"   # only a comment", DiagCode::rule_empty, 1},
  };
  for (const Bad& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    const StringMap map = StringMap::identity(c.text.size(), SourcePos{1, 1});
    auto rule = parse(c.text, map);
    ASSERT_FALSE(rule.has_value());
    EXPECT_EQ(to_string(rule.error().code), to_string(c.code)) << format_diagnostic(rule.error());
    EXPECT_EQ(rule.error().pos.column, c.column) << format_diagnostic(rule.error());
    EXPECT_EQ(rule.error().severity(), Severity::error);
    EXPECT_FALSE(rule.error().hint.empty());
  }
}

TEST(RuleParser, PositionsFollowTheMapIntoTheFile) {
  const std::string_view text = "block id 07g1:5581";
  const StringMap map = StringMap::identity(text.size(), SourcePos{12, 20});
  auto rule = parse(text, map);
  ASSERT_FALSE(rule.has_value());
  EXPECT_EQ(rule.error().pos, (SourcePos{12, 29}));
  EXPECT_EQ(rule.error().file, "r.toml");
}

TEST(RuleParser, LabelCharacters) {
  EXPECT_TRUE(valid_label("site.toml:42"));
  EXPECT_TRUE(valid_label("Sales/USB-1_a"));
  EXPECT_FALSE(valid_label(""));
  EXPECT_FALSE(valid_label(std::string(65, 'a')));
  EXPECT_FALSE(valid_label("a b"));
  EXPECT_FALSE(valid_label("quote\""));
  EXPECT_FALSE(valid_label("implicit:sales:optical"));
}

}  // namespace
}  // namespace custos::policy::detail
