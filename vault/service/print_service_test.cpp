// Controlled printing over a real SQLite store: who may ask, decide, print,
// sign for and account for copies, and every refusal's code.
#include "custos/vault/print_service.hpp"

#include "custos/auditlog/print_code.hpp"
#include "custos/vault/policy_service.hpp"
#include "custos/vault/register_service.hpp"
#include "service_test_support.hpp"

namespace custos::vault {
namespace {

class PrintTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    prints = std::make_unique<PrintService>(*store, *sink, signing);
    manager = make("manager", "claims", {Role::dept_manager});
    manager_and_clerk = make("both", "claims", {Role::dept_manager, Role::info_clerk});
    sales_manager = make("manager2", "sales", {Role::dept_manager});
    auditor = make("auditor", "sales", {Role::auditor});
    claims_agent = enroll("claims");
    sales_agent = enroll("sales");
  }
  void close_store() override {
    prints.reset();
    ServiceTest::close_store();
  }

  Agent enroll(const std::string& department) {
    auto made = transact(*store, TxMode::write, [&](Transaction& tx) -> Result<Agent> {
      auto dept = tx.department_by_name(department);
      if (!dept) return fail(dept.error());
      Agent a;
      a.hostname = "ws-" + department;
      a.machine_id = "m-" + department;
      a.department_id = dept->id;
      a.credential_hash = "hash-" + department;
      a.enrolled_at = now_seconds();
      auto inserted = tx.insert_agent(a);
      if (!inserted) return inserted;
      CUSTOS_TRY_VOID(append_allowed(tx, origin(), &admin, Action::agent_enroll, "agent:" + inserted->name));
      return inserted;
    });
    EXPECT_TRUE(made) << made.error().describe();
    return *made;
  }

  // A document of `level` granted to the clerk (and the manager-and-clerk).
  Id granted(Level level = Level::confidential) {
    auto doc = upload(lead, "第一页 page one", level);
    EXPECT_TRUE(doc) << doc.error().describe();
    EXPECT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 86400, origin()));
    EXPECT_TRUE(grants->grant(lead, doc->id, "both", now_seconds() + 86400, origin()));
    return doc->id;
  }

  Result<PrintRequest> ask(const Principal& by, Id doc, int copies = 2) {
    return prints->request(by, NewPrintRequest{doc, copies, "客户回访 meeting", ""}, origin());
  }

  // An approved request of the clerk, valid from an hour ago for a day.
  Id approved(Id doc) {
    auto r = ask(clerk, doc);
    EXPECT_TRUE(r) << r.error().describe();
    const auto now = now_seconds();
    auto a = prints->approve(manager, r->id, now - 3600, now + 86400, origin());
    EXPECT_TRUE(a) << a.error().describe();
    return r->id;
  }

  // A request of the clerk for 2 copies, printed.
  Id printed() {
    const auto id = approved(granted());
    EXPECT_TRUE(prints->start(clerk, claims_agent, id, "capture", origin()));
    EXPECT_TRUE(prints->complete(clerk, claims_agent, id, 9, 2, origin()));
    return id;
  }

  // Every copy event, by time.
  std::vector<PrintCopyEvent> copy_events() {
    auto events = transact(*store, TxMode::read, [](Transaction& tx) {
      return tx.print_copy_events_between(0, now_seconds() + 86400, std::nullopt, std::nullopt);
    });
    EXPECT_TRUE(events) << events.error().describe();
    return events ? *events : std::vector<PrintCopyEvent>{};
  }

  void raw_sql_fails(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "vault.db").c_str(), &db), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql;
    sqlite3_close(db);
  }

  std::size_t audit_count(const std::string& action) {
    AuditQuery query;
    query.action = action;
    return transact(*store, TxMode::read, [&](Transaction& tx) { return tx.list_audit(query); })->size();
  }

  const SigningKey signing = SigningKey::generate();
  std::unique_ptr<PrintService> prints;
  Principal manager, manager_and_clerk, sales_manager, auditor;
  Agent claims_agent, sales_agent;
};

