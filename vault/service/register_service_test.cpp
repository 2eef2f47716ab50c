// The registers over a real SQLite store: the UTC month window, the
// department each role may see, the status and view counts of each grant,
// the requests and decisions of each destruction with its log entry, and
// the audit record of each read.
#include "custos/vault/register_service.hpp"

#include "custos/vault/destruction_service.hpp"
#include "custos/vault/print_service.hpp"

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
    auto reader = documents->open_content(by, doc, when(time), by.user.department);
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

  // Checks the audit records of the register reads of `action`: each
  // allowed, naming `target`, the first by `first_reader`, with `details`.
  void expect_reads(const char* action, const std::string& target, const std::string& first_reader,
                    const std::vector<std::string>& details) {
    AuditQuery query;
    query.action = action;
    auto records = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.list_audit(query); });
    ASSERT_TRUE(records) << records.error().describe();
    ASSERT_EQ(records->size(), details.size());
    EXPECT_EQ(records->at(0).actor, first_reader);
    for (std::size_t i = 0; i < details.size(); ++i) {
      EXPECT_EQ((*records)[i].target, target);
      EXPECT_EQ((*records)[i].outcome, Outcome::allowed);
      EXPECT_EQ((*records)[i].detail, details[i]);
    }
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
  expect_reads("register.lending", "lending:2026-11", "manager",
               {R"({"department":"claims","count":2})", R"({"department":null,"count":3})"});
}

class DestructionRegisterTest : public RegisterServiceTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(RegisterServiceTest::SetUp());
    destruction = std::make_unique<DestructionService>(*store, *blobs, *sink, hasher);
    second_lead = make("lead-b", "claims", {Role::project_lead});
  }

  Id ask(const Principal& by, Id doc, std::string_view time) {
    auto made = destruction->request(by, doc, "records confirmed", when(time));
    EXPECT_TRUE(made) << made.error().describe();
    return made ? made->id : 0;
  }
  Id supervise(Id request, std::string_view time) {
    auto record = destruction->supervise(second_lead, request, when(time));
    EXPECT_TRUE(record) << record.error().describe();
    return record ? record->seq : 0;
  }
  Result<DestructionRegister> register_of(const Principal& by, std::string_view month,
                                          std::optional<std::string> department = std::nullopt) {
    return registers->destruction(by, month, department, when(kNow));
  }
  static std::vector<Id> ids(const DestructionRegister& reg) {
    std::vector<Id> out;
    for (const auto& row : reg.rows) out.push_back(row.request.id);
    return out;
  }

  // Requests around November: asked in October and supervised on its first
  // second; refused; pending in sales; asked on November's last second and
  // supervised in December; pending since October.
  void destroy() {
    const auto early = upload(lead, Level::secret);
    const auto refusable = upload(lead, Level::confidential);
    const auto sales_pending = upload(sales_lead, Level::top_secret);
    const auto late = upload(lead, Level::secret);
    const auto old_pending = upload(lead, Level::secret);
    old = ask(lead, old_pending, "2026-10-15T08:00:00Z");
    supervised = ask(lead, early, "2026-10-31T23:00:00Z");
    supervised_seq = supervise(supervised, "2026-11-01T00:00:00Z");
    grant(lead, refusable, "clerk", "2026-11-09T00:00:00Z", "2026-12-31T00:00:00Z");
    refused = ask(clerk, refusable, "2026-11-10T09:00:00Z");
    ASSERT_TRUE(destruction->refuse(lead, refused, "records not yet checked", when("2026-11-11T10:00:00Z")));
    pending = ask(sales_lead, sales_pending, "2026-11-20T12:00:00Z");
    december = ask(lead, late, "2026-11-30T23:59:59Z");
    december_seq = supervise(december, "2026-12-01T00:00:00Z");
  }

  const IdentifierHasher hasher{Secret::random(32)};
  std::unique_ptr<DestructionService> destruction;
  Principal second_lead;
  Id old = 0, supervised = 0, refused = 0, pending = 0, december = 0;
  Id supervised_seq = 0, december_seq = 0;
};

