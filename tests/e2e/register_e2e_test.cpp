// The lending register end to end: grants made through the vault's API,
// then the real `custos register lending` writing XLSX and CSV, opened the
// way a spreadsheet would (an XLSX file is a ZIP of XML parts).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>

#include "custos/platform/timestamp.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;

constexpr const char* kTitle = "保单清单-客户甲";  // a title naming a customer: never in a register

class RegisterE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    vault = new VaultProcess("register");
    auto admin = vault->client("admin", VaultProcess::kAdminPassword);
    for (const char* name : {"claims", "sales"}) {
      const json::value dept(json::object{{"name", name}});
      ASSERT_TRUE(admin.call("POST", "/api/v1/departments", &dept));
    }
    for (const auto& [name, dept, role] : std::vector<std::array<std::string, 3>>{
             {"lead", "claims", "project_lead"}, {"clerk", "claims", "info_clerk"},
             {"manager", "claims", "dept_manager"}, {"auditor", "claims", "auditor"},
             {"sales-lead", "sales", "project_lead"}, {"sales-clerk", "sales", "info_clerk"}}) {
      const json::value body(json::object{{"name", name}, {"department", dept}, {"roles", json::array{role.c_str()}},
                                          {"password", name + "-password"}});
      auto made = admin.call("POST", "/api/v1/users", &body);
      ASSERT_TRUE(made) << name << ": " << made.error().describe();
    }
    auto lead = vault->client("lead", "lead-password");
    auto sales_lead = vault->client("sales-lead", "sales-lead-password");
    ASSERT_EQ(upload(lead, "confidential"), 1);
    ASSERT_EQ(upload(sales_lead, "top_secret"), 2);
    const auto clerk_grant = grant(lead, 1, "clerk");
    grant(lead, 1, "lead");
    grant(sales_lead, 2, "sales-clerk");
    auto clerk = vault->client("clerk", "clerk-password");
    auto viewed = clerk.download("/api/v1/documents/1/content", [](std::span<const std::uint8_t>) { return ok(); });
    ASSERT_TRUE(viewed) << viewed.error().describe();
    ASSERT_TRUE(lead.call("DELETE", "/api/v1/grants/" + std::to_string(clerk_grant)));
    for (const char* who : {"auditor", "manager", "clerk"}) {
      auto login = vault->custos(who, {"login", "--server", vault->url(), "--fingerprint", vault->fingerprint(),
                                       "--user", who},
                                 {{"CUSTOS_PASSWORD", std::string(who) + "-password"}});
      ASSERT_EQ(login.exit_code, 0) << login.err;
    }
  }
  static void TearDownTestSuite() {
    delete vault;
    vault = nullptr;
  }

  static std::int64_t upload(vault::VaultClient& client, const std::string& level) {
    std::string content = "policy_no,name\nP-1,李四\n";
    auto made = client.upload_stream("/api/v1/documents?title=" + url_encode(kTitle) + "&level=" + level,
                                     content.size(), "text/csv", [&](std::span<std::uint8_t> out) {
                                       const auto n = std::min(out.size(), content.size());
                                       std::copy_n(content.begin(), n, out.begin());
                                       content.erase(0, n);
                                       return n;
                                     });
    EXPECT_TRUE(made) << made.error().describe();
    return made ? made->at("id").as_int64() : 0;
  }
  static std::int64_t grant(vault::VaultClient& client, int document, const std::string& to) {
    const json::value body(json::object{{"user", to}, {"until", format_rfc3339(now_seconds() + 7 * 86400)}});
    auto made = client.call("POST", "/api/v1/documents/" + std::to_string(document) + "/grants", &body);
    EXPECT_TRUE(made) << made.error().describe();
    if (!made) return 0;
    // The register's month is the UTC month the grants were made in.
    month = std::string(made->at("created_at").as_string()).substr(0, 7);
    return made->at("id").as_int64();
  }
  static std::string part(const std::filesystem::path& xlsx, const char* member) {
    return run_command({"/usr/bin/unzip", "-p", xlsx.string(), member}).out;
  }

  static VaultProcess* vault;
  static std::string month;
};
VaultProcess* RegisterE2e::vault = nullptr;
std::string RegisterE2e::month;

