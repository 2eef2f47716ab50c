#include "rule_analysis.hpp"

#include <gtest/gtest.h>

#include "rule_parser.hpp"

namespace custos::policy::detail {
namespace {

DeviceRule rule(std::string_view text) {
  const StringMap map = StringMap::identity(text.size(), SourcePos{1, 1});
  auto r = parse_rule(text, RuleContext{"a.toml", &map, 0});
  EXPECT_TRUE(r.has_value()) << text;
  return r.value_or(DeviceRule{});
}

TEST(RuleAnalysis, CoversWhenTheEarlierRuleIsWider) {
  EXPECT_TRUE(covers(rule("allow id 0781:*"), rule("block id 0781:5581")));
  EXPECT_TRUE(covers(rule("allow id *:*"), rule("block id 0781:5581 serial \"x\"")));
  EXPECT_TRUE(covers(rule("allow"), rule("block with-interface 08:06:50")));
  EXPECT_TRUE(covers(rule("allow with-interface 08:*:*"), rule("block with-interface { 08:06:50 08:02:50 }")));
  EXPECT_TRUE(covers(rule("allow serial one-of { \"a\" \"b\" }"), rule("block serial \"a\"")));
  EXPECT_TRUE(covers(rule("block id none-of { 0781:* }"), rule("block id none-of { 0781:* 1234:* }")));
  EXPECT_TRUE(covers(rule("allow with-interface all-of { 03:*:* }"), rule("block with-interface all-of { 03:*:* }")));
}

TEST(RuleAnalysis, DoesNotCoverWhenInDoubt) {
  EXPECT_FALSE(covers(rule("allow id 0781:5581"), rule("block id 0781:*")));
  EXPECT_FALSE(covers(rule("allow id 0781:5581 serial \"x\""), rule("block id 0781:5581")));
  EXPECT_FALSE(covers(rule("allow serial \"a\""), rule("block serial one-of { \"a\" \"b\" }")));
  EXPECT_FALSE(covers(rule("allow with-interface 03:*:*"), rule("block with-interface none-of { 03:*:* }")));
  EXPECT_FALSE(covers(rule("allow with-interface all-of { 03:*:* 08:*:* }"), rule("block with-interface 03:01:01")));
}

TEST(RuleAnalysis, ContradictoryRules) {
  EXPECT_TRUE(contradictory(rule("allow serial all-of { \"a\" \"b\" }")));
  EXPECT_TRUE(contradictory(rule("allow id equals { 0781:5581 0781:5582 }")));
  EXPECT_TRUE(contradictory(rule("allow with-connect-type all-of { \"hotplug\" \"hardwired\" }")));
  EXPECT_TRUE(contradictory(rule("allow id none-of { *:* }")));
  EXPECT_TRUE(contradictory(rule("allow with-interface none-of { *:*:* }")));
  EXPECT_FALSE(contradictory(rule("allow id all-of { 0781:* *:5581 }")));
  EXPECT_FALSE(contradictory(rule("allow serial all-of { \"a\" \"a\" }")));
  EXPECT_FALSE(contradictory(rule("allow with-interface all-of { 03:01:01 08:06:50 }")));
}

TEST(RuleAnalysis, WarningsNameTheEarlierRule) {
  std::vector<DeviceRule> rules = {rule("allow id 0781:*"), rule("block id 0781:5581"), rule("block"),
                                   rule("allow id 1234:0001")};
  for (std::size_t i = 0; i < rules.size(); ++i) {
    rules[i].id = "r" + std::to_string(i);
    rules[i].pos.line = static_cast<std::uint32_t>(i + 1);
  }
  std::vector<Diagnostic> out;
  analyse_rules(rules, "a.toml", out);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].code, DiagCode::rule_shadowed);
  EXPECT_EQ(out[0].pos.line, 2U);
  EXPECT_NE(out[0].message.find("'r0'"), std::string::npos);
  EXPECT_EQ(out[1].code, DiagCode::rule_unreachable);
  EXPECT_EQ(out[1].pos.line, 4U);
  EXPECT_EQ(out[1].severity(), Severity::warning);
}

}  // namespace
}  // namespace custos::policy::detail
