// End to end through the built binaries: custos-vault init and serve, then
// the custos command as the IT engineer, a project lead and a clerk.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "custos/platform/timestamp.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

class VaultCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { vault = new VaultProcess("cli"); }
  static void TearDownTestSuite() {
    delete vault;
    vault = nullptr;
  }
  static CommandResult as(const std::string& profile, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {}) {
    return vault->custos(profile, args, env);
  }
  static CommandResult login(const std::string& profile, const std::string& user, const std::string& password) {
    return as(profile, {"login", "--server", vault->url(), "--fingerprint", vault->fingerprint(), "--user", user},
              {{"CUSTOS_PASSWORD", password}});
  }
  static VaultProcess* vault;
};
VaultProcess* VaultCliTest::vault = nullptr;

TEST_F(VaultCliTest, InitServeUploadGrantListRevokeRefuse) {
  ASSERT_EQ(login("it", "admin", VaultProcess::kAdminPassword).exit_code, 0);
  ASSERT_EQ(as("it", {"dept", "add", "claims"}).exit_code, 0);
  ASSERT_EQ(as("it", {"user", "add", "lead", "--department", "claims", "--role", "project_lead", "--password"},
               {{"CUSTOS_NEW_PASSWORD", "lead-password-1"}}).exit_code, 0);
  auto clerk = as("it", {"user", "add", "clerk", "--department", "claims", "--role", "info_clerk",
                         "--display-name", "张三"});
  ASSERT_EQ(clerk.exit_code, 0) << clerk.err;
  const auto marker = std::string("password (shown once): ");
  const auto at = clerk.out.find(marker);
  ASSERT_NE(at, std::string::npos) << "a generated password is printed once";
  const auto clerk_password = clerk.out.substr(at + marker.size(), clerk.out.find('\n', at) - at - marker.size());

  auto users = as("it", {"user", "list", "--format", "json"});
  ASSERT_EQ(users.exit_code, 0);
  const auto parsed = boost::json::parse(users.out);
  EXPECT_EQ(parsed.at("users").as_array().size(), 3u);

  ASSERT_EQ(login("lead", "lead", "lead-password-1").exit_code, 0);
  const auto file = vault->dir() / "delivered.csv";
  {
    std::ofstream out(file);
    out << "policy_no,name,id_number\nP-1,李四,110101199003074514\n";
  }
  auto upload = as("lead", {"doc", "upload", file.string(), "--title", "保单清单", "--level", "confidential"});
  ASSERT_EQ(upload.exit_code, 0) << upload.err;
  EXPECT_NE(upload.out.find("uploaded document 1"), std::string::npos);
  auto grant = as("lead", {"doc", "grant", "1", "--to", "clerk", "--until", "2099-01-01"});
  EXPECT_EQ(grant.exit_code, 2) << "a grant beyond the 90-day limit is bad input";
  const auto week = format_rfc3339(now_seconds() + 7 * 86400);
  grant = as("lead", {"doc", "grant", "1", "--to", "clerk", "--until", week});
  ASSERT_EQ(grant.exit_code, 0) << grant.err;

  ASSERT_EQ(login("clerk", "clerk", clerk_password).exit_code, 0);
  auto mine = as("clerk", {"doc", "grants", "--format", "json"});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  const auto grants = boost::json::parse(mine.out).at("grants").as_array();
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].at("document_title").as_string(), "保单清单");
  EXPECT_EQ(grants[0].at("access").as_string(), "view_only");
  EXPECT_EQ(as("clerk", {"doc", "show", "1"}).exit_code, 0);
  EXPECT_EQ(as("clerk", {"doc", "list"}).exit_code, 1) << "a clerk sees granted documents only";

  ASSERT_EQ(as("lead", {"doc", "revoke", "1"}).exit_code, 0);
  auto after = as("clerk", {"doc", "grants", "--format", "json"});
  ASSERT_EQ(after.exit_code, 0);
  EXPECT_TRUE(boost::json::parse(after.out).at("grants").as_array().empty());
  auto refused = as("clerk", {"doc", "show", "1"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("no live grant"), std::string::npos) << "one line saying why";
}

