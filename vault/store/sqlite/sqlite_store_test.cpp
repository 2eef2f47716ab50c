#include "custos/vault/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "custos/auditlog/entry.hpp"
#include "custos/merkle/memory_tree.hpp"
#include "custos/merkle/prover.hpp"
#include "custos/merkle/verifier.hpp"

namespace custos::vault {
namespace {

AuditRecord audit(std::string action) {
  AuditRecord r;
  r.time = now_seconds();
  r.request_id = "test";
  r.actor = "tester";
  r.source = "127.0.0.1";
  r.action = std::move(action);
  r.outcome = Outcome::allowed;
  r.reason = "ok";
  r.detail = "{}";
  return r;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("custos-store-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto opened = open_sqlite_store(dir / "vault.db", true);
    ASSERT_TRUE(opened) << opened.error().describe();
    store = std::move(*opened);
  }
  void TearDown() override {
    store.reset();
    std::filesystem::remove_all(dir);
  }

  Result<User> add_user(const std::string& name, RoleSet roles) {
    return transact(*store, TxMode::write, [&](Transaction& tx) -> Result<User> {
      auto dept = tx.department_by_name("claims");
      if (!dept) dept = tx.insert_department("claims", now_seconds());
      if (!dept) return fail(dept.error());
      User u;
      u.name = name;
      u.display_name = name;
      u.department_id = dept->id;
      u.roles = roles;
      u.password_hash = "$argon2id$x";
      u.created_at = now_seconds();
      auto made = tx.insert_user(u);
      if (!made) return made;
      if (auto a = tx.append_audit(audit("user.create")); !a) return fail(a.error());
      return made;
    });
  }

  // An active document of `lead`'s department, in `tx`.
  static Result<Document> insert_active_document(Transaction& tx, const User& lead, Level level = Level::secret) {
    Document d;
    d.title = "保单清单";
    d.level = level;
    d.department_id = lead.department_id;
    d.filename = "list.pdf";
    d.uploaded_by = lead.id;
    auto doc = tx.insert_document(d);
    if (!doc) return doc;
    CUSTOS_TRY_VOID(tx.activate_document(doc->id, 83, 1, "abc", Bytes(72, 1), Bytes(24, 2)));
    return doc;
  }

  std::filesystem::path dir;
  std::unique_ptr<Store> store;
};

TEST_F(SqliteStoreTest, WriteWithoutAuditIsRefusedAndRolledBack) {
  auto result = transact(*store, TxMode::write, [](Transaction& tx) -> Result<Department> {
    return tx.insert_department("unaudited", now_seconds());
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::internal);
  auto lookup = transact(*store, TxMode::read, [](Transaction& tx) { return tx.department_by_name("unaudited"); });
  EXPECT_EQ(lookup.error().code, ErrorCode::not_found);
}

TEST_F(SqliteStoreTest, UsersRoundTrip) {
  auto made = add_user("alice", {Role::project_lead, Role::dept_manager});
  ASSERT_TRUE(made) << made.error().describe();
  EXPECT_TRUE(made->roles.has(Role::project_lead));
  EXPECT_TRUE(made->roles.has(Role::dept_manager));
  EXPECT_FALSE(made->roles.has(Role::auditor));
  EXPECT_EQ(made->department, "claims");
  EXPECT_EQ(add_user("alice", {Role::auditor}).error().code, ErrorCode::already_exists);
}

TEST_F(SqliteStoreTest, AuditIsAppendOnly) {
  ASSERT_TRUE(add_user("bob", {Role::auditor}));
  auto records = transact(*store, TxMode::read, [](Transaction& tx) { return tx.list_audit({}); });
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].action, "user.create");
  EXPECT_EQ((*records)[0].seq, 1);
  store.reset();
  // Even a direct connection to the file cannot rewrite or remove an event.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "vault.db").c_str(), &raw), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(raw, "UPDATE audit_events SET outcome = 'refused'", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(raw, "DELETE FROM audit_events", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
}

TEST_F(SqliteStoreTest, DocumentUploadLifecycle) {
  auto lead = add_user("lead", {Role::project_lead});
  ASSERT_TRUE(lead);
  auto doc = transact(*store, TxMode::write, [&](Transaction& tx) -> Result<Document> {
    Document d;
    d.title = "保单清单";
    d.level = Level::confidential;
    d.department_id = lead->department_id;
    d.filename = "list.pdf";
    d.content_type = "application/pdf";
    d.uploaded_by = lead->id;
    d.created_at = now_seconds();
    auto made = tx.insert_document(d);
    if (!made) return made;
    if (auto a = tx.append_audit(audit("document.upload")); !a) return fail(a.error());
    return made;
  });
  ASSERT_TRUE(doc) << doc.error().describe();
  EXPECT_EQ(doc->state, DocumentState::uploading);
  auto listed = transact(*store, TxMode::read, [](Transaction& tx) { return tx.list_documents(std::nullopt); });
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty()) << "an upload in progress is not listed";

