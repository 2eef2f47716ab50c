// Customer records in the vault over a real SQLite store: problem cases kept
// with their findings, nothing stored from a malformed file, nothing stored
// in the clear, masking and who may unmask, fixes checked again, the T+1
// screening (different customers vs the same one, entries of today left for
// tomorrow, due dates across a weekend and a holiday, assignment to channel
// staff, overdue cases raised once, later records joining an open case),
// clearing rights, and exports.
#include "custos/vault/records_service.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "service_test_harness.hpp"

namespace custos::vault {
namespace {

UnixSeconds at(std::string_view when) { return *parse_time(when); }
Origin when(std::string_view time) { return Origin{"req", "127.0.0.1", at(time), ""}; }

// Thursday 2026-12-03, 10:00 in China (UTC+8).
constexpr std::string_view kThursday = "2026-12-03T02:00:00Z";
constexpr std::string_view kFriday = "2026-12-04T01:00:00Z";

constexpr std::string_view kHeader =
    "policy_no,role,name,gender,birth_date,id_type,id_number,phone,address,bank_account,agent_code,employer\n";

class RecordsServiceTest : public ::testing::Test, protected ServiceHarness {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_services("records-svc", when(kThursday)));
    ASSERT_TRUE(directory->create_department(admin, "sales", when(kThursday)));
    clerk = make("clerk", "claims", {Role::info_clerk});
    agent = make("agent1", "claims", {Role::info_clerk});
    manager = make("manager", "claims", {Role::dept_manager});
    auditor = make("auditor", "claims", {Role::auditor});
    sales_clerk = make("sales-clerk", "sales", {Role::info_clerk});
    hasher = std::make_unique<IdentifierHasher>(Secret::random(32));
    RecordsOptions options;
    const std::string_view holidays[] = {"2026-12-08"};
    options.calendar = *records::WorkCalendar::from_strings(holidays);
    records = std::make_unique<RecordsService>(*store, *sink, vault_key, *hasher, std::move(options));
  }
  void TearDown() override { records.reset(); }

  Principal make(const std::string& name, const std::string& dept, RoleSet roles) {
    auto made = directory->create_user(
        admin, NewUser{name, name, dept, roles, Secret::from_string(name + "-password-1")}, when(kThursday));
    EXPECT_TRUE(made) << made.error().describe();
    return Principal{made->user, ""};
  }

  Result<ImportResult> import(const std::string& rows, std::string_view time = kThursday,
                              const Principal* by = nullptr) {
    const std::string csv = std::string(kHeader) + rows;
    return records->import(by ? *by : clerk, ImportRequest{"insurance", Level::confidential, "list.csv", csv},
                           when(time));
  }

  std::vector<RecordView> all(const Principal& by, bool problems_only = false) {
    RecordQuery query;
    query.problems_only = problems_only;
    auto list = records->list(by, query, false, when(kFriday));
    EXPECT_TRUE(list) << list.error().describe();
    return list ? *list : std::vector<RecordView>{};
  }

  static std::string field(const RecordView& view, std::string_view name) {
    for (const auto& [key, value] : view.fields) {
      if (key == name) return value;
    }
    return "<absent>";
  }

  std::unique_ptr<IdentifierHasher> hasher;
  std::unique_ptr<RecordsService> records;
  Principal clerk, agent, manager, auditor, sales_clerk;
};

