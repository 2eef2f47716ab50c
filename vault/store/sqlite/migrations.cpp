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

// Customer records (docs/records.md): each record sealed under its own data
// key; phone/account values and customers only as keyed hashes, which the
// T+1 screening joins on; suspicious cases and who handles them.
constexpr const char* kV5 = R"sql(
CREATE TABLE record_imports (
  id            INTEGER PRIMARY KEY,
  template      TEXT NOT NULL,
  level         TEXT NOT NULL CHECK (level IN ('secret', 'confidential', 'top_secret')),
  department_id INTEGER NOT NULL REFERENCES departments(id),
  imported_by   INTEGER NOT NULL REFERENCES users(id),
  imported_at   INTEGER NOT NULL,
  entry_day     TEXT NOT NULL,
  filename      TEXT NOT NULL DEFAULT '',
  file_sha256   TEXT NOT NULL,
  rows          INTEGER NOT NULL DEFAULT 0,
  problems      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE customer_records (
  id            INTEGER PRIMARY KEY,
  import_id     INTEGER NOT NULL REFERENCES record_imports(id),
  row           INTEGER NOT NULL,
  template      TEXT NOT NULL,
  level         TEXT NOT NULL CHECK (level IN ('secret', 'confidential', 'top_secret')),
  department_id INTEGER NOT NULL REFERENCES departments(id),
  version       INTEGER NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('ok', 'problem')),
  findings      TEXT NOT NULL,
  agent_code    TEXT NOT NULL DEFAULT '',
  customer_hash TEXT NOT NULL DEFAULT '',
  entered_by    INTEGER NOT NULL REFERENCES users(id),
  entered_at    INTEGER NOT NULL,
  entry_day     TEXT NOT NULL,
  updated_by    INTEGER REFERENCES users(id),
  updated_at    INTEGER,
  wrapped_key   BLOB NOT NULL,
  sealed        BLOB NOT NULL,
  screened      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX customer_records_by_import ON customer_records(import_id, row);
CREATE INDEX customer_records_unscreened ON customer_records(entry_day, id) WHERE screened = 0;
CREATE INDEX customer_records_problems ON customer_records(department_id, id) WHERE state = 'problem';
CREATE TABLE record_values (
  record_id   INTEGER NOT NULL REFERENCES customer_records(id),
  kind        TEXT NOT NULL CHECK (kind IN ('shared_phone', 'shared_bank_account')),
  value_hash  TEXT NOT NULL,
  masked      TEXT NOT NULL,
  PRIMARY KEY (record_id, kind)
) WITHOUT ROWID;
CREATE INDEX record_values_by_value ON record_values(kind, value_hash);
CREATE TABLE channel_staff (
  agent_code  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  set_by      INTEGER NOT NULL REFERENCES users(id),
  set_at      INTEGER NOT NULL
);
CREATE TABLE suspicious_cases (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('shared_phone', 'shared_bank_account')),
  value_hash        TEXT NOT NULL,
  masked_value      TEXT NOT NULL,
  department_id     INTEGER NOT NULL REFERENCES departments(id),
  entry_day         TEXT NOT NULL,
  listed_on         TEXT NOT NULL,
  due_on            TEXT NOT NULL,
  agent_code        TEXT NOT NULL DEFAULT '',
  assigned_to       INTEGER REFERENCES users(id),
  state             TEXT NOT NULL CHECK (state IN ('open', 'cleared')),
  cleared_by        INTEGER REFERENCES users(id),
  cleared_at        INTEGER,
  note              TEXT NOT NULL DEFAULT '',
  evidence          TEXT NOT NULL DEFAULT '',
  overdue_raised_at INTEGER
);
CREATE UNIQUE INDEX suspicious_cases_one_open ON suspicious_cases(kind, value_hash) WHERE state = 'open';
CREATE INDEX suspicious_cases_by_list ON suspicious_cases(listed_on);
CREATE TABLE suspicious_case_records (
  case_id   INTEGER NOT NULL REFERENCES suspicious_cases(id),
  record_id INTEGER NOT NULL REFERENCES customer_records(id),
  PRIMARY KEY (case_id, record_id)
) WITHOUT ROWID;
)sql";