  EXPECT_EQ(doc->ciphertext_in, CiphertextLocation::blob);
  auto in_blobs = transact(*store, TxMode::read, [](Transaction& tx) { return tx.active_documents_in_blobs(); });
  ASSERT_TRUE(in_blobs);
  EXPECT_TRUE(in_blobs->empty()) << "an upload in progress has no blob to keep yet";

  auto finished = transact(*store, TxMode::write, [&](Transaction& tx) -> Result<void> {
    CUSTOS_TRY_VOID(tx.activate_document(doc->id, 83, 1, "abc", Bytes(72, 1), Bytes(24, 2)));
    if (auto a = tx.append_audit(audit("document.upload")); !a) return fail(a.error());
    return ok();
  });
  ASSERT_TRUE(finished) << finished.error().describe();
  auto active = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.document_by_id(doc->id); });
  ASSERT_TRUE(active);
  EXPECT_EQ(active->state, DocumentState::active);
  EXPECT_EQ(active->size, 83u);
  EXPECT_EQ(active->title, "保单清单");
  EXPECT_EQ(active->ciphertext_in, CiphertextLocation::blob);
  in_blobs = transact(*store, TxMode::read, [](Transaction& tx) { return tx.active_documents_in_blobs(); });
  ASSERT_TRUE(in_blobs);
  EXPECT_EQ(*in_blobs, std::vector<Id>{doc->id});
}

TEST_F(SqliteStoreTest, GrantsLiveAndRevoked) {
  auto lead = add_user("lead", {Role::project_lead});
  auto clerk = add_user("clerk", {Role::info_clerk});
  ASSERT_TRUE(lead && clerk);
  const auto now = now_seconds();
  auto grant = transact(*store, TxMode::write, [&](Transaction& tx) -> Result<Grant> {
    auto doc = insert_active_document(tx, *lead);
    if (!doc) return fail(doc.error());
    Grant g;
    g.document_id = doc->id;
    g.grantee_id = clerk->id;
    g.granted_by = lead->id;
    g.created_at = now;
    g.expires_at = now + 3600;
    auto made = tx.insert_grant(g);
    if (auto a = tx.append_audit(audit("grant.create")); !a) return fail(a.error());
    return made;
  });
  ASSERT_TRUE(grant) << grant.error().describe();
  auto live = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.live_grant(grant->document_id, clerk->id, now); });
  ASSERT_TRUE(live);
  EXPECT_TRUE(live->has_value());
  auto later = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.live_grant(grant->document_id, clerk->id, now + 3600); });
  EXPECT_FALSE(later->has_value()) << "expired at expires_at";
  auto revoked = transact(*store, TxMode::write, [&](Transaction& tx) -> Result<void> {
    CUSTOS_TRY_VOID(tx.revoke_grant(grant->id, lead->id, now));
    if (auto a = tx.append_audit(audit("grant.revoke")); !a) return fail(a.error());
    return ok();
  });
  ASSERT_TRUE(revoked);
  auto after = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.live_grant(grant->document_id, clerk->id, now); });
  EXPECT_FALSE(after->has_value());
  auto twice = transact(*store, TxMode::write, [&](Transaction& tx) -> Result<void> {
    CUSTOS_TRY_VOID(tx.revoke_grant(grant->id, lead->id, now));
    if (auto a = tx.append_audit(audit("grant.revoke")); !a) return fail(a.error());
    return ok();
  });
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
}

