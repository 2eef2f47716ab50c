// Customer records end to end through the real binaries: a clerk imports a
// CSV (BOM, Chinese headings) with `custos records import`; its failing row
// is kept as a problem case and fixed; a malformed file stores nothing; a
// manager assigns an agent code and screens; the assignee sees the case
// (masked) and clears it; the auditor reads it cleared, but no records; an
// export for another purpose has no phone column and masked ID numbers.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;

// Two customers share 138 0013 8000 (one wrote it with hyphens); row 3's ID
// number has a wrong check character.
constexpr std::string_view kCsv =
    "\xEF\xBB\xBF保单号,角色,姓名,性别,出生日期,证件类型,证件号码,联系电话,地址,银行账号,业务员代码\n"
    "P1,投保人,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,,A01\n"
    "P2,投保人,孙八,男,2000-02-29,,440101200002290014,138-0013-8000,深圳市,,A02\n"
    "P3,投保人,李四,女,1949-12-31,,110105194912310021,13900139000,北京市,,A01\n"
    "P4,被保险人,小明,男,2015-06-15,,,,,,A01\n";

class RecordsE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    vault = new VaultProcess("records");
    auto admin = vault->client("admin", VaultProcess::kAdminPassword);
    const json::value dept(json::object{{"name", "claims"}});
    ASSERT_TRUE(admin.call("POST", "/api/v1/departments", &dept));
    for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"clerk", "info_clerk"}, {"agent1", "info_clerk"}, {"manager", "dept_manager"}, {"auditor", "auditor"}}) {
      const json::value body(json::object{{"name", name}, {"department", "claims"}, {"roles", json::array{role.c_str()}},
                                          {"password", name + "-password"}});
      auto made = admin.call("POST", "/api/v1/users", &body);
      ASSERT_TRUE(made) << name << ": " << made.error().describe();
      auto login = vault->login(name, name, name + "-password");
      ASSERT_EQ(login.exit_code, 0) << login.err;
    }
  }
  static void TearDownTestSuite() {
    delete vault;
    vault = nullptr;
  }

  static std::filesystem::path write(const std::string& name, std::string_view text) {
    const auto path = vault->dir() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static json::value json_of(const CommandResult& run) {
    boost::system::error_code ec;
    auto value = json::parse(run.out, ec);
    EXPECT_FALSE(ec) << run.out << run.err;
    return value;
  }
  static json::array records_of(const std::string& who, bool problems) {
    std::vector<std::string> args = {"records", "list", "--format", "json"};
    if (problems) args.push_back("--problems");
    auto run = vault->custos(who, args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    auto value = json_of(run);
    return value.is_object() ? value.at("records").as_array() : json::array();
  }

  static inline VaultProcess* vault = nullptr;
};

TEST_F(RecordsE2e, ImportFixScreenClearExport) {
  const auto file = write("保单.csv", kCsv);
  auto imported = vault->custos("clerk", {"records", "import", file.string(), "--template", "insurance", "--level",
                                          "confidential", "--format", "json"});
  EXPECT_EQ(imported.exit_code, 1) << "a problem case is a finding: " << imported.err;
  const auto answer = json_of(imported);
  ASSERT_TRUE(answer.is_object());
  EXPECT_EQ(answer.at("import").at("rows").as_int64(), 4);
  EXPECT_EQ(answer.at("import").at("problems").as_int64(), 1);
  EXPECT_EQ(answer.at("findings").at(0).at("code").as_string(), "id_checksum");

  // The problem case, masked, then fixed.
  const auto problems = records_of("clerk", true);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].at("fields").at("id_number").as_string(), "1101**********0021");
  EXPECT_EQ(problems[0].at("fields").at("phone").as_string(), "139****9000");
  const auto id = std::to_string(problems[0].at("id").as_int64());
  auto fixed = vault->custos("clerk", {"records", "fix", id, "--set", "id_number=11010519491231002X"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  EXPECT_TRUE(records_of("clerk", true).empty());
  EXPECT_EQ(records_of("clerk", false).size(), 4u);
  auto by_manager = vault->custos("manager", {"records", "fix", id, "--set", "phone=13700137000"});
  EXPECT_EQ(by_manager.exit_code, 1) << "refused";

  // A malformed file is refused whole.
  const auto broken = write("broken.csv", std::string(kCsv) + "P5,投保人,\"王五,男\n");
  auto refused = vault->custos("clerk", {"records", "import", broken.string(), "--template", "insurance", "--level",
                                         "secret"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_EQ(records_of("clerk", false).size(), 4u);

  // Screening, assignment, clearing.
  auto channel = vault->custos("manager", {"records", "channel", "set", "A02", "agent1"});
  ASSERT_EQ(channel.exit_code, 0) << channel.err;
  auto screened = vault->custos("manager", {"records", "screen", "--format", "json"});
  ASSERT_EQ(screened.exit_code, 0) << screened.err;
  const auto run = json_of(screened);
  EXPECT_EQ(run.at("screened").as_int64(), 4);
  ASSERT_EQ(run.at("new_cases").as_array().size(), 1u);
  const auto case_id = std::to_string(run.at("new_cases").at(0).as_int64());

  auto listed = vault->custos("agent1", {"records", "suspicious", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto cases = json_of(listed).at("cases").as_array();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].at("value").as_string(), "138****8000");
  EXPECT_EQ(cases[0].at("assigned_to").as_string(), "agent1");
  EXPECT_EQ(cases[0].at("records").as_array().size(), 2u);
  EXPECT_EQ(listed.out.find("13800138000"), std::string::npos);

  auto overdue = vault->custos("agent1", {"records", "suspicious", "--overdue"});
  EXPECT_EQ(overdue.exit_code, 0) << "nothing is overdue on the day of listing";
  auto not_assignee = vault->custos("clerk", {"records", "clear", case_id, "--note", "x", "--evidence", "y"});
  EXPECT_EQ(not_assignee.exit_code, 1);
  auto cleared = vault->custos("agent1", {"records", "clear", case_id, "--note", "spouses share a phone",
                                          "--evidence", "call record #17"});
  ASSERT_EQ(cleared.exit_code, 0) << cleared.err;

  auto audited = vault->custos("auditor", {"records", "suspicious", "--all", "--format", "json"});
  ASSERT_EQ(audited.exit_code, 0) << audited.err;
  EXPECT_EQ(json_of(audited).at("cases").at(0).at("state").as_string(), "cleared");
  auto auditor_list = vault->custos("auditor", {"records", "list"});
  EXPECT_EQ(auditor_list.exit_code, 1) << "the auditor reads no customer records";

  // An export for another purpose: masked, without phone columns.
  const auto out = vault->dir() / "export.csv";
  auto exported = vault->custos("clerk", {"records", "export", "--template", "insurance", "--purpose", "other",
                                          "--output", out.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::ifstream in(out);
  const std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(csv.find("phone"), std::string::npos) << csv;
  EXPECT_NE(csv.find("4401**********1233"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("440101199001011233"), std::string::npos) << csv;
}

}  // namespace
}  // namespace custos::testing