TEST_F(RecordsServiceTest, ImportKeepsFailingRowsAsProblemCasesWithTheirFindings) {
  auto done = import(
      "P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,4111111111111111,A01,\n"
      "P2,policyholder,李四,女,1949-12-31,,110105194912310021,13900139000,北京市,,A01,\n"
      "P3,policyholder,王五,男,2000-02-29,,440101200002290014,,深圳市,,A01,\n");
  ASSERT_TRUE(done) << done.error().describe();
  EXPECT_EQ(done->import.rows, 3);
  EXPECT_EQ(done->import.problems, 2);
  EXPECT_EQ(done->import.level, Level::confidential);
  ASSERT_EQ(done->findings.size(), 2u);
  EXPECT_EQ(done->findings[0].code, records::FindingCode::id_checksum);
  EXPECT_EQ(done->findings[1].code, records::FindingCode::missing_field);

  const auto every = all(clerk);
  ASSERT_EQ(every.size(), 3u);
  EXPECT_EQ(every[0].record.state, RecordState::ok);
  EXPECT_EQ(every[0].record.findings, "[]");
  const auto problems = all(clerk, true);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].record.row, 2);
  EXPECT_NE(problems[0].record.findings.find("\"id_checksum\""), std::string::npos);
  EXPECT_EQ(problems[1].record.row, 3);
}

TEST_F(RecordsServiceTest, MalformedFileStoresNothing) {
  auto done = import("P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,,A01,\n"
                     "P2,policyholder,\"李四,女\n");
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(all(clerk).empty());
  auto bad_template = records->import(clerk, ImportRequest{"pets", Level::secret, "x.csv", "a\n"}, when(kThursday));
  ASSERT_FALSE(bad_template);
  EXPECT_EQ(bad_template.error().code, ErrorCode::invalid_argument);
  auto bad_level = records->import(clerk, ImportRequest{"insurance", Level::unknown, "x.csv", kHeader}, when(kThursday));
  ASSERT_FALSE(bad_level);
  EXPECT_EQ(bad_level.error().code, ErrorCode::invalid_argument);
}

TEST_F(RecordsServiceTest, OnlyClerksImportAndFix) {
  auto by_manager = import("P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,,A01,\n",
                           kThursday, &manager);
  ASSERT_FALSE(by_manager);
  EXPECT_EQ(by_manager.error().code, ErrorCode::permission_denied);
  ASSERT_TRUE(import("P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,,A01,\n"));
  const auto id = all(clerk).at(0).record.id;
  auto fixed = records->fix(manager, id, {{"phone", "13700137000"}}, when(kFriday));
  ASSERT_FALSE(fixed);
  EXPECT_EQ(fixed.error().code, ErrorCode::permission_denied);
  auto other_department = records->fix(sales_clerk, id, {{"phone", "13700137000"}}, when(kFriday));
  ASSERT_FALSE(other_department);
  EXPECT_EQ(other_department.error().code, ErrorCode::permission_denied);
}

TEST_F(RecordsServiceTest, NoCustomerValueIsStoredInTheClear) {
  ASSERT_TRUE(import("P1,policyholder,张三丰,男,1990-01-01,,440101199001011233,13812345678,广州市天河路,"
                     "4111111111111111,A01,某某公司\n"));
  close_services();
  std::string bytes;
  for (const char* name : {"vault.db", "vault.db-wal"}) {
    std::ifstream in(dir / name, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), 4096u);
  for (const std::string_view value : {"张三丰", "440101199001011233", "13812345678", "4111111111111111", "广州市天河路",
                                       "某某公司"}) {
    EXPECT_EQ(bytes.find(value), std::string::npos) << value;
  }
}

TEST_F(RecordsServiceTest, ListsMaskUnlessAClerkOfTheDepartmentAsks) {
  ASSERT_TRUE(import("P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,4111111111111111,A01,\n"));
  const auto masked = all(manager);
  ASSERT_EQ(masked.size(), 1u);
  EXPECT_TRUE(masked[0].masked);
  EXPECT_EQ(field(masked[0], "id_number"), "4401**********1233");
  EXPECT_EQ(field(masked[0], "phone"), "138****8000");
  EXPECT_EQ(field(masked[0], "bank_account"), "4111********1111");
  EXPECT_EQ(field(masked[0], "name"), "张三");

  auto unmasked = records->show(clerk, masked[0].record.id, true, when(kFriday));
  ASSERT_TRUE(unmasked) << unmasked.error().describe();
  EXPECT_FALSE(unmasked->masked);
  EXPECT_EQ(field(*unmasked, "id_number"), "440101199001011233");

  auto by_manager = records->show(manager, masked[0].record.id, true, when(kFriday));
  ASSERT_FALSE(by_manager);
  EXPECT_EQ(by_manager.error().code, ErrorCode::permission_denied);
  auto by_other = records->show(sales_clerk, masked[0].record.id, false, when(kFriday));
  ASSERT_FALSE(by_other);
  EXPECT_EQ(by_other.error().code, ErrorCode::permission_denied);
  EXPECT_TRUE(all(sales_clerk).empty());
  auto by_auditor = records->list(auditor, RecordQuery{}, false, when(kFriday));
  ASSERT_FALSE(by_auditor);
  EXPECT_EQ(by_auditor.error().code, ErrorCode::permission_denied);
}

