// Settings, inheritance and the parser's edges; positions of every error code
// are in the golden corpus (golden_corpus_test.cpp).
#include "custos/policy/parser.hpp"

#include <gtest/gtest.h>

#include "test_policy.hpp"

namespace custos::policy {
namespace {

using testing::must_parse;

std::vector<DiagCode> codes(const CheckReport& report) {
  std::vector<DiagCode> out;
  for (const auto& d : report.diagnostics) out.push_back(d.code);
  return out;
}

TEST(PolicyParser, DepartmentsInheritDefaultsKeyByKey) {
  const Policy policy = must_parse(R"(
[defaults]
removable_storage = "read_only"
printing = "forbid"
[defaults.levels.secret]
max_grant_days = 20
[defaults.grants]
max_days = 60

[departments.sales]
printing = "by_approval"
[departments.sales.levels.secret]
allow_printing = false

[departments.hr]
)");
  const Department* sales = policy.find("sales");
  const Department* hr = policy.find("hr");
  ASSERT_NE(sales, nullptr);
  ASSERT_NE(hr, nullptr);
  EXPECT_EQ(sales->settings.removable_storage, DeviceTarget::read_only);
  EXPECT_EQ(sales->settings.printing, PrintMode::by_approval);
  EXPECT_EQ(hr->settings.printing, PrintMode::forbid);
  EXPECT_FALSE(sales->settings.level(Level::secret).allow_printing);
  EXPECT_EQ(sales->settings.level(Level::secret).max_grant_days, 20);
  EXPECT_TRUE(hr->settings.level(Level::secret).allow_printing);
  EXPECT_EQ(hr->settings.grants.max_days, 60);
  EXPECT_EQ(hr->settings.optical, DeviceTarget::block);  // built-in
  EXPECT_EQ(policy.find("nobody"), nullptr);
}

TEST(PolicyParser, BuiltInDefaultsAreFailSecure) {
  const Policy policy = must_parse("[departments.sales]\n");
  const DepartmentSettings& s = policy.departments().front().settings;
  EXPECT_EQ(s.removable_storage, DeviceTarget::block);
  EXPECT_EQ(s.optical, DeviceTarget::block);
  EXPECT_EQ(s.other_devices, DeviceTarget::block);
  EXPECT_EQ(s.printing, PrintMode::by_approval);
  EXPECT_FALSE(s.audit);
  EXPECT_FALSE(s.level(Level::top_secret).allow_printing);
  EXPECT_EQ(s.level(Level::top_secret).max_grant_days, 7);
  EXPECT_TRUE(s.level(Level::top_secret).view_own_department_only);
}

TEST(PolicyParser, ReadsEveryDepartmentKey) {
  const Policy policy = must_parse(R"(
[departments.eng]
removable_storage = "allow"
optical = "read_only"
other_devices = "allow"
printing = "forbid"
audit = true
scan_paths = ["/srv/a", "/srv/b"]
grants = { default_days = 3, max_days = 9 }
levels.top_secret = { allow_printing = true, max_grant_days = 2, view_own_department_only = false }
devices = ["allow id 0781:5581"]
)");
  const Department& d = policy.departments().front();
  EXPECT_EQ(d.settings.removable_storage, DeviceTarget::allow);
  EXPECT_EQ(d.settings.optical, DeviceTarget::read_only);
  EXPECT_EQ(d.settings.other_devices, DeviceTarget::allow);
  EXPECT_EQ(d.settings.printing, PrintMode::forbid);
  EXPECT_TRUE(d.settings.audit);
  EXPECT_EQ(d.settings.scan_paths, (std::vector<std::string>{"/srv/a", "/srv/b"}));
  EXPECT_EQ(d.settings.grants, (GrantLimits{3, 9}));
  EXPECT_EQ(d.settings.level(Level::top_secret), (LevelRules{true, 2, false}));
  ASSERT_EQ(d.rules.size(), 1U);
  EXPECT_EQ(d.rules[0].id, "test.toml:11");
}

TEST(PolicyParser, UnknownKeysWarnEverywhereButDoNotFail) {
  const CheckReport report = parse_policy(R"(
colour = 1
[defaults]
devices = ["allow"]
[defaults.levels.secret]
printable = true
[defaults.levels.unclassified]
[departments.sales.grants]
forever = true
)", "w.toml");
  EXPECT_TRUE(report.ok) << report.format();
  EXPECT_EQ(report.exit_code(), 0);
  EXPECT_EQ(codes(report), (std::vector<DiagCode>{DiagCode::unknown_key, DiagCode::unknown_key,
                                                  DiagCode::unknown_key, DiagCode::unknown_key,
                                                  DiagCode::unknown_key}));
}

TEST(PolicyParser, WrongShapesAreTypeErrors) {
  const CheckReport report = parse_policy(R"(
defaults = 1
[departments]
sales = "x"
[departments.hr]
grants = 3
levels = { secret = 1 }
devices = 5
scan_paths = "/srv"
)", "t.toml");
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.exit_code(), 2);
  for (const auto& d : report.diagnostics) EXPECT_EQ(d.code, DiagCode::wrong_type) << format_diagnostic(d);
  EXPECT_EQ(report.diagnostics.size(), 6U) << report.format();
}

TEST(PolicyParser, UnreadableFileIsADiagnosticNotACrash) {
  const CheckReport report = check_file("/nonexistent/custos/policy.toml");
  EXPECT_FALSE(report.ok);
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_EQ(report.diagnostics[0].code, DiagCode::file_unreadable);
  EXPECT_EQ(report.diagnostics[0].file, "/nonexistent/custos/policy.toml");
}

TEST(PolicyParser, GarbageNeverThrows) {
  const std::string inputs[] = {"", "\xFF\xFE", "[[[", "a = \"\\u", std::string(1, '\0'), "[departments.a]\ndevices = '''"};
  for (const auto& input : inputs) {
    const CheckReport report = parse_policy(input, "g.toml");
    EXPECT_FALSE(report.ok);
    EXPECT_FALSE(report.diagnostics.empty());
  }
}

TEST(PolicyParser, ToResultGivesTheFirstErrorAsInvalidArgument) {
  auto bad = to_result(parse_policy("[departments.sales]\nprinting = 'never'\n", "p.toml"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(bad.error().message.find("p.toml:2:12"), std::string::npos) << bad.error().message;
  auto good = to_result(parse_policy("[departments.sales]\n", "p.toml"));
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->departments().size(), 1U);
}

TEST(PolicyParser, DerivedIdsOnOneLineGetTheColumn) {
  const Policy policy = must_parse("[departments.a]\ndevices = ['allow id 0781:0001', 'allow id 0781:0002']\n",
                                   "dir/my policy.toml");
  const auto& rules = policy.departments().front().rules;
  ASSERT_EQ(rules.size(), 2U);
  EXPECT_EQ(rules[0].id, "my_policy.toml:2");
  EXPECT_EQ(rules[1].id, "my_policy.toml:2:35");
}

TEST(PolicyParser, ReportsATomlHazardAsTomlSyntax) {
  const CheckReport report = parse_policy("[departments.s]\n\xC2\xA7 = 1\n", "h.toml");
  EXPECT_FALSE(report.ok);
  ASSERT_EQ(report.diagnostics.size(), 1U);
  EXPECT_EQ(report.diagnostics[0].code, DiagCode::toml_syntax);
  EXPECT_EQ(report.diagnostics[0].pos, (SourcePos{2, 1}));
  // The case fuzzing found: a quote inside a bare value token.
  const CheckReport bare = parse_policy("[departments.s]\nx =-\"\xC2\xA7\"\"\"\n", "h.toml");
  ASSERT_EQ(bare.diagnostics.size(), 1U);
  EXPECT_EQ(bare.diagnostics[0].code, DiagCode::toml_syntax);
  EXPECT_EQ(bare.diagnostics[0].pos, (SourcePos{2, 6}));
}

}  // namespace
}  // namespace custos::policy
