// Documents' ciphertext in blob files: what an upload leaves on disk, what a
// failing disk leaves (nothing), what the start-up sweep removes, and the
// documents of older vaults whose chunks stay in the store.
#include <sys/stat.h>

#include <cstring>

#include "custos/platform/hash.hpp"
#include "custos/vault/testonly/fault_injecting_blob_store.hpp"
#include "service_test_support.hpp"

namespace custos::vault {
namespace {

class DocumentBlobTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    faulty = std::make_unique<testonly::FaultInjectingBlobStore>(*blobs);
    faulty_documents = std::make_unique<DocumentService>(*store, *faulty, *sink, vault_key);
  }
  void close_store() override {
    faulty_documents.reset();
    faulty.reset();
    ServiceTest::close_store();
  }

  // Uploads `content` through the fault-injecting blob store.
  Result<Document> faulty_upload(const std::string& content) {
    auto up = faulty_documents->begin_upload(lead, NewDocument{"t", Level::secret, "", "f", "text/plain"}, origin());
    if (!up) return fail(up.error());
    if (auto written = (*up)->write(as_bytes(content)); !written) {
      (*up)->abort(origin(), written.error());  // as the server does
      return fail(written.error());
    }
    return (*up)->finish(origin());
  }

  // Nothing of a failed upload stays: no row, no blob; its refusal is audited.
  void expect_nothing_left(std::int64_t refusals) {
    EXPECT_EQ(count("SELECT count(*) FROM documents"), 0);
    EXPECT_TRUE(blob_names().empty());
    EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE action = 'document.upload' AND outcome = 'refused' "
                    "AND reason = 'io'"), refusals);
  }

  std::unique_ptr<testonly::FaultInjectingBlobStore> faulty;
  std::unique_ptr<DocumentService> faulty_documents;
};

TEST_F(DocumentBlobTest, TheCiphertextIsOneFileWhoseDigestTheRowRecords) {
  const auto content = sample(5 * 1024 * 1024 + 4321);
  auto doc = upload(lead, content);
  ASSERT_TRUE(doc) << doc.error().describe();
  EXPECT_EQ(doc->ciphertext_in, CiphertextLocation::blob);
  EXPECT_EQ(blob_names(), std::vector<std::string>{std::to_string(doc->id)}) << "published, no staging file left";
  const auto bytes = file_bytes(blob_path(doc->id));
  EXPECT_EQ(bytes.size(), blob_size(content.size(), 6));
  EXPECT_EQ(doc->chunk_count, 6u);
  EXPECT_EQ(hex_encode(sha256(bytes)), doc->ciphertext_sha256) << "the file is exactly the bytes the digest covers";
  EXPECT_TRUE(std::equal(doc->stream_header.begin(), doc->stream_header.end(), bytes.begin())) << "header first";
  const auto text = std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  EXPECT_EQ(text.find(content.substr(0, 64)), std::string_view::npos) << "no plaintext";
  struct stat info {};
  ASSERT_EQ(::stat(blob_path(doc->id).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 60, origin()));
  EXPECT_EQ(*read_all(clerk, doc->id), content);
}

TEST_F(DocumentBlobTest, ExactlyFullChunksAndTheInPlaceInterfaceRoundTrip) {
  const auto content = sample(2 * 1024 * 1024);
  auto up = documents->begin_upload(lead, NewDocument{"in place", Level::secret, "", "f", "text/plain"}, origin());
  ASSERT_TRUE(up);
  std::size_t at = 0;
  while (at < content.size()) {
    auto room = (*up)->room();
    ASSERT_TRUE(room) << room.error().describe();
    const auto n = std::min(room->size(), content.size() - at);
    std::memcpy(room->data(), content.data() + at, n);
    ASSERT_TRUE((*up)->wrote(n));
    at += n;
  }
  EXPECT_EQ((*up)->wrote(1).error().code, ErrorCode::internal) << "no room was asked for";
  auto doc = (*up)->finish(origin());
  ASSERT_TRUE(doc) << doc.error().describe();
  EXPECT_EQ(doc->chunk_count, 2u) << "the second full chunk is the final one";
  ASSERT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 60, origin()));
  EXPECT_EQ(*read_all(clerk, doc->id), content);
}

TEST_F(DocumentBlobTest, AFailedWriteFailsTheUploadAndLeavesNothing) {
  // Append 0 is the stream header (at begin_upload); 1 the first chunk of a
  // one-chunk upload (at finish, on the request's thread); in a larger
  // upload later appends run on the pipeline's writer thread.
  faulty->fail_appends_after(0);
  EXPECT_EQ(faulty_upload("x").error().code, ErrorCode::io);
  EXPECT_EQ(count("SELECT count(*) FROM documents"), 0);
  EXPECT_TRUE(blob_names().empty());

  faulty->fail_appends_after(1);
  EXPECT_EQ(faulty_upload("one chunk").error().code, ErrorCode::io);
  expect_nothing_left(1);

  faulty->fail_appends_after(4);
  EXPECT_EQ(faulty_upload(sample(9 * 1024 * 1024)).error().code, ErrorCode::io);
  expect_nothing_left(2);
  EXPECT_EQ(faulty->appends(), 5) << "the header and three chunks of the last upload";

  faulty->stop_failing_appends();
  EXPECT_TRUE(faulty_upload(sample(3 * 1024 * 1024)));
}

