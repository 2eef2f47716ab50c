// The authorization matrix: every role × every endpoint over real TLS →
// allowed or refused. A user holding exactly one role calls each endpoint in
// a world set up so that the call succeeds whenever the role may make it;
// "refused" is the permission_denied code, nothing else.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "custos/platform/timestamp.hpp"
#include "custos/vault/model.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;
using vault::Role;

struct Endpoint {
  const char* name;
  std::vector<Role> allowed;
};

const std::vector<Endpoint>& endpoints() {
  using R = Role;
  static const std::vector<Endpoint> table = {
      {"GET /whoami", {R::it_engineer, R::project_lead, R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
      {"GET /departments", {R::it_engineer, R::project_lead, R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
      {"POST /departments", {R::it_engineer}},
      {"GET /users", {R::it_engineer, R::auditor}},
      {"POST /users", {R::it_engineer}},
      {"POST /users/{victim}/disable", {R::it_engineer}},
      {"POST /users/{victim}/password", {R::it_engineer}},
      {"POST /documents (upload)", {R::project_lead}},
      {"GET /documents", {R::project_lead, R::dept_manager, R::general_manager}},
      {"GET /documents/1", {R::project_lead, R::info_clerk, R::dept_manager, R::general_manager}},
      {"GET /documents/1/content", {R::project_lead, R::info_clerk}},
      {"GET /documents/1/view-check", {R::project_lead, R::info_clerk}},
      {"POST /documents/1/grants", {R::project_lead}},
      {"GET /documents/1/grants", {R::project_lead}},
      {"DELETE /grants/{spare}", {R::project_lead}},
      {"GET /grants/mine", {R::it_engineer, R::project_lead, R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
      {"GET /audit", {R::auditor}},
      {"POST /policies", {R::it_engineer}},
      {"GET /policies/current", {R::it_engineer, R::auditor, R::dept_manager}},
      {"GET /policies", {R::it_engineer, R::auditor}},
      {"GET /policies/current/bundles/claims", {R::it_engineer, R::project_lead, R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
      {"POST /documents/{own}/destruction-requests", {R::project_lead, R::info_clerk}},
      {"GET /destruction-requests", {R::project_lead, R::auditor}},
      {"POST /destruction-requests/{pending}/supervise", {R::project_lead}},
      {"POST /destruction-requests/{pending}/refuse", {R::project_lead}},
      {"GET /log/head", {R::it_engineer, R::auditor}},
      {"GET /log/inclusion", {R::auditor}},
      {"GET /log/consistency", {R::auditor}},
      {"GET /log/export", {R::auditor}},
      {"GET /log/entries", {R::auditor}},
      {"POST /audit/hash", {R::auditor}},
      {"GET /registers/lending", {R::auditor, R::dept_manager, R::project_lead}},
      {"GET /registers/destruction", {R::auditor, R::dept_manager, R::project_lead}},
      {"POST /records/imports", {R::info_clerk}},
      {"GET /records", {R::info_clerk, R::dept_manager, R::general_manager}},
      {"GET /records/1", {R::info_clerk, R::dept_manager, R::general_manager}},
      {"POST /records/1/fix", {R::info_clerk}},
      {"GET /records/export", {R::info_clerk, R::dept_manager, R::general_manager}},
      {"POST /records/screen", {R::dept_manager, R::general_manager}},
      {"GET /records/suspicious", {R::project_lead, R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
      {"POST /records/suspicious/{assigned}/clear", {R::project_lead, R::info_clerk, R::dept_manager, R::general_manager}},
      {"GET /records/channels", {R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
      {"POST /records/channels", {R::dept_manager, R::general_manager}},
      {"POST /documents/1/print-requests", {R::project_lead, R::info_clerk}},
      {"GET /print-requests", {R::info_clerk, R::project_lead, R::dept_manager, R::general_manager, R::auditor}},
      {"GET /print-requests/{approved}", {R::info_clerk, R::project_lead, R::dept_manager, R::general_manager, R::auditor}},
      {"POST /print-requests/{pending}/approve", {R::dept_manager}},
      {"POST /print-requests/{pending}/refuse", {R::dept_manager}},
      {"POST /print-requests/{approved}/start", {R::info_clerk, R::project_lead}},
      {"POST /print-requests/{approved}/complete", {R::info_clerk, R::project_lead}},
      {"POST /print-requests/{started}/abort", {R::info_clerk, R::project_lead}},
      {"POST /print-requests/{approved}/receive", {R::info_clerk, R::project_lead}},
      {"POST /print-requests/{received}/return", {R::dept_manager}},
      {"POST /print-requests/{received}/shred", {R::dept_manager}},
      {"POST /print-trace", {R::dept_manager, R::general_manager, R::auditor}},
      {"POST /agents/tokens", {R::it_engineer}},
      {"GET /agents", {R::it_engineer, R::auditor}},
      {"GET /agents/{spare}", {R::it_engineer, R::auditor}},
      {"POST /agents/{spare}/revoke", {R::it_engineer}},
      {"POST /users/me/password", {R::it_engineer, R::project_lead, R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
      {"DELETE /sessions/current", {R::it_engineer, R::project_lead, R::info_clerk, R::dept_manager, R::general_manager, R::auditor}},
  };
  return table;
}

constexpr const char* kPolicy = "[defaults]\nremovable_storage = \"block\"\n\n[departments.claims]\n";

std::string password_of(Role role) { return std::string(vault::to_string(role)) + "-password"; }

// POSTs `content` as a streamed body to `target`.
Result<json::value> post_text(vault::VaultClient& client, const std::string& target, std::string content) {
  return post_bytes(client, target, std::move(content), "text/plain");
}

// Uploads `content` as a document titled `title`.
Result<json::value> upload_text(vault::VaultClient& client, const std::string& title, std::string content) {
  return post_text(client, "/api/v1/documents?title=" + title + "&level=secret", std::move(content));
}

// Two customers sharing one phone per role (agent code C-<role>), so that
// screening makes one case per role, assigned to that role's user.
std::string shared_phone_rows() {
  std::string csv = "policy_no,role,name,gender,birth_date,id_type,id_number,phone,address,bank_account,agent_code\n";
  int i = 0;
  for (auto role : vault::all_roles()) {
    const std::string phone = "1380000000" + std::to_string(i++);
    const std::string code = "C-" + std::string(vault::to_string(role));
    csv += "P" + std::to_string(i) + ",policyholder,张三,男,1990-01-01,,440101199001011233," + phone + ",广州市,," + code + "\n";
    csv += "Q" + std::to_string(i) + ",policyholder,孙八,男,2000-02-29,,440101200002290014," + phone + ",深圳市,," + code + "\n";
  }
  return csv;
}

class AuthorizationMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    vault = new VaultProcess("matrix");
    auto admin = vault->client("admin", VaultProcess::kAdminPassword);
    const json::value dept(json::object{{"name", "claims"}});
    ASSERT_TRUE(admin.call("POST", "/api/v1/departments", &dept));
    auto add = [&](const std::string& name, Role role) {
      const json::value body(json::object{{"name", name}, {"department", "claims"},
                                          {"roles", json::array{vault::to_string(role)}}, {"password", password_of(role)}});
      auto made = admin.call("POST", "/api/v1/users", &body);
      ASSERT_TRUE(made) << name << ": " << made.error().describe();
    };
    for (auto role : vault::all_roles()) {
      add(std::string("u-") + std::string(vault::to_string(role)), role);
      add(std::string("victim-") + std::string(vault::to_string(role)), Role::info_clerk);
    }
    add("spare-clerk", Role::info_clerk);
    const json::value policy(json::object{{"source", kPolicy}, {"file", "company.toml"}});
    auto applied = admin.call("POST", "/api/v1/policies", &policy);
    ASSERT_TRUE(applied) << applied.error().describe();
    // Document 1 in claims, granted to the lead and the clerk so that the
    // content endpoint succeeds for the roles allowed to use it; one spare
    // grant per role to revoke.
    auto lead = vault->client("u-project_lead", password_of(Role::project_lead));
    auto uploaded = upload_text(lead, "matrix", "matrix content");
    ASSERT_TRUE(uploaded) << uploaded.error().describe();
    const auto until = format_rfc3339(now_seconds() + 86400);
    for (const char* who : {"u-project_lead", "u-info_clerk"}) {
      const json::value body(json::object{{"user", who}, {"until", until}});
      ASSERT_TRUE(lead.call("POST", "/api/v1/documents/1/grants", &body));
    }
    for (auto role : vault::all_roles()) {
      const json::value body(json::object{{"user", "spare-clerk"}, {"until", until}});
      auto spare = lead.call("POST", "/api/v1/documents/1/grants", &body);
      ASSERT_TRUE(spare);
      spare_grant[role] = spare->at("id").as_int64();
    }
    // Destruction: per role, a document the clerk may ask to destroy, and
    // two pending requests the clerk made (one to supervise, one to refuse).
    auto clerk = vault->client("u-info_clerk", password_of(Role::info_clerk));
    auto granted_document = [&]() -> std::int64_t {
      auto doc = upload_text(lead, "to-destroy", "destroy me");
      EXPECT_TRUE(doc);
      const auto id = doc->at("id").as_int64();
      const json::value body(json::object{{"user", "u-info_clerk"}, {"until", until}});
      EXPECT_TRUE(lead.call("POST", "/api/v1/documents/" + std::to_string(id) + "/grants", &body));
      return id;
    };
    auto pending_request = [&]() -> std::int64_t {
      const json::value body(json::object{{"reason", "records confirmed"}});
      auto made = clerk.call("POST", "/api/v1/documents/" + std::to_string(granted_document()) +
                                         "/destruction-requests", &body);
      EXPECT_TRUE(made) << made.error().describe();
      return made->at("id").as_int64();
    };
    agent_credential = vault->enroll_agent("claims");
    for (auto role : vault::all_roles()) {
      // Agents are named by their enrollment order: agent-1 is the one above.
      const auto name = "agent-" + std::to_string(spare_agent.size() + 2);
      vault->enroll_agent("claims", "spare-" + std::string(vault::to_string(role)));
      spare_agent[role] = name;
    }
    // Printing, per role: two pending requests (to approve, to refuse), an
    // approved one to start, complete and sign for, one started to abort,
    // one signed for whose copies come back; the clerk or the lead asks
    // for their own role, the clerk for every other. A trace code to trace.
    auto manager = vault->client("u-dept_manager", password_of(Role::dept_manager));
    auto ask_print = [&](vault::VaultClient& by) -> std::int64_t {
      const json::value body(json::object{{"copies", 2}, {"reason", "matrix"}});
      auto made = by.call("POST", "/api/v1/documents/1/print-requests", &body);
      EXPECT_TRUE(made) << made.error().describe();
      return made ? made->at("id").as_int64() : 0;
    };
    auto approve = [&](std::int64_t id) {
      const json::value body(json::object{{"from", format_rfc3339(now_seconds() - 60)}, {"until", until}});
      auto done = manager.call("POST", "/api/v1/print-requests/" + std::to_string(id) + "/approve", &body);
      EXPECT_TRUE(done) << done.error().describe();
    };
    auto start = [&](vault::VaultClient& by, std::int64_t id) -> std::string {
      by.set_agent_credential(Secret::from_string(agent_credential));
      const json::value body(json::object{{"printer", "matrix"}});
      auto started = by.call("POST", "/api/v1/print-requests/" + std::to_string(id) + "/start", &body);
      EXPECT_TRUE(started) << started.error().describe();
      std::string trace = started ? std::string(started->at("code").as_string()) : std::string();
      by.set_agent_credential(Secret());
      return trace;
    };
    for (auto role : vault::all_roles()) {
      const bool asks = role == Role::info_clerk || role == Role::project_lead;
      auto requester = asks ? vault->client("u-" + std::string(vault::to_string(role)), password_of(role))
                            : vault->client("u-info_clerk", password_of(Role::info_clerk));
      print_pending_approve[role] = ask_print(clerk);
      print_pending_refuse[role] = ask_print(clerk);
      print_approved[role] = ask_print(requester);
      approve(print_approved[role]);
      print_started[role] = ask_print(requester);
      approve(print_started[role]);
      start(requester, print_started[role]);
      print_received[role] = ask_print(clerk);
      approve(print_received[role]);
      trace_code = start(clerk, print_received[role]);
      clerk.set_agent_credential(Secret::from_string(agent_credential));
      const json::value done(json::object{{"job_id", 7}, {"pages", 1}});
      auto completed = clerk.call("POST", "/api/v1/print-requests/" + std::to_string(print_received[role]) + "/complete",
                                  &done);
      clerk.set_agent_credential(Secret());
      ASSERT_TRUE(completed) << completed.error().describe();
      auto received = clerk.call("POST", "/api/v1/print-requests/" + std::to_string(print_received[role]) + "/receive");
      ASSERT_TRUE(received) << received.error().describe();
    }
    // Records: record 1 onwards in claims, and one suspicious case per role
    // assigned to that role's user.
    auto spare = vault->client("spare-clerk", password_of(Role::info_clerk));
    auto imported = post_text(spare, "/api/v1/records/imports?template=insurance&level=secret", shared_phone_rows());
    ASSERT_TRUE(imported) << imported.error().describe();
    auto general = vault->client("u-general_manager", password_of(Role::general_manager));
    for (auto role : vault::all_roles()) {
      const std::string name(vault::to_string(role));
      const json::value body(json::object{{"agent_code", "C-" + name}, {"user", "u-" + name}});
      auto set = general.call("POST", "/api/v1/records/channels", &body);
      ASSERT_TRUE(set) << set.error().describe();
    }
    const json::value now(json::object{});
    auto screened = general.call("POST", "/api/v1/records/screen", &now);
    ASSERT_TRUE(screened) << screened.error().describe();
    auto cases = general.call("GET", "/api/v1/records/suspicious");
    ASSERT_TRUE(cases) << cases.error().describe();
    for (const auto& c : cases->at("cases").as_array()) {
      const std::string code(c.at("agent_code").as_string());
      for (auto role : vault::all_roles()) {
        if (code == "C-" + std::string(vault::to_string(role))) assigned_case[role] = c.at("id").as_int64();
      }
    }
    ASSERT_EQ(assigned_case.size(), vault::all_roles().size());
    for (auto role : vault::all_roles()) {
      destroyable[role] = granted_document();
      to_supervise[role] = pending_request();
      to_refuse[role] = pending_request();
    }
  }
  static void TearDownTestSuite() {
    delete vault;
    vault = nullptr;
  }

  // Calls one endpoint as `role`; the error code, or nothing on success.
  static std::optional<ErrorCode> call(vault::VaultClient& client, Role role, const std::string& endpoint) {
    const std::string r(vault::to_string(role));
    auto code = [](const auto& result) -> std::optional<ErrorCode> {
      if (result) return std::nullopt;
      return result.error().code;
    };
    if (endpoint == "GET /whoami") return code(client.call("GET", "/api/v1/whoami"));
    if (endpoint == "GET /departments") return code(client.call("GET", "/api/v1/departments"));
    if (endpoint == "POST /departments") {
      const json::value body(json::object{{"name", "dept-" + r}});
      return code(client.call("POST", "/api/v1/departments", &body));
    }
    if (endpoint == "GET /users") return code(client.call("GET", "/api/v1/users"));
    if (endpoint == "POST /users") {
      const json::value body(json::object{{"name", "new-" + r}, {"department", "claims"}, {"roles", json::array{"auditor"}}});
      return code(client.call("POST", "/api/v1/users", &body));
    }
    if (endpoint == "POST /users/{victim}/disable") return code(client.call("POST", "/api/v1/users/victim-" + r + "/disable"));
    if (endpoint == "POST /users/{victim}/password") {
      const json::value body(json::object{});
      return code(client.call("POST", "/api/v1/users/victim-" + r + "/password", &body));
    }
    if (endpoint == "POST /documents (upload)") return code(upload_text(client, "t-" + r, "upload by " + r));
    if (endpoint == "GET /documents") return code(client.call("GET", "/api/v1/documents"));
    if (endpoint == "GET /documents/1") return code(client.call("GET", "/api/v1/documents/1"));
    if (endpoint == "GET /documents/1/content") {
      // Content needs an enrolled workstation's agent beside the session.
      client.set_agent_credential(Secret::from_string(agent_credential));
      std::string received;
      auto result = client.download("/api/v1/documents/1/content", [&](std::span<const std::uint8_t> piece) -> Result<void> {
        received.append(reinterpret_cast<const char*>(piece.data()), piece.size());
        return ok();
      });
      client.set_agent_credential(Secret());
      if (result && received != "matrix content") return ErrorCode::corrupt;
      return code(result);
    }
    if (endpoint == "GET /documents/1/view-check") {
      client.set_agent_credential(Secret::from_string(agent_credential));
      auto result = client.call("GET", "/api/v1/documents/1/view-check");
      client.set_agent_credential(Secret());
      return code(result);
    }
    if (endpoint == "POST /documents/1/grants") {
      const json::value body(json::object{{"user", "spare-clerk"}, {"until", format_rfc3339(now_seconds() + 3600)}});
      return code(client.call("POST", "/api/v1/documents/1/grants", &body));
    }
    if (endpoint == "GET /documents/1/grants") return code(client.call("GET", "/api/v1/documents/1/grants"));
    if (endpoint == "DELETE /grants/{spare}") {
      return code(client.call("DELETE", "/api/v1/grants/" + std::to_string(spare_grant[role])));
    }
    if (endpoint == "GET /grants/mine") return code(client.call("GET", "/api/v1/grants/mine"));
    if (endpoint == "GET /audit") return code(client.call("GET", "/api/v1/audit?limit=5"));
    if (endpoint == "POST /policies") {
      const json::value body(json::object{{"source", kPolicy}, {"file", "by-" + r + ".toml"}});
      return code(client.call("POST", "/api/v1/policies", &body));
    }
    if (endpoint == "GET /policies/current") return code(client.call("GET", "/api/v1/policies/current?department=claims"));
    if (endpoint == "GET /policies") return code(client.call("GET", "/api/v1/policies"));
    if (endpoint == "GET /policies/current/bundles/claims") {
      return code(client.call("GET", "/api/v1/policies/current/bundles/claims"));
    }
    if (endpoint == "POST /documents/{own}/destruction-requests") {
      const json::value body(json::object{{"reason", "records confirmed by " + r}});
      return code(client.call("POST", "/api/v1/documents/" + std::to_string(destroyable[role]) + "/destruction-requests",
                              &body));
    }
    if (endpoint == "GET /destruction-requests") return code(client.call("GET", "/api/v1/destruction-requests"));
    if (endpoint == "POST /destruction-requests/{pending}/supervise") {
      return code(client.call("POST", "/api/v1/destruction-requests/" + std::to_string(to_supervise[role]) + "/supervise"));
    }
    if (endpoint == "POST /destruction-requests/{pending}/refuse") {
      const json::value body(json::object{{"reason", "not yet"}});
      return code(client.call("POST", "/api/v1/destruction-requests/" + std::to_string(to_refuse[role]) + "/refuse",
                              &body));
    }
    if (endpoint == "GET /log/head") return code(client.call("GET", "/api/v1/log/head"));
    if (endpoint == "GET /log/inclusion") return code(client.call("GET", "/api/v1/log/inclusion?seq=1&size=1"));
    if (endpoint == "GET /log/consistency") return code(client.call("GET", "/api/v1/log/consistency?from=1&to=2"));
    if (endpoint == "GET /log/export") return code(client.call("GET", "/api/v1/log/export"));
    if (endpoint == "GET /log/entries") return code(client.call("GET", "/api/v1/log/entries?start=0&end=1"));
    if (endpoint == "POST /audit/hash") {
      const json::value body(json::object{{"value", "张三"}});
      return code(client.call("POST", "/api/v1/audit/hash", &body));
    }
    if (endpoint == "GET /registers/lending" || endpoint == "GET /registers/destruction") {
      const std::string which = endpoint == "GET /registers/lending" ? "lending" : "destruction";
      return code(client.call("GET", "/api/v1/registers/" + which + "?month=" + month_of(now_seconds()).text()));
    }
    if (endpoint == "POST /records/imports") {
      return code(post_text(client, "/api/v1/records/imports?template=insurance&level=secret", shared_phone_rows()));
    }
    if (endpoint == "GET /records") return code(client.call("GET", "/api/v1/records"));
    if (endpoint == "GET /records/1") return code(client.call("GET", "/api/v1/records/1"));
    if (endpoint == "POST /records/1/fix") {
      const json::value body(json::object{{"set", json::object{{"address", "广州市 by " + r}}}});
      return code(client.call("POST", "/api/v1/records/1/fix", &body));
    }
    if (endpoint == "GET /records/export") return code(client.call("GET", "/api/v1/records/export?template=insurance"));
    if (endpoint == "POST /records/screen") {
      const json::value body(json::object{});
      return code(client.call("POST", "/api/v1/records/screen", &body));
    }
    if (endpoint == "GET /records/suspicious") return code(client.call("GET", "/api/v1/records/suspicious"));
    if (endpoint == "POST /records/suspicious/{assigned}/clear") {
      const json::value body(json::object{{"note", "checked by " + r}, {"evidence", "call " + r}});
      return code(client.call("POST", "/api/v1/records/suspicious/" + std::to_string(assigned_case[role]) + "/clear",
                              &body));
    }
    if (endpoint == "GET /records/channels") return code(client.call("GET", "/api/v1/records/channels"));
    if (endpoint == "POST /records/channels") {
      const json::value body(json::object{{"agent_code", "X-" + r}, {"user", "spare-clerk"}});
      return code(client.call("POST", "/api/v1/records/channels", &body));
    }
    const auto print_call = [&](const char* method, std::int64_t id, const char* what, const json::value* body,
                                bool as_workstation) {
      if (as_workstation) client.set_agent_credential(Secret::from_string(agent_credential));
      auto result = client.call(method, "/api/v1/print-requests/" + std::to_string(id) + what, body);
      if (as_workstation) client.set_agent_credential(Secret());
      return code(result);
    };
    if (endpoint == "POST /documents/1/print-requests") {
      const json::value body(json::object{{"copies", 1}, {"reason", "by " + r}});
      return code(client.call("POST", "/api/v1/documents/1/print-requests", &body));
    }
    if (endpoint == "GET /print-requests") return code(client.call("GET", "/api/v1/print-requests"));
    if (endpoint == "GET /print-requests/{approved}") return print_call("GET", print_approved[role], "", nullptr, false);
    if (endpoint == "POST /print-requests/{pending}/approve") {
      const json::value body(json::object{{"from", format_rfc3339(now_seconds() - 60)},
                                          {"until", format_rfc3339(now_seconds() + 86400)}});
      return print_call("POST", print_pending_approve[role], "/approve", &body, false);
    }
    if (endpoint == "POST /print-requests/{pending}/refuse") {
      const json::value body(json::object{{"reason", "not now"}});
      return print_call("POST", print_pending_refuse[role], "/refuse", &body, false);
    }
    if (endpoint == "POST /print-requests/{approved}/start") {
      const json::value body(json::object{{"printer", "matrix"}});
      return print_call("POST", print_approved[role], "/start", &body, true);
    }
    if (endpoint == "POST /print-requests/{approved}/complete") {
      const json::value body(json::object{{"job_id", 8}, {"pages", 1}});
      return print_call("POST", print_approved[role], "/complete", &body, true);
    }
    if (endpoint == "POST /print-requests/{started}/abort") {
      const json::value body(json::object{{"reason", "paper jam"}});
      return print_call("POST", print_started[role], "/abort", &body, true);
    }
    if (endpoint == "POST /print-requests/{approved}/receive") {
      return print_call("POST", print_approved[role], "/receive", nullptr, false);
    }
    if (endpoint == "POST /print-requests/{received}/return" || endpoint == "POST /print-requests/{received}/shred") {
      const json::value body(json::object{{"copies", 1}});
      const char* what = endpoint == "POST /print-requests/{received}/return" ? "/return" : "/shred";
      return print_call("POST", print_received[role], what, &body, false);
    }
    if (endpoint == "POST /print-trace") {
      const json::value body(json::object{{"code", trace_code}});
      return code(client.call("POST", "/api/v1/print-trace", &body));
    }
    if (endpoint == "POST /agents/tokens") {
      const json::value body(json::object{{"department", "claims"}, {"ttl_seconds", 600}});
      return code(client.call("POST", "/api/v1/agents/tokens", &body));
    }
    if (endpoint == "GET /agents") return code(client.call("GET", "/api/v1/agents"));
    if (endpoint == "GET /agents/{spare}") return code(client.call("GET", "/api/v1/agents/" + spare_agent[role]));
    if (endpoint == "POST /agents/{spare}/revoke") {
      return code(client.call("POST", "/api/v1/agents/" + spare_agent[role] + "/revoke"));
    }
    if (endpoint == "POST /users/me/password") {
      const json::value body(json::object{{"old_password", password_of(role)}, {"new_password", password_of(role) + "-2"}});
      return code(client.call("POST", "/api/v1/users/me/password", &body));
    }
    if (endpoint == "DELETE /sessions/current") return code(client.call("DELETE", "/api/v1/sessions/current"));
    ADD_FAILURE() << "no call for " << endpoint;
    return ErrorCode::internal;
  }

  static VaultProcess* vault;
  static std::map<Role, std::int64_t> spare_grant, destroyable, to_supervise, to_refuse, assigned_case;
  static std::map<Role, std::int64_t> print_pending_approve, print_pending_refuse, print_approved, print_started,
      print_received;
  static std::string agent_credential, trace_code;
  static std::map<Role, std::string> spare_agent;
};
std::string AuthorizationMatrix::agent_credential, AuthorizationMatrix::trace_code;
std::map<Role, std::int64_t> AuthorizationMatrix::print_pending_approve, AuthorizationMatrix::print_pending_refuse,
    AuthorizationMatrix::print_approved, AuthorizationMatrix::print_started, AuthorizationMatrix::print_received;
std::map<Role, std::string> AuthorizationMatrix::spare_agent;
VaultProcess* AuthorizationMatrix::vault = nullptr;
std::map<Role, std::int64_t> AuthorizationMatrix::spare_grant, AuthorizationMatrix::destroyable,
    AuthorizationMatrix::to_supervise, AuthorizationMatrix::to_refuse, AuthorizationMatrix::assigned_case;

class MatrixByRole : public AuthorizationMatrix, public ::testing::WithParamInterface<Role> {};

TEST_P(MatrixByRole, EveryEndpoint) {
  const Role role = GetParam();
  const std::string user = "u-" + std::string(vault::to_string(role));
  auto client = vault->client(user, password_of(role));
  for (const auto& endpoint : endpoints()) {
    // The password change ends the session: re-login for the last endpoint.
    if (std::string(endpoint.name) == "DELETE /sessions/current") {
      client = vault->client(user, password_of(role) + "-2");
    }
    const bool allowed = std::find(endpoint.allowed.begin(), endpoint.allowed.end(), role) != endpoint.allowed.end();
    const auto outcome = call(client, role, endpoint.name);
    if (allowed) {
      EXPECT_FALSE(outcome.has_value()) << vault::to_string(role) << " × " << endpoint.name << " should succeed, got "
                                        << to_string(outcome.value_or(ErrorCode::internal));
    } else {
      EXPECT_EQ(outcome, ErrorCode::permission_denied) << vault::to_string(role) << " × " << endpoint.name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllRoles, MatrixByRole, ::testing::ValuesIn(vault::all_roles()),
                         [](const ::testing::TestParamInfo<Role>& param_info) { return std::string(vault::to_string(param_info.param)); });

TEST_F(AuthorizationMatrix, EveryRequestWithoutSessionIsUnauthenticated) {
  auto anonymous = vault->client();
  for (const auto& endpoint : endpoints()) {
    EXPECT_EQ(call(anonymous, Role::auditor, endpoint.name), ErrorCode::unauthenticated) << endpoint.name;
  }
}

TEST_F(AuthorizationMatrix, AgentCallsNeedAnAgentCredentialNotASession) {
  for (auto role : vault::all_roles()) {
    auto client = vault->client("u-" + std::string(vault::to_string(role)), password_of(role));
    const json::value beat(json::object{{"machine_id", "m"}});
    EXPECT_EQ(client.call("POST", "/api/v1/agent/heartbeat", &beat).error().code, ErrorCode::unauthenticated);
    EXPECT_EQ(client.call("GET", "/api/v1/agent/policy").error().code, ErrorCode::unauthenticated);
    const json::value events(json::object{{"events", json::array{}}});
    EXPECT_EQ(client.call("POST", "/api/v1/agent/events", &events).error().code, ErrorCode::unauthenticated);
  }
  auto agent = vault->client();
  agent.set_agent_credential(Secret::from_string(agent_credential));
  EXPECT_TRUE(agent.call("GET", "/api/v1/agent/policy")) << "the agent itself may";
  EXPECT_EQ(agent.call("GET", "/api/v1/documents/1/content").error().code, ErrorCode::unauthenticated)
      << "content needs a user's session too";
}

TEST_F(AuthorizationMatrix, RefusalsAreAudited) {
  auto clerk = vault->client("u-info_clerk", password_of(Role::info_clerk));
  ASSERT_EQ(clerk.call("GET", "/api/v1/audit").error().code, ErrorCode::permission_denied);
  auto auditor = vault->client("u-auditor", password_of(Role::auditor));
  auto events = auditor.call("GET", "/api/v1/audit?outcome=refused&action=audit.list&actor=u-info_clerk");
  ASSERT_TRUE(events) << events.error().describe();
  const auto& list = events->at("events").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("outcome").as_string(), "refused");
  EXPECT_EQ(list[0].at("reason").as_string(), "permission_denied");
  EXPECT_EQ(list[0].at("target").as_string(), "audit.list");
  EXPECT_FALSE(list[0].at("request_id").as_string().empty());
}

}  // namespace
}  // namespace custos::testing
