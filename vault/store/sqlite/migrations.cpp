#include "sqlite/migrations.hpp"

#include <array>

namespace custos::vault::sqlite {
namespace {

// Version 1: departments, users, sessions, documents and chunks, grants and
// the audit table. Audit rows may only be inserted: triggers refuse UPDATE
// and DELETE, so even a bug in the vault cannot rewrite history (the Merkle
// log on top makes any rewrite outside SQLite detectable).
constexpr const char* kV1 = R"sql(
CREATE TABLE departments (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL
);
CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  display_name   TEXT NOT NULL,
  department_id  INTEGER NOT NULL REFERENCES departments(id),
  roles          INTEGER NOT NULL,
  disabled       INTEGER NOT NULL DEFAULT 0,
  password_hash  TEXT NOT NULL,
  failed_logins  INTEGER NOT NULL DEFAULT 0,
  locked_until   INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash    TEXT PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  source        TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE documents (
  id              INTEGER PRIMARY KEY,
  title           TEXT NOT NULL,
  level           TEXT NOT NULL CHECK (level IN ('secret', 'confidential', 'top_secret')),
  department_id   INTEGER NOT NULL REFERENCES departments(id),
  filename        TEXT NOT NULL,
  content_type    TEXT NOT NULL,
  size            INTEGER NOT NULL DEFAULT 0,
  version         INTEGER NOT NULL,
  uploaded_by     INTEGER NOT NULL REFERENCES users(id),
  created_at      INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('uploading', 'active', 'destroyed')),
  ciphertext_sha256  TEXT NOT NULL DEFAULT '',
  wrapped_key     BLOB NOT NULL,
  stream_header   BLOB NOT NULL,
  chunk_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX documents_by_department ON documents(department_id, state);
CREATE TABLE document_chunks (
  document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  data         BLOB NOT NULL,
  UNIQUE (document_id, idx)
);
CREATE TABLE grants (
  id           INTEGER PRIMARY KEY,
  document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  grantee_id   INTEGER NOT NULL REFERENCES users(id),
  granted_by   INTEGER NOT NULL REFERENCES users(id),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked_at   INTEGER,
  revoked_by   INTEGER REFERENCES users(id)
);
CREATE INDEX grants_by_grantee ON grants(grantee_id, document_id);
CREATE INDEX grants_by_document ON grants(document_id);
CREATE TABLE audit_events (
  seq         INTEGER PRIMARY KEY,
  time        INTEGER NOT NULL,
  request_id  TEXT NOT NULL,
  actor_id    INTEGER,
  actor       TEXT NOT NULL,
  source      TEXT NOT NULL,
  action      TEXT NOT NULL,
  target      TEXT NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('allowed', 'refused')),
  reason      TEXT NOT NULL,
  detail      TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit_events(time);
CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
)sql";

// Version 2: applied policy versions and their signed per-department bundles.
constexpr const char* kV2 = R"sql(
CREATE TABLE policies (
  version        INTEGER PRIMARY KEY,
  file_name      TEXT NOT NULL,
  source         TEXT NOT NULL,
  source_sha256  TEXT NOT NULL,
  applied_by     INTEGER NOT NULL REFERENCES users(id),
  applied_at     INTEGER NOT NULL
);
CREATE TABLE policy_bundles (
  version     INTEGER NOT NULL REFERENCES policies(version),
  department  TEXT NOT NULL,
  bundle      TEXT NOT NULL,
  PRIMARY KEY (version, department)
);
)sql";

// Version 3: the Merkle log over audit_events. log_subtrees holds the hash
// of every perfect subtree completed so far (level 0: the leaf hashes), so a
// proof is a few indexed reads; log_heads the signed tree heads, each in its
// 157-byte encoding. Both are append-only like the events. Rows of events
// written before this version get their leaves when the store opens.
constexpr const char* kV3 = R"sql(
CREATE TABLE log_subtrees (
  level  INTEGER NOT NULL,
  idx    INTEGER NOT NULL,
  hash   BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE log_heads (
  tree_size  INTEGER PRIMARY KEY,
  head       BLOB NOT NULL
);
CREATE TRIGGER log_subtrees_append_only_update BEFORE UPDATE ON log_subtrees
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER log_subtrees_append_only_delete BEFORE DELETE ON log_subtrees
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER log_heads_append_only_update BEFORE UPDATE ON log_heads
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER log_heads_append_only_delete BEFORE DELETE ON log_heads
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// Version 4: requests to destroy documents and their decisions. At most one
// request per document is pending (the partial unique index).
constexpr const char* kV4 = R"sql(
CREATE TABLE destruction_requests (
  id               INTEGER PRIMARY KEY,
  document_id      INTEGER NOT NULL REFERENCES documents(id),
  requested_by     INTEGER NOT NULL REFERENCES users(id),
  reason           TEXT NOT NULL,
  requested_at     INTEGER NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('pending', 'supervised', 'refused')),
  decided_by       INTEGER REFERENCES users(id),
  decided_at       INTEGER,
  decision_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX destruction_requests_by_document ON destruction_requests(document_id);
CREATE UNIQUE INDEX destruction_requests_one_pending ON destruction_requests(document_id) WHERE state = 'pending';
)sql";

// Version 5: a document's ciphertext moves out of the store into a blob
// file of its own (BlobStore), written once and flushed once instead of
// once per chunk through the write-ahead log. Documents uploaded before keep
// their chunks in document_chunks ('chunks') and are read from there.
constexpr const char* kV5 = R"sql(
ALTER TABLE documents ADD COLUMN ciphertext_in TEXT NOT NULL DEFAULT 'chunks'
  CHECK (ciphertext_in IN ('chunks', 'blob'));
)sql";

constexpr std::array<Migration, 5> kMigrations = {{
    {1, "users, sessions, documents, grants, audit events", kV1},
    {2, "policy versions and signed bundles", kV2},
    {3, "the Merkle log: subtree hashes and signed tree heads", kV3},
    {4, "destruction requests", kV4},
    {5, "document ciphertext in blob files", kV5},
}};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace custos::vault::sqlite