TEST_F(DestructionRegisterTest, HoldsTheMonthsDecisionsAndItsRequestsStillPending) {
  ASSERT_NO_FATAL_FAILURE(destroy());
  auto november = register_of(auditor, "2026-11");
  ASSERT_TRUE(november) << november.error().describe();
  EXPECT_EQ(ids(*november), (std::vector<Id>{supervised, refused, pending})) << "by decision, else request, time";
  EXPECT_EQ(november->month.start, at("2026-11-01"));
  EXPECT_FALSE(november->department);
  EXPECT_EQ(november->generated_at, at(kNow));
  EXPECT_EQ(ids(*register_of(auditor, "2026-10")), (std::vector<Id>{old}))
      << "asked in October, decided in November: November's; still pending: October's";
  EXPECT_EQ(ids(*register_of(auditor, "2026-12")), (std::vector<Id>{december}));
  EXPECT_TRUE(register_of(auditor, "2026-09")->rows.empty());
}

TEST_F(DestructionRegisterTest, EachRowSaysWhoAskedWhyWhoDecidedAndTheLogEntry) {
  ASSERT_NO_FATAL_FAILURE(destroy());
  auto november = register_of(auditor, "2026-11");
  ASSERT_TRUE(november);
  ASSERT_EQ(november->rows.size(), 3u);
  const auto& done = november->rows[0];
  EXPECT_EQ(done.request.state, DestructionState::supervised);
  EXPECT_EQ(done.request.level, Level::secret);
  EXPECT_EQ(done.request.department, "claims");
  EXPECT_EQ(done.request.requested_by_name, "lead");
  EXPECT_EQ(done.request.reason, "records confirmed");
  EXPECT_EQ(done.request.requested_at, at("2026-10-31T23:00:00Z"));
  EXPECT_EQ(done.request.decided_by_name, "lead-b");
  EXPECT_EQ(done.request.decided_at, at("2026-11-01T00:00:00Z"));
  ASSERT_TRUE(done.seq);
  EXPECT_EQ(*done.seq, supervised_seq);

  const auto& no = november->rows[1];
  EXPECT_EQ(no.request.state, DestructionState::refused);
  EXPECT_EQ(no.request.requested_by_name, "clerk");
  EXPECT_EQ(no.request.decided_by_name, "lead");
  EXPECT_EQ(no.request.decision_reason, "records not yet checked");
  EXPECT_FALSE(no.seq) << "nothing was destroyed";

  const auto& waiting = november->rows[2];
  EXPECT_EQ(waiting.request.state, DestructionState::pending);
  EXPECT_EQ(waiting.request.department, "sales");
  EXPECT_EQ(waiting.request.level, Level::top_secret);
  EXPECT_FALSE(waiting.request.decided_at);
  EXPECT_FALSE(waiting.seq);

  EXPECT_EQ(register_of(auditor, "2026-12")->rows.at(0).seq, december_seq);
}

TEST_F(DestructionRegisterTest, TheSeqIsTheDocumentsDestructionEntry) {
  ASSERT_NO_FATAL_FAILURE(destroy());
  auto november = register_of(auditor, "2026-11");
  ASSERT_TRUE(november);
  const auto entry = audit_entry(*november->rows.at(0).seq);
  EXPECT_EQ(entry.action, "document.destroy");
  EXPECT_EQ(entry.target, "document:" + std::to_string(november->rows[0].request.document_id));
}

