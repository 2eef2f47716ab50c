// Supervised destruction end to end: the real custos-vault over TLS, the
// real custos command as project leads, a clerk and an auditor.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>

#include "custos/platform/timestamp.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;

class DestructionE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    vault = std::make_unique<VaultProcess>("destroy");
    ASSERT_EQ(login("it", "admin", VaultProcess::kAdminPassword).exit_code, 0);
    ASSERT_EQ(as("it", {"dept", "add", "claims"}).exit_code, 0);
    for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"lead", "project_lead"}, {"lead2", "project_lead"}, {"clerk", "info_clerk"}, {"aud", "auditor"}}) {
      auto made = as("it", {"user", "add", name, "--department", "claims", "--role", role, "--password"},
                     {{"CUSTOS_NEW_PASSWORD", password_of(name)}});
      ASSERT_EQ(made.exit_code, 0) << made.err;
      ASSERT_EQ(login(name, name, password_of(name)).exit_code, 0);
    }
  }

  static std::string password_of(const std::string& name) { return name + "-password-1"; }
  CommandResult as(const std::string& profile, const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env = {}) const {
    return vault->custos(profile, args, env);
  }
  CommandResult login(const std::string& profile, const std::string& user, const std::string& password) const {
    return vault->login(profile, user, password);
  }

  // Uploads `content` as the lead and grants the clerk a week; the document id.
  std::string upload_granted(const std::string& title, const std::string& content) const {
    const auto file = vault->dir() / "delivered.csv";
    std::ofstream(file, std::ios::trunc) << content;
    auto uploaded = as("lead", {"doc", "upload", file.string(), "--title", title, "--level", "top_secret"});
    EXPECT_EQ(uploaded.exit_code, 0) << uploaded.err;
    std::filesystem::remove(file);
    const std::string prefix = "uploaded document ";
    const auto start = uploaded.out.find(prefix) + prefix.size();
    const auto id = uploaded.out.substr(start, uploaded.out.find(' ', start) - start);
    auto granted = as("lead", {"doc", "grant", id, "--to", "clerk", "--until", format_rfc3339(now_seconds() + 7 * 86400)});
    EXPECT_EQ(granted.exit_code, 0) << granted.err;
    return id;
  }

  // The clerk's download of a document: its content, or the vault's error.
  Result<std::string> download(const std::string& id) {
    auto client = vault->client("clerk", password_of("clerk"));
    if (agent_credential.empty()) agent_credential = vault->enroll_agent("claims");
    client.set_agent_credential(Secret::from_string(agent_credential));
    std::string received;
    auto result = client.download("/api/v1/documents/" + id + "/content", [&](std::span<const std::uint8_t> piece) {
      received.append(reinterpret_cast<const char*>(piece.data()), piece.size());
      return ok();
    });
    if (!result) return fail(result.error());
    return received;
  }

  std::unique_ptr<VaultProcess> vault;
  std::string agent_credential;  // the clerk's workstation
};

