// The registers end to end: grants and destructions made through the
// vault's API, then the real `custos register lending|destruction` writing
// XLSX and CSV, opened the way a spreadsheet would (an XLSX file is a ZIP of
// XML parts), and a destruction's certificate fetched from its register row.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <map>

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
             {"lead", "claims", "project_lead"}, {"lead2", "claims", "project_lead"}, {"clerk", "claims", "info_clerk"},
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
    clerk.set_agent_credential(Secret::from_string(vault->enroll_agent("claims")));
    auto viewed = clerk.download("/api/v1/documents/1/content", [](std::span<const std::uint8_t>) { return ok(); });
    ASSERT_TRUE(viewed) << viewed.error().describe();
    ASSERT_TRUE(lead.call("DELETE", "/api/v1/grants/" + std::to_string(clerk_grant)));
    destroy(lead, sales_lead);
    for (const char* who : {"auditor", "manager", "clerk"}) {
      auto login = vault->custos(who, {"login", "--server", vault->url(), "--fingerprint", vault->fingerprint(),
                                       "--user", who},
                                 {{"CUSTOS_PASSWORD", std::string(who) + "-password"}});
      ASSERT_EQ(login.exit_code, 0) << login.err;
    }
    print(lead);
  }
  // The lead prints 2 copies of document 1 through the API (as its agent
  // would) and signs for them; the manager records one returned and one
  // shredded with the real CLI.
  static void print(vault::VaultClient& lead) {
    lead.set_agent_credential(Secret::from_string(vault->enroll_agent("claims")));
    const json::value ask(json::object{{"copies", 2}, {"reason", "客户回访"}});
    auto made = lead.call("POST", "/api/v1/documents/1/print-requests", &ask);
    ASSERT_TRUE(made) << made.error().describe();
    printout = std::to_string(made->at("id").as_int64());
    const auto target = "/api/v1/print-requests/" + printout;
    auto manager = vault->client("manager", "manager-password");
    const json::value period(json::object{{"from", format_rfc3339(now_seconds() - 60)},
                                          {"until", format_rfc3339(now_seconds() + 86400)}});
    ASSERT_TRUE(manager.call("POST", target + "/approve", &period));
    const json::value printer(json::object{{"printer", "capture"}});
    ASSERT_TRUE(lead.call("POST", target + "/start", &printer));
    const json::value job(json::object{{"job_id", 1}, {"pages", 1}});
    ASSERT_TRUE(lead.call("POST", target + "/complete", &job));
    ASSERT_TRUE(lead.call("POST", target + "/receive"));
    auto returned = vault->custos("manager", {"print", "return", printout, "--copies", "1"});
    ASSERT_EQ(returned.exit_code, 0) << returned.err;
    auto shredded = vault->custos("manager", {"print", "shred", printout, "--copies", "1", "--reason", "会后销毁"});
    ASSERT_EQ(shredded.exit_code, 0) << shredded.err;
  }
  static void TearDownTestSuite() {
    delete vault;
    vault = nullptr;
  }

  static std::int64_t upload(vault::VaultClient& client, const std::string& level) {
    std::string content = "policy_no,name\nP-1,李四\n";
    auto made = post_bytes(client, "/api/v1/documents?title=" + url_encode(kTitle) + "&level=" + level,
                           std::move(content), "text/csv");
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
  // Documents 3 and 4 (claims) and 5 (sales), never lent: 3 destroyed,
  // 4 refused, 5 still pending.
  static void destroy(vault::VaultClient& lead, vault::VaultClient& sales_lead) {
    ASSERT_EQ(upload(lead, "secret"), 3);
    ASSERT_EQ(upload(lead, "confidential"), 4);
    ASSERT_EQ(upload(sales_lead, "top_secret"), 5);
    const auto ask = [](vault::VaultClient& client, int document) -> std::string {
      const json::value body(json::object{{"reason", "records confirmed"}});
      auto made = client.call("POST", "/api/v1/documents/" + std::to_string(document) + "/destruction-requests", &body);
      EXPECT_TRUE(made) << made.error().describe();
      return made ? std::to_string(made->at("id").as_int64()) : "0";
    };
    const auto to_destroy = ask(lead, 3), to_refuse = ask(lead, 4);
    ask(sales_lead, 5);
    auto lead2 = vault->client("lead2", "lead2-password");
    auto supervised = lead2.call("POST", "/api/v1/destruction-requests/" + to_destroy + "/supervise");
    ASSERT_TRUE(supervised) << supervised.error().describe();
    destroyed_seq = supervised->at("seq").as_int64();
    destruction_month = std::string(supervised->at("request").at("decided_at").as_string()).substr(0, 7);
    const json::value why(json::object{{"reason", "records not yet checked"}});
    ASSERT_TRUE(lead2.call("POST", "/api/v1/destruction-requests/" + to_refuse + "/refuse", &why));
  }
  static std::string part(const std::filesystem::path& xlsx, const char* member) {
    return run_command({"/usr/bin/unzip", "-p", xlsx.string(), member}).out;
  }
  // The latest allowed audit event of `action` by the manager, as the
  // auditor reads it; empty when there is none.
  static json::object last_read_by_manager(const std::string& action) {
    auto auditor = vault->client("auditor", "auditor-password");
    auto events = auditor.call("GET", "/api/v1/audit?action=" + action + "&actor=manager&outcome=allowed");
    EXPECT_TRUE(events) << events.error().describe();
    if (!events || events->at("events").as_array().empty()) return {};
    return events->at("events").as_array().back().as_object();
  }
  // Has the auditor write register `name` of `of` as XLSX to `file` with the
  // real CLI, and checks what every register file must be: `rows` rows
  // written, mode 0600, each of `texts` a cell, its worksheet named
  // `sheet_name`, no title anywhere. The worksheet's XML, for the caller.
  static std::string auditor_xlsx(const std::string& name, const std::string& of, const std::filesystem::path& file,
                                  std::size_t rows, std::initializer_list<const char*> texts,
                                  const std::string& sheet_name) {
    auto run = vault->custos("auditor", {"register", name, "--month", of, "--format", "xlsx", "--output",
                                         file.string()});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("wrote " + std::to_string(rows) + " row(s)"), std::string::npos) << run.out;
    struct stat info {};
    EXPECT_EQ(::stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    const auto strings = part(file, "xl/sharedStrings.xml");
    for (const char* text : texts) {
      EXPECT_NE(strings.find(std::string(">") + text + "<"), std::string::npos) << text << " in\n" << strings;
    }
    const auto sheet = part(file, "xl/worksheets/sheet1.xml");
    EXPECT_NE(part(file, "xl/workbook.xml").find("name=\"" + sheet_name + "\""), std::string::npos);
    for (const auto& xml : {strings, sheet}) {
      EXPECT_EQ(xml.find(kTitle), std::string::npos) << "no document titles";
    }
    return sheet;
  }

  static VaultProcess* vault;
  static std::string month, destruction_month, printout;
  static std::int64_t destroyed_seq;
};
VaultProcess* RegisterE2e::vault = nullptr;
std::string RegisterE2e::month, RegisterE2e::destruction_month, RegisterE2e::printout;
std::int64_t RegisterE2e::destroyed_seq = 0;