TEST_F(PrintTest, WhoMayAsk) {
  const auto doc = granted();
  auto ungranted = upload(lead, "x");
  ASSERT_TRUE(ungranted);
  EXPECT_EQ(ask(clerk, ungranted->id).error().code, ErrorCode::permission_denied) << "no grant";
  EXPECT_EQ(ask(manager, doc).error().code, ErrorCode::permission_denied) << "a manager does not ask";
  EXPECT_EQ(ask(clerk, 9999).error().code, ErrorCode::not_found);
  EXPECT_EQ(ask(clerk, doc, 0).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(ask(clerk, doc, kMaxPrintCopies + 1).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(prints->request(clerk, NewPrintRequest{doc, 1, "", ""}, origin()).error().code,
            ErrorCode::invalid_argument);
  auto made = ask(clerk, doc);
  ASSERT_TRUE(made) << made.error().describe();
  EXPECT_EQ(made->state, PrintState::pending);
  EXPECT_EQ(made->copies, 2);
  EXPECT_EQ(made->requested_by_name, "clerk");
  EXPECT_EQ(audit_count("print.request"), 1u);
}

TEST_F(PrintTest, TopSecretIsForbiddenByDefaultAndByPolicy) {
  const auto secret = granted(Level::top_secret);
  EXPECT_EQ(ask(clerk, secret).error().code, ErrorCode::permission_denied) << "built-in: top_secret never";

  // A policy that forbids printing in claims altogether.
  PolicyService policies(*store, *sink, signing);
  ASSERT_TRUE(policies.apply(admin, "[departments.claims]\nprinting = \"forbid\"\n[departments.sales]\n", "p.toml",
                             origin()));
  const auto doc = granted(Level::secret);
  EXPECT_EQ(ask(clerk, doc).error().code, ErrorCode::permission_denied);
  // …and one that allows top_secret in claims.
  ASSERT_TRUE(policies.apply(admin, "[departments.claims.levels.top_secret]\nallow_printing = true\n", "p.toml",
                             origin()));
  EXPECT_TRUE(ask(clerk, secret));
}

TEST_F(PrintTest, OnlyAnotherManagerOfTheDepartmentDecides) {
  const auto doc = granted();
  auto r = ask(manager_and_clerk, doc);
  ASSERT_TRUE(r) << r.error().describe();
  const auto now = now_seconds();
  EXPECT_EQ(prints->approve(manager_and_clerk, r->id, now, now + 3600, origin()).error().code,
            ErrorCode::permission_denied) << "the requester approving their own request";
  EXPECT_EQ(prints->approve(sales_manager, r->id, now, now + 3600, origin()).error().code,
            ErrorCode::permission_denied) << "another department's manager";
  EXPECT_EQ(prints->approve(lead, r->id, now, now + 3600, origin()).error().code, ErrorCode::permission_denied);
  EXPECT_EQ(prints->approve(manager, r->id, now + 10, now, origin()).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(prints->approve(manager, r->id, now - 7200, now - 3600, origin()).error().code,
            ErrorCode::invalid_argument) << "a period already over";
  EXPECT_EQ(prints->approve(manager, r->id, now, now + 91 * 86400, origin()).error().code,
            ErrorCode::invalid_argument);
  auto approved = prints->approve(manager, r->id, now, now + 3600, origin());
  ASSERT_TRUE(approved) << approved.error().describe();
  EXPECT_EQ(approved->state, PrintState::approved);
  EXPECT_EQ(approved->decided_by_name, "manager");
  EXPECT_EQ(prints->refuse(manager, r->id, "no", origin()).error().code, ErrorCode::conflict) << "decided once";

  auto other = ask(clerk, doc);
  ASSERT_TRUE(other);
  EXPECT_EQ(prints->refuse(manager, other->id, "", origin()).error().code, ErrorCode::invalid_argument);
  auto refused = prints->refuse(manager, other->id, "not needed on paper", origin());
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->state, PrintState::refused);
  EXPECT_EQ(prints->start(clerk, claims_agent, other->id, "q", origin()).error().code, ErrorCode::permission_denied);
}

TEST_F(PrintTest, OneApprovalPrintsOnce) {
  const auto doc = granted();
  auto pending = ask(clerk, doc);
  ASSERT_TRUE(pending);
  EXPECT_EQ(prints->start(clerk, claims_agent, pending->id, "q", origin()).error().code,
            ErrorCode::permission_denied) << "without approval";
  const auto id = approved(doc);
  EXPECT_EQ(prints->start(lead, claims_agent, id, "q", origin()).error().code, ErrorCode::permission_denied)
      << "someone else's request";
  EXPECT_EQ(prints->start(clerk, sales_agent, id, "q", origin()).error().code, ErrorCode::permission_denied)
      << "another department's workstation";
  auto started = prints->start(clerk, claims_agent, id, "capture", origin());
  ASSERT_TRUE(started) << started.error().describe();
  EXPECT_EQ(started->request.state, PrintState::printing);
  auto code = auditlog::parse_print_code(started->code);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->record, id);
  EXPECT_TRUE(auditlog::verify_print_code(*code, signing.public_key()));
  EXPECT_EQ(prints->start(clerk, claims_agent, id, "capture", origin()).error().code, ErrorCode::conflict)
      << "while it prints";
  EXPECT_EQ(prints->complete(clerk, sales_agent, id, 5, 3, origin()).error().code, ErrorCode::permission_denied);
  auto done = prints->complete(clerk, claims_agent, id, 5, 3, origin());
  ASSERT_TRUE(done) << done.error().describe();
  EXPECT_EQ(done->state, PrintState::printed);
  EXPECT_EQ(*done->job_id, 5);
  EXPECT_EQ(*done->pages, 3);
  EXPECT_EQ(prints->start(clerk, claims_agent, id, "capture", origin()).error().code, ErrorCode::conflict)
      << "twice";
  EXPECT_EQ(audit_count("print.complete"), 1u);
}

TEST_F(PrintTest, AnAbortedRunLeavesTheApproval) {
  const auto id = approved(granted());
  ASSERT_TRUE(prints->start(clerk, claims_agent, id, "capture", origin()));
  auto aborted = prints->abort(clerk, claims_agent, id, "cups: scheduler not running", origin());
  ASSERT_TRUE(aborted) << aborted.error().describe();
  EXPECT_EQ(aborted->state, PrintState::approved);
  EXPECT_FALSE(aborted->agent_id);
  EXPECT_EQ(prints->abort(clerk, claims_agent, id, "again", origin()).error().code, ErrorCode::conflict);
  EXPECT_TRUE(prints->start(clerk, claims_agent, id, "capture", origin())) << "the approval was not consumed";
}

TEST_F(PrintTest, OutsideThePeriodIsRefused) {
  const auto doc = granted();
  auto r = ask(clerk, doc);
  ASSERT_TRUE(r);
  const auto now = now_seconds();
  ASSERT_TRUE(prints->approve(manager, r->id, now + 3600, now + 7200, origin()));
  EXPECT_EQ(prints->start(clerk, claims_agent, r->id, "q", origin()).error().code, ErrorCode::permission_denied)
      << "before the period";
  auto later = origin();
  later.now = now + 7200;
  EXPECT_EQ(prints->start(clerk, claims_agent, r->id, "q", later).error().code, ErrorCode::expired)
      << "after the period";
}

TEST_F(PrintTest, ReceiptAccountingAndOverdue) {
  const auto id = approved(granted());
  EXPECT_EQ(prints->receive(clerk, id, origin()).error().code, ErrorCode::conflict) << "not printed yet";
  ASSERT_TRUE(prints->start(clerk, claims_agent, id, "capture", origin()));
  ASSERT_TRUE(prints->complete(clerk, claims_agent, id, 9, 2, origin()));
  EXPECT_EQ(prints->receive(lead, id, origin()).error().code, ErrorCode::permission_denied);
  auto received = prints->receive(clerk, id, origin());
  ASSERT_TRUE(received) << received.error().describe();
  EXPECT_TRUE(received->received_at);
  EXPECT_EQ(prints->receive(clerk, id, origin()).error().code, ErrorCode::conflict);

  auto after = origin();
  after.now = now_seconds() + 2 * 86400;
  auto overdue = prints->list(manager, PrintListing{{}, true}, after);
  ASSERT_TRUE(overdue);
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_EQ(overdue->front().outstanding(), 2);
  EXPECT_TRUE(prints->list(sales_manager, PrintListing{{}, true}, after)->empty()) << "another department's";

  EXPECT_EQ(prints->account(clerk, id, CopyOutcome::returned, 1, "", origin()).error().code,
            ErrorCode::permission_denied);
  EXPECT_EQ(prints->account(manager, id, CopyOutcome::returned, 3, "", origin()).error().code, ErrorCode::conflict)
      << "more than outstanding";
  ASSERT_TRUE(prints->account(manager, id, CopyOutcome::returned, 1, "", origin()));
  auto shredded = prints->account(manager, id, CopyOutcome::shredded, 1, "", origin());
  ASSERT_TRUE(shredded);
  EXPECT_EQ(shredded->returned, 1);
  EXPECT_EQ(shredded->shredded, 1);
  EXPECT_EQ(shredded->outstanding(), 0);
  EXPECT_TRUE(prints->list(manager, PrintListing{{}, true}, after)->empty());
}

// Signing for, returning and shredding each add a copy event naming the
// audit entry written with it; the request's counters are their sums.
TEST_F(PrintTest, EachCopyEventIsStoredWithItsAuditEntry) {
  const auto id = printed();
  ASSERT_TRUE(prints->receive(clerk, id, origin()));
  ASSERT_TRUE(prints->account(manager, id, CopyOutcome::returned, 1, "", origin()));
  auto done = prints->account(manager, id, CopyOutcome::shredded, 1, "复印件破损 worn", origin());
  ASSERT_TRUE(done) << done.error().describe();
  EXPECT_EQ(done->returned, 1);
  EXPECT_EQ(done->shredded, 1);
  EXPECT_EQ(done->outstanding(), 0);

  const auto events = copy_events();
  ASSERT_EQ(events.size(), 3u);
  const std::vector<std::tuple<CopyEventKind, int, std::string, std::string>> expected = {
      {CopyEventKind::received, 2, "clerk", ""},
      {CopyEventKind::returned, 1, "manager", ""},
      {CopyEventKind::shredded, 1, "manager", "复印件破损 worn"}};
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    EXPECT_EQ(e.request_id, id);
    EXPECT_EQ(e.kind, std::get<0>(expected[i])) << i;
    EXPECT_EQ(e.copies, std::get<1>(expected[i])) << i;
    EXPECT_EQ(e.recorded_by_name, std::get<2>(expected[i])) << i;
    EXPECT_EQ(e.reason, std::get<3>(expected[i])) << i;
    EXPECT_EQ(e.requested_by_name, "clerk");
    EXPECT_EQ(e.level, Level::confidential);
    EXPECT_EQ(e.department, "claims");
    const auto entry = audit_entry(e.audit_seq);
    EXPECT_EQ(entry.action, i == 0 ? "print.receive" : "print.account");
    EXPECT_EQ(entry.target, "print_request:" + std::to_string(id));
    EXPECT_EQ(entry.time, e.recorded_at);
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE action = 'print.account' AND detail LIKE "
                  "'%\"reason\":\"复印件破损 worn\"%'"),
            1);
  // The events are kept as recorded.
  raw_sql_fails("UPDATE print_copy_events SET copies = 2");
  raw_sql_fails("DELETE FROM print_copy_events");
}

