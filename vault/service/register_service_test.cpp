// The lending register over a real SQLite store: the UTC month window, the
// department each role may see, the status and view counts of each grant,
// and the audit record of the read.
#include "custos/vault/register_service.hpp"

#include "service_test_harness.hpp"

namespace custos::vault {
namespace {

UnixSeconds at(std::string_view when) { return *parse_time(when); }

class RegisterServiceTest : public ::testing::Test, protected ServiceHarness {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_services("register-svc", when(kNow)));
    registers = std::make_unique<RegisterService>(*store, *sink);
    ASSERT_TRUE(directory->create_department(admin, "sales", when(kNow)));
    lead = make("lead", "claims", {Role::project_lead});
    clerk = make("clerk", "claims", {Role::info_clerk});
    manager = make("manager", "claims", {Role::dept_manager});
    auditor = make("auditor", "claims", {Role::auditor});
    general = make("gm", "claims", {Role::general_manager});
    sales_lead = make("sales-lead", "sales", {Role::project_lead});
    sales_clerk = make("sales-clerk", "sales", {Role::info_clerk});
    sales_manager = make("sales-manager", "sales", {Role::dept_manager});
    claims_doc = upload(lead, Level::confidential);
    sales_doc = upload(sales_lead, Level::top_secret);
  }

  // When the register is read: after every grant below was made.
  static constexpr std::string_view kNow = "2026-12-15T09:00:00Z";
  static Origin when(std::string_view time) { return Origin{"req", "127.0.0.1", at(time), ""}; }

  Principal make(const std::string& name, const std::string& dept, RoleSet roles) {
    auto made = directory->create_user(admin, NewUser{name, name, dept, roles, Secret::from_string(name + "-password-1")},
                                       when(kNow));
    EXPECT_TRUE(made) << made.error().describe();
    return Principal{made->user, ""};
  }
  Id upload(const Principal& by, Level level) {
    auto up = documents->begin_upload(by, NewDocument{"客户清单 of a named customer", level, "", "list.csv", "text/csv"},
                                      when(kNow));
    EXPECT_TRUE(up);
    EXPECT_TRUE((*up)->write(as_bytes(std::string_view("policy_no\nP-1\n"))));
    auto doc = (*up)->finish(when(kNow));
    EXPECT_TRUE(doc) << doc.error().describe();
    return doc->id;
  }
  Id grant(const Principal& by, Id doc, const char* to, std::string_view made, std::string_view until) {
    auto g = grants->grant(by, doc, to, at(until), when(made));
    EXPECT_TRUE(g) << g.error().describe();
    return g ? g->id : 0;
  }
  Result<void> view(const Principal& by, Id doc, std::string_view time) {
    auto reader = documents->open_content(by, doc, when(time));
    if (!reader) return fail(reader.error());
    return ok();
  }
  Result<LendingRegister> lending(const Principal& by, std::string_view month,
                                  std::optional<std::string> department = std::nullopt) {
    return registers->lending(by, month, department, when(kNow));
  }
  static std::vector<Id> ids(const LendingRegister& lending) {
    std::vector<Id> out;
    for (const auto& row : lending.rows) out.push_back(row.lending.grant.id);
    return out;
  }