TEST_F(RecordsServiceTest, FixChecksAgainAndSealsTheNextVersion) {
  ASSERT_TRUE(import("P2,policyholder,李四,女,1949-12-31,,110105194912310021,13900139000,北京市,,A01,\n"));
  const auto id = all(clerk).at(0).record.id;
  auto unknown = records->fix(clerk, id, {{"favourite_colour", "blue"}}, when(kFriday));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
  auto still_bad = records->fix(clerk, id, {{"id_number", "11010519491231002X"}, {"gender", "男"}}, when(kFriday));
  ASSERT_TRUE(still_bad) << still_bad.error().describe();
  EXPECT_EQ(still_bad->record.state, RecordState::problem);
  EXPECT_NE(still_bad->record.findings.find("\"gender_mismatch\""), std::string::npos);
  auto fixed = records->fix(clerk, id, {{"gender", "女"}}, when(kFriday));
  ASSERT_TRUE(fixed) << fixed.error().describe();
  EXPECT_EQ(fixed->record.state, RecordState::ok);
  EXPECT_EQ(fixed->record.version, 3u);
  EXPECT_EQ(fixed->record.findings, "[]");
  EXPECT_TRUE(all(clerk, true).empty());
  auto shown = records->show(clerk, id, true, when(kFriday));
  ASSERT_TRUE(shown) << shown.error().describe();
  EXPECT_EQ(field(*shown, "id_number"), "11010519491231002X");
  EXPECT_EQ(field(*shown, "name"), "李四");
}

// Two customers (two ID numbers) sharing a phone; one customer on two policies.
constexpr std::string_view kSharedRows =
    "P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,,A01,\n"
    "P2,policyholder,孙八,男,2000-02-29,,440101200002290014,138-0013-8000,深圳市,,A02,\n"
    "P3,policyholder,周九,男,1985-05-12,,510102198505129876,13700137000,成都市,,A01,\n"
    "P4,policyholder,周九,男,1985-05-12,,510102198505129876,13700137000,成都市,,A01,\n";

TEST_F(RecordsServiceTest, DifferentCustomersSharingAPhoneAreACaseTheSameCustomerIsNot) {
  ASSERT_TRUE(import(std::string(kSharedRows)));
  auto run = records->run_daily(when(kFriday));
  ASSERT_TRUE(run) << run.error().describe();
  EXPECT_EQ(run->through_day, "2026-12-03");
  EXPECT_EQ(run->listed_on, "2026-12-04");
  EXPECT_EQ(run->screened, 4);
  ASSERT_EQ(run->new_cases.size(), 1u);
  auto cases = records->cases(manager, CaseFilter::open, std::nullopt, when(kFriday));
  ASSERT_TRUE(cases) << cases.error().describe();
  ASSERT_EQ(cases->size(), 1u);
  const auto& c = cases->front();
  EXPECT_EQ(c.kind, "shared_phone");
  EXPECT_EQ(c.masked_value, "138****8000");
  EXPECT_EQ(c.entry_day, "2026-12-03");
  EXPECT_EQ(c.records.size(), 2u);
  // A second run finds nothing new to screen.
  auto again = records->run_daily(when(kFriday));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->screened, 0);
  EXPECT_TRUE(again->new_cases.empty());
}