TEST_F(SqliteStoreTest, DestructionRequestsAreDecidedOnceAndShredTheDocument) {
  auto lead = add_user("lead", {Role::project_lead});
  auto clerk = add_user("clerk", {Role::info_clerk});
  ASSERT_TRUE(lead && clerk);
  const auto now = now_seconds();
  auto request = transact(*store, TxMode::write, [&](Transaction& tx) -> Result<DestructionRequest> {
    auto doc = insert_active_document(tx, *lead, Level::top_secret);
    if (!doc) return fail(doc.error());
    CUSTOS_TRY_VOID(tx.insert_grant(Grant{0, doc->id, "", clerk->id, "", lead->id, "", now, now + 3600, {}, ""}));
    DestructionRequest r;
    r.document_id = doc->id;
    r.requested_by = clerk->id;
    r.reason = "records confirmed";
    r.requested_at = now;
    auto made = tx.insert_destruction_request(r);
    if (!made) return made;
    EXPECT_EQ(tx.insert_destruction_request(r).error().code, ErrorCode::conflict) << "one pending request per document";
    if (auto a = tx.append_audit(audit("destruction.request")); !a) return fail(a.error());
    return made;
  });
  ASSERT_TRUE(request) << request.error().describe();
  EXPECT_EQ(request->state, DestructionState::pending);
  EXPECT_EQ(request->level, Level::top_secret);
  EXPECT_EQ(request->requested_by_name, "clerk");
  EXPECT_FALSE(request->decided_by);

  auto decide = [&](DestructionState decision) {
    return transact(*store, TxMode::write, [&](Transaction& tx) -> Result<int> {
      CUSTOS_TRY_VOID(tx.decide_destruction_request(request->id, decision, lead->id, now + 1, ""));
      auto ended = tx.end_live_grants(request->document_id, lead->id, now + 1);
      if (!ended) return ended;
      CUSTOS_TRY_VOID(tx.shred_document(request->document_id, "hmac-sha256:00"));
      if (auto a = tx.append_audit(audit("document.destroy")); !a) return fail(a.error());
      return ended;
    });
  };
  auto ended = decide(DestructionState::supervised);
  ASSERT_TRUE(ended) << ended.error().describe();
  EXPECT_EQ(*ended, 1);
  EXPECT_EQ(decide(DestructionState::refused).error().code, ErrorCode::conflict) << "decided once";

  auto doc = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.document_by_id(request->document_id); });
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->state, DocumentState::destroyed);
  EXPECT_EQ(doc->title, "hmac-sha256:00");
  EXPECT_TRUE(doc->filename.empty());
  EXPECT_TRUE(doc->wrapped_key.empty());
  EXPECT_TRUE(doc->stream_header.empty());
  EXPECT_EQ(doc->ciphertext_sha256, "abc") << "the digest stays for the record";

  auto supervised = transact(*store, TxMode::read, [&](Transaction& tx) {
    return tx.list_destruction_requests(DestructionQuery{{}, request->document_id, DestructionState::supervised});
  });
  ASSERT_TRUE(supervised);
  ASSERT_EQ(supervised->size(), 1u);
  EXPECT_EQ(supervised->front().decided_by_name, "lead");
  EXPECT_EQ(supervised->front().decided_at, now + 1);
  ASSERT_TRUE(store->checkpoint_truncate());
  EXPECT_EQ(std::filesystem::file_size(dir / "vault.db-wal"), 0u);
}

TEST_F(SqliteStoreTest, AStoreBeforeDestructionRequestsAndRecordsIsMigrated) {
  ASSERT_TRUE(add_user("dave", {Role::project_lead}));
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "vault.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE destruction_requests; DROP TABLE suspicious_case_records; "
                         "DROP TABLE suspicious_cases; DROP TABLE channel_staff; DROP TABLE record_values; "
                         "DROP TABLE customer_records; DROP TABLE record_imports; DROP TABLE agent_events; DROP TABLE agents; "
                         "DROP TABLE enrollment_tokens; DROP TABLE print_copy_events; DROP TABLE print_requests; "
                         "ALTER TABLE documents DROP COLUMN ciphertext_in; "
                         "DELETE FROM schema_migrations WHERE version >= 4",
                         nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto reopened = open_sqlite_store(dir / "vault.db", false);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  auto listed = transact(**reopened, TxMode::read, [](Transaction& tx) { return tx.list_destruction_requests({}); });
  ASSERT_TRUE(listed) << listed.error().describe();
  EXPECT_TRUE(listed->empty());
  auto records = transact(**reopened, TxMode::read, [](Transaction& tx) { return tx.list_records({}); });
  ASSERT_TRUE(records) << records.error().describe();
  EXPECT_TRUE(records->empty());
  EXPECT_EQ(sqlite_schema_version(), 9);
}

