// The tamper-evident audit log end to end: the real custos-vault signing
// heads over TLS, the real custos command as an auditor exporting and
// verifying offline, a vault rolled back or forked behind the auditor's back,
// and a store that cannot be written.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <thread>

#include "custos/platform/timestamp.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;

// Heads every 5 entries or second, so tests need not wait long.
constexpr const char* kFastHeads = "[audit_log]\nhead_every_entries = 5\nhead_every_seconds = 1\n";

std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void write_lines(const std::filesystem::path& file, const std::vector<std::string>& lines) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (const auto& line : lines) out << line << '\n';
}

class AuditLogE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    vault = std::make_unique<VaultProcess>("auditlog", kFastHeads);
    ASSERT_EQ(login("it", "admin", VaultProcess::kAdminPassword).exit_code, 0);
    ASSERT_EQ(as("it", {"dept", "add", "claims"}).exit_code, 0);
    for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"lead", "project_lead"}, {"clerk", "info_clerk"}, {"aud", "auditor"}}) {
      auto made = as("it", {"user", "add", name, "--department", "claims", "--role", role, "--password"},
                     {{"CUSTOS_NEW_PASSWORD", name + "-password-1"}});
      ASSERT_EQ(made.exit_code, 0) << made.err;
      ASSERT_EQ(login(name, name, name + "-password-1").exit_code, 0);
    }
    pubkey = (vault->data_dir() / "keys" / "signing.pub").string();
  }

  CommandResult as(const std::string& profile, const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env = {}) const {
    return vault->custos(profile, args, env);
  }
  CommandResult login(const std::string& profile, const std::string& user, const std::string& password) const {
    return vault->login(profile, user, password);
  }
  // Some allowed and refused actions: each is a log entry.
  void activity(int rounds) const {
    for (int i = 0; i < rounds; ++i) {
      EXPECT_EQ(as("clerk", {"whoami"}).exit_code, 0);
      EXPECT_EQ(as("clerk", {"user", "list"}).exit_code, 1);  // refused, and logged
    }
  }
  // The vault signs within a second of the log growing.
  static void let_a_head_be_signed() { std::this_thread::sleep_for(std::chrono::milliseconds(1600)); }

  std::unique_ptr<VaultProcess> vault;
  std::string pubkey;
};

