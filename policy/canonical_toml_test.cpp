#include "custos/policy/canonical.hpp"

#include <gtest/gtest.h>

#include "test_policy.hpp"

namespace custos::policy {
namespace {

TEST(CanonicalToml, WritesEveryKeyAndParsesBackToTheSamePolicy) {
  const Policy policy = testing::must_parse(R"(
[departments.b]
audit = true
devices = """
allow with-interface { 03:*:* 09:*:* }
block name "tab\there" id 0781:*   # a comment
"""
[departments.a]
scan_paths = ['/x "quoted"']
)", "site.toml");
  const std::string text = to_canonical_toml(policy);
  EXPECT_TRUE(text.starts_with("[departments.a]\nremovable_storage = \"block\"\noptical = \"block\"\n"
                               "other_devices = \"block\"\nprinting = \"by_approval\"\naudit = false\n"
                               "scan_paths = [\"/x \\\"quoted\\\"\"]\ndevices = [\n]\n"))
      << text;
  EXPECT_NE(text.find("  \"block id 0781:* name \\\"tab\\u0009here\\\" label \\\"site.toml:6\\\"\",\n"),
            std::string::npos)
      << text;
  const Policy again = testing::must_parse(text, "canonical.toml");
  EXPECT_EQ(to_canonical_toml(again), text);
  ASSERT_EQ(again.departments().size(), 2U);
  EXPECT_EQ(again.find("b")->rules[1].conditions[1].strings[0], "tab\there");
}

TEST(CanonicalToml, QuoteEscapes) {
  EXPECT_EQ(toml_quote("a\"b\\c\x7f"), "\"a\\\"b\\\\c\\u007F\"");
}

}  // namespace
}  // namespace custos::policy
