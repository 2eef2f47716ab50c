// The custos command's offline tools, through the built binary: policy
// check/test/diff on the policy corpus, records check on generated CSV.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "vault_harness.hpp"

namespace custos::testing {
namespace {

std::filesystem::path corpus(const std::string& name) {
  return std::filesystem::path(CUSTOS_SOURCE_DIR) / "policy" / "testdata" / name;
}

CommandResult custos(const std::vector<std::string>& args) {
  std::vector<std::string> argv{(bin_dir() / "custos").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

TEST(PolicyCli, CheckReportsPositionsAndExitCodes) {
  auto good = custos({"policy", "check", corpus("good/full.toml").string()});
  EXPECT_EQ(good.exit_code, 0) << good.out;
  auto bad = custos({"policy", "check", corpus("bad/bad_id.toml").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("bad_id.toml:2:23: error:"), std::string::npos) << bad.out;
  auto warned = custos({"policy", "check", corpus("good/warnings.toml").string()});
  EXPECT_EQ(warned.exit_code, 0) << "warnings alone exit 0";
  EXPECT_NE(warned.out.find("warning"), std::string::npos);
}

TEST(PolicyCli, DryRunNamesTheDecidingRulePerInterface) {
  auto result = custos({"policy", "test", corpus("good/full.toml").string(), "--department", "sales", "--format",
                        "json", "--device", R"({"id":"0781:5582","interfaces":["03:01:01","08:06:50"]})"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto decision = boost::json::parse(result.out);
  const auto& interfaces = decision.at("interfaces").as_array();
  ASSERT_EQ(interfaces.size(), 2u);
  EXPECT_EQ(interfaces[0].at("target").as_string(), "allow") << "the keyboard stays";
  EXPECT_EQ(interfaces[1].at("target").as_string(), "block") << "the storage interface goes";
  EXPECT_FALSE(interfaces[1].at("rule").as_string().empty());
  EXPECT_EQ(custos({"policy", "test", corpus("good/full.toml").string(), "--department", "nope", "--device",
                    R"({"id":"0781:5582"})"}).exit_code, 2);
  EXPECT_EQ(custos({"policy", "test", corpus("good/full.toml").string(), "--department", "sales", "--device",
                    "{not json"}).exit_code, 2);
}

TEST(PolicyCli, DiffExitsOneWhenPoliciesDiffer) {
  EXPECT_EQ(custos({"policy", "diff", corpus("good/full.toml").string(), corpus("good/full.toml").string()}).exit_code, 0);
  auto changed = custos({"policy", "diff", corpus("good/full.toml").string(), corpus("good/minimal.toml").string()});
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_FALSE(changed.out.empty());
}

TEST(RecordsCli, CheckFindsAndExitsOne) {
  const auto dir = make_temp_dir("records-cli");
  const auto file = dir / "insurance.csv";
  {
    std::ofstream out(file);
    out << "policy_no,role,name,gender,birth_date,id_type,id_number,phone,address,bank_account,agent_code\n"
        << "P1,policyholder,张三,男,1990-03-07,身份证,11010119900307451X,13800138000,北京市,6222020200112233445,A1\n"
        << "P2,policyholder,李四,女,1985-01-01,身份证,110101198501010020,13800138000,上海市,,A1\n";
  }
  auto result = custos({"records", "check", file.string(), "--template", "insurance", "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto report = boost::json::parse(result.out);
  EXPECT_EQ(report.at("rows").as_int64(), 2);
  bool shared_phone = false;
  for (const auto& s : report.at("suspicious").as_array()) shared_phone |= s.at("kind").as_string() == "shared_phone";
  EXPECT_TRUE(shared_phone) << result.out;
  EXPECT_EQ(custos({"records", "check", (dir / "missing.csv").string(), "--template", "insurance"}).exit_code, 2);
  EXPECT_EQ(custos({"records", "check", file.string(), "--template", "nope"}).exit_code, 2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace custos::testing
