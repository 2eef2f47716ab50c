#include <gtest/gtest.h>

#include "custos/policy/evaluator.hpp"
#include "test_policy.hpp"

namespace custos::policy {
namespace {

constexpr std::string_view kPolicy = R"(
[defaults.grants]
max_days = 20

[departments.sales]
[departments.sales.levels.secret]
max_grant_days = 30

[departments.hr]
printing = "forbid"
)";

struct Case {
  AccessQuery query;
  Verdict verdict;
  std::string_view rule;
};

TEST(AccessDecisions, PrintViewAndGrantNameTheirRule) {
  const CompiledPolicy compiled = CompiledPolicy::compile(testing::must_parse(kPolicy));
  const Case cases[] = {
      {{Action::print, Level::secret, "sales", "", 0}, Verdict::needs_approval, "sales:printing"},
      {{Action::print, Level::confidential, "sales", "", 0}, Verdict::needs_approval, "sales:printing"},
      {{Action::print, Level::top_secret, "sales", "", 0}, Verdict::deny, "sales:levels.top_secret.allow_printing"},
      {{Action::print, Level::secret, "hr", "", 0}, Verdict::deny, "hr:printing"},
      {{Action::view, Level::secret, "sales", "hr", 0}, Verdict::allow, "sales:levels.secret.view_own_department_only"},
      {{Action::view, Level::confidential, "sales", "hr", 0}, Verdict::deny,
       "sales:levels.confidential.view_own_department_only"},
      {{Action::view, Level::top_secret, "sales", "sales", 0}, Verdict::allow,
       "sales:levels.top_secret.view_own_department_only"},
      {{Action::grant, Level::top_secret, "sales", "", 7}, Verdict::allow, "sales:levels.top_secret.max_grant_days"},
      {{Action::grant, Level::top_secret, "sales", "", 8}, Verdict::deny, "sales:levels.top_secret.max_grant_days"},
      {{Action::grant, Level::secret, "sales", "", 25}, Verdict::deny, "sales:grants.max_days"},
      {{Action::grant, Level::secret, "sales", "", 20}, Verdict::allow, "sales:grants.max_days"},
      {{Action::grant, Level::secret, "sales", "", 0}, Verdict::deny, "sales:grants.max_days"},
      {{Action::print, Level::secret, "marketing", "", 0}, Verdict::deny, kUnknownDepartmentRule},
      {{Action::view, Level::unknown, "sales", "sales", 0}, Verdict::deny, kUnknownLevelRule},
      {{Action::unknown, Level::secret, "sales", "sales", 0}, Verdict::deny, kUnknownActionRule},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.query.action)) + " " + std::string(to_string(c.query.level)) + " " +
                 std::string(c.query.department));
    const AccessDecision decision = compiled.decide_access(c.query);
    EXPECT_EQ(to_string(decision.verdict), to_string(c.verdict));
    EXPECT_EQ(decision.rule_id, c.rule);
  }
}

TEST(AccessDecisions, GrantReportsTheLongestAllowed) {
  const CompiledPolicy compiled = CompiledPolicy::compile(testing::must_parse(kPolicy));
  EXPECT_EQ(compiled.decide_access({Action::grant, Level::secret, "sales", "", 1}).max_grant_days, 20);
  EXPECT_EQ(compiled.decide_access({Action::grant, Level::top_secret, "sales", "", 1}).max_grant_days, 7);
}

TEST(AccessDecisions, NamesRoundTrip) {
  for (const Action a : {Action::print, Action::view, Action::grant}) EXPECT_EQ(action_from_string(to_string(a)), a);
  EXPECT_EQ(action_from_string("copy"), Action::unknown);
  EXPECT_EQ(to_string(Verdict::needs_approval), "needs_approval");
  for (const Level l : kLevels) EXPECT_EQ(level_from_string(to_string(l)), l);
  EXPECT_EQ(level_from_string("public"), Level::unknown);
}

}  // namespace
}  // namespace custos::policy