TEST_F(RecordsServiceTest, TodaysEntriesWaitForTomorrowsList) {
  ASSERT_TRUE(import(std::string(kSharedRows)));
  auto same_day = records->run_daily(when("2026-12-03T15:00:00Z"));  // 23:00 in China, still Thursday
  ASSERT_TRUE(same_day);
  EXPECT_EQ(same_day->screened, 0);
  auto next_day = records->run_daily(when("2026-12-03T16:30:00Z"));  // 00:30 Friday in China
  ASSERT_TRUE(next_day);
  EXPECT_EQ(next_day->screened, 4);
  EXPECT_EQ(next_day->new_cases.size(), 1u);
}

TEST_F(RecordsServiceTest, DueDateSkipsTheWeekendAndAConfiguredHoliday) {
  ASSERT_TRUE(import(std::string(kSharedRows)));
  ASSERT_TRUE(records->run_daily(when(kFriday)));
  auto cases = records->cases(manager, CaseFilter::listed_on, "2026-12-04", when(kFriday));
  ASSERT_TRUE(cases) << cases.error().describe();
  ASSERT_EQ(cases->size(), 1u);
  // Friday's list: Mon 7th, (Tue 8th a holiday), Wed 9th, Thu 10th.
  EXPECT_EQ(cases->front().due_on, "2026-12-10");
}

TEST_F(RecordsServiceTest, CasesGoToTheChannelStaffWhoClearThem) {
  auto by_clerk = records->set_channel_staff(clerk, "A02", "agent1", when(kThursday));
  ASSERT_FALSE(by_clerk);
  EXPECT_EQ(by_clerk.error().code, ErrorCode::permission_denied);
  ASSERT_TRUE(records->set_channel_staff(manager, "A02", "agent1", when(kThursday)));
  ASSERT_TRUE(import(std::string(kSharedRows)));
  auto run = records->run_daily(when(kFriday));
  ASSERT_TRUE(run);
  ASSERT_EQ(run->new_cases.size(), 1u);
  const Id id = run->new_cases[0];
  auto listed = records->cases(agent, CaseFilter::open, std::nullopt, when(kFriday));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  // The triggering record is the later one, of agent code A02.
  EXPECT_EQ(listed->front().agent_code, "A02");
  EXPECT_EQ(listed->front().assigned_to, agent.user.id);

  auto not_assignee = records->clear_case(clerk, id, "checked", "call 1", when(kFriday));
  ASSERT_FALSE(not_assignee);
  EXPECT_EQ(not_assignee.error().code, ErrorCode::permission_denied);
  auto no_evidence = records->clear_case(agent, id, "checked", " ", when(kFriday));
  ASSERT_FALSE(no_evidence);
  EXPECT_EQ(no_evidence.error().code, ErrorCode::invalid_argument);
  auto cleared = records->clear_case(agent, id, "spouses share one phone", "call record 2026-12-04 #17", when(kFriday));
  ASSERT_TRUE(cleared) << cleared.error().describe();
  EXPECT_EQ(cleared->state, CaseState::cleared);
  EXPECT_EQ(cleared->evidence, "call record 2026-12-04 #17");
  auto twice = records->clear_case(manager, id, "again", "x", when(kFriday));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
}

TEST_F(RecordsServiceTest, OverdueCasesAreRaisedOnceAndListed) {
  ASSERT_TRUE(import(std::string(kSharedRows)));
  ASSERT_TRUE(records->run_daily(when(kFriday)));
  // Due Thursday 10th: on that day it is not overdue yet.
  auto on_due_day = records->run_daily(when("2026-12-10T01:00:00Z"));
  ASSERT_TRUE(on_due_day);
  EXPECT_TRUE(on_due_day->overdue_raised.empty());
  auto late = records->run_daily(when("2026-12-11T01:00:00Z"));
  ASSERT_TRUE(late);
  ASSERT_EQ(late->overdue_raised.size(), 1u);
  auto later = records->run_daily(when("2026-12-12T01:00:00Z"));
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->overdue_raised.empty());
  auto overdue = records->cases(auditor, CaseFilter::overdue, std::nullopt, when("2026-12-11T01:00:00Z"));
  ASSERT_TRUE(overdue) << overdue.error().describe();
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_TRUE(overdue->front().overdue_raised_at.has_value());
  ASSERT_TRUE(records->clear_case(manager, overdue->front().id, "checked late", "memo 9", when("2026-12-11T02:00:00Z")));
  auto after = records->cases(auditor, CaseFilter::overdue, std::nullopt, when("2026-12-11T03:00:00Z"));
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->empty());
}