// A store of schema 4 kept every document's ciphertext in document_chunks:
// after the migration those documents are read and destroyed there.
TEST_F(SqliteStoreTest, DocumentsFromBeforeBlobsKeepTheirChunks) {
  auto lead = add_user("lead", {Role::project_lead});
  ASSERT_TRUE(lead);
  auto doc = transact(*store, TxMode::write, [&](Transaction& tx) -> Result<Document> {
    auto made = insert_active_document(tx, *lead);
    if (!made) return made;
    if (auto a = tx.append_audit(audit("document.upload")); !a) return fail(a.error());
    return made;
  });
  ASSERT_TRUE(doc) << doc.error().describe();
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "vault.db").c_str(), &db), SQLITE_OK);
  const auto sql = "INSERT INTO document_chunks (document_id, idx, data) VALUES (" + std::to_string(doc->id) +
                   ", 0, zeroblob(100)); ALTER TABLE documents DROP COLUMN ciphertext_in; DROP TABLE print_copy_events; "
                   "DROP TABLE print_requests; "
                   "DELETE FROM schema_migrations WHERE version >= 7";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);

  auto reopened = open_sqlite_store(dir / "vault.db", false);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  store = std::move(*reopened);
  auto migrated = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.document_by_id(doc->id); });
  ASSERT_TRUE(migrated);
  EXPECT_EQ(migrated->ciphertext_in, CiphertextLocation::chunks);
  auto in_blobs = transact(*store, TxMode::read, [](Transaction& tx) { return tx.active_documents_in_blobs(); });
  ASSERT_TRUE(in_blobs);
  EXPECT_TRUE(in_blobs->empty());
  auto chunk = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.chunk(doc->id, 0); });
  ASSERT_TRUE(chunk) << chunk.error().describe();
  EXPECT_EQ(chunk->size(), 100u);

  ASSERT_TRUE(transact(*store, TxMode::write, [&](Transaction& tx) -> Result<void> {
    CUSTOS_TRY_VOID(tx.shred_document(doc->id, "hmac-sha256:00"));
    if (auto a = tx.append_audit(audit("document.destroy")); !a) return fail(a.error());
    return ok();
  }));
  chunk = transact(*store, TxMode::read, [&](Transaction& tx) { return tx.chunk(doc->id, 0); });
  EXPECT_EQ(chunk.error().code, ErrorCode::not_found) << "shredding deletes the chunks";
}

TEST_F(SqliteStoreTest, ReopenKeepsDataAndSchema) {
  ASSERT_TRUE(add_user("carol", {Role::auditor}));
  store.reset();
  auto reopened = open_sqlite_store(dir / "vault.db", false);
  ASSERT_TRUE(reopened);
  auto user = transact(**reopened, TxMode::read, [](Transaction& tx) { return tx.user_by_name("carol"); });
  ASSERT_TRUE(user);
  EXPECT_TRUE(user->roles.has(Role::auditor));
}

TEST_F(SqliteStoreTest, MissingStoreWithoutCreateIsNotFound) {
  EXPECT_EQ(open_sqlite_store(dir / "absent.db", false).error().code, ErrorCode::not_found);
}

// The log, rebuilt independently from the stored records.
merkle::Hash expected_root(Store& store) {
  auto tx = store.begin(TxMode::read);
  AuditQuery all;
  all.limit = 1'000'000;
  auto records = (*tx)->list_audit(all);
  merkle::CompactRange range;
  for (const auto& r : *records) {
    range.append(*auditlog::entry_leaf_hash(to_log_entry(r)));
  }
  return range.root();
}

Result<void> append_records(Store& store, int count) {
  return transact(store, TxMode::write, [&](Transaction& tx) -> Result<void> {
    for (int i = 0; i < count; ++i) {
      if (auto a = tx.append_audit(audit("test.append")); !a) return fail(a.error());
    }
    return ok();
  });
}

TEST_F(SqliteStoreTest, EveryAuditRecordIsALeafOfTheLog) {
  EXPECT_EQ(store->log_state().size, 0u);
  EXPECT_EQ(store->log_state().root, merkle::empty_root());
  for (int batch = 1; batch <= 5; ++batch) ASSERT_TRUE(append_records(*store, batch));
  const auto state = store->log_state();
  EXPECT_EQ(state.size, 15u);
  EXPECT_EQ(state.root, expected_root(*store));
  // Proofs from the stored subtrees verify against the live root.
  auto tx = store->begin(TxMode::read);
  TransactionHashSource source(**tx);
  for (std::uint64_t index = 0; index < state.size; ++index) {
    auto proof = merkle::prove_inclusion(source, index, state.size);
    ASSERT_TRUE(proof) << proof.error().describe();
    auto leaves = (*tx)->leaf_hashes(index, 1);
    ASSERT_TRUE(leaves);
    EXPECT_TRUE(merkle::verify_inclusion(leaves->front(), *proof, state.root));
  }
}