TEST_F(DestructionRegisterTest, ManagersAndLeadsSeeTheirOwnDepartment) {
  ASSERT_NO_FATAL_FAILURE(destroy());
  for (const auto* who : {&manager, &lead}) {
    auto own = register_of(*who, "2026-11");
    ASSERT_TRUE(own) << own.error().describe();
    EXPECT_EQ(ids(*own), (std::vector<Id>{supervised, refused})) << who->user.name;
    EXPECT_EQ(own->department, "claims");
    EXPECT_TRUE(register_of(*who, "2026-11", "claims"));
    EXPECT_EQ(register_of(*who, "2026-11", "sales").error().code, ErrorCode::permission_denied) << who->user.name;
  }
  for (const auto* who : {&sales_manager, &sales_lead}) {
    EXPECT_EQ(ids(*register_of(*who, "2026-11")), (std::vector<Id>{pending})) << who->user.name;
  }
  auto sales = register_of(auditor, "2026-11", "sales");
  ASSERT_TRUE(sales);
  EXPECT_EQ(ids(*sales), (std::vector<Id>{pending}));
  EXPECT_EQ(register_of(auditor, "2026-11", "no-such-department").error().code, ErrorCode::not_found);
}

TEST_F(DestructionRegisterTest, OtherRolesAndBadMonthsAreRefused) {
  for (const auto* who : {&clerk, &admin, &general, &sales_clerk}) {
    EXPECT_EQ(register_of(*who, "2026-11").error().code, ErrorCode::permission_denied) << who->user.name;
  }
  for (const char* month : {"2026-13", "2026-1", "", "november"}) {
    EXPECT_EQ(register_of(auditor, month).error().code, ErrorCode::invalid_argument) << month;
  }
}

TEST_F(DestructionRegisterTest, TheReadIsAudited) {
  ASSERT_NO_FATAL_FAILURE(destroy());
  ASSERT_TRUE(register_of(lead, "2026-11"));
  ASSERT_TRUE(register_of(auditor, "2026-11", "sales"));
  expect_reads("register.destruction", "destruction:2026-11", "lead",
               {R"({"department":"claims","count":2})", R"({"department":"sales","count":1})"});
}

// Paper: a printout of three copies made in November, signed for, one
// handed back, one shredded on November's last second and one on
// December's first.
class PaperRegisterTest : public DestructionRegisterTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(DestructionRegisterTest::SetUp());
    prints = std::make_unique<PrintService>(*store, *sink, signing);
    auto made = transact(*store, TxMode::write, [&](Transaction& tx) -> Result<Agent> {
      Agent a;
      a.hostname = "ws-claims";
      a.machine_id = "m-claims";
      a.department_id = clerk.user.department_id;
      a.credential_hash = "hash";
      a.enrolled_at = at("2026-11-01T00:00:00Z");
      auto inserted = tx.insert_agent(a);
      if (!inserted) return inserted;
      CUSTOS_TRY_VOID(append_allowed(tx, when("2026-11-01T00:00:00Z"), &admin, Action::agent_enroll, "agent:1"));
      return inserted;
    });
    ASSERT_TRUE(made) << made.error().describe();
    agent = *made;
  }

  void print_and_account() {
    grant(lead, claims_doc, "clerk", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z");
    auto asked = prints->request(clerk, NewPrintRequest{claims_doc, 3, "客户回访", ""}, when("2026-11-01T08:00:00Z"));
    ASSERT_TRUE(asked) << asked.error().describe();
    request = asked->id;
    ASSERT_TRUE(prints->approve(manager, request, at("2026-11-01T09:00:00Z"), at("2026-11-10T00:00:00Z"),
                                when("2026-11-01T09:00:00Z")));
    ASSERT_TRUE(prints->start(clerk, agent, request, "capture", when("2026-11-02T08:00:00Z")));
    ASSERT_TRUE(prints->complete(clerk, agent, request, 7, 2, when("2026-11-02T08:01:00Z")));
    ASSERT_TRUE(prints->receive(clerk, request, when("2026-11-02T08:30:00Z")));
    ASSERT_TRUE(prints->account(manager, request, CopyOutcome::returned, 1, "", when("2026-11-05T10:00:00Z")));
    ASSERT_TRUE(prints->account(manager, request, CopyOutcome::shredded, 1, "会后销毁 after the meeting",
                                when("2026-11-30T23:59:59Z")));
    ASSERT_TRUE(prints->account(manager, request, CopyOutcome::shredded, 1, "", when("2026-12-01T00:00:00Z")));
  }

  const SigningKey signing = SigningKey::generate();
  std::unique_ptr<PrintService> prints;
  Agent agent;
  Id request = 0;
};