TEST_F(DestructionE2e, RequestedByTheClerkSupervisedByAnotherLead) {
  const std::string title = "保单清单 e2e-shred 3f9a";
  const std::string content = "policy_no,name\nP-1,李四 e2e-plaintext-77c1\n";
  const auto id = upload_granted(title, content);
  ASSERT_EQ(*download(id), content);
  ASSERT_TRUE(std::filesystem::exists(vault->data_dir() / "blobs" / id)) << "the ciphertext is in its own file";

  auto requested = as("clerk", {"destroy", "request", id, "--reason", "records built and confirmed", "--format", "json"});
  ASSERT_EQ(requested.exit_code, 0) << requested.err;
  const auto request = json::parse(requested.out);
  EXPECT_EQ(request.at("state").as_string(), "pending");
  const auto request_id = std::to_string(request.at("id").as_int64());

  EXPECT_EQ(as("clerk", {"destroy", "supervise", request_id}).exit_code, 1) << "the requesting clerk cannot supervise";
  EXPECT_EQ(as("lead", {"destroy", "request", id, "--reason", "again"}).exit_code, 1) << "one pending request";
  EXPECT_EQ(as("lead", {"destroy", "request", id, "--reason", ""}).exit_code, 2);
  EXPECT_EQ(as("lead", {"destroy", "list", "--state", "bogus"}).exit_code, 2);
  ASSERT_EQ(*download(id), content) << "nothing happens before supervision";

  const auto certificate = (vault->dir() / "destruction.cert.json").string();
  auto supervised = as("lead2", {"destroy", "supervise", request_id, "--format", "json", "--certificate", certificate});
  ASSERT_EQ(supervised.exit_code, 0) << supervised.err;
  const auto answer = json::parse(supervised.out);
  EXPECT_TRUE(answer.at("purged").as_bool());
  EXPECT_TRUE(answer.at("ciphertext_erased").as_bool());
  EXPECT_FALSE(answer.as_object().contains("erase_error"));
  EXPECT_FALSE(std::filesystem::exists(vault->data_dir() / "blobs" / id)) << "the ciphertext file is gone";
  const auto& record = answer.at("record");
  EXPECT_EQ(std::to_string(record.at("document").as_int64()), id);
  EXPECT_EQ(record.at("method").as_string(), "crypto-shred");
  EXPECT_EQ(record.at("level").as_string(), "top_secret");
  EXPECT_EQ(record.at("requester").as_string(), "clerk");
  EXPECT_EQ(record.at("supervisor").as_string(), "lead2");
  EXPECT_TRUE(record.at("title_hash").as_string().starts_with("hmac-sha256:"));
  EXPECT_EQ(supervised.out.find("保单清单"), std::string::npos) << "the record holds no title";
  EXPECT_EQ(answer.at("request").at("state").as_string(), "supervised");
  const auto seq = answer.at("seq").as_int64();
  EXPECT_EQ(as("lead", {"destroy", "supervise", request_id}).exit_code, 1) << "decided once";

  // The certificate verifies offline with the vault's public key alone; the
  // auditor can fetch the same one later; a changed one fails.
  const auto pubkey = (vault->data_dir() / "keys" / "signing.pub").string();
  auto verified = as("aud", {"destroy", "verify", certificate, "--pubkey", pubkey, "--format", "json"});
  ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_EQ(json::parse(verified.out).at("seq").as_int64(), seq);
  const auto fetched = (vault->dir() / "fetched.cert.json").string();
  ASSERT_EQ(as("aud", {"destroy", "certificate", std::to_string(seq), "-o", fetched}).exit_code, 0);
  EXPECT_EQ(as("aud", {"destroy", "verify", fetched, "--pubkey", pubkey}).exit_code, 0);
  EXPECT_EQ(as("clerk", {"destroy", "certificate", std::to_string(seq), "-o", fetched}).exit_code, 1)
      << "certificates are for auditors";
  {
    std::ifstream in(certificate);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find("\\\"supervisor\\\":\\\"lead2\\\"");
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(text.find("lead2", at), 5, "lead3");
    std::ofstream(certificate, std::ios::trunc) << text;
  }
  EXPECT_EQ(as("aud", {"destroy", "verify", certificate, "--pubkey", pubkey}).exit_code, 1);

  EXPECT_EQ(download(id).error().code, ErrorCode::not_found);
  EXPECT_EQ(as("clerk", {"doc", "show", id}).exit_code, 1);
  auto docs = as("lead", {"doc", "list", "--format", "json"});
  ASSERT_EQ(docs.exit_code, 0);
  EXPECT_TRUE(json::parse(docs.out).at("documents").as_array().empty()) << "destroyed documents are not listed";

  auto listed = as("lead", {"destroy", "list", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto requests = json::parse(listed.out).at("requests").as_array();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].at("state").as_string(), "supervised");
  EXPECT_EQ(requests[0].at("decided_by").as_string(), "lead2");
  auto table = as("aud", {"destroy", "list", "--state", "supervised"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("supervised"), std::string::npos);

  auto events = as("aud", {"audit", "list", "--action", "document.destroy", "--outcome", "allowed", "--format", "json"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  const auto logged = json::parse(events.out).at("events").as_array();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].at("seq").as_int64(), seq) << "the answer names the record's log entry";
  EXPECT_EQ(logged[0].at("detail"), record);

  // Neither the title nor the content is left in the vault's files.
  for (const bool running : {true, false}) {
    if (!running) {
      ASSERT_EQ(vault->terminate(), 0);
    }
    std::string bytes;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(vault->data_dir())) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    EXPECT_EQ(bytes.find(title), std::string::npos) << (running ? "running" : "stopped");
    EXPECT_EQ(bytes.find("e2e-plaintext-77c1"), std::string::npos) << (running ? "running" : "stopped");
  }
}

TEST_F(DestructionE2e, ARefusedRequestKeepsTheDocument) {
  const auto id = upload_granted("kept", "still readable");
  auto requested = as("clerk", {"destroy", "request", id, "--reason", "done", "--format", "json"});
  ASSERT_EQ(requested.exit_code, 0) << requested.err;
  const auto request_id = std::to_string(json::parse(requested.out).at("id").as_int64());
  EXPECT_EQ(as("lead", {"destroy", "refuse", request_id}).exit_code, 2) << "a refusal needs a reason";
  auto refused = as("lead", {"destroy", "refuse", request_id, "--reason", "records not checked yet"});
  ASSERT_EQ(refused.exit_code, 0) << refused.err;
  EXPECT_EQ(*download(id), "still readable");
  auto pending = as("lead", {"destroy", "list", "--state", "pending", "--format", "json"});
  ASSERT_EQ(pending.exit_code, 0);
  EXPECT_TRUE(json::parse(pending.out).at("requests").as_array().empty());
  EXPECT_EQ(as("lead2", {"destroy", "supervise", request_id}).exit_code, 1) << "decided once";
}

}  // namespace
}  // namespace custos::testing
