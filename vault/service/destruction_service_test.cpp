// Supervised destruction over a real SQLite store, down to the bytes of the
// store's files.
#include "custos/vault/destruction_service.hpp"

#include <fstream>
#include <iterator>

#include "custos/platform/aead.hpp"
#include "custos/vault/testonly/fault_injecting_blob_store.hpp"
#include "service_test_support.hpp"

namespace custos::vault {
namespace {

class DestructionTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    destruction = std::make_unique<DestructionService>(*store, *blobs, *sink, hasher);
    second_lead = make("lead-b", "claims", {Role::project_lead});
    auditor = make("auditor", "sales", {Role::auditor});
  }
  void close_store() override {
    destruction.reset();
    ServiceTest::close_store();
  }

  Result<Document> granted_upload(const std::string& content, const std::string& title = "客户清单") {
    auto doc = upload(lead, content, Level::confidential, title);
    if (!doc) return doc;
    CUSTOS_TRY_VOID(grants->grant(lead, doc->id, "clerk", now_seconds() + 3600, origin()));
    return doc;
  }

  Result<Document> stored(Id id) {
    return transact(*store, TxMode::read, [&](Transaction& tx) { return tx.document_by_id(id); });
  }

  std::vector<AuditRecord> audit_of(const std::string& action) {
    AuditQuery query;
    query.action = action;
    return *transact(*store, TxMode::read, [&](Transaction& tx) { return tx.list_audit(query); });
  }

  const IdentifierHasher hasher{Secret::random(32)};
  std::unique_ptr<DestructionService> destruction;
  Principal second_lead, auditor;
};

