// `custos-vault backup` and `restore` on real processes: a backup taken
// while two clients write (departments, uploaded documents), restored into
// a new folder and served again. Every write acknowledged before the backup
// started is there, every document's content reads back byte for byte, and
// the restored audit log exports and verifies offline.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <boost/json.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "custos/platform/encoding.hpp"
#include "custos/platform/hash.hpp"
#include "custos/platform/timestamp.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr const char* kFastHeads = "[audit_log]\nhead_every_entries = 5\nhead_every_seconds = 1\n";

Bytes content_of(int n) {
  // 64 KiB to ~2.1 MiB: some documents span several chunks.
  Bytes out(65536 + static_cast<std::size_t>(n % 5) * 520000);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(n * 31 + i * 13 + i / 4099);
  return out;
}

// What the writers had acknowledged at some moment.
struct Acked {
  std::set<std::string> departments;
  std::map<std::int64_t, int> documents;  // id → n of content_of(n)
};

class BackupE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    vault = std::make_unique<VaultProcess>("backup", kFastHeads);
    ASSERT_EQ(vault->login("it", "admin", VaultProcess::kAdminPassword).exit_code, 0);
    ASSERT_EQ(vault->custos("it", {"dept", "add", "claims"}).exit_code, 0);
    for (const auto& [name, role] :
         std::vector<std::pair<std::string, std::string>>{{"lead", "project_lead"}, {"clerk", "info_clerk"}, {"aud", "auditor"}}) {
      auto made = vault->custos("it", {"user", "add", name, "--department", "claims", "--role", role, "--password"},
                                {{"CUSTOS_NEW_PASSWORD", name + "-password-1"}});
      ASSERT_EQ(made.exit_code, 0) << made.err;
    }
    agent_credential = vault->enroll_agent("claims");
  }

  Acked acked() {
    std::lock_guard lock(mutex);
    return acked_;
  }

  // Creates departments until told to stop, recording each acknowledged one.
  void write_departments(std::stop_token stop) {
    auto admin = vault->client("admin", VaultProcess::kAdminPassword);
    for (int i = 0; !stop.stop_requested(); ++i) {
      const auto name = "dept-" + std::to_string(i);
      const json::value body(json::object{{"name", name}});
      if (admin.call("POST", "/api/v1/departments", &body)) {
        std::lock_guard lock(mutex);
        acked_.departments.insert(name);
      }
    }
  }

  // Uploads documents until told to stop, recording each acknowledged one.
  void upload_documents(std::stop_token stop) {
    auto lead = vault->client("lead", "lead-password-1");
    for (int n = 0; !stop.stop_requested(); ++n) {
      const auto content = content_of(n);
      std::size_t at = 0;
      auto made = lead.upload_stream("/api/v1/documents?title=doc-" + std::to_string(n) + "&level=secret",
                                     content.size(), "application/octet-stream",
                                     [&](std::span<std::uint8_t> into) {
                                       const auto take = std::min(into.size(), content.size() - at);
                                       std::copy_n(content.begin() + static_cast<std::ptrdiff_t>(at), take, into.begin());
                                       at += take;
                                       return take;
                                     });
      if (made) {
        std::lock_guard lock(mutex);
        acked_.documents[made->at("id").as_int64()] = n;
      }
    }
  }

  std::unique_ptr<VaultProcess> vault;
  std::string agent_credential;
  std::mutex mutex;
  Acked acked_;
};