TEST_F(RegisterE2e, AuditorWritesTheXlsxRegisterOfEveryDepartment) {
  const auto sheet = auditor_xlsx(
      "lending", month, vault->dir() / "借阅记录.xlsx", 4,
      {"序号", "文件编号", "密级", "部门", "借阅人", "批准人", "借阅时间 (UTC)", "到期时间 (UTC)", "归还/撤销时间 (UTC)",
       "撤销人", "状态", "查看次数", "机密", "绝密", "claims", "sales", "clerk", "lead", "sales-clerk", "sales-lead",
       "已撤销", "有效"},
      "借阅记录 " + month);
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:L5\"/>"), std::string::npos)
      << "twelve columns, three grants and a printout\n" << sheet;
  EXPECT_NE(sheet.find("<c r=\"L2\"><v>1</v></c>"), std::string::npos) << "the clerk viewed once\n" << sheet;
}

TEST_F(RegisterE2e, ManagerGetsCsvOfTheirDepartmentOnStandardOutput) {
  auto run = vault->custos("manager", {"register", "lending", "--month", month, "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(run.out.starts_with("\xEF\xBB\xBF序号,文件编号,密级,部门,借阅人,")) << run.out;
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 4)
      << "the headings, claims' two grants and its printout\n" << run.out;
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
  const auto event = last_read_by_manager("register.lending");
  ASSERT_FALSE(event.empty());
  EXPECT_EQ(event.at("target").as_string(), "lending:" + month);
  EXPECT_EQ(event.at("detail").at("department").as_string(), "claims");
}

TEST_F(RegisterE2e, AuditorWritesTheXlsxDestructionRegister) {
  const auto sheet = auditor_xlsx(
      "destruction", destruction_month, vault->dir() / "销毁记录.xlsx", 4,
      {"序号", "申请编号", "文件编号", "密级", "部门", "申请人", "申请时间 (UTC)", "申请理由", "监销人", "处理时间 (UTC)",
       "结果", "拒绝理由", "销毁方式", "日志序号", "秘密", "机密", "绝密", "claims", "sales", "lead", "lead2",
       "sales-lead", "records confirmed", "records not yet checked", "已销毁", "已拒绝", "待处理", "密钥销毁",
       "纸质粉碎", "会后销毁", "已销毁 1 份"},
      "销毁记录 " + destruction_month);
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:N5\"/>"), std::string::npos)
      << "fourteen columns, three requests and a shredding\n" << sheet;
  EXPECT_NE(sheet.find("\"><v>" + std::to_string(destroyed_seq) + "</v></c></row>"), std::string::npos)
      << "the destruction's log entry, a number, last in its row\n" << sheet;
}