TEST_F(DocumentBlobTest, AFailedFlushFailsTheUploadAndLeavesNothing) {
  faulty->fail_publish(true);
  EXPECT_EQ(faulty_upload(sample(3 * 1024 * 1024)).error().code, ErrorCode::io);
  expect_nothing_left(1);
  faulty->fail_publish(false);
  auto doc = faulty_upload("fine again");
  ASSERT_TRUE(doc) << doc.error().describe();
  EXPECT_EQ(blob_names(), std::vector<std::string>{std::to_string(doc->id)});
}

TEST_F(DocumentBlobTest, AnAbortInTheMiddleStopsTheThreadsAndRemovesTheBlob) {
  auto up = documents->begin_upload(lead, NewDocument{"t", Level::secret, "", "f", "text/plain"}, origin());
  ASSERT_TRUE(up);
  ASSERT_TRUE((*up)->write(as_bytes(sample(7 * 1024 * 1024 + 3))));
  EXPECT_FALSE(blob_names().empty()) << "staged while it runs";
  (*up)->abort(origin(), Error{ErrorCode::unavailable, "connection closed"});
  EXPECT_TRUE(blob_names().empty());
  EXPECT_EQ((*up)->write(as_bytes(std::string("more"))).error().code, ErrorCode::internal);
  EXPECT_EQ(count("SELECT count(*) FROM documents"), 0);
}

TEST_F(DocumentBlobTest, TheSweepRemovesStagingBlobsAndBlobsWithoutAnActiveDocument) {
  auto kept = upload(lead, sample(1500));
  auto destroyed = upload(lead, sample(1500));
  ASSERT_TRUE(kept && destroyed);
  // What a crash leaves: an upload's row still `uploading` with its staging
  // blob, another whose blob was published just before the crash, a blob of
  // a document destroyed while its erasure failed, and leftovers of ids
  // that have no row at all.
  const auto stage = [&](const std::string& title) {
    return transact(*store, TxMode::staging, [&](Transaction& tx) {
      Document d;
      d.title = title;
      d.level = Level::secret;
      d.department_id = lead.user.department_id;
      d.uploaded_by = lead.user.id;
      return tx.insert_document(d);
    });
  };
  const auto staged_row = stage("interrupted");
  const auto published_row = stage("interrupted after publishing");
  ASSERT_TRUE(staged_row && published_row);
  write_file(dir / "blobs" / (std::to_string(staged_row->id) + ".part"), Bytes(100, 1));
  write_file(blob_path(published_row->id), Bytes(100, 2));
  write_file(dir / "blobs" / "9001.part", Bytes(10, 3));
  write_file(blob_path(9002), Bytes(10, 4));
  raw_sql("UPDATE documents SET state = 'destroyed' WHERE id = " + std::to_string(destroyed->id));
  write_file(dir / "blobs" / "README", Bytes(5, 5));  // not a blob name: left alone

  auto swept = documents->sweep_incomplete_uploads(origin());
  ASSERT_TRUE(swept) << swept.error().describe();
  EXPECT_EQ(swept->uploads, 2);
  EXPECT_EQ(swept->blobs, 3) << "the published orphan, the destroyed document's blob, 9002";
  EXPECT_EQ(blob_names(), (std::vector<std::string>{std::to_string(kept->id), "README"}));
  EXPECT_EQ(count("SELECT count(*) FROM documents WHERE state = 'uploading'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_events WHERE action = 'document.upload' AND outcome = 'refused'"), 2);
  ASSERT_TRUE(grants->grant(lead, kept->id, "clerk", now_seconds() + 60, origin()));
  EXPECT_EQ(*read_all(clerk, kept->id), sample(1500)) << "the active document keeps its blob";
  auto again = documents->sweep_incomplete_uploads(origin());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->uploads + again->blobs, 0);
}

// A vault from before blobs (store schema 4) kept every sealed chunk in the
// store: such a document is read from there and destroyed there.
TEST_F(DocumentBlobTest, ADocumentWhoseChunksAreInTheStoreStillReads) {
  const auto content = sample(2 * 1024 * 1024 + 99);
  auto doc = upload(lead, content);
  ASSERT_TRUE(doc);
  // Move its ciphertext into the chunk table, as the old vault kept it.
  const auto bytes = file_bytes(blob_path(doc->id));
  for (std::uint32_t i = 0; i < doc->chunk_count; ++i) {
    const auto from = blob_chunk_offset(i);
    const auto to = std::min<std::uint64_t>(bytes.size(), blob_chunk_offset(i + 1));
    raw_sql("INSERT INTO document_chunks (document_id, idx, data) VALUES (" + std::to_string(doc->id) + ", " +
            std::to_string(i) + ", x'" + hex_encode(std::span(bytes).subspan(from, to - from)) + "')");
  }
  raw_sql("UPDATE documents SET ciphertext_in = 'chunks' WHERE id = " + std::to_string(doc->id));
  std::filesystem::remove(blob_path(doc->id));

  ASSERT_TRUE(grants->grant(lead, doc->id, "clerk", now_seconds() + 60, origin()));
  auto plain = read_all(clerk, doc->id);
  ASSERT_TRUE(plain) << plain.error().describe();
  EXPECT_EQ(*plain, content);
  auto swept = documents->sweep_incomplete_uploads(origin());
  ASSERT_TRUE(swept);
  EXPECT_EQ(swept->blobs, 0);
  raw_sql("DELETE FROM document_chunks WHERE idx = 1 AND document_id = " + std::to_string(doc->id));
  EXPECT_EQ(read_all(clerk, doc->id).error().code, ErrorCode::corrupt) << "a missing chunk fails closed";
}

}  // namespace
}  // namespace custos::vault