  // The month of the register below: grants on both sides of its edges, one
  // revoked, one run out, one live, viewed inside and outside their spans.
  void lend() {
    october = grant(lead, claims_doc, "clerk", "2026-10-31T23:59:59Z", "2026-11-07T00:00:00Z");
    revoked = grant(lead, claims_doc, "clerk", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z");
    ASSERT_TRUE(view(clerk, claims_doc, "2026-11-02T10:00:00Z"));
    ASSERT_TRUE(view(clerk, claims_doc, "2026-11-03T10:00:00Z"));
    ASSERT_TRUE(grants->revoke(lead, revoked, when("2026-11-05T00:00:00Z")));
    // Still allowed through the October grant, but after `revoked` ended.
    ASSERT_TRUE(view(clerk, claims_doc, "2026-11-06T10:00:00Z"));
    live = grant(sales_lead, sales_doc, "sales-clerk", "2026-11-10T08:00:00Z", "2027-01-01T00:00:00Z");
    ASSERT_TRUE(view(sales_clerk, sales_doc, "2026-11-11T08:00:00Z"));
    expired = grant(lead, claims_doc, "lead", "2026-11-30T23:59:59Z", "2026-12-10T00:00:00Z");
    ASSERT_TRUE(view(lead, claims_doc, "2026-12-01T12:00:00Z"));  // after the month, inside the grant
    EXPECT_EQ(view(lead, claims_doc, "2026-12-11T12:00:00Z").error().code, ErrorCode::permission_denied);
    december = grant(lead, claims_doc, "clerk", "2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z");
  }

  std::unique_ptr<RegisterService> registers;
  Principal lead, clerk, manager, auditor, general, sales_lead, sales_clerk, sales_manager;
  Id claims_doc = 0, sales_doc = 0;
  Id october = 0, revoked = 0, live = 0, expired = 0, december = 0;
};

TEST_F(RegisterServiceTest, HoldsTheGrantsCreatedInTheUtcMonth) {
  lend();
  auto november = lending(auditor, "2026-11");
  ASSERT_TRUE(november) << november.error().describe();
  EXPECT_EQ(ids(*november), (std::vector<Id>{revoked, live, expired})) << "oldest first, edges by UTC";
  EXPECT_EQ(november->month.start, at("2026-11-01"));
  EXPECT_EQ(november->month.end, at("2026-12-01"));
  EXPECT_FALSE(november->department) << "an auditor's register covers every department";
  EXPECT_EQ(november->generated_at, at(kNow));
  EXPECT_EQ(ids(*lending(auditor, "2026-10")), (std::vector<Id>{october}));
  EXPECT_EQ(ids(*lending(auditor, "2026-12")), (std::vector<Id>{december}));
  EXPECT_TRUE(lending(auditor, "2026-09")->rows.empty());
}

TEST_F(RegisterServiceTest, EachRowSaysWhoWhatWhenAndHowItEnded) {
  lend();
  auto november = lending(auditor, "2026-11");
  ASSERT_TRUE(november);
  ASSERT_EQ(november->rows.size(), 3u);
  const auto& first = november->rows[0];
  EXPECT_EQ(first.lending.grant.document_id, claims_doc);
  EXPECT_EQ(first.lending.level, Level::confidential);
  EXPECT_EQ(first.lending.department, "claims");
  EXPECT_EQ(first.lending.grant.grantee, "clerk");
  EXPECT_EQ(first.lending.grant.granted_by_name, "lead");
  EXPECT_EQ(first.lending.grant.created_at, at("2026-11-01T00:00:00Z"));
  EXPECT_EQ(first.lending.grant.expires_at, at("2026-11-20T00:00:00Z"));
  EXPECT_EQ(first.lending.grant.revoked_at, at("2026-11-05T00:00:00Z"));
  EXPECT_EQ(first.lending.grant.revoked_by_name, "lead");
  EXPECT_EQ(first.status, LendingStatus::revoked);
  EXPECT_EQ(first.views, 2) << "the view after the revocation belongs to the October grant";

  const auto& second = november->rows[1];
  EXPECT_EQ(second.lending.level, Level::top_secret);
  EXPECT_EQ(second.lending.department, "sales");
  EXPECT_EQ(second.status, LendingStatus::live);
  EXPECT_FALSE(second.lending.grant.revoked_at);
  EXPECT_EQ(second.views, 1);

  const auto& third = november->rows[2];
  EXPECT_EQ(third.lending.grant.grantee, "lead");
  EXPECT_EQ(third.status, LendingStatus::expired);
  EXPECT_EQ(third.views, 1) << "a view after the month, inside the grant, counts; a refused one does not";

  auto october_register = lending(auditor, "2026-10");
  ASSERT_TRUE(october_register);
  EXPECT_EQ(october_register->rows.at(0).views, 3) << "clerk viewed three times while the October grant was live";
  EXPECT_EQ(october_register->rows.at(0).status, LendingStatus::expired);
}

TEST_F(RegisterServiceTest, AViewInTheSecondOfTheRevocationCounts) {
  // Whole-second times: granted, viewed and revoked within one second.
  const auto made = grant(lead, claims_doc, "clerk", "2026-11-02T10:00:00Z", "2026-11-09T10:00:00Z");
  ASSERT_TRUE(view(clerk, claims_doc, "2026-11-02T10:00:00Z"));
  ASSERT_TRUE(grants->revoke(lead, made, when("2026-11-02T10:00:00Z")));
  auto november = lending(auditor, "2026-11");
  ASSERT_TRUE(november);
  ASSERT_EQ(november->rows.size(), 1u);
  EXPECT_EQ(november->rows[0].views, 1);
}

TEST_F(RegisterServiceTest, ManagersAndLeadsSeeTheirOwnDepartment) {
  lend();
  for (const auto* who : {&manager, &lead}) {
    auto own = lending(*who, "2026-11");
    ASSERT_TRUE(own) << own.error().describe();
    EXPECT_EQ(ids(*own), (std::vector<Id>{revoked, expired})) << who->user.name;
    EXPECT_EQ(own->department, "claims");
    EXPECT_TRUE(lending(*who, "2026-11", "claims")) << "naming one's own department is fine";
    EXPECT_EQ(lending(*who, "2026-11", "sales").error().code, ErrorCode::permission_denied) << who->user.name;
  }
  for (const auto* who : {&sales_manager, &sales_lead}) {
    auto own = lending(*who, "2026-11");
    ASSERT_TRUE(own);
    EXPECT_EQ(ids(*own), (std::vector<Id>{live})) << who->user.name;
  }
}

TEST_F(RegisterServiceTest, AnAuditorMayNarrowToOneDepartment) {
  lend();
  auto sales = lending(auditor, "2026-11", "sales");
  ASSERT_TRUE(sales);
  EXPECT_EQ(ids(*sales), (std::vector<Id>{live}));
  EXPECT_EQ(sales->department, "sales");
  EXPECT_EQ(lending(auditor, "2026-11", "no-such-department").error().code, ErrorCode::not_found);
}

TEST_F(RegisterServiceTest, OtherRolesAreRefused) {
  lend();
  for (const auto* who : {&clerk, &admin, &general, &sales_clerk}) {
    EXPECT_EQ(lending(*who, "2026-11").error().code, ErrorCode::permission_denied) << who->user.name;
  }
}

TEST_F(RegisterServiceTest, BadMonthsAreInvalidArguments) {
  for (const char* month : {"2026-13", "2026-1", "2026-11-01", "", "99999-01", "november"}) {
    EXPECT_EQ(lending(auditor, month).error().code, ErrorCode::invalid_argument) << month;
  }
  EXPECT_EQ(lending(clerk, "2026-13").error().code, ErrorCode::permission_denied) << "the role is checked first";
}

TEST_F(RegisterServiceTest, TheReadIsAudited) {
  lend();
  ASSERT_TRUE(lending(manager, "2026-11"));
  ASSERT_TRUE(lending(auditor, "2026-11"));
  AuditQuery query;
  query.action = "register.lending";
  auto records = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.list_audit(query); });
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].actor, "manager");
  EXPECT_EQ((*records)[0].target, "lending:2026-11");
  EXPECT_EQ((*records)[0].outcome, Outcome::allowed);
  EXPECT_EQ((*records)[0].detail, R"({"department":"claims","count":2})");
  EXPECT_EQ((*records)[1].detail, R"({"department":null,"count":3})");
}

TEST(LendingStatus, RevokedWinsThenTheEnd) {
  Grant g;
  g.created_at = 100;
  g.expires_at = 200;
  EXPECT_EQ(lending_status(g, 199), LendingStatus::live);
  EXPECT_EQ(lending_status(g, 200), LendingStatus::expired);
  g.revoked_at = 250;
  EXPECT_EQ(lending_status(g, 300), LendingStatus::revoked) << "revoked after it ran out is still revoked";
  EXPECT_EQ(to_string(LendingStatus::revoked), "revoked");
}

}  // namespace
}  // namespace custos::vault
