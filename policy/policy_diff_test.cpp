#include "custos/policy/diff.hpp"

#include <gtest/gtest.h>

#include "test_policy.hpp"

namespace custos::policy {
namespace {

constexpr std::string_view kOld = R"(
[departments.sales]
devices = [
  'allow with-interface 03:*:* label "hid"',
  'allow id 0781:5581 label "stick"',
  'block id 1234:*',
]
[departments.hr]
)";

constexpr std::string_view kNew = R"(
[departments.sales]
removable_storage = "read_only"

devices = [
  'allow id 0781:5582 label "stick"',
  'allow with-interface 03:*:* label "hid"',
  'block id 1234:*',
  'allow serial "X"',
]
[departments.sales.levels.top_secret]
max_grant_days = 3
[departments.lab]
)";

TEST(PolicyDiff, ListsSettingsAndRulesPerDepartment) {
  const auto changes = diff_policies(testing::must_parse(kOld, "old.toml"), testing::must_parse(kNew, "new.toml"));
  const std::vector<PolicyChange> expected = {
      {"hr", ChangeKind::department_removed, "hr", "", ""},
      {"lab", ChangeKind::department_added, "lab", "", ""},
      {"sales", ChangeKind::setting_changed, "removable_storage", "block", "read_only"},
      {"sales", ChangeKind::setting_changed, "levels.top_secret.max_grant_days", "7", "3"},
      {"sales", ChangeKind::rule_changed, "stick", "allow id 0781:5581", "allow id 0781:5582"},
      {"sales", ChangeKind::rule_moved, "hid", "position 1", "position 2"},
      {"sales", ChangeKind::rule_added, "new.toml:9", "", "allow serial \"X\""},
  };
  EXPECT_EQ(changes, expected) << format_diff_text(changes);
}

TEST(PolicyDiff, UnlabelledRulesThatOnlyMovedLinesAreUnchanged) {
  const Policy a = testing::must_parse("[departments.s]\ndevices = ['block id 1234:*']\n");
  const Policy b = testing::must_parse("[departments.s]\n\n\ndevices = ['block id 1234:*']\n");
  EXPECT_TRUE(diff_policies(a, b).empty());
  EXPECT_TRUE(diff_policies(a, a).empty());
}

TEST(PolicyDiff, RemovedRule) {
  const Policy a = testing::must_parse("[departments.s]\ndevices = ['block id 1234:*', 'allow']\n");
  const Policy b = testing::must_parse("[departments.s]\ndevices = ['allow']\n");
  const auto changes = diff_policies(a, b);
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].kind, ChangeKind::rule_removed);
  EXPECT_EQ(changes[0].old_value, "block id 1234:*");
}

TEST(PolicyDiff, TextAndJson) {
  const std::vector<PolicyChange> changes = {
      {"sales", ChangeKind::setting_changed, "optical", "block", "allow"},
      {"sales", ChangeKind::rule_added, "r1", "", "allow name \"a\""},
  };
  EXPECT_EQ(format_diff_text(changes),
            "sales: optical: block -> allow\nsales: rule r1 added: allow name \"a\"\n");
  EXPECT_EQ(format_diff_json(changes),
            R"([{"department":"sales","kind":"setting_changed","subject":"optical","old":"block","new":"allow"},)"
            R"({"department":"sales","kind":"rule_added","subject":"r1","old":"","new":"allow name \"a\""}])");
}

}  // namespace
}  // namespace custos::policy