TEST_F(PaperRegisterTest, TheDestructionRegisterListsEachShreddingOfPrintedCopiesInItsMonth) {
  ASSERT_NO_FATAL_FAILURE(print_and_account());
  ASSERT_NO_FATAL_FAILURE(destroy());
  auto november = register_of(auditor, "2026-11");
  ASSERT_TRUE(november) << november.error().describe();
  EXPECT_EQ(ids(*november), (std::vector<Id>{supervised, refused, pending})) << "the documents' rows as before";
  ASSERT_EQ(november->shredded_copies.size(), 1u);
  const auto& paper = november->shredded_copies[0];
  EXPECT_EQ(paper.request_id, request);
  EXPECT_EQ(paper.kind, CopyEventKind::shredded);
  EXPECT_EQ(paper.copies, 1);
  EXPECT_EQ(paper.document_id, claims_doc);
  EXPECT_EQ(paper.level, Level::confidential);
  EXPECT_EQ(paper.department, "claims");
  EXPECT_EQ(paper.requested_by_name, "clerk") << "the receiver who held the copies";
  EXPECT_EQ(paper.recorded_by_name, "manager") << "the manager who saw them shredded";
  EXPECT_EQ(paper.recorded_at, at("2026-11-30T23:59:59Z"));
  EXPECT_EQ(paper.reason, "会后销毁 after the meeting");

  const auto entry = audit_entry(paper.audit_seq);
  EXPECT_EQ(entry.action, "print.account");
  EXPECT_EQ(entry.target, "print_request:" + std::to_string(request));

  auto next = register_of(auditor, "2026-12");
  ASSERT_TRUE(next);
  ASSERT_EQ(next->shredded_copies.size(), 1u);
  EXPECT_EQ(next->shredded_copies[0].recorded_at, at("2026-12-01T00:00:00Z"));
  EXPECT_TRUE(next->shredded_copies[0].reason.empty());
  EXPECT_TRUE(register_of(auditor, "2026-10")->shredded_copies.empty());

  EXPECT_EQ(register_of(manager, "2026-11")->shredded_copies.size(), 1u) << "their own department's";
  EXPECT_TRUE(register_of(sales_manager, "2026-11")->shredded_copies.empty()) << "not another department's";
  EXPECT_TRUE(register_of(auditor, "2026-11", "sales")->shredded_copies.empty());
}

TEST_F(PaperRegisterTest, TheLendingRegisterShowsEachPrintoutsReceiptAndReturnsWithTheirDates) {
  ASSERT_NO_FATAL_FAILURE(print_and_account());
  auto november = lending(manager, "2026-11");
  ASSERT_TRUE(november) << november.error().describe();
  ASSERT_EQ(november->printouts.size(), 1u);
  EXPECT_EQ(november->printouts[0].returned, 1);
  EXPECT_EQ(november->printouts[0].shredded, 2);
  EXPECT_EQ(november->printouts[0].received_at, at("2026-11-02T08:30:00Z"));
  std::vector<std::pair<CopyEventKind, UnixSeconds>> events;
  for (const auto& e : november->printout_events) {
    EXPECT_EQ(e.request_id, request);
    events.emplace_back(e.kind, e.recorded_at);
  }
  EXPECT_EQ(events, (std::vector<std::pair<CopyEventKind, UnixSeconds>>{
                        {CopyEventKind::received, at("2026-11-02T08:30:00Z")},
                        {CopyEventKind::returned, at("2026-11-05T10:00:00Z")},
                        {CopyEventKind::shredded, at("2026-11-30T23:59:59Z")},
                        {CopyEventKind::shredded, at("2026-12-01T00:00:00Z")}}))
      << "every event of the month's printouts, whenever recorded";
  EXPECT_TRUE(lending(manager, "2026-12")->printout_events.empty()) << "printed in November";
  EXPECT_TRUE(lending(sales_manager, "2026-11")->printout_events.empty());
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
