#include "custos/vault/sqlite_store.hpp"

#include <atomic>
#include <mutex>
#include <vector>

#include "custos/auditlog/entry.hpp"
#include "custos/platform/json_text.hpp"
#include "sqlite/database.hpp"
#include "sqlite/migrations.hpp"
#include "sqlite/agent_tables.hpp"
#include "sqlite/print_tables.hpp"
#include "sqlite/record_tables.hpp"
#include "sqlite/rows.hpp"

namespace custos::vault {
namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::all_rows;
using sqlite::one_row;


constexpr const char* kUserColumns =
    "SELECT u.id, u.name, u.display_name, u.department_id, d.name, u.roles, u.disabled, "
    "u.password_hash, u.failed_logins, u.locked_until, u.created_at FROM users u "
    "JOIN departments d ON d.id = u.department_id ";

User read_user(const Statement& s) {
  User u;
  u.id = s.integer(0);
  u.name = s.text(1);
  u.display_name = s.text(2);
  u.department_id = s.integer(3);
  u.department = s.text(4);
  u.roles = RoleSet::from_bits(static_cast<std::uint32_t>(s.integer(5)));
  u.disabled = s.integer(6) != 0;
  u.password_hash = s.text(7);
  u.failed_logins = static_cast<int>(s.integer(8));
  u.locked_until = s.integer(9);
  u.created_at = s.integer(10);
  return u;
}

constexpr const char* kDocumentColumns =
    "SELECT doc.id, doc.title, doc.level, doc.department_id, d.name, doc.filename, doc.content_type, "
    "doc.size, doc.version, doc.uploaded_by, u.name, doc.created_at, doc.state, doc.ciphertext_sha256, "
    "doc.wrapped_key, doc.stream_header, doc.chunk_count, doc.ciphertext_in FROM documents doc "
    "JOIN departments d ON d.id = doc.department_id JOIN users u ON u.id = doc.uploaded_by ";

Document read_document(const Statement& s) {
  Document doc;
  doc.id = s.integer(0);
  doc.title = s.text(1);
  doc.level = level_from_string(s.text(2));
  doc.department_id = s.integer(3);
  doc.department = s.text(4);
  doc.filename = s.text(5);
  doc.content_type = s.text(6);
  doc.size = static_cast<std::uint64_t>(s.integer(7));
  doc.version = static_cast<std::uint32_t>(s.integer(8));
  doc.uploaded_by = s.integer(9);
  doc.uploaded_by_name = s.text(10);
  doc.created_at = s.integer(11);
  doc.state = document_state_from_string(s.text(12));
  doc.ciphertext_sha256 = s.text(13);
  doc.wrapped_key = s.blob(14);
  doc.stream_header = s.blob(15);
  doc.chunk_count = static_cast<std::uint32_t>(s.integer(16));
  doc.ciphertext_in = ciphertext_location_from_string(s.text(17));
  return doc;
}

// A grant's columns (read_grant) and the tables they come from, apart so
// that a query can add columns of its own.
constexpr const char* kGrantFields =
    "SELECT g.id, g.document_id, doc.title, g.grantee_id, gu.name, g.granted_by, bu.name, "
    "g.created_at, g.expires_at, g.revoked_at, COALESCE(ru.name, '')";
constexpr const char* kGrantTables =
    " FROM grants g "
    "JOIN documents doc ON doc.id = g.document_id JOIN users gu ON gu.id = g.grantee_id "
    "JOIN users bu ON bu.id = g.granted_by LEFT JOIN users ru ON ru.id = g.revoked_by ";

Grant read_grant(const Statement& s) {
  Grant g;
  g.id = s.integer(0);
  g.document_id = s.integer(1);
  g.document_title = s.text(2);
  g.grantee_id = s.integer(3);
  g.grantee = s.text(4);
  g.granted_by = s.integer(5);
  g.granted_by_name = s.text(6);
  g.created_at = s.integer(7);
  g.expires_at = s.integer(8);
  g.revoked_at = optional_integer(s, 9);
  g.revoked_by_name = s.text(10);
  return g;
}

constexpr const char* kDestructionColumns =
    "SELECT r.id, r.document_id, doc.level, doc.department_id, d.name, r.requested_by, ru.name, r.reason, "
    "r.requested_at, r.state, r.decided_by, COALESCE(du.name, ''), r.decided_at, r.decision_reason "
    "FROM destruction_requests r JOIN documents doc ON doc.id = r.document_id "
    "JOIN departments d ON d.id = doc.department_id JOIN users ru ON ru.id = r.requested_by "
    "LEFT JOIN users du ON du.id = r.decided_by ";

DestructionRequest read_destruction_request(const Statement& s) {
  DestructionRequest r;
  r.id = s.integer(0);
  r.document_id = s.integer(1);
  r.level = level_from_string(s.text(2));
  r.department_id = s.integer(3);
  r.department = s.text(4);
  r.requested_by = s.integer(5);
  r.requested_by_name = s.text(6);
  r.reason = s.text(7);
  r.requested_at = s.integer(8);
  r.state = destruction_state_from_string(s.text(9));
  r.decided_by = optional_integer(s, 10);
  r.decided_by_name = s.text(11);
  r.decided_at = optional_integer(s, 12);
  r.decision_reason = s.text(13);
  return r;
}

// Shared by the removal of an aborted upload and by crypto-shredding (the
// statement cache is keyed by the literal's address).
constexpr const char* kDeleteChunks = "DELETE FROM document_chunks WHERE document_id = ?";

AuditRecord read_audit(const Statement& s) {
  AuditRecord r;
  r.seq = s.integer(0);
  r.time = s.integer(1);
  r.request_id = s.text(2);
  r.actor_id = optional_integer(s, 3);
  r.actor = s.text(4);
  r.source = s.text(5);
  r.action = s.text(6);
  r.target = s.text(7);
  r.outcome = s.text(8) == "allowed" ? Outcome::allowed : Outcome::refused;
  r.reason = s.text(9);
  r.detail = s.text(10);
  return r;
}


// Stores each perfect subtree an append completes (the leaf included).
class SubtreeWriter final : public merkle::SubtreeSink {
 public:
  explicit SubtreeWriter(Database& db) : db_(db) {}
  void completed(const merkle::Subtree& subtree, const merkle::Hash& hash) override {
    if (!result_) return;
    auto stmt = db_.prepare("INSERT INTO log_subtrees (level, idx, hash) VALUES (?, ?, ?)");
    if (!stmt) {
      result_ = fail(stmt.error());
      return;
    }
    stmt->bind(1, std::int64_t{subtree.level}).bind(2, static_cast<std::int64_t>(subtree.index)).bind(3, hash);
    result_ = stmt->run();
  }
  Result<void> result() const { return result_; }