// Names are text for people and terminals. A file named in a legacy
// encoding (GBK, from a Windows share) still uploads, its name kept with
// U+FFFD for the bytes that are not UTF-8; a title carrying a terminal
// escape is bad input.
TEST_F(VaultCliTest, FileNamesAndTitlesAreText) {
  ASSERT_EQ(login("admin-t", "admin", VaultProcess::kAdminPassword).exit_code, 0);
  ASSERT_EQ(as("admin-t", {"dept", "add", "texts"}).exit_code, 0);
  ASSERT_EQ(as("admin-t", {"user", "add", "lead-t", "--department", "texts", "--role", "project_lead", "--password"},
               {{"CUSTOS_NEW_PASSWORD", "lead-t-password-1"}})
                .exit_code,
            0);
  ASSERT_EQ(login("lead-t", "lead-t", "lead-t-password-1").exit_code, 0);
  const auto gbk = vault->dir() / "\xB1\xA3\xB5\xA5.csv";  // 保单 in GBK
  {
    std::ofstream out(gbk);
    out << "policy_no\nP-1\n";
  }
  auto upload = as("lead-t", {"doc", "upload", gbk.string(), "--title", "保单", "--level", "secret"});
  ASSERT_EQ(upload.exit_code, 0) << upload.err;
  auto shown = as("lead-t", {"doc", "list", "--format", "json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const auto documents = boost::json::parse(shown.out).at("documents").as_array();
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(documents[0].at("filename").as_string(), "\uFFFD\uFFFD\uFFFD\uFFFD.csv");

  EXPECT_EQ(as("lead-t", {"doc", "upload", gbk.string(), "--title", "a\x1b[2Jb", "--level", "secret"}).exit_code, 2);
  EXPECT_EQ(as("lead-t", {"doc", "upload", gbk.string(), "--title", "\xB1\xA3", "--level", "secret"}).exit_code, 2);
}

TEST_F(VaultCliTest, ExitCodesForUsageAndRefusal) {
  EXPECT_EQ(as("nobody", {"doc", "list"}).exit_code, 1) << "not logged in";
  EXPECT_EQ(as("nobody", {"doc", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(as("nobody", {"--help"}).exit_code, 0);
  EXPECT_EQ(as("nobody", {"doc", "upload", "/no/such/file", "--title", "t", "--level", "secret"}).exit_code, 2);
  EXPECT_EQ(login("wrong", "admin", "not-the-password").exit_code, 1);
  auto pinned = as("pin", {"login", "--server", vault->url(), "--fingerprint", "SHA256:" + std::string(64, '0'),
                           "--user", "admin"}, {{"CUSTOS_PASSWORD", VaultProcess::kAdminPassword}});
  EXPECT_EQ(pinned.exit_code, 1);
  EXPECT_NE(pinned.err.find("not the pinned"), std::string::npos);
  EXPECT_EQ(as("pin", {"login", "--server", vault->url(), "--fingerprint", "nonsense", "--user", "admin"}).exit_code, 2);
}

TEST_F(VaultCliTest, PolicyApplyShowHistory) {
  ASSERT_EQ(login("it2", "admin", VaultProcess::kAdminPassword).exit_code, 0);
  const auto good = std::filesystem::path(CUSTOS_SOURCE_DIR) / "policy" / "testdata" / "good" / "full.toml";
  const auto bad = std::filesystem::path(CUSTOS_SOURCE_DIR) / "policy" / "testdata" / "bad" / "bad_id.toml";
  auto refused = as("it2", {"policy", "apply", bad.string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("bad_id.toml:2:23"), std::string::npos) << refused.err;
  auto applied = as("it2", {"policy", "apply", good.string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(applied.out.find("version 1"), std::string::npos) << applied.out;
  ASSERT_EQ(as("it2", {"policy", "apply", good.string()}).exit_code, 0);
  auto history = as("it2", {"policy", "history", "--format", "json"});
  ASSERT_EQ(history.exit_code, 0);
  const auto versions = boost::json::parse(history.out).at("versions").as_array();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].at("version").as_int64(), 2);
  auto shown = as("it2", {"policy", "show", "--department", "sales"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("version 2"), std::string::npos);
  EXPECT_EQ(as("it2", {"policy", "show", "--department", "nowhere"}).exit_code, 1);
}

TEST_F(VaultCliTest, AuditorListsRefusalsWithFilters) {
  ASSERT_EQ(login("it3", "admin", VaultProcess::kAdminPassword).exit_code, 0);
  ASSERT_EQ(as("it3", {"user", "add", "aud", "--department", "quality-management", "--role", "auditor", "--password"},
               {{"CUSTOS_NEW_PASSWORD", "auditor-password-1"}}).exit_code, 0);
  EXPECT_EQ(as("it3", {"audit", "list"}).exit_code, 1) << "an IT engineer does not read the audit log";
  ASSERT_EQ(login("aud", "aud", "auditor-password-1").exit_code, 0);
  auto refused = as("aud", {"audit", "list", "--user", "admin", "--action", "audit.list", "--outcome", "refused",
                            "--format", "json"});
  ASSERT_EQ(refused.exit_code, 0) << refused.err;
  const auto events = boost::json::parse(refused.out).at("events").as_array();
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(events.back().at("actor").as_string(), "admin");
  EXPECT_EQ(events.back().at("reason").as_string(), "permission_denied");
  auto table = as("aud", {"audit", "list", "--limit", "5"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("SEQ"), std::string::npos);
  EXPECT_EQ(as("aud", {"audit", "list", "--since", "yesterday"}).exit_code, 2);
}

TEST_F(VaultCliTest, SessionFileIsPrivate) {
  ASSERT_EQ(login("private", "admin", VaultProcess::kAdminPassword).exit_code, 0);
  const auto file = vault->dir() / "profile-private" / "session.json";
  ASSERT_TRUE(std::filesystem::exists(file));
  const auto perms = std::filesystem::status(file).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  EXPECT_EQ(as("private", {"whoami"}).exit_code, 0);
  EXPECT_EQ(as("private", {"logout"}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(as("private", {"whoami"}).exit_code, 1);
}

}  // namespace
}  // namespace custos::testing