TEST_F(SqliteStoreTest, ARolledBackAppendLeavesTheLogAsItWas) {
  ASSERT_TRUE(append_records(*store, 3));
  const auto before = store->log_state();
  {
    auto tx = store->begin(TxMode::write);
    ASSERT_TRUE((*tx)->append_audit(audit("test.rolled_back")));
  }  // destroyed without commit
  EXPECT_EQ(store->log_state().size, before.size);
  EXPECT_EQ(store->log_state().root, before.root);
  ASSERT_TRUE(append_records(*store, 1));
  EXPECT_EQ(store->log_state().size, 4u);
  EXPECT_EQ(store->log_state().root, expected_root(*store));
}

TEST_F(SqliteStoreTest, TextThatIsNotUtf8IsStoredCleanedAndHashedAsStored) {
  auto record = audit("test.bad_text");
  record.request_id = std::string("req\xFF\xC0", 5);
  ASSERT_TRUE(transact(*store, TxMode::write, [&](Transaction& tx) -> Result<void> {
    if (auto a = tx.append_audit(record); !a) return fail(a.error());
    return ok();
  }));
  auto tx = store->begin(TxMode::read);
  auto records = (*tx)->list_audit({});
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->front().request_id, "req\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(store->log_state().root, expected_root(*store));
}

TEST_F(SqliteStoreTest, TheLogSurvivesReopeningAndRecordsWithoutLeavesGetThem) {
  ASSERT_TRUE(append_records(*store, 9));
  const auto before = store->log_state();
  store.reset();
  {
    auto reopened = open_sqlite_store(dir / "vault.db", false);
    ASSERT_TRUE(reopened);
    EXPECT_EQ((*reopened)->log_state().size, before.size);
    EXPECT_EQ((*reopened)->log_state().root, before.root);
  }
  // A store from before the log: records without leaves (simulated by
  // removing the leaves behind the triggers' back).
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "vault.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "DROP TRIGGER log_subtrees_append_only_delete; DELETE FROM log_subtrees;", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto reopened = open_sqlite_store(dir / "vault.db", false);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  EXPECT_EQ((*reopened)->log_state().size, before.size);
  EXPECT_EQ((*reopened)->log_state().root, before.root);
}

TEST_F(SqliteStoreTest, ALogWithMoreLeavesThanRecordsIsRefusedAsCorrupt) {
  ASSERT_TRUE(append_records(*store, 2));
  store.reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "vault.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "INSERT INTO log_subtrees (level, idx, hash) VALUES (0, 7, zeroblob(32));", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto reopened = open_sqlite_store(dir / "vault.db", false);
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code, ErrorCode::corrupt);
}

TEST_F(SqliteStoreTest, TreeHeadsAreKeptInOrderAndAppendOnly) {
  ASSERT_TRUE(append_records(*store, 2));
  const auto key = SigningKey::generate();
  for (std::uint64_t size : {4u, 8u, 16u}) {
    auto head = merkle::sign_tree_head({merkle::log_id_for(key.public_key()), size, merkle::empty_root(), 1}, key);
    ASSERT_TRUE(transact(*store, TxMode::log, [&](Transaction& tx) { return tx.insert_tree_head(*head); }));
  }
  auto tx = store->begin(TxMode::read);
  EXPECT_EQ((*(*tx)->latest_tree_head())->head.tree_size, 16u);
  EXPECT_EQ((*(*tx)->tree_head_at_or_after(5))->head.tree_size, 8u);
  EXPECT_FALSE(*(*tx)->tree_head_at_or_after(17));
  EXPECT_EQ((*tx)->tree_heads(4, 8, 10)->size(), 2u);
  tx->reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "vault.db").c_str(), &raw), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(raw, "DELETE FROM log_heads", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(raw, "UPDATE log_subtrees SET hash = zeroblob(32)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
}

}  // namespace
}  // namespace custos::vault