TEST_F(RegisterE2e, AuditorWritesTheXlsxRegisterOfEveryDepartment) {
  const auto file = vault->dir() / "借阅记录.xlsx";
  auto run = vault->custos("auditor", {"register", "lending", "--month", month, "--format", "xlsx", "--output",
                                       file.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("wrote 3 row(s)"), std::string::npos) << run.out;
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  const auto strings = part(file, "xl/sharedStrings.xml");
  for (const char* text : {"序号", "文件编号", "密级", "部门", "借阅人", "批准人", "借阅时间 (UTC)", "到期时间 (UTC)",
                           "归还/撤销时间 (UTC)", "撤销人", "状态", "查看次数", "机密", "绝密", "claims", "sales",
                           "clerk", "lead", "sales-clerk", "sales-lead", "已撤销", "有效"}) {
    EXPECT_NE(strings.find(std::string(">") + text + "<"), std::string::npos) << text << " in\n" << strings;
  }
  const auto sheet = part(file, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:L4\"/>"), std::string::npos) << "twelve columns, three rows\n" << sheet;
  EXPECT_NE(sheet.find("<c r=\"L2\"><v>1</v></c>"), std::string::npos) << "the clerk viewed once\n" << sheet;
  EXPECT_NE(part(file, "xl/workbook.xml").find("name=\"借阅记录 " + month + "\""), std::string::npos);
  for (const auto& xml : {strings, sheet}) {
    EXPECT_EQ(xml.find(kTitle), std::string::npos) << "no document titles";
  }
}

TEST_F(RegisterE2e, ManagerGetsCsvOfTheirDepartmentOnStandardOutput) {
  auto run = vault->custos("manager", {"register", "lending", "--month", month, "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(run.out.starts_with("\xEF\xBB\xBF序号,文件编号,密级,部门,借阅人,")) << run.out;
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 3) << "the headings and claims' two grants\n" << run.out;
  EXPECT_NE(run.out.find(",1,机密,claims,clerk,lead,"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(",已撤销,1\r\n"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("sales"), std::string::npos) << "nothing of another department";
  EXPECT_EQ(run.out.find(kTitle), std::string::npos);
  EXPECT_EQ(vault->custos("manager", {"register", "lending", "--month", month, "--department", "sales"}).exit_code, 1);
}

TEST_F(RegisterE2e, JsonIsTheVaultsAnswer) {
  auto run = vault->custos("auditor", {"register", "lending", "--month", month, "--department", "sales",
                                       "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto answer = json::parse(run.out);
  EXPECT_EQ(answer.at("month").as_string(), month);
  EXPECT_EQ(answer.at("department").as_string(), "sales");
  const auto& rows = answer.at("rows").as_array();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("grantee").as_string(), "sales-clerk");
  EXPECT_EQ(rows[0].at("level").as_string(), "top_secret");
  EXPECT_EQ(rows[0].at("status").as_string(), "live");
  EXPECT_TRUE(rows[0].at("revoked_at").is_null());
  EXPECT_FALSE(rows[0].as_object().contains("document_title"));
}

TEST_F(RegisterE2e, RefusalsAndBadInput) {
  EXPECT_EQ(vault->custos("clerk", {"register", "lending", "--month", month}).exit_code, 1) << "a clerk may not";
  for (const char* bad : {"2026-13", "2026-1", "2026-11-01", "", "99999-01"}) {
    EXPECT_EQ(vault->custos("auditor", {"register", "lending", "--month", bad}).exit_code, 2) << bad;
  }
  EXPECT_EQ(vault->custos("auditor", {"register", "lending", "--month", month, "--format", "json", "--output",
                                      (vault->dir() / "x.json").string()}).exit_code, 2);
  EXPECT_EQ(vault->custos("auditor", {"register", "lending", "--month", month, "--format", "pdf"}).exit_code, 2);
  auto auditor = vault->client("auditor", "auditor-password");
  auto bad = auditor.call("GET", "/api/v1/registers/lending?month=2026-13");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(auditor.call("GET", "/api/v1/registers/lending").error().code, ErrorCode::invalid_argument);
}

TEST_F(RegisterE2e, EveryReadIsAudited) {
  ASSERT_EQ(vault->custos("manager", {"register", "lending", "--month", month, "--format", "json"}).exit_code, 0);
  auto auditor = vault->client("auditor", "auditor-password");
  auto events = auditor.call("GET", "/api/v1/audit?action=register.lending&actor=manager&outcome=allowed");
  ASSERT_TRUE(events) << events.error().describe();
  const auto& list = events->at("events").as_array();
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list.back().at("target").as_string(), "lending:" + month);
  EXPECT_EQ(list.back().at("detail").at("department").as_string(), "claims");
}

}  // namespace
}  // namespace custos::testing