// Workstation agents (docs/agent.md): enrollment tokens and agents by the
// hash of their secret; agents' events once per (agent, seq), append-only.
constexpr const char* kV6 = R"sql(
CREATE TABLE enrollment_tokens (
  token_hash    TEXT PRIMARY KEY,
  department_id INTEGER NOT NULL REFERENCES departments(id),
  created_by    INTEGER NOT NULL REFERENCES users(id),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  uses_left     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE agents (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  hostname        TEXT NOT NULL,
  machine_id      TEXT NOT NULL,
  department_id   INTEGER NOT NULL REFERENCES departments(id),
  credential_hash TEXT NOT NULL UNIQUE,
  enrolled_at     INTEGER NOT NULL,
  last_seen_at    INTEGER,
  last_source     TEXT NOT NULL DEFAULT '',
  policy_version  INTEGER NOT NULL DEFAULT 0,
  outbox_depth    INTEGER NOT NULL DEFAULT 0,
  agent_version   TEXT NOT NULL DEFAULT '',
  revoked_at      INTEGER,
  revoked_by      INTEGER REFERENCES users(id),
  silent_since    INTEGER,
  last_event_seq  INTEGER NOT NULL DEFAULT 0,
  events          INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE agent_events (
  agent_id    INTEGER NOT NULL REFERENCES agents(id),
  seq         INTEGER NOT NULL,
  time        INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  severity    TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  detail      TEXT NOT NULL,
  digest      TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (agent_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER agent_events_no_update BEFORE UPDATE ON agent_events
BEGIN SELECT RAISE(ABORT, 'agent events are append-only'); END;
CREATE TRIGGER agent_events_no_delete BEFORE DELETE ON agent_events
BEGIN SELECT RAISE(ABORT, 'agent events are append-only'); END;
)sql";


// Version 7: a document's ciphertext moves out of the store into a blob
// file of its own (BlobStore), written once and flushed once instead of
// once per chunk through the write-ahead log. Documents uploaded before keep
// their chunks in document_chunks ('chunks') and are read from there.
constexpr const char* kV7 = R"sql(
ALTER TABLE documents ADD COLUMN ciphertext_in TEXT NOT NULL DEFAULT 'chunks'
  CHECK (ciphertext_in IN ('chunks', 'blob'));
)sql";

// Version 8: controlled printing (docs/printing.md). One row per request: its
// decision, the one run that printed it, the receiver's signature and how
// many copies came back or were shredded.
constexpr const char* kV8 = R"sql(
CREATE TABLE print_requests (
  id              INTEGER PRIMARY KEY,
  document_id     INTEGER NOT NULL REFERENCES documents(id),
  requested_by    INTEGER NOT NULL REFERENCES users(id),
  copies          INTEGER NOT NULL CHECK (copies >= 1),
  reason          TEXT NOT NULL,
  printer         TEXT NOT NULL DEFAULT '',
  requested_at    INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused', 'printing', 'printed')),
  decided_by      INTEGER REFERENCES users(id),
  decided_at      INTEGER,
  decision_reason TEXT NOT NULL DEFAULT '',
  valid_from      INTEGER,
  valid_until     INTEGER,
  agent_id        INTEGER REFERENCES agents(id),
  printer_used    TEXT NOT NULL DEFAULT '',
  started_at      INTEGER,
  printed_at      INTEGER,
  job_id          INTEGER,
  pages           INTEGER,
  received_at     INTEGER,
  returned        INTEGER NOT NULL DEFAULT 0,
  shredded        INTEGER NOT NULL DEFAULT 0,
  CHECK (returned + shredded <= copies)
);
CREATE INDEX print_requests_by_document ON print_requests(document_id);
CREATE INDEX print_requests_by_printed ON print_requests(printed_at);
)sql";

// Version 9: what became of printed copies, one row per event (signed for,
// handed back, shredded), each with the audit entry written in the same
// transaction; the request's received_at / returned / shredded stay as the
// events' sums. Events, like the audit table, are only added. A store of
// version 8 gets the events its audit log recorded (print.receive,
// print.account; one scan of the audit table), so its registers list them.
constexpr const char* kV9 = R"sql(
CREATE TABLE print_copy_events (
  id           INTEGER PRIMARY KEY,
  request_id   INTEGER NOT NULL REFERENCES print_requests(id),
  kind         TEXT NOT NULL CHECK (kind IN ('received', 'returned', 'shredded')),
  copies       INTEGER NOT NULL CHECK (copies >= 1),
  recorded_by  INTEGER NOT NULL REFERENCES users(id),
  recorded_at  INTEGER NOT NULL,
  reason       TEXT NOT NULL DEFAULT '',
  audit_seq    INTEGER NOT NULL REFERENCES audit_events(seq)
);
CREATE INDEX print_copy_events_by_request ON print_copy_events(request_id);
CREATE INDEX print_copy_events_by_time ON print_copy_events(recorded_at);
CREATE TRIGGER print_copy_events_append_only_update BEFORE UPDATE ON print_copy_events
BEGIN SELECT RAISE(ABORT, 'print copy events are append-only'); END;
CREATE TRIGGER print_copy_events_append_only_delete BEFORE DELETE ON print_copy_events
BEGIN SELECT RAISE(ABORT, 'print copy events are append-only'); END;
INSERT INTO print_copy_events (request_id, kind, copies, recorded_by, recorded_at, reason, audit_seq)
SELECT p.id,
       CASE a.action WHEN 'print.receive' THEN 'received' ELSE json_extract(a.detail, '$.outcome') END,
       CASE a.action WHEN 'print.receive' THEN p.copies ELSE json_extract(a.detail, '$.copies') END,
       a.actor_id, a.time, COALESCE(json_extract(a.detail, '$.reason'), ''), a.seq
FROM (SELECT seq, time, actor_id, action, detail, CAST(substr(target, 15) AS INTEGER) AS request_id
      FROM audit_events
      WHERE action IN ('print.receive', 'print.account') AND outcome = 'allowed'
        AND target LIKE 'print_request:%' AND actor_id IS NOT NULL) a
JOIN print_requests p ON p.id = a.request_id
ORDER BY a.seq;
)sql";

constexpr std::array<Migration, 9> kMigrations = {{
    {1, "users, sessions, documents, grants, audit events", kV1},
    {2, "policy versions and signed bundles", kV2},
    {3, "the Merkle log: subtree hashes and signed tree heads", kV3},
    {4, "destruction requests", kV4},
    {5, "customer records, suspicious cases, channel staff", kV5},
    {6, "workstation agents, enrollment tokens, agent events", kV6},
    {7, "document ciphertext in blob files", kV7},
    {8, "print requests", kV8},
    {9, "print copy events: signed for, returned, shredded", kV9},
}};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace custos::vault::sqlite