TEST_F(DestructionTest, WhoMayRequest) {
  auto doc = granted_upload("content");
  auto ungranted = upload(lead, "other content");
  ASSERT_TRUE(doc && ungranted);
  EXPECT_EQ(destruction->request(clerk, ungranted->id, "done", origin()).error().code, ErrorCode::permission_denied)
      << "a clerk without a grant";
  EXPECT_EQ(destruction->request(other_lead, doc->id, "done", origin()).error().code, ErrorCode::permission_denied)
      << "a lead of another department";
  EXPECT_EQ(destruction->request(admin, doc->id, "done", origin()).error().code, ErrorCode::permission_denied)
      << "an IT engineer";
  EXPECT_EQ(destruction->request(lead, 9999, "done", origin()).error().code, ErrorCode::not_found);
  EXPECT_EQ(destruction->request(lead, doc->id, "", origin()).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(destruction->request(lead, doc->id, std::string(501, 'x'), origin()).error().code,
            ErrorCode::invalid_argument);

  auto by_clerk = destruction->request(clerk, doc->id, std::string(500, 'x'), origin());
  ASSERT_TRUE(by_clerk) << by_clerk.error().describe();
  EXPECT_EQ(by_clerk->state, DestructionState::pending);
  EXPECT_EQ(by_clerk->requested_by_name, "clerk");
  EXPECT_EQ(destruction->request(lead, doc->id, "again", origin()).error().code, ErrorCode::conflict)
      << "one pending request per document";
  auto by_lead = destruction->request(lead, ungranted->id, "records confirmed", origin());
  ASSERT_TRUE(by_lead) << by_lead.error().describe();
  EXPECT_EQ(audit_of("destruction.request").size(), 2u);
}

TEST_F(DestructionTest, TheRequesterCannotDecide) {
  auto doc = granted_upload("still here");
  ASSERT_TRUE(doc);
  auto request = destruction->request(lead, doc->id, "records confirmed", origin());
  ASSERT_TRUE(request);
  EXPECT_EQ(destruction->supervise(lead, request->id, origin()).error().code, ErrorCode::permission_denied);
  EXPECT_EQ(destruction->refuse(lead, request->id, "no", origin()).error().code, ErrorCode::permission_denied);
  EXPECT_EQ(destruction->supervise(other_lead, request->id, origin()).error().code, ErrorCode::permission_denied)
      << "a lead of another department";
  EXPECT_EQ(destruction->supervise(clerk, request->id, origin()).error().code, ErrorCode::permission_denied);
  EXPECT_EQ(destruction->supervise(second_lead, 9999, origin()).error().code, ErrorCode::not_found);
  EXPECT_EQ(stored(doc->id)->state, DocumentState::active);
  EXPECT_EQ(*read_all(clerk, doc->id), "still here");
}

TEST_F(DestructionTest, RefusalLeavesTheDocumentIntact) {
  auto doc = granted_upload("keep me");
  ASSERT_TRUE(doc);
  auto request = destruction->request(clerk, doc->id, "records confirmed", origin());
  ASSERT_TRUE(request);
  EXPECT_EQ(destruction->refuse(lead, request->id, "", origin()).error().code, ErrorCode::invalid_argument);
  auto refused = destruction->refuse(lead, request->id, "records not yet checked", origin());
  ASSERT_TRUE(refused) << refused.error().describe();
  EXPECT_EQ(refused->state, DestructionState::refused);
  EXPECT_EQ(refused->decided_by_name, "lead");
  EXPECT_EQ(refused->decision_reason, "records not yet checked");
  EXPECT_EQ(destruction->supervise(second_lead, request->id, origin()).error().code, ErrorCode::conflict)
      << "decided once";
  EXPECT_EQ(*read_all(clerk, doc->id), "keep me");
  const auto records = audit_of("destruction.refuse");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NE(records[0].detail.find("records not yet checked"), std::string::npos);
  EXPECT_TRUE(destruction->request(clerk, doc->id, "checked now", origin())) << "a refused document may be asked again";
}

TEST_F(DestructionTest, SupervisionDestroysAndRecords) {
  auto doc = granted_upload(sample(1024 * 1024 + 10), "保单清单 2026-11");
  ASSERT_TRUE(doc);
  auto request = destruction->request(clerk, doc->id, "records confirmed", origin());
  ASSERT_TRUE(request);
  auto record = destruction->supervise(lead, request->id, origin());
  ASSERT_TRUE(record) << record.error().describe();
  EXPECT_TRUE(record->purged);
  EXPECT_EQ(record->request.state, DestructionState::supervised);
  EXPECT_EQ(record->request.decided_by_name, "lead");

  const auto destroyed = stored(doc->id);
  ASSERT_TRUE(destroyed);
  EXPECT_EQ(destroyed->state, DocumentState::destroyed);
  EXPECT_EQ(destroyed->title, hasher.hash("保单清单 2026-11"));
  EXPECT_TRUE(destroyed->wrapped_key.empty());
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(documents->show(lead, doc->id, origin()).error().code, ErrorCode::not_found);
  EXPECT_TRUE(documents->list(lead, origin())->empty());
  auto doc_grants = grants->of_document(lead, doc->id, origin());
  EXPECT_EQ(doc_grants.error().code, ErrorCode::not_found) << "grants of a destroyed document are not listed";
  auto ended = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.grants_of_document(doc->id); });
  ASSERT_EQ(ended->size(), 1u);
  EXPECT_TRUE(ended->front().revoked_at);
  EXPECT_EQ(ended->front().revoked_by_name, "lead");

  const auto entries = audit_of("document.destroy");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].seq, record->seq);
  EXPECT_EQ(entries[0].target, "document:" + std::to_string(doc->id));
  EXPECT_EQ(entries[0].detail, record->detail);
  for (const auto& field : {"\"title_hash\":\"" + hasher.hash("保单清单 2026-11") + "\"",
                            std::string("\"level\":\"confidential\""), std::string("\"reason\":\"records confirmed\""),
                            std::string("\"requester\":\"clerk\""), std::string("\"supervisor\":\"lead\""),
                            std::string("\"method\":\"crypto-shred\""),
                            "\"ciphertext_sha256\":\"" + doc->ciphertext_sha256 + "\"",
                            "\"requested_at\":\"" + format_rfc3339(request->requested_at) + "\"",
                            std::string("\"destroyed_at\":\""), std::string("\"grants_ended\":1")}) {
    EXPECT_NE(record->detail.find(field), std::string::npos) << field << " in " << record->detail;
  }
  EXPECT_EQ(record->detail.find("保单清单"), std::string::npos) << "never the title itself";

  EXPECT_EQ(destruction->supervise(second_lead, request->id, origin()).error().code, ErrorCode::conflict);
  EXPECT_EQ(destruction->request(lead, doc->id, "again", origin()).error().code, ErrorCode::conflict);
}

TEST_F(DestructionTest, SupervisionOverwritesAndRemovesTheBlob) {
  auto doc = granted_upload(sample(2 * 1024 * 1024 + 10));
  ASSERT_TRUE(doc);
  // A second name for the blob's inode shows what became of its bytes.
  const auto witness = dir / "witness";
  ASSERT_EQ(::link(blob_path(doc->id).c_str(), witness.c_str()), 0);
  const auto size = std::filesystem::file_size(witness);
  ASSERT_NE(file_bytes(witness), Bytes(size, 0));
  auto request = destruction->request(clerk, doc->id, "records confirmed", origin());
  ASSERT_TRUE(request);
  auto record = destruction->supervise(lead, request->id, origin());
  ASSERT_TRUE(record) << record.error().describe();
  EXPECT_TRUE(record->ciphertext_erased);
  EXPECT_FALSE(record->erase_failure);
  EXPECT_FALSE(std::filesystem::exists(blob_path(doc->id)));
  EXPECT_TRUE(blob_names().empty());
  EXPECT_EQ(file_bytes(witness), Bytes(size, 0)) << "every byte overwritten before the name went";
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(read_all(lead, doc->id).error().code, ErrorCode::not_found);
}