TEST_F(PrintTest, RefusedAccountingWritesNothing) {
  const auto id = printed();
  EXPECT_EQ(prints->account(manager, id, CopyOutcome::shredded, 3, "", origin()).error().code, ErrorCode::conflict)
      << "more copies shredded than outstanding";
  EXPECT_EQ(prints->account(clerk, id, CopyOutcome::shredded, 1, "", origin()).error().code,
            ErrorCode::permission_denied) << "not a manager";
  EXPECT_EQ(prints->account(sales_manager, id, CopyOutcome::shredded, 1, "", origin()).error().code,
            ErrorCode::permission_denied) << "another department's manager";
  EXPECT_EQ(prints->account(manager, id, CopyOutcome::shredded, 1, std::string(kMaxPrintReasonBytes + 1, 'x'),
                            origin()).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(prints->account(manager, id, CopyOutcome::shredded, 0, "", origin()).error().code,
            ErrorCode::invalid_argument);
  auto unprinted = approved(granted());
  EXPECT_EQ(prints->account(manager, unprinted, CopyOutcome::shredded, 1, "", origin()).error().code,
            ErrorCode::conflict);
  ASSERT_TRUE(prints->account(manager, id, CopyOutcome::shredded, 2, "", origin()));
  EXPECT_EQ(prints->account(manager, id, CopyOutcome::returned, 1, "", origin()).error().code, ErrorCode::conflict)
      << "none left";
  EXPECT_EQ(copy_events().size(), 1u);
  EXPECT_EQ(audit_count("print.account"), 1u) << "refusals are the API's to record";
}

// When the audit record cannot be written, neither is the event nor the
// counter: the accounting fails closed.
TEST_F(PrintTest, AnUnwritableAuditRecordLeavesNothingHalfWritten) {
  const auto id = printed();
  raw_sql("CREATE TRIGGER audit_down BEFORE INSERT ON audit_events WHEN NEW.action IN ('print.account', "
          "'print.receive') BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END");
  auto shredded = prints->account(manager, id, CopyOutcome::shredded, 1, "worn", origin());
  ASSERT_FALSE(shredded);
  EXPECT_EQ(shredded.error().code, ErrorCode::conflict) << "SQLite reports the refusing trigger as a constraint";
  ASSERT_FALSE(prints->receive(clerk, id, origin()));
  EXPECT_TRUE(copy_events().empty());
  auto unchanged = prints->show(manager, id, origin());
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->shredded, 0);
  EXPECT_FALSE(unchanged->received_at);
  EXPECT_EQ(audit_count("print.account"), 0u);

  raw_sql("DROP TRIGGER audit_down");
  ASSERT_TRUE(prints->receive(clerk, id, origin()));
  ASSERT_TRUE(prints->account(manager, id, CopyOutcome::shredded, 1, "worn", origin()));
  EXPECT_EQ(copy_events().size(), 2u);
}