TEST_F(RecordsServiceTest, LaterRecordsJoinTheOpenCaseOfTheirValue) {
  ASSERT_TRUE(import(std::string(kSharedRows)));
  ASSERT_TRUE(records->run_daily(when(kFriday)));
  // Monday: a third customer with the same phone.
  ASSERT_TRUE(import("P9,policyholder,李四,女,1949-12-31,,11010519491231002X,13800138000,北京市,,A03,\n",
                     "2026-12-07T02:00:00Z"));
  auto run = records->run_daily(when("2026-12-08T02:00:00Z"));
  ASSERT_TRUE(run) << run.error().describe();
  EXPECT_TRUE(run->new_cases.empty());
  ASSERT_EQ(run->joined_cases.size(), 1u);
  auto cases = records->cases(manager, CaseFilter::all, std::nullopt, when("2026-12-08T02:00:00Z"));
  ASSERT_TRUE(cases);
  ASSERT_EQ(cases->size(), 1u);
  EXPECT_EQ(cases->front().records.size(), 3u);
}

TEST_F(RecordsServiceTest, AManagerScreensUpToTodayOnDemand) {
  ASSERT_TRUE(import(std::string(kSharedRows)));
  auto by_clerk = records->screen(clerk, std::nullopt, when(kThursday));
  ASSERT_FALSE(by_clerk);
  EXPECT_EQ(by_clerk.error().code, ErrorCode::permission_denied);
  auto future = records->screen(manager, "2026-12-04", when(kThursday));
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().code, ErrorCode::invalid_argument);
  auto now = records->screen(manager, std::nullopt, when(kThursday));
  ASSERT_TRUE(now) << now.error().describe();
  EXPECT_EQ(now->screened, 4);
  EXPECT_EQ(now->new_cases.size(), 1u);
  EXPECT_EQ(now->listed_on, "2026-12-03");
}

TEST_F(RecordsServiceTest, ExportsAreMaskedAndAnotherPurposeDropsPhoneAndEmployer) {
  ASSERT_TRUE(import("P1,policyholder,张三,男,1990-01-01,,440101199001011233,13800138000,广州市,4111111111111111,A01,某某公司\n"));
  auto full = records->export_records(manager, "insurance", "records", when(kFriday));
  ASSERT_TRUE(full) << full.error().describe();
  ASSERT_EQ(full->rows.size(), 1u);
  const auto column = [](const RecordExport& e, std::string_view name) -> std::ptrdiff_t {
    const auto found = std::find(e.columns.begin(), e.columns.end(), name);
    return found == e.columns.end() ? -1 : found - e.columns.begin();
  };
  ASSERT_GE(column(*full, "phone"), 0);
  EXPECT_EQ(full->rows[0][static_cast<std::size_t>(column(*full, "phone"))], "138****8000");
  EXPECT_EQ(full->rows[0][static_cast<std::size_t>(column(*full, "id_number"))], "4401**********1233");
  EXPECT_EQ(full->rows[0][static_cast<std::size_t>(column(*full, "employer"))], "某某公司");
  auto other = records->export_records(manager, "insurance", "other", when(kFriday));
  ASSERT_TRUE(other);
  EXPECT_EQ(column(*other, "phone"), -1);
  EXPECT_EQ(column(*other, "employer"), -1);
  EXPECT_GE(column(*other, "id_number"), 0);
  auto bad = records->export_records(manager, "insurance", "marketing", when(kFriday));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace custos::vault