TEST_F(AuditLogE2e, AnExportVerifiesOfflineAndAnyChangeIsNamed) {
  activity(10);
  let_a_head_be_signed();
  const auto file = vault->dir() / "export.jsonl";
  auto exported = as("aud", {"audit", "export", "--output", file.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto verified = as("aud", {"audit", "verify", file.string(), "--pubkey", pubkey, "--format", "json"});
  ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  const auto report = json::parse(verified.out);
  EXPECT_TRUE(report.at("ok").as_bool());
  EXPECT_GE(report.at("last_seq").as_int64(), 25);
  // Only an auditor exports.
  EXPECT_EQ(as("lead", {"audit", "export", "--output", (vault->dir() / "x.jsonl").string()}).exit_code, 1);

  const auto lines = lines_of(file);
  ASSERT_GT(lines.size(), 20u);
  const auto verdict = [&](const std::vector<std::string>& changed) {
    write_lines(file, changed);
    auto result = as("aud", {"audit", "verify", file.string(), "--pubkey", pubkey, "--format", "json"});
    EXPECT_EQ(result.exit_code, 1) << result.out;
    return json::parse(result.out);
  };
  // Line i + 1 holds entry i (line 1 is the header).
  auto changed = lines;
  changed[12].replace(changed[12].find("\"actor\":\"") + 9, 1, "X");
  EXPECT_EQ(verdict(changed).at("bad_seq").as_int64(), 12);
  auto dropped = lines;
  dropped.erase(dropped.begin() + 7);
  EXPECT_EQ(verdict(dropped).at("bad_seq").as_int64(), 7);
  auto swapped = lines;
  std::swap(swapped[3], swapped[4]);
  EXPECT_EQ(verdict(swapped).at("bad_seq").as_int64(), 3);
  // Another vault's key verifies nothing.
  VaultProcess other("auditlog-other");
  write_lines(file, lines);
  EXPECT_EQ(as("aud", {"audit", "verify", file.string(), "--pubkey",
                       (other.data_dir() / "keys" / "signing.pub").string()})
                .exit_code,
            1);
}

TEST_F(AuditLogE2e, TheCsvExportVerifiesToo) {
  activity(5);
  let_a_head_be_signed();
  const auto file = vault->dir() / "export.csv";
  auto exported = as("aud", {"audit", "export", "--format", "csv", "--output", file.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto verified = as("aud", {"audit", "verify", file.string(), "--pubkey", pubkey, "--format", "json"});
  ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  auto lines = lines_of(file);
  ASSERT_GT(lines.size(), 10u);
  EXPECT_TRUE(lines[0].starts_with("\xEF\xBB\xBF\"{"));
  EXPECT_TRUE(lines[1].starts_with("seq,time,request_id"));
  // Record 3 + i holds entry i + 1; change entry 6's action.
  auto& row = lines[7];
  ASSERT_TRUE(row.starts_with("6,")) << row;
  const auto at = row.find(",session.");
  if (at != std::string::npos) {
    row.replace(at + 1, 8, "sessioN.");
  } else {
    row.replace(row.find(",user.") + 1, 5, "usEr.");
  }
  write_lines(file, lines);
  auto tampered = as("aud", {"audit", "verify", file.string(), "--pubkey", pubkey, "--format", "json"});
  ASSERT_EQ(tampered.exit_code, 1) << tampered.out;
  EXPECT_EQ(json::parse(tampered.out).at("bad_seq").as_int64(), 6);
}

TEST_F(AuditLogE2e, ARolledBackOrForkedLogIsCaughtAgainstTheSavedHead) {
  activity(2);
  let_a_head_be_signed();
  ASSERT_EQ(as("aud", {"audit", "head"}).exit_code, 0);  // trusted on first use
  // A copy of the data as it is now, taken with the vault stopped.
  vault->terminate();
  const auto backup = vault->dir() / "backup";
  std::filesystem::copy(vault->data_dir(), backup, std::filesystem::copy_options::recursive);
  vault->restart();
  ASSERT_EQ(login("clerk", "clerk", "clerk-password-1").exit_code, 0);
  ASSERT_EQ(login("aud", "aud", "aud-password-1").exit_code, 0);
  activity(10);
  let_a_head_be_signed();
  auto seen = as("aud", {"audit", "head", "--format", "json"});
  ASSERT_EQ(seen.exit_code, 0) << seen.err;
  const auto seen_size = json::parse(seen.out).at("tree_size").as_int64();
  const auto saved_head = vault->dir() / "seen-head.json";
  std::ofstream(saved_head) << seen.out;

  // The vault is put back to the copy: its log is shorter than what the
  // auditor saw.
  vault->terminate();
  std::filesystem::remove_all(vault->data_dir());
  std::filesystem::copy(backup, vault->data_dir(), std::filesystem::copy_options::recursive);
  vault->restart();
  ASSERT_EQ(login("clerk", "clerk", "clerk-password-1").exit_code, 0);
  ASSERT_EQ(login("aud", "aud", "aud-password-1").exit_code, 0);
  let_a_head_be_signed();
  auto truncated = as("aud", {"audit", "head"});
  EXPECT_EQ(truncated.exit_code, 1) << truncated.out;

  // It goes on with another history until it is longer than what was seen:
  // a fork, which the consistency proof cannot hide.
  activity(12);
  let_a_head_be_signed();
  auto now = as("aud", {"audit", "head", "--format", "json"});
  EXPECT_EQ(now.exit_code, 1) << now.out;
  // The same check by hand between two saved heads.
  const auto current_head = vault->dir() / "current-head.json";
  auto fresh = vault->login("fresh-auditor", "aud", "aud-password-1");
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  auto fresh_head = vault->custos("fresh-auditor", {"audit", "head", "--format", "json"});
  ASSERT_EQ(fresh_head.exit_code, 0) << fresh_head.err;  // a new auditor has nothing to compare with
  ASSERT_GT(json::parse(fresh_head.out).at("tree_size").as_int64(), seen_size);
  std::ofstream(current_head, std::ios::trunc) << fresh_head.out;
  auto consistency = vault->custos("fresh-auditor", {"audit", "consistency", saved_head.string(),
                                                     current_head.string(), "--pubkey", pubkey});
  EXPECT_EQ(consistency.exit_code, 1) << consistency.out;
}

TEST_F(AuditLogE2e, TheVaultRefusesToStartOnALogCutBelowItsSignedHead) {
  activity(3);
  let_a_head_be_signed();
  vault->terminate();
  // Someone removes the newest entries behind the vault's back.
  const auto db = vault->data_dir() / "vault.db";
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  const auto removed = sqlite3_exec(
      raw,
      "DROP TRIGGER audit_events_append_only_delete; DROP TRIGGER log_subtrees_append_only_delete; "
      "DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - 3 FROM audit_events); "
      "DELETE FROM log_subtrees WHERE (idx + 1) * (1 << level) > (SELECT MAX(seq) FROM audit_events);",
      nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  ASSERT_EQ(removed, SQLITE_OK);
  EXPECT_THROW(vault->restart(), std::runtime_error);
}

TEST_F(AuditLogE2e, AStoreThatCannotBeWrittenRefusesActionsNoneSucceedUnlogged) {
  auto before = as("lead", {"doc", "list", "--format", "json"});
  ASSERT_EQ(before.exit_code, 0);
  // From now on every write of the vault's files fails (EFBIG), as on a full
  // disk: only the soft limit is lowered, so it can be raised again.
  rlimit limit{};
  ASSERT_EQ(::prlimit(vault->pid(), RLIMIT_FSIZE, nullptr, &limit), 0);
  const rlimit full{0, limit.rlim_max};
  ASSERT_EQ(::prlimit(vault->pid(), RLIMIT_FSIZE, &full, nullptr), 0);
  int refused = 0;
  for (int i = 0; i < 5; ++i) {
    auto made = as("it", {"user", "add", "late" + std::to_string(i), "--department", "claims", "--role",
                          "info_clerk", "--password"},
                   {{"CUSTOS_NEW_PASSWORD", "late-password-12"}});
    refused += made.exit_code != 0 ? 1 : 0;
    EXPECT_NE(as("clerk", {"whoami"}).exit_code, 0) << "even a read needs its audit record";
  }
  EXPECT_EQ(refused, 5);
  ASSERT_TRUE(vault->running()) << "a failed write does not kill the vault";
  ASSERT_EQ(::prlimit(vault->pid(), RLIMIT_FSIZE, &limit, nullptr), 0);

  // Writable again: nothing of the refused actions happened, and the log
  // holds no allowed record of them.
  auto users = as("it", {"user", "list", "--format", "json"});
  ASSERT_EQ(users.exit_code, 0) << users.err;
  EXPECT_EQ(users.out.find("late"), std::string::npos);
  auto creations = as("aud", {"audit", "list", "--action", "user.create", "--outcome", "allowed", "--format", "json"});
  ASSERT_EQ(creations.exit_code, 0) << creations.err;
  EXPECT_EQ(creations.out.find("late"), std::string::npos);
  // And the log still verifies end to end.
  let_a_head_be_signed();
  const auto file = vault->dir() / "after.jsonl";
  ASSERT_EQ(as("aud", {"audit", "export", "--output", file.string()}).exit_code, 0);
  EXPECT_EQ(as("aud", {"audit", "verify", file.string(), "--pubkey", pubkey}).exit_code, 0);
}

}  // namespace
}  // namespace custos::testing