// A store of schema 8 kept only the counters; migration 9 finds each event
// in the audit log, with who recorded it and when.
TEST_F(PrintTest, AStoreOfSchema8GetsItsCopyEventsFromTheAuditLog) {
  const auto id = printed();
  ASSERT_TRUE(prints->receive(clerk, id, origin()));
  ASSERT_TRUE(prints->account(manager, id, CopyOutcome::returned, 1, "", origin()));
  ASSERT_TRUE(prints->account(manager, id, CopyOutcome::shredded, 1, "worn", origin()));
  const auto before = copy_events();
  ASSERT_EQ(before.size(), 3u);
  close_store();
  raw_sql("DROP TABLE print_copy_events; DELETE FROM schema_migrations WHERE version = 9");
  auto reopened = open_sqlite_store(dir / "vault.db", false);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  store = std::move(*reopened);
  const auto after = copy_events();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].request_id, before[i].request_id);
    EXPECT_EQ(after[i].kind, before[i].kind) << i;
    EXPECT_EQ(after[i].copies, before[i].copies) << i;
    EXPECT_EQ(after[i].recorded_by, before[i].recorded_by) << i;
    EXPECT_EQ(after[i].recorded_at, before[i].recorded_at) << i;
    EXPECT_EQ(after[i].reason, before[i].reason) << i;
    EXPECT_EQ(after[i].audit_seq, before[i].audit_seq) << i;
  }
  EXPECT_EQ(count("SELECT max(version) FROM schema_migrations"), 9);
}