TEST_F(DestructionTest, AFailedErasureIsReportedAndTheSweepFinishesIt) {
  testonly::FaultInjectingBlobStore faulty(*blobs);
  faulty.fail_shred(true);
  DestructionService failing(*store, faulty, *sink, hasher);
  auto doc = granted_upload("to be destroyed");
  ASSERT_TRUE(doc);
  auto request = failing.request(clerk, doc->id, "records confirmed", origin());
  ASSERT_TRUE(request);
  auto record = failing.supervise(lead, request->id, origin());
  ASSERT_TRUE(record) << "the key is destroyed and recorded all the same: " << record.error().describe();
  EXPECT_FALSE(record->ciphertext_erased);
  ASSERT_TRUE(record->erase_failure);
  EXPECT_EQ(record->erase_failure->code, ErrorCode::io);
  EXPECT_TRUE(std::filesystem::exists(blob_path(doc->id)));
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::not_found);

  auto swept = documents->sweep_incomplete_uploads(origin());
  ASSERT_TRUE(swept) << swept.error().describe();
  EXPECT_EQ(swept->blobs, 1);
  EXPECT_FALSE(std::filesystem::exists(blob_path(doc->id)));
}

TEST_F(DestructionTest, ListsByDepartmentAndState) {
  auto first = granted_upload("a");
  auto second = granted_upload("b");
  ASSERT_TRUE(first && second);
  auto one = destruction->request(clerk, first->id, "done", origin());
  ASSERT_TRUE(one && destruction->request(clerk, second->id, "done", origin()));
  ASSERT_TRUE(destruction->supervise(lead, one->id, origin()));
  EXPECT_EQ(destruction->list(lead, std::nullopt, origin())->size(), 2u);
  EXPECT_EQ(destruction->list(lead, DestructionState::pending, origin())->size(), 1u);
  EXPECT_EQ(destruction->list(auditor, DestructionState::supervised, origin())->size(), 1u)
      << "an auditor sees every department";
  EXPECT_TRUE(destruction->list(other_lead, std::nullopt, origin())->empty()) << "another department's lead";
  EXPECT_EQ(destruction->list(clerk, std::nullopt, origin()).error().code, ErrorCode::permission_denied);
  EXPECT_EQ(audit_of("destruction.list").size(), 4u);
}

// Every byte of every file in `dir`.
std::string all_bytes(const std::filesystem::path& dir) {
  std::string out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

bool contains(const std::string& haystack, std::span<const std::uint8_t> needle) {
  return haystack.find(std::string_view(reinterpret_cast<const char*>(needle.data()), needle.size())) !=
         std::string::npos;
}

TEST_F(DestructionTest, NothingOfTheDocumentSurvivesInTheStoreFiles) {
  const std::string marker = "CUSTOS-SHRED-MARKER-91d4e7";
  const std::string title = "客户名单 shred-scan 5c02b8";
  std::string content;
  for (int i = 0; content.size() < 300 * 1024; ++i) content += marker + "#" + std::to_string(i) + "\n";
  auto doc = granted_upload(content, title);
  ASSERT_TRUE(doc) << doc.error().describe();

  // The data key, unwrapped the way the document service does it.
  auto before = stored(doc->id);
  ASSERT_TRUE(before);
  const Bytes wrapped = before->wrapped_key;
  auto data_key = aead::open(vault_key, wrapped, document_associated_data("dk", *before));
  ASSERT_TRUE(data_key) << data_key.error().describe();
  ASSERT_EQ(*read_all(clerk, doc->id), content);

  struct Needle {
    const char* what;
    Bytes bytes;
  };
  const std::vector<Needle> needles = {
      {"plaintext marker", Bytes(marker.begin(), marker.end())},
      {"data key", Bytes(data_key->unsafe_bytes().begin(), data_key->unsafe_bytes().end())},
      {"wrapped key", wrapped},
      {"title", Bytes(title.begin(), title.end())},
  };
  // The scan can find what is there: before destruction the wrapped key and
  // the title are in the store's files (database or write-ahead log).
  {
    const auto bytes = all_bytes(dir);
    EXPECT_TRUE(contains(bytes, needles[2].bytes)) << "the wrapped key is stored before destruction";
    EXPECT_TRUE(contains(bytes, needles[3].bytes)) << "the title is stored before destruction";
    EXPECT_FALSE(contains(bytes, needles[0].bytes)) << "content is stored encrypted";
    EXPECT_FALSE(contains(bytes, needles[1].bytes)) << "the data key is stored wrapped only";
  }

  auto request = destruction->request(clerk, doc->id, "records confirmed", origin());
  ASSERT_TRUE(request);
  auto record = destruction->supervise(lead, request->id, origin());
  ASSERT_TRUE(record) << record.error().describe();
  ASSERT_TRUE(record->purged);

  // While the vault still runs (its write-ahead log in place), and after it closed.
  for (const bool open : {true, false}) {
    if (!open) close_store();
    const auto bytes = all_bytes(dir);
    for (const auto& needle : needles) {
      EXPECT_FALSE(contains(bytes, needle.bytes)) << needle.what << " found after destruction (store "
                                                  << (open ? "open" : "closed") << ")";
    }
  }
}

}  // namespace
}  // namespace custos::vault
