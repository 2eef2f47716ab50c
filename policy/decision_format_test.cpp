#include "custos/policy/decision_format.hpp"

#include <gtest/gtest.h>

#include "test_policy.hpp"

namespace custos::policy {
namespace {

constexpr std::string_view kPolicy = R"(
[departments.sales]
devices = ['allow with-interface 03:*:* label "hid"']
)";

Device composite() {
  Device d;
  d.vendor_id = 0x1a2c;
  d.product_id = 0x2124;
  d.interfaces = {{0x03, 0x01, 0x01}, {0x08, 0x06, 0x50}};
  return d;
}

TEST(DecisionFormat, JsonIsStableAndNamesEveryRule) {
  const CompiledPolicy compiled = CompiledPolicy::compile(testing::must_parse(kPolicy));
  EXPECT_EQ(format_decision_json(compiled.decide_device("sales", composite())),
            R"({"department":"sales","audit":false,"device":"allow","device_rule":"hid","interfaces":[)"
            R"({"interface":"03:01:01","target":"allow","rule":"hid"},)"
            R"({"interface":"08:06:50","target":"block","rule":"implicit:sales:removable-storage"}]})");
  EXPECT_EQ(format_decision_json(compiled.decide_device("x", Device{})),
            R"({"department":null,"audit":false,"device":"block","device_rule":"implicit:unknown-department","interfaces":[]})");
}

TEST(DecisionFormat, TextHasOneLinePerInterface) {
  const CompiledPolicy compiled = CompiledPolicy::compile(testing::must_parse(kPolicy));
  EXPECT_EQ(format_decision_text(compiled.decide_device("sales", composite())),
            "department sales (enforced): device allow\n"
            "  03:01:01  allow      rule hid\n"
            "  08:06:50  block      rule implicit:sales:removable-storage\n");
}

TEST(DecisionFormat, AccessDecisions) {
  const CompiledPolicy compiled = CompiledPolicy::compile(testing::must_parse(kPolicy));
  const AccessQuery query{Action::print, Level::top_secret, "sales", "", 0};
  const AccessDecision decision = compiled.decide_access(query);
  EXPECT_EQ(format_access_json(query, decision),
            R"({"action":"print","level":"top_secret","department":"sales","verdict":"deny",)"
            R"("rule":"sales:levels.top_secret.allow_printing"})");
  EXPECT_EQ(format_access_text(query, decision),
            "print top_secret document of sales: deny; rule sales:levels.top_secret.allow_printing\n");
}

TEST(DecisionFormat, JsonQuoteEscapesControlAndQuotes) {
  EXPECT_EQ(json_quote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace custos::policy