TEST_F(PrintTest, PrintoutsAreInTheLendingRegister) {
  const auto id = approved(granted());
  ASSERT_TRUE(prints->start(clerk, claims_agent, id, "capture", origin()));
  ASSERT_TRUE(prints->complete(clerk, claims_agent, id, 9, 2, origin()));
  ASSERT_TRUE(prints->account(manager, id, CopyOutcome::shredded, 1, "", origin()));
  RegisterService registers(*store, *sink);
  const auto month = format_rfc3339(now_seconds()).substr(0, 7);
  auto lending = registers.lending(manager, month, std::nullopt, origin());
  ASSERT_TRUE(lending) << lending.error().describe();
  ASSERT_EQ(lending->printouts.size(), 1u);
  EXPECT_EQ(lending->printouts[0].id, id);
  EXPECT_EQ(lending->printouts[0].shredded, 1);
  EXPECT_EQ(lending->printouts[0].outstanding(), 1);
  auto other = registers.lending(sales_manager, month, std::nullopt, origin());
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->printouts.empty()) << "another department's register";
}

TEST_F(PrintTest, TraceVerifiesTheSignature) {
  const auto id = approved(granted());
  auto started = prints->start(clerk, claims_agent, id, "capture", origin());
  ASSERT_TRUE(started);
  auto traced = prints->trace(auditor, started->code, origin());
  ASSERT_TRUE(traced) << traced.error().describe();
  EXPECT_EQ(traced->id, id);
  EXPECT_EQ(traced->requested_by_name, "clerk");
  EXPECT_EQ(prints->trace(clerk, started->code, origin()).error().code, ErrorCode::permission_denied);
  const auto forged = auditlog::make_print_code(id, SigningKey::generate());
  EXPECT_EQ(prints->trace(auditor, forged, origin()).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(prints->trace(auditor, "hello", origin()).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(prints->trace(sales_manager, started->code, origin()).error().code, ErrorCode::permission_denied);
}

}  // namespace
}  // namespace custos::vault