TEST_F(BackupE2e, ABackupUnderWriteLoadRestoresEveryAcknowledgedWrite) {
  const auto backup_file = vault->dir() / "vault.backup";
  Acked before;
  {
    std::jthread departments([this](std::stop_token stop) { write_departments(stop); });
    std::jthread uploads([this](std::stop_token stop) { upload_documents(stop); });
    // Let both writers get going, so the backup meets writes in flight.
    for (int i = 0; i < 600; ++i) {
      const auto now = acked();
      if (now.departments.size() >= 20 && now.documents.size() >= 4) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    before = acked();
    ASSERT_GE(before.documents.size(), 4u);
    auto backed_up = run_command({(bin_dir() / "custos-vault").string(), "backup", "--data-dir",
                                  vault->data_dir().string(), "--out", backup_file.string()});
    ASSERT_EQ(backed_up.exit_code, 0) << backed_up.err;
    EXPECT_NE(backed_up.out.find("document file(s)"), std::string::npos) << backed_up.out;
    // The writers went on meanwhile (the backup did not stop the vault).
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_GT(acked().departments.size(), before.departments.size());
  }
  struct stat st {};
  ASSERT_EQ(::stat(backup_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A second backup to the same file is refused, never replaces it.
  auto again = run_command({(bin_dir() / "custos-vault").string(), "backup", "--data-dir",
                            vault->data_dir().string(), "--out", backup_file.string()});
  EXPECT_EQ(again.exit_code, 1);
  const Acked everything = acked();

  // The vault is lost; its keys were backed up separately.
  ASSERT_EQ(vault->terminate(), 0);
  const auto old_data = vault->dir() / "old-data";
  fs::rename(vault->data_dir(), old_data);
  // Without keys a restore opens nothing.
  auto keyless = run_command({(bin_dir() / "custos-vault").string(), "restore", backup_file.string(),
                              "--data-dir", vault->data_dir().string()});
  EXPECT_EQ(keyless.exit_code, 1);
  EXPECT_NE(keyless.err.find("not_found"), std::string::npos) << keyless.err;
  EXPECT_FALSE(fs::exists(vault->data_dir() / "vault.db"));
  auto restored = run_command({(bin_dir() / "custos-vault").string(), "restore", backup_file.string(),
                               "--data-dir", vault->data_dir().string(), "--keys-from", old_data.string()});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  ASSERT_EQ(::stat(vault->data_dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((vault->data_dir() / "vault.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Restoring over a store is refused.
  auto over = run_command({(bin_dir() / "custos-vault").string(), "restore", backup_file.string(),
                           "--data-dir", vault->data_dir().string()});
  EXPECT_EQ(over.exit_code, 1);
  EXPECT_NE(over.err.find("already_exists"), std::string::npos) << over.err;
  vault->restart(true);

  auto admin = vault->client("admin", VaultProcess::kAdminPassword);
  auto listed = admin.call("GET", "/api/v1/departments");
  ASSERT_TRUE(listed) << listed.error().describe();
  std::set<std::string> departments;
  for (const auto& d : listed->at("departments").as_array()) departments.insert(std::string(d.at("name").as_string()));
  for (const auto& name : before.departments) EXPECT_TRUE(departments.contains(name)) << name << " was lost";
  for (const auto& name : departments) {
    EXPECT_TRUE(name == "claims" || name == "quality-management" || everything.departments.contains(name)) << name;
  }

  auto lead = vault->client("lead", "lead-password-1");
  auto clerk = vault->client("clerk", "clerk-password-1");
  clerk.set_agent_credential(Secret::from_string(agent_credential));
  auto documents = lead.call("GET", "/api/v1/documents");
  ASSERT_TRUE(documents) << documents.error().describe();
  std::set<std::int64_t> restored_ids;
  for (const auto& d : documents->at("documents").as_array()) restored_ids.insert(d.at("id").as_int64());
  for (const auto& [id, n] : before.documents) {
    ASSERT_TRUE(restored_ids.contains(id)) << "document " << id << " was lost";
    const json::value grant(json::object{{"user", "clerk"}, {"until", format_rfc3339(now_seconds() + 86400)}});
    auto granted = lead.call("POST", "/api/v1/documents/" + std::to_string(id) + "/grants", &grant);
    ASSERT_TRUE(granted) << granted.error().describe();
    Bytes received;
    auto got = clerk.download("/api/v1/documents/" + std::to_string(id) + "/content",
                             [&](std::span<const std::uint8_t> piece) -> Result<void> {
                               received.insert(received.end(), piece.begin(), piece.end());
                               return ok();
                             });
    ASSERT_TRUE(got) << "document " << id << ": " << got.error().describe();
    EXPECT_EQ(sha256(received), sha256(content_of(n))) << "document " << id;
  }
  for (const auto id : restored_ids) EXPECT_TRUE(everything.documents.contains(id)) << id;

  // The restored log verifies offline, with the key from the key backup.
  ASSERT_EQ(vault->login("aud", "aud", "aud-password-1").exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // a head over the newest entries
  const auto exported = vault->dir() / "export.jsonl";
  auto exp = vault->custos("aud", {"audit", "export", "--output", exported.string()});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  auto verified = vault->custos("aud", {"audit", "verify", exported.string(), "--pubkey",
                                        (vault->data_dir() / "keys" / "signing.pub").string(), "--format", "json"});
  ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  const auto report = json::parse(verified.out);
  EXPECT_TRUE(report.at("ok").as_bool());
  EXPECT_GT(report.at("last_seq").as_int64(),
            static_cast<std::int64_t>(before.departments.size() + before.documents.size()));
}

TEST_F(BackupE2e, AnotherVaultsKeysOpenNothing) {
  const auto backup_file = vault->dir() / "vault.backup";
  auto backed_up = run_command({(bin_dir() / "custos-vault").string(), "backup", "--data-dir",
                                vault->data_dir().string(), "--out", backup_file.string()});
  ASSERT_EQ(backed_up.exit_code, 0) << backed_up.err;
  VaultProcess other("backup-other");
  const auto target = vault->dir() / "restored";
  auto restored = run_command({(bin_dir() / "custos-vault").string(), "restore", backup_file.string(),
                               "--data-dir", target.string(), "--keys-from", other.data_dir().string()});
  EXPECT_EQ(restored.exit_code, 1);
  EXPECT_NE(restored.err.find("crypto"), std::string::npos) << restored.err;
  EXPECT_FALSE(fs::exists(target / "vault.db"));
  EXPECT_TRUE(fs::is_empty(target / "blobs"));
  EXPECT_FALSE(fs::exists(target / "keys" / "vault.key"));  // the wrong keys are not left either
  EXPECT_FALSE(fs::exists(target / "tls" / "key.pem"));
}

}  // namespace
}  // namespace custos::testing