 private:
  Database& db_;
  Result<void> result_;
};

Result<std::vector<merkle::Hash>> read_subtrees(Database& db, std::span<const merkle::Subtree> wanted) {
  std::vector<merkle::Hash> out;
  out.reserve(wanted.size());
  for (const auto& subtree : wanted) {
    auto stmt = db.prepare("SELECT hash FROM log_subtrees WHERE level = ? AND idx = ?");
    if (!stmt) return fail(stmt.error());
    stmt->bind(1, std::int64_t{subtree.level}).bind(2, static_cast<std::int64_t>(subtree.index));
    auto row = stmt->step();
    if (!row) return fail(row.error());
    if (!*row) {
      return fail(ErrorCode::not_found, "the log has no subtree " + std::to_string(subtree.level) + "/" +
                                            std::to_string(subtree.index));
    }
    const auto bytes = stmt->blob(0);
    if (bytes.size() != 32) return fail(ErrorCode::corrupt, "a stored log hash is not 32 bytes");
    merkle::Hash hash;
    std::copy(bytes.begin(), bytes.end(), hash.begin());
    out.push_back(hash);
  }
  return out;
}

Result<merkle::SignedTreeHead> read_head(const Statement& s) {
  const auto bytes = s.blob(0);
  auto head = merkle::decode_signed_tree_head(bytes);
  if (!head) return fail(ErrorCode::corrupt, "a stored tree head is malformed");
  return head;
}

// The committed log, shared by the store and its write transactions: a
// write transaction appends to its own copy and publishes it on commit.
struct LogLedger {
  mutable std::mutex mutex;
  merkle::CompactRange live;

  merkle::CompactRange copy() const {
    std::lock_guard lock(mutex);
    return live;
  }
  void publish(merkle::CompactRange range) {
    std::lock_guard lock(mutex);
    live = std::move(range);
  }
};

class SqliteTransaction final : public Transaction {
 public:
  // `hold` keeps the connection this transaction's own until it ends: the
  // writer's lock, or a reader's lease on its pool slot. `ledger` is given
  // to transactions on the writer.
  SqliteTransaction(TxMode mode, Database& db, std::unique_lock<std::mutex> hold, LogLedger* ledger)
      : Transaction(mode), db_(db), lock_(std::move(hold)), ledger_(ledger) {}
  ~SqliteTransaction() override {
    if (!done_) (void)db_.exec("ROLLBACK");
  }

  Result<Department> insert_department(std::string_view name, UnixSeconds now) override {
    TRY_STMT(s, db_.prepare("INSERT INTO departments (name, created_at) VALUES (?, ?)"));
    s.bind(1, name).bind(2, now);
    if (auto r = s.run(); !r) {
      if (r.error().code == ErrorCode::conflict) return fail(ErrorCode::already_exists, "department exists already");
      return fail(r.error());
    }
    return Department{db_.last_insert_rowid(), std::string(name), now};
  }

  Result<Department> department_by_name(std::string_view name) override {
    auto stmt = db_.prepare("SELECT id, name, created_at FROM departments WHERE name = ?");
    if (stmt) stmt->bind(1, name);
    return one_row(std::move(stmt), [](const Statement& s) {
      return Department{s.integer(0), s.text(1), s.integer(2)};
    }, "no such department");
  }

  Result<std::vector<Department>> list_departments() override {
    TRY_STMT(s, db_.prepare("SELECT id, name, created_at FROM departments ORDER BY name"));
    return all_rows(s, [](const Statement& st) { return Department{st.integer(0), st.text(1), st.integer(2)}; });
  }

  Result<User> insert_user(const User& user) override {
    TRY_STMT(s, db_.prepare(
        "INSERT INTO users (name, display_name, department_id, roles, disabled, password_hash, "
        "failed_logins, locked_until, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?)"));
    s.bind(1, user.name).bind(2, user.display_name).bind(3, user.department_id)
        .bind(4, static_cast<std::int64_t>(user.roles.bits())).bind(5, std::int64_t{user.disabled})
        .bind(6, user.password_hash).bind(7, user.created_at);
    if (auto r = s.run(); !r) {
      if (r.error().code == ErrorCode::conflict) return fail(ErrorCode::already_exists, "a user with that name exists already");
      return fail(r.error());
    }
    return user_by_id(db_.last_insert_rowid());
  }

  Result<User> user_by_name(std::string_view name) override {
    static const std::string sql = std::string(kUserColumns) + "WHERE u.name = ?";
    auto stmt = db_.prepare(sql.c_str());
    if (stmt) stmt->bind(1, name);
    return one_row(std::move(stmt), read_user, "no such user");
  }

  Result<User> user_by_id(Id id) override {
    static const std::string sql = std::string(kUserColumns) + "WHERE u.id = ?";
    auto stmt = db_.prepare(sql.c_str());
    if (stmt) stmt->bind(1, id);
    return one_row(std::move(stmt), read_user, "no such user");
  }

  Result<std::vector<User>> list_users() override {
    static const std::string sql = std::string(kUserColumns) + "ORDER BY u.name";
    TRY_STMT(s, db_.prepare(sql.c_str()));
    return all_rows(s, read_user);
  }

  Result<void> update_login_state(Id user, int failed, UnixSeconds locked_until) override {
    TRY_STMT(s, db_.prepare("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?"));
    s.bind(1, std::int64_t{failed}).bind(2, locked_until).bind(3, user);
    return s.run();
  }

  Result<void> set_disabled(Id user, bool disabled) override {
    TRY_STMT(s, db_.prepare("UPDATE users SET disabled = ? WHERE id = ?"));
    s.bind(1, std::int64_t{disabled}).bind(2, user);
    return s.run();
  }

  Result<void> set_password_hash(Id user, const std::string& hash) override {
    TRY_STMT(s, db_.prepare("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?"));
    s.bind(1, hash).bind(2, user);
    return s.run();
  }

  Result<void> insert_session(const Session& session) override {
    TRY_STMT(s, db_.prepare("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, "
                            "expires_at, source) VALUES (?, ?, ?, ?, ?, ?)"));
    s.bind(1, session.token_hash).bind(2, session.user_id).bind(3, session.created_at)
        .bind(4, session.last_seen_at).bind(5, session.expires_at).bind(6, session.source);
    return s.run();
  }