TEST_F(RegisterE2e, TheDestructionRegistersSeqFetchesAVerifiableCertificate) {
  auto run = vault->custos("auditor", {"register", "destruction", "--month", destruction_month, "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find(kTitle), std::string::npos);
  const auto answer = json::parse(run.out);
  EXPECT_EQ(answer.at("register").as_string(), "destruction");
  EXPECT_TRUE(answer.at("department").is_null());
  std::map<std::string, json::object> by_state;
  for (const auto& row : answer.at("rows").as_array()) by_state[std::string(row.at("state").as_string())] = row.as_object();
  ASSERT_EQ(by_state.size(), 3u) << run.out;
  const auto& destroyed = by_state.at("supervised");
  EXPECT_EQ(destroyed.at("document_id").as_int64(), 3);
  EXPECT_EQ(destroyed.at("decided_by").as_string(), "lead2");
  EXPECT_EQ(destroyed.at("method").as_string(), "crypto-shred");
  EXPECT_EQ(destroyed.at("seq").as_int64(), destroyed_seq);
  const auto& refused = by_state.at("refused");
  EXPECT_EQ(refused.at("document_id").as_int64(), 4);
  EXPECT_EQ(refused.at("decision_reason").as_string(), "records not yet checked");
  EXPECT_TRUE(refused.at("seq").is_null());
  EXPECT_TRUE(refused.at("method").is_null());
  const auto& pending = by_state.at("pending");
  EXPECT_EQ(pending.at("department").as_string(), "sales");
  EXPECT_TRUE(pending.at("decided_at").is_null());

  const auto seq = std::to_string(destroyed.at("seq").as_int64());
  const auto certificate = (vault->dir() / ("register-" + seq + ".cert.json")).string();
  auto fetched = vault->custos("auditor", {"destroy", "certificate", seq, "-o", certificate});
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  const auto pubkey = (vault->data_dir() / "keys" / "signing.pub").string();
  auto verified = vault->custos("auditor", {"destroy", "verify", certificate, "--pubkey", pubkey});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST_F(RegisterE2e, ManagerGetsTheDestructionRegisterOfTheirDepartment) {
  auto run = vault->custos("manager", {"register", "destruction", "--month", destruction_month, "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(run.out.starts_with("\xEF\xBB\xBF序号,申请编号,文件编号,密级,部门,申请人,")) << run.out;
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 4)
      << "the headings, claims' two requests and its shredding\n" << run.out;
  EXPECT_NE(run.out.find(",已销毁,,密钥销毁," + std::to_string(destroyed_seq) + "\r\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(",已拒绝,records not yet checked,,\r\n"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("sales"), std::string::npos) << "nothing of another department";
  EXPECT_EQ(vault->custos("manager", {"register", "destruction", "--month", destruction_month, "--department",
                                      "sales"}).exit_code, 1);
  EXPECT_EQ(vault->custos("clerk", {"register", "destruction", "--month", destruction_month}).exit_code, 1);
  EXPECT_EQ(vault->custos("auditor", {"register", "destruction", "--month", "2026-13"}).exit_code, 2);

  const auto event = last_read_by_manager("register.destruction");
  ASSERT_FALSE(event.empty());
  EXPECT_EQ(event.at("target").as_string(), "destruction:" + destruction_month);
  EXPECT_EQ(event.at("detail").at("count").as_int64(), 2);
}

TEST_F(RegisterE2e, PaperCopiesAreInBothRegisters) {
  auto destruction = vault->custos("manager", {"register", "destruction", "--month", month, "--format", "csv"});
  ASSERT_EQ(destruction.exit_code, 0) << destruction.err;
  EXPECT_NE(destruction.out.find(",PR-" + printout + ",1,机密,claims,lead,,会后销毁,manager,"), std::string::npos)
      << destruction.out;
  EXPECT_NE(destruction.out.find(",已销毁 1 份,,纸质粉碎,"), std::string::npos) << destruction.out;

  auto lending = vault->custos("manager", {"register", "lending", "--month", month, "--format", "csv"});
  ASSERT_EQ(lending.exit_code, 0) << lending.err;
  EXPECT_NE(lending.out.find("（1 份）,manager,纸质 PR-" + printout + " 2 份：签收 "), std::string::npos) << lending.out;
  EXPECT_NE(lending.out.find("；归还 1，销毁 1，未还 0"), std::string::npos) << lending.out;

  auto run = vault->custos("auditor", {"register", "destruction", "--month", month, "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto answer = json::parse(run.out);
  const auto& paper = answer.at("shredded_copies").as_array();
  ASSERT_EQ(paper.size(), 1u) << run.out;
  EXPECT_EQ(paper[0].at("method").as_string(), "paper-shred");
  EXPECT_EQ(paper[0].at("reason").as_string(), "会后销毁");
  EXPECT_EQ(paper[0].at("requested_by").as_string(), "lead");
  EXPECT_EQ(paper[0].at("recorded_by").as_string(), "manager");
  auto auditor = vault->client("auditor", "auditor-password");
  auto entries = auditor.call("GET", "/api/v1/audit?action=print.account&outcome=allowed");
  ASSERT_TRUE(entries) << entries.error().describe();
  bool found = false;
  for (const auto& e : entries->at("events").as_array()) {
    if (e.at("seq").as_int64() != paper[0].at("seq").as_int64()) continue;
    found = true;
    EXPECT_EQ(e.at("detail").at("outcome").as_string(), "shredded");
    EXPECT_EQ(e.at("detail").at("reason").as_string(), "会后销毁");
  }
  EXPECT_TRUE(found) << "the shredding's seq is its print.account entry";
}

}  // namespace
}  // namespace custos::testing