  Result<Session> session_by_hash(std::string_view token_hash) override {
    auto stmt = db_.prepare("SELECT token_hash, user_id, created_at, last_seen_at, expires_at, source "
                            "FROM sessions WHERE token_hash = ?");
    if (stmt) stmt->bind(1, token_hash);
    return one_row(std::move(stmt), [](const Statement& s) {
      return Session{s.text(0), s.integer(1), s.integer(2), s.integer(3), s.integer(4), s.text(5)};
    }, "no such session");
  }

  Result<void> touch_session(std::string_view token_hash, UnixSeconds now) override {
    TRY_STMT(s, db_.prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"));
    s.bind(1, now).bind(2, token_hash);
    return s.run();
  }

  Result<void> delete_session(std::string_view token_hash) override {
    TRY_STMT(s, db_.prepare("DELETE FROM sessions WHERE token_hash = ?"));
    s.bind(1, token_hash);
    return s.run();
  }

  Result<void> delete_sessions_of(Id user) override {
    TRY_STMT(s, db_.prepare("DELETE FROM sessions WHERE user_id = ?"));
    s.bind(1, user);
    return s.run();
  }

  Result<void> delete_expired_sessions(UnixSeconds idle_before, UnixSeconds now) override {
    TRY_STMT(s, db_.prepare("DELETE FROM sessions WHERE last_seen_at < ? OR expires_at <= ?"));
    s.bind(1, idle_before).bind(2, now);
    return s.run();
  }

  Result<Document> insert_document(const Document& doc) override {
    TRY_STMT(s, db_.prepare(
        "INSERT INTO documents (title, level, department_id, filename, content_type, size, version, "
        "uploaded_by, created_at, state, ciphertext_sha256, wrapped_key, stream_header, chunk_count, "
        "ciphertext_in) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, 'uploading', '', x'', x'', 0, 'blob')"));
    s.bind(1, doc.title).bind(2, to_string(doc.level)).bind(3, doc.department_id).bind(4, doc.filename)
        .bind(5, doc.content_type).bind(6, std::int64_t{doc.version}).bind(7, doc.uploaded_by)
        .bind(8, doc.created_at);
    if (auto r = s.run(); !r) return fail(r.error());
    return document_by_id(db_.last_insert_rowid());
  }

  Result<void> activate_document(Id document, std::uint64_t size, std::uint32_t chunks,
                                 const std::string& ciphertext_sha256, std::span<const std::uint8_t> wrapped_key,
                                 std::span<const std::uint8_t> stream_header) override {
    TRY_STMT(s, db_.prepare("UPDATE documents SET state = 'active', size = ?, chunk_count = ?, "
                            "ciphertext_sha256 = ?, wrapped_key = ?, stream_header = ? "
                            "WHERE id = ? AND state = 'uploading'"));
    s.bind(1, static_cast<std::int64_t>(size)).bind(2, std::int64_t{chunks}).bind(3, ciphertext_sha256)
        .bind(4, wrapped_key).bind(5, stream_header).bind(6, document);
    if (auto r = s.run(); !r) return r;
    if (db_.changes() != 1) return fail(ErrorCode::conflict, "document is not being uploaded");
    return ok();
  }

  Result<void> delete_document(Id document) override {
    {
      TRY_STMT(chunks, db_.prepare(kDeleteChunks));
      chunks.bind(1, document);
      if (auto r = chunks.run(); !r) return r;
    }
    TRY_STMT(s, db_.prepare("DELETE FROM documents WHERE id = ?"));
    s.bind(1, document);
    return s.run();
  }

  Result<Document> document_by_id(Id document) override {
    static const std::string sql = std::string(kDocumentColumns) + "WHERE doc.id = ?";
    auto stmt = db_.prepare(sql.c_str());
    if (stmt) stmt->bind(1, document);
    return one_row(std::move(stmt), read_document, "no such document");
  }

  Result<std::vector<Document>> list_documents(std::optional<Id> department) override {
    static const std::string sql = std::string(kDocumentColumns) +
                                   "WHERE doc.state = 'active' AND (?1 IS NULL OR doc.department_id = ?1) "
                                   "ORDER BY doc.id";
    TRY_STMT(s, db_.prepare(sql.c_str()));
    s.bind(1, department);
    return all_rows(s, read_document);
  }

  Result<Bytes> chunk(Id document, std::uint32_t index) override {
    auto stmt = db_.prepare("SELECT data FROM document_chunks WHERE document_id = ? AND idx = ?");
    if (stmt) stmt->bind(1, document).bind(2, std::int64_t{index});
    return one_row(std::move(stmt), [](const Statement& s) { return s.blob(0); }, "document chunk missing");
  }

  Result<std::vector<Id>> incomplete_uploads() override {
    TRY_STMT(s, db_.prepare("SELECT id FROM documents WHERE state = 'uploading'"));
    return all_rows(s, [](const Statement& st) { return st.integer(0); });
  }

  Result<std::vector<Id>> active_documents_in_blobs() override {
    TRY_STMT(s, db_.prepare("SELECT id FROM documents WHERE state = 'active' AND ciphertext_in = 'blob' ORDER BY id"));
    return all_rows(s, [](const Statement& st) { return st.integer(0); });
  }

  Result<Grant> insert_grant(const Grant& grant) override {
    TRY_STMT(s, db_.prepare("INSERT INTO grants (document_id, grantee_id, granted_by, created_at, expires_at) "
                            "VALUES (?, ?, ?, ?, ?)"));
    s.bind(1, grant.document_id).bind(2, grant.grantee_id).bind(3, grant.granted_by)
        .bind(4, grant.created_at).bind(5, grant.expires_at);
    if (auto r = s.run(); !r) return fail(r.error());
    return grant_by_id(db_.last_insert_rowid());
  }

  Result<Grant> grant_by_id(Id grant) override {
    static const std::string sql = std::string(kGrantFields) + kGrantTables + "WHERE g.id = ?";
    auto stmt = db_.prepare(sql.c_str());
    if (stmt) stmt->bind(1, grant);
    return one_row(std::move(stmt), read_grant, "no such grant");
  }

  Result<std::vector<Grant>> grants_of_document(Id document) override {
    static const std::string sql = std::string(kGrantFields) + kGrantTables + "WHERE g.document_id = ? ORDER BY g.id";
    TRY_STMT(s, db_.prepare(sql.c_str()));
    s.bind(1, document);
    return all_rows(s, read_grant);
  }

  Result<std::vector<Grant>> grants_of_user(Id user, std::optional<UnixSeconds> live_at) override {
    static const std::string sql =
        std::string(kGrantFields) + kGrantTables +
        "WHERE g.grantee_id = ?1 AND doc.state = 'active' AND "
        "(?2 IS NULL OR (g.revoked_at IS NULL AND g.expires_at > ?2)) ORDER BY g.id";
    TRY_STMT(s, db_.prepare(sql.c_str()));
    s.bind(1, user).bind(2, live_at);
    return all_rows(s, read_grant);
  }

  Result<std::optional<Grant>> live_grant(Id document, Id user, UnixSeconds now) override {
    static const std::string sql = std::string(kGrantFields) + kGrantTables +
                                   "WHERE g.document_id = ? AND g.grantee_id = ? AND g.revoked_at IS NULL "
                                   "AND g.expires_at > ? ORDER BY g.expires_at DESC LIMIT 1";
    TRY_STMT(s, db_.prepare(sql.c_str()));
    s.bind(1, document).bind(2, user).bind(3, now);
    auto row = s.step();
    if (!row) return fail(row.error());
    if (!*row) return std::optional<Grant>();
    return std::optional<Grant>(read_grant(s));
  }

  Result<void> revoke_grant(Id grant, Id by, UnixSeconds now) override {
    TRY_STMT(s, db_.prepare("UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL"));
    s.bind(1, now).bind(2, by).bind(3, grant);
    if (auto r = s.run(); !r) return r;
    if (db_.changes() != 1) return fail(ErrorCode::conflict, "the grant is already revoked");
    return ok();
  }

  Result<int> end_live_grants(Id document, Id by, UnixSeconds now) override {
    TRY_STMT(s, db_.prepare("UPDATE grants SET revoked_at = ?1, revoked_by = ?2 "
                            "WHERE document_id = ?3 AND revoked_at IS NULL AND expires_at > ?1"));
    s.bind(1, now).bind(2, by).bind(3, document);
    if (auto r = s.run(); !r) return fail(r.error());
    return db_.changes();
  }

  Result<DestructionRequest> insert_destruction_request(const DestructionRequest& request) override {
    TRY_STMT(s, db_.prepare("INSERT INTO destruction_requests (document_id, requested_by, reason, requested_at, state) "
                            "VALUES (?, ?, ?, ?, 'pending')"));
    s.bind(1, request.document_id).bind(2, request.requested_by).bind(3, request.reason).bind(4, request.requested_at);
    if (auto r = s.run(); !r) {
      if (r.error().code == ErrorCode::conflict) {
        return fail(ErrorCode::conflict, "document " + std::to_string(request.document_id) +
                                             " has a pending destruction request already");
      }
      return fail(r.error());
    }
    return destruction_request_by_id(db_.last_insert_rowid());
  }

  Result<DestructionRequest> destruction_request_by_id(Id request) override {
    static const std::string sql = std::string(kDestructionColumns) + "WHERE r.id = ?";
    auto stmt = db_.prepare(sql.c_str());
    if (stmt) stmt->bind(1, request);
    return one_row(std::move(stmt), read_destruction_request, "no such destruction request");
  }

  Result<std::vector<DestructionRequest>> list_destruction_requests(const DestructionQuery& q) override {
    static const std::string sql = std::string(kDestructionColumns) +
                                   "WHERE (?1 IS NULL OR doc.department_id = ?1) AND (?2 IS NULL OR r.document_id = ?2) "
                                   "AND (?3 IS NULL OR r.state = ?3) ORDER BY r.id";
    TRY_STMT(s, db_.prepare(sql.c_str()));
    s.bind(1, q.department).bind(2, q.document);
    if (q.state) s.bind(3, to_string(*q.state)); else s.bind_null(3);
    return all_rows(s, read_destruction_request);
  }

  Result<std::vector<DestructionRequest>> destruction_requests_between(UnixSeconds from, UnixSeconds to,
                                                                       std::optional<Id> department) override {
    static const std::string sql = std::string(kDestructionColumns) +
                                   "WHERE ((r.decided_at >= ?1 AND r.decided_at < ?2) OR (r.state = 'pending' AND "
                                   "r.requested_at >= ?1 AND r.requested_at < ?2)) AND "
                                   "(?3 IS NULL OR doc.department_id = ?3) "
                                   "ORDER BY COALESCE(r.decided_at, r.requested_at), r.id";
    TRY_STMT(s, db_.prepare(sql.c_str()));
    s.bind(1, from).bind(2, to).bind(3, department);
    return all_rows(s, read_destruction_request);
  }

  Result<void> decide_destruction_request(Id request, DestructionState decision, Id by, UnixSeconds at,
                                          std::string_view reason) override {
    if (decision != DestructionState::supervised && decision != DestructionState::refused) {
      return fail(ErrorCode::internal, "a destruction request is decided as supervised or refused");
    }
    TRY_STMT(s, db_.prepare("UPDATE destruction_requests SET state = ?, decided_by = ?, decided_at = ?, "
                            "decision_reason = ? WHERE id = ? AND state = 'pending'"));
    s.bind(1, to_string(decision)).bind(2, by).bind(3, at).bind(4, reason).bind(5, request);
    if (auto r = s.run(); !r) return r;
    if (db_.changes() != 1) return fail(ErrorCode::conflict, "the destruction request was decided already");
    return ok();
  }

  Result<void> shred_document(Id document, std::string_view title_hash) override {
    // With secure_delete on, SQLite zeroes the space the old cell and the
    // freed chunk pages held, so the old values do not linger in the file.
    {
      TRY_STMT(s, db_.prepare("UPDATE documents SET state = 'destroyed', title = ?, filename = '', "
                              "wrapped_key = x'', stream_header = x'', chunk_count = 0 "
                              "WHERE id = ? AND state = 'active'"));
      s.bind(1, title_hash).bind(2, document);
      if (auto r = s.run(); !r) return r;
      if (db_.changes() != 1) return fail(ErrorCode::conflict, "the document is not active");
    }
    TRY_STMT(chunks, db_.prepare(kDeleteChunks));
    chunks.bind(1, document);
    return chunks.run();
  }

  Result<std::vector<LendingGrant>> grants_created_between(UnixSeconds from, UnixSeconds to,
                                                           std::optional<Id> department) override {
    static const std::string sql = std::string(kGrantFields) + ", doc.level, doc.department_id, dd.name" +
                                   kGrantTables +
                                   "JOIN departments dd ON dd.id = doc.department_id "
                                   "WHERE g.created_at >= ?1 AND g.created_at < ?2 AND "
                                   "(?3 IS NULL OR doc.department_id = ?3) ORDER BY g.created_at, g.id";
    TRY_STMT(s, db_.prepare(sql.c_str()));
    s.bind(1, from).bind(2, to).bind(3, department);
    return all_rows(s, [](const Statement& st) {
      return LendingGrant{read_grant(st), level_from_string(st.text(11)), st.integer(12), st.text(13)};
    });
  }

  // Workstation agents: sqlite/agent_tables.cpp.
  Result<void> insert_enrollment_token(const EnrollmentToken& t) override { return agents_.insert_token(t); }
  Result<EnrollmentToken> use_enrollment_token(std::string_view hash, UnixSeconds now) override {
    return agents_.use_token(hash, now);
  }
  Result<Agent> insert_agent(const Agent& a) override { return agents_.insert_agent(a); }
  Result<Agent> agent_by_id(Id agent) override { return agents_.agent_by_id(agent); }
  Result<Agent> agent_by_name(std::string_view name) override { return agents_.agent_by_name(name); }
  Result<Agent> agent_by_credential(std::string_view hash) override { return agents_.agent_by_credential(hash); }
  Result<std::vector<Agent>> list_agents() override { return agents_.list_agents(); }
  Result<void> record_heartbeat(Id agent, UnixSeconds now, std::string_view source, std::int64_t policy_version,
                                std::int64_t outbox_depth, std::string_view agent_version) override {
    return agents_.record_heartbeat(agent, now, source, policy_version, outbox_depth, agent_version);
  }
  Result<void> revoke_agent(Id agent, Id by, UnixSeconds now) override { return agents_.revoke_agent(agent, by, now); }
  Result<void> mark_agent_silent(Id agent, UnixSeconds since) override { return agents_.mark_silent(agent, since); }
  Result<bool> insert_agent_event(const AgentEvent& event, std::string& existing_digest) override {
    return agents_.insert_event(event, existing_digest);
  }
  Result<void> count_agent_events(Id agent, std::int64_t stored, std::int64_t last_seq) override {
    return agents_.count_events(agent, stored, last_seq);
  }
  Result<std::vector<AgentEvent>> agent_events(Id agent, std::int64_t after_seq, std::size_t limit) override {
    return agents_.events(agent, after_seq, limit);
  }

  // Controlled printing: sqlite/print_tables.cpp.
  Result<PrintRequest> insert_print_request(const PrintRequest& r) override { return prints_.insert(r); }
  Result<PrintRequest> print_request_by_id(Id request) override { return prints_.by_id(request); }
  Result<std::vector<PrintRequest>> list_print_requests(const PrintQuery& q) override { return prints_.list(q); }
  Result<std::vector<PrintRequest>> print_requests_printed_between(UnixSeconds from, UnixSeconds to,
                                                                  std::optional<Id> department) override {
    return prints_.printed_between(from, to, department);
  }
  Result<void> update_print_request(const PrintRequest& r, PrintState expected) override {
    return prints_.update(r, expected);
  }
  Result<PrintCopyEvent> insert_print_copy_event(const PrintCopyEvent& e) override { return prints_.insert_event(e); }
  Result<std::vector<PrintCopyEvent>> print_copy_events_between(UnixSeconds from, UnixSeconds to,
                                                               std::optional<Id> department,
                                                               std::optional<CopyEventKind> kind) override {
    return prints_.events_between(from, to, department, kind);
  }
  Result<std::vector<PrintCopyEvent>> print_copy_events_of_printed_between(UnixSeconds from, UnixSeconds to,
                                                                          std::optional<Id> department) override {
    return prints_.events_of_printed_between(from, to, department);
  }

  // Customer records: sqlite/record_tables.cpp.
  Result<RecordImport> insert_record_import(const RecordImport& i) override { return records_.insert_import(i); }
  Result<void> finish_record_import(Id import, std::int64_t rows, std::int64_t problems) override {
    return records_.finish_import(import, rows, problems);
  }
  Result<RecordImport> record_import_by_id(Id import) override { return records_.import_by_id(import); }
  Result<Id> next_record_id() override { return records_.next_record_id(); }
  Result<void> insert_record(const CustomerRecord& r) override { return records_.insert_record(r); }
  Result<CustomerRecord> record_by_id(Id record) override { return records_.record_by_id(record); }
  Result<std::vector<CustomerRecord>> list_records(const RecordQuery& q) override { return records_.list_records(q); }
  Result<void> update_record(const CustomerRecord& r) override { return records_.update_record(r); }
  Result<std::vector<CustomerRecord>> unscreened_records(std::string_view through_day) override {
    return records_.unscreened_records(through_day);
  }
  Result<std::vector<std::pair<Id, std::string>>> records_with_value(std::string_view kind,
                                                                    std::string_view value_hash) override {
    return records_.records_with_value(kind, value_hash);
  }
  Result<void> mark_screened(std::span<const Id> records) override { return records_.mark_screened(records); }
  Result<std::optional<SuspiciousCaseRow>> open_case_for(std::string_view kind, std::string_view value_hash) override {
    return records_.open_case_for(kind, value_hash);
  }
  Result<Id> insert_case(const SuspiciousCaseRow& c) override { return records_.insert_case(c); }
  Result<void> add_case_records(Id case_id, std::span<const Id> records) override {
    return records_.add_case_records(case_id, records);
  }
  Result<SuspiciousCaseRow> case_by_id(Id case_id) override { return records_.case_by_id(case_id); }
  Result<std::vector<SuspiciousCaseRow>> list_cases(const CaseQuery& q) override { return records_.list_cases(q); }
  Result<void> clear_case(Id case_id, Id by, UnixSeconds at, std::string_view note,
                          std::string_view evidence) override {
    return records_.clear_case(case_id, by, at, note, evidence);
  }
  Result<void> mark_overdue_raised(Id case_id, UnixSeconds at) override {
    return records_.mark_overdue_raised(case_id, at);
  }
  Result<void> set_channel_staff(const ChannelStaff& staff) override { return records_.set_channel_staff(staff); }
  Result<std::optional<ChannelStaff>> channel_staff(std::string_view agent_code) override {
    return records_.channel_staff(agent_code);
  }
  Result<std::vector<ChannelStaff>> list_channel_staff() override { return records_.list_channel_staff(); }

  Result<PolicyRecord> insert_policy(const PolicyRecord& p) override {
    TRY_STMT(s, db_.prepare("INSERT INTO policies (version, file_name, source, source_sha256, applied_by, applied_at) "
                            "VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM policies), ?, ?, ?, ?, ?)"));
    s.bind(1, p.file_name).bind(2, p.source).bind(3, p.source_sha256).bind(4, p.applied_by).bind(5, p.applied_at);
    if (auto r = s.run(); !r) return fail(r.error());
    return latest_policy();
  }

  Result<void> insert_policy_bundle(std::int64_t version, std::string_view department,
                                    std::string_view bundle) override {
    TRY_STMT(s, db_.prepare("INSERT INTO policy_bundles (version, department, bundle) VALUES (?, ?, ?)"));
    s.bind(1, version).bind(2, department).bind(3, bundle);
    return s.run();
  }

  Result<PolicyRecord> latest_policy() override {
    auto stmt = db_.prepare(
        "SELECT p.version, p.file_name, p.source, p.source_sha256, p.applied_by, u.name, p.applied_at "
        "FROM policies p JOIN users u ON u.id = p.applied_by ORDER BY p.version DESC LIMIT 1");
    return one_row(std::move(stmt), [](const Statement& st) {
      return PolicyRecord{st.integer(0), st.text(1), st.text(2), st.text(3), st.integer(4), st.text(5), st.integer(6)};
    }, "no policy has been applied yet");
  }

  Result<std::vector<PolicyRecord>> list_policies() override {
    TRY_STMT(s, db_.prepare(
        "SELECT p.version, p.file_name, '', p.source_sha256, p.applied_by, u.name, p.applied_at "
        "FROM policies p JOIN users u ON u.id = p.applied_by ORDER BY p.version DESC"));
    return all_rows(s, [](const Statement& st) {
      return PolicyRecord{st.integer(0), st.text(1), st.text(2), st.text(3), st.integer(4), st.text(5), st.integer(6)};
    });
  }

  Result<std::string> policy_bundle(std::int64_t version, std::string_view department) override {
    auto stmt = db_.prepare("SELECT bundle FROM policy_bundles WHERE version = ? AND department = ?");
    if (stmt) stmt->bind(1, version).bind(2, department);
    return one_row(std::move(stmt), [](const Statement& st) { return st.text(0); },
                   "the policy has no such department");
  }

  Result<std::vector<AuditRecord>> list_audit(const AuditQuery& q) override {
    TRY_STMT(s, db_.prepare(
        "SELECT seq, time, request_id, actor_id, actor, source, action, target, outcome, reason, detail "
        "FROM audit_events WHERE seq > ?1 AND (?2 IS NULL OR actor = ?2) AND (?3 IS NULL OR action = ?3) "
        "AND (?4 IS NULL OR target = ?4) AND (?5 IS NULL OR outcome = ?5) AND (?6 IS NULL OR time >= ?6) "
        "AND (?7 IS NULL OR time < ?7) ORDER BY seq LIMIT ?8"));
    s.bind(1, q.after_seq).bind(2, q.actor).bind(3, q.action).bind(4, q.target);
    if (q.outcome) s.bind(5, to_string(*q.outcome)); else s.bind_null(5);
    s.bind(6, q.since).bind(7, q.until).bind(8, std::int64_t{q.limit});
    return all_rows(s, read_audit);
  }

  Result<std::optional<Id>> first_audit_at_or_after(UnixSeconds time) override {
    TRY_STMT(s, db_.prepare("SELECT MIN(seq) FROM audit_events WHERE time >= ?"));
    s.bind(1, time);
    return optional_id(s);
  }

  Result<std::optional<Id>> last_audit_before(UnixSeconds time) override {
    TRY_STMT(s, db_.prepare("SELECT MAX(seq) FROM audit_events WHERE time < ?"));
    s.bind(1, time);
    return optional_id(s);
  }

  Result<std::vector<merkle::Hash>> subtree_hashes(std::span<const merkle::Subtree> wanted) override {
    return read_subtrees(db_, wanted);
  }

  Result<std::vector<merkle::Hash>> leaf_hashes(std::uint64_t first_index, std::uint64_t count) override {
    TRY_STMT(s, db_.prepare("SELECT hash FROM log_subtrees WHERE level = 0 AND idx >= ? AND idx < ? ORDER BY idx"));
    s.bind(1, static_cast<std::int64_t>(first_index)).bind(2, static_cast<std::int64_t>(first_index + count));
    std::vector<merkle::Hash> out;
    out.reserve(static_cast<std::size_t>(count));
    for (;;) {
      auto row = s.step();
      if (!row) return fail(row.error());
      if (!*row) break;
      const auto bytes = s.blob(0);
      if (bytes.size() != 32) return fail(ErrorCode::corrupt, "a stored leaf hash is not 32 bytes");
      out.emplace_back();
      std::copy(bytes.begin(), bytes.end(), out.back().begin());
    }
    if (out.size() != count) return fail(ErrorCode::not_found, "the log has fewer entries than asked for");
    return out;
  }

  Result<void> insert_tree_head(const merkle::SignedTreeHead& head) override {
    TRY_STMT(s, db_.prepare("INSERT INTO log_heads (tree_size, head) VALUES (?, ?)"));
    const auto bytes = merkle::encode_signed_tree_head(head);
    s.bind(1, static_cast<std::int64_t>(head.head.tree_size)).bind(2, std::span<const std::uint8_t>(bytes));
    return s.run();
  }

  Result<std::optional<merkle::SignedTreeHead>> latest_tree_head() override {
    TRY_STMT(s, db_.prepare("SELECT head FROM log_heads ORDER BY tree_size DESC LIMIT 1"));
    return optional_head(s);
  }

  Result<std::optional<merkle::SignedTreeHead>> tree_head_at_or_after(std::uint64_t size) override {
    TRY_STMT(s, db_.prepare("SELECT head FROM log_heads WHERE tree_size >= ? ORDER BY tree_size LIMIT 1"));
    s.bind(1, static_cast<std::int64_t>(size));
    return optional_head(s);
  }

  Result<std::vector<merkle::SignedTreeHead>> tree_heads(std::uint64_t min_size, std::uint64_t max_size,
                                                         std::size_t limit) override {
    TRY_STMT(s, db_.prepare(
        "SELECT head FROM log_heads WHERE tree_size >= ? AND tree_size <= ? ORDER BY tree_size LIMIT ?"));
    s.bind(1, static_cast<std::int64_t>(min_size)).bind(2, static_cast<std::int64_t>(max_size))
        .bind(3, static_cast<std::int64_t>(limit));
    std::vector<merkle::SignedTreeHead> out;
    for (;;) {
      auto row = s.step();
      if (!row) return fail(row.error());
      if (!*row) return out;
      auto head = read_head(s);
      if (!head) return fail(head.error());
      out.push_back(*head);
    }
  }

  Result<std::vector<ContentRelease>> content_releases_between(UnixSeconds from, UnixSeconds to) override {
    return document_events_between("document.content", from, to, [](const Statement& st) {
      return ContentRelease{st.integer(0), st.integer(1), st.integer(2)};
    });
  }

  Result<std::vector<DestructionEntry>> destructions_logged_between(UnixSeconds from, UnixSeconds to) override {
    return document_events_between("document.destroy", from, to, [](const Statement& st) {
      return DestructionEntry{st.integer(1), st.integer(3)};
    });
  }

 protected:
  Result<Id> do_append_audit(const AuditRecord& given) override {
    if (ledger_ == nullptr) return fail(ErrorCode::internal, "audit records are appended on the writer");
    // What is stored is exactly what the leaf says: text that is not UTF-8
    // is cleaned first, so an export always reproduces the leaf.
    AuditRecord r = given;
    for (auto* field : {&r.request_id, &r.actor, &r.source, &r.action, &r.target, &r.reason, &r.detail}) {
      if (!is_valid_utf8(*field)) *field = to_valid_utf8(*field);
    }
    TRY_STMT(s, db_.prepare(
        "INSERT INTO audit_events (time, request_id, actor_id, actor, source, action, target, outcome, "
        "reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.bind(1, r.time).bind(2, r.request_id).bind(3, r.actor_id).bind(4, r.actor).bind(5, r.source)
        .bind(6, r.action).bind(7, r.target).bind(8, to_string(r.outcome)).bind(9, r.reason).bind(10, r.detail);
    if (auto done = s.run(); !done) return fail(done.error());
    r.seq = db_.last_insert_rowid();
    if (!pending_) pending_ = ledger_->copy();
    if (static_cast<std::uint64_t>(r.seq) != pending_->size() + 1) {
      return fail(ErrorCode::corrupt, "audit record " + std::to_string(r.seq) + " would be log entry " +
                                          std::to_string(pending_->size() + 1) + ": the log and the records disagree");
    }
    auto leaf = auditlog::entry_leaf_hash(to_log_entry(r));
    if (!leaf) return fail(leaf.error());
    SubtreeWriter writer(db_);
    pending_->append(*leaf, writer);
    if (auto written = writer.result(); !written) return fail(written.error());
    return r.seq;
  }

  Result<void> do_commit() override {
    auto committed = db_.exec("COMMIT");
    if (!committed) return committed;  // the destructor rolls back
    done_ = true;
    if (pending_) ledger_->publish(std::move(*pending_));
    return ok();
  }

 private:
  // The allowed records of `action` on a document ("document:ID") with time
  // in [from, to), oldest first, each read by `reader` from the columns
  // actor, document id, time, seq. One range read of the time index.
  template <class Reader>
  auto document_events_between(std::string_view action, UnixSeconds from, UnixSeconds to, Reader reader)
      -> Result<std::vector<decltype(reader(std::declval<const Statement&>()))>> {
    // substr() is 1-based: the id follows the 9 characters of "document:".
    TRY_STMT(s, db_.prepare(
        "SELECT actor_id, CAST(substr(target, 10) AS INTEGER), time, seq FROM audit_events "
        "WHERE time >= ?1 AND time < ?2 AND action = ?3 AND outcome = 'allowed' "
        "AND actor_id IS NOT NULL AND target LIKE 'document:%' ORDER BY time, seq"));
    s.bind(1, from).bind(2, to).bind(3, action);
    return all_rows(s, reader);
  }

  static Result<std::optional<Id>> optional_id(Statement& s) {
    auto row = s.step();
    if (!row) return fail(row.error());
    if (!*row || s.is_null(0)) return std::optional<Id>();
    return std::optional<Id>(s.integer(0));
  }

  static Result<std::optional<merkle::SignedTreeHead>> optional_head(Statement& s) {
    auto row = s.step();
    if (!row) return fail(row.error());
    if (!*row) return std::optional<merkle::SignedTreeHead>();
    auto head = read_head(s);
    if (!head) return fail(head.error());
    return std::optional<merkle::SignedTreeHead>(*head);
  }

  Database& db_;
  sqlite::RecordTables records_{db_};
  sqlite::AgentTables agents_{db_};
  sqlite::PrintTables prints_{db_};
  std::unique_lock<std::mutex> lock_;
  LogLedger* ledger_ = nullptr;
  std::optional<merkle::CompactRange> pending_;  // the log with this transaction's appends
  bool done_ = false;
};

// One writer connection, and a few read-only connections so that reads
// (session checks, metadata) go on while the writer waits for an fsync: in
// WAL mode readers see the last committed state without blocking the writer.
class SqliteStore final : public Store {
 public:
  SqliteStore(Database writer, std::vector<std::unique_ptr<Database>> readers, merkle::CompactRange log)
      : writer_(std::move(writer)), readers_(std::move(readers)), reader_locks_(readers_.size()) {
    ledger_.live = std::move(log);
  }

  Result<std::unique_ptr<Transaction>> begin(TxMode mode) override {
    if (mode == TxMode::read && !readers_.empty()) {
      // Any reader that is free; a reader's mutex is held for the whole
      // transaction, like the writer's.
      const auto start = next_reader_.fetch_add(1, std::memory_order_relaxed);
      for (std::size_t attempt = 0;; ++attempt) {
        const auto index = (start + attempt) % readers_.size();
        std::unique_lock lock(reader_locks_[index], std::defer_lock);
        if (attempt < readers_.size() ? lock.try_lock() : (lock.lock(), true)) {
          if (auto begun = readers_[index]->exec("BEGIN"); !begun) return fail(begun.error());
          return std::make_unique<SqliteTransaction>(mode, *readers_[index], std::move(lock), nullptr);
        }
      }
    }
    std::unique_lock lock(writer_mutex_);
    // IMMEDIATE takes the write lock at once, so a write never fails half-way
    // with SQLITE_BUSY after it has done work.
    if (auto begun = writer_.exec(mode == TxMode::read ? "BEGIN" : "BEGIN IMMEDIATE"); !begun) {
      return fail(begun.error());
    }
    return std::make_unique<SqliteTransaction>(mode, writer_, std::move(lock), &ledger_);
  }

  LogState log_state() const override {
    std::lock_guard lock(ledger_.mutex);
    return LogState{ledger_.live.size(), ledger_.live.root()};
  }

  Result<void> checkpoint_truncate() override {
    // On the writer, under its lock: no write transaction is open. TRUNCATE
    // waits (busy handler) for readers still using old frames.
    std::lock_guard lock(writer_mutex_);
    int frames = 0, copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(writer_.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &frames, &copied);
    if (rc != SQLITE_OK) return fail(sqlite::sqlite_error(writer_.handle(), rc, "cannot empty the write-ahead log"));
    return ok();
  }

 private:
  std::mutex writer_mutex_;
  Database writer_;
  std::vector<std::unique_ptr<Database>> readers_;
  std::vector<std::mutex> reader_locks_;
  std::atomic<std::size_t> next_reader_{0};
  LogLedger ledger_;
};

class DatabaseHashSource final : public merkle::HashSource {
 public:
  explicit DatabaseHashSource(Database& db) : db_(db) {}
  Result<std::vector<merkle::Hash>> subtree_hashes(std::span<const merkle::Subtree> wanted) override {
    return read_subtrees(db_, wanted);
  }

 private:
  Database& db_;
};

Result<std::int64_t> single_integer(Database& db, const char* sql) {
  auto stmt = db.prepare(sql);
  return one_row(std::move(stmt), [](const Statement& s) { return s.integer(0); }, "");
}

// The log as stored, completed with the leaves of audit records that have
// none yet (records written before the log existed): all in one transaction.
Result<merkle::CompactRange> load_log(Database& db) {
  auto leaves = single_integer(db, "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_subtrees WHERE level = 0");
  if (!leaves) return fail(leaves.error());
  auto records = single_integer(db, "SELECT COALESCE(MAX(seq), 0) FROM audit_events");
  if (!records) return fail(records.error());
  if (*leaves > *records) {
    return fail(ErrorCode::corrupt, "the audit log has " + std::to_string(*leaves) + " leaves but only " +
                                        std::to_string(*records) + " audit records");
  }
  DatabaseHashSource source(db);
  auto range = merkle::CompactRange::from_source(source, static_cast<std::uint64_t>(*leaves));
  if (!range) return fail(ErrorCode::corrupt, "the audit log's stored tree is incomplete: " + range.error().message);
  if (*leaves == *records) return range;
  CUSTOS_TRY_VOID(db.exec("BEGIN IMMEDIATE"));
  auto filled = [&]() -> Result<void> {
    TRY_STMT(s, db.prepare(
        "SELECT seq, time, request_id, actor_id, actor, source, action, target, outcome, reason, detail "
        "FROM audit_events WHERE seq > ? ORDER BY seq"));
    s.bind(1, *leaves);
    SubtreeWriter writer(db);
    for (;;) {
      auto row = s.step();
      if (!row) return fail(row.error());
      if (!*row) break;
      const auto record = read_audit(s);
      if (static_cast<std::uint64_t>(record.seq) != range->size() + 1) {
        return fail(ErrorCode::corrupt, "audit record " + std::to_string(record.seq) + " follows a gap");
      }
      auto leaf = auditlog::entry_leaf_hash(to_log_entry(record));
      if (!leaf) return fail(leaf.error());
      range->append(*leaf, writer);
      CUSTOS_TRY_VOID(writer.result());
    }
    return db.exec("COMMIT");
  }();
  if (!filled) {
    (void)db.exec("ROLLBACK");
    return fail(filled.error());
  }
  return range;
}

Result<int> current_version(Database& db) {
  if (auto made = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                          "description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
      !made) {
    return fail(made.error());
  }
  auto stmt = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return one_row(std::move(stmt), [](const Statement& s) { return static_cast<int>(s.integer(0)); }, "");
}

Result<void> migrate(Database& db) {
  auto version = current_version(db);
  if (!version) return fail(version.error());
  if (*version > sqlite_schema_version()) {
    return fail(ErrorCode::conflict, "the store was written by a newer Custos (schema " + std::to_string(*version) +
                                         "); upgrade this program before opening it");
  }
  for (const auto& migration : sqlite::migrations()) {
    if (migration.version <= *version) continue;
    CUSTOS_TRY_VOID(db.exec("BEGIN IMMEDIATE"));
    auto applied = db.exec(migration.sql);
    if (applied) {
      auto stmt = db.prepare("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)");
      if (!stmt) {
        applied = fail(stmt.error());
      } else {
        stmt->bind(1, std::int64_t{migration.version}).bind(2, migration.description).bind(3, now_seconds());
        applied = stmt->run();
      }
    }
    if (!applied) {
      (void)db.exec("ROLLBACK");
      return fail(applied.error().code, "migration " + std::to_string(migration.version) + " failed: " +
                                            applied.error().message);
    }
    CUSTOS_TRY_VOID(db.exec("COMMIT"));
  }
  return ok();
}

}  // namespace

int sqlite_schema_version() { return sqlite::migrations().back().version; }

Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& path, bool create,
                                                 SqliteOptions options) {
  auto db = Database::open(path, create);
  if (!db) return fail(db.error());
  sqlite3_busy_timeout(db->handle(), options.busy_timeout_ms);
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                             "PRAGMA foreign_keys = ON", "PRAGMA secure_delete = ON",
                             "PRAGMA trusted_schema = OFF"}) {
    CUSTOS_TRY_VOID(db->exec(pragma));
  }
  CUSTOS_TRY_VOID(migrate(*db));
  auto log = load_log(*db);
  if (!log) return fail(log.error());
  std::vector<std::unique_ptr<Database>> readers;
  for (int i = 0; i < options.readers; ++i) {
    auto reader = Database::open(path, false);
    if (!reader) return fail(reader.error());
    sqlite3_busy_timeout(reader->handle(), options.busy_timeout_ms);
    CUSTOS_TRY_VOID(reader->exec("PRAGMA query_only = ON"));
    CUSTOS_TRY_VOID(reader->exec("PRAGMA trusted_schema = OFF"));
    readers.push_back(std::make_unique<Database>(std::move(*reader)));
  }
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(*db), std::move(readers), std::move(*log)));
}

}  // namespace custos::vault
