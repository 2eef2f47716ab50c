// The vault's store: every persistent fact of the vault behind one
// interface, so that the embedded SQLite store and (later) PostgreSQL serve
// the same services and pass the same tests.
//
// All access goes through a Transaction. Write transactions enforce the
// vault's first rule at the lowest level: a write transaction commits only if
// it appended at least one audit record, and the audit record commits or fails
// with the action — an action that cannot be audited does not happen.
//
// Thread-safety: a Store may be used from many threads; each Transaction
// belongs to the thread that began it and must end (commit or destruction,
// which rolls back) before that thread begins another.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "custos/merkle/compact_range.hpp"
#include "custos/merkle/hash_source.hpp"
#include "custos/merkle/tree_head.hpp"
#include "custos/platform/error.hpp"
#include "custos/vault/agent_model.hpp"
#include "custos/vault/model.hpp"
#include "custos/vault/print_model.hpp"
#include "custos/vault/records_model.hpp"

namespace custos::vault {

// read: no changes. write: changes that must carry an audit record.
// staging: writes data nobody can see yet (the chunks of an upload in
// progress); it commits without an audit record because the action is
// audited when the staged data becomes visible (activate_document).
// log: the log's own bookkeeping (signed tree heads), which states facts
// about the audit records rather than being an action, and commits without one.
enum class TxMode { read, write, staging, log };

// The committed audit log: how many entries, and the Merkle root over them.
struct LogState {
  std::uint64_t size = 0;
  merkle::Hash root = merkle::empty_root();
};

class Transaction {
 public:
  virtual ~Transaction() = default;

  // --- departments
  virtual Result<Department> insert_department(std::string_view name, UnixSeconds now) = 0;
  virtual Result<Department> department_by_name(std::string_view name) = 0;
  virtual Result<std::vector<Department>> list_departments() = 0;

  // --- users (lookups of a missing user fail with not_found)
  virtual Result<User> insert_user(const User& user) = 0;
  virtual Result<User> user_by_name(std::string_view name) = 0;
  virtual Result<User> user_by_id(Id id) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<void> update_login_state(Id user, int failed_logins, UnixSeconds locked_until) = 0;
  virtual Result<void> set_disabled(Id user, bool disabled) = 0;
  virtual Result<void> set_password_hash(Id user, const std::string& hash) = 0;

  // --- sessions, keyed by the hash of their token
  virtual Result<void> insert_session(const Session& session) = 0;
  virtual Result<Session> session_by_hash(std::string_view token_hash) = 0;
  virtual Result<void> touch_session(std::string_view token_hash, UnixSeconds now) = 0;
  virtual Result<void> delete_session(std::string_view token_hash) = 0;
  virtual Result<void> delete_sessions_of(Id user) = 0;
  virtual Result<void> delete_expired_sessions(UnixSeconds idle_before, UnixSeconds now) = 0;

  // --- documents (their ciphertext is in a BlobStore, or for documents
  // uploaded before store schema 5 in the store's chunk table)
  // Inserts a document in state `uploading` (no key yet) whose ciphertext
  // goes to a blob; its id is assigned.
  virtual Result<Document> insert_document(const Document& document) = 0;
  // Makes an uploaded document visible, with its wrapped data key and stream header.
  virtual Result<void> activate_document(Id document, std::uint64_t size, std::uint32_t chunks,
                                         const std::string& ciphertext_sha256, std::span<const std::uint8_t> wrapped_key,
                                         std::span<const std::uint8_t> stream_header) = 0;
  // Removes a document's row and every chunk (an aborted upload).
  virtual Result<void> delete_document(Id document) = 0;
  virtual Result<Document> document_by_id(Id document) = 0;
  // Active documents, of one department or all.
  virtual Result<std::vector<Document>> list_documents(std::optional<Id> department) = 0;
  // A sealed chunk of a document whose ciphertext is in the chunk table.
  virtual Result<Bytes> chunk(Id document, std::uint32_t index) = 0;
  virtual Result<std::vector<Id>> incomplete_uploads() = 0;
  // Active documents whose ciphertext is in a blob, ascending: the blobs
  // the vault must keep.
  virtual Result<std::vector<Id>> active_documents_in_blobs() = 0;

  // --- grants
  virtual Result<Grant> insert_grant(const Grant& grant) = 0;
  virtual Result<Grant> grant_by_id(Id grant) = 0;
  virtual Result<std::vector<Grant>> grants_of_document(Id document) = 0;
  // Grants to a user on active documents; only live ones when `now` is given.
  virtual Result<std::vector<Grant>> grants_of_user(Id user, std::optional<UnixSeconds> live_at) = 0;
  virtual Result<std::optional<Grant>> live_grant(Id document, Id user, UnixSeconds now) = 0;
  virtual Result<void> revoke_grant(Id grant, Id by, UnixSeconds now) = 0;
  // Grants created in [from, to) on documents of `department` (or of all),
  // oldest first, whatever state their document is in now.
  virtual Result<std::vector<LendingGrant>> grants_created_between(UnixSeconds from, UnixSeconds to,
                                                                   std::optional<Id> department) = 0;

  // Ends every grant on `document` that is live at `now` (revoked by `by`);
  // the number ended.
  virtual Result<int> end_live_grants(Id document, Id by, UnixSeconds now) = 0;

  // --- destruction (crypto-shredding)
  // Inserts a pending request (its id is assigned); conflict when the
  // document has a pending request already.
  virtual Result<DestructionRequest> insert_destruction_request(const DestructionRequest& request) = 0;
  virtual Result<DestructionRequest> destruction_request_by_id(Id request) = 0;
  // Matching requests, oldest first.
  virtual Result<std::vector<DestructionRequest>> list_destruction_requests(const DestructionQuery& query) = 0;
  // The requests decided (supervised or refused) in [from, to), and those
  // still pending that were made in it, on documents of `department` (or of
  // all); ordered by the time that puts each in the window (its decision,
  // else its request), then id.
  virtual Result<std::vector<DestructionRequest>> destruction_requests_between(UnixSeconds from, UnixSeconds to,
                                                                               std::optional<Id> department) = 0;
  // Decides a pending request (supervised or refused) once; conflict when it
  // was decided already.
  virtual Result<void> decide_destruction_request(Id request, DestructionState decision, Id by, UnixSeconds at,
                                                  std::string_view reason) = 0;
  // Crypto-shreds an active document's row: its wrapped data key and stream
  // header are overwritten with empty values, every ciphertext chunk in the
  // chunk table is deleted, its title is replaced by `title_hash` and its
  // file name emptied, and its state becomes `destroyed`. The row stays, so
  // grants and audit records keep their reference. A ciphertext blob is the
  // caller's to shred (BlobStore::shred) once this committed. Conflict when
  // the document is not active.
  virtual Result<void> shred_document(Id document, std::string_view title_hash) = 0;

  // --- controlled printing (print_model.hpp)
  // Inserts a pending request (its id is assigned).
  virtual Result<PrintRequest> insert_print_request(const PrintRequest& request) = 0;
  virtual Result<PrintRequest> print_request_by_id(Id request) = 0;
  // Matching requests by id.
  virtual Result<std::vector<PrintRequest>> list_print_requests(const PrintQuery& query) = 0;
  // Requests printed in [from, to) on documents of `department` (or of all),
  // by the time printed.
  virtual Result<std::vector<PrintRequest>> print_requests_printed_between(UnixSeconds from, UnixSeconds to,
                                                                          std::optional<Id> department) = 0;
  // Writes the request's decision and run fields (not its receipt and
  // counters: insert_print_copy_event owns those); conflict unless its
  // stored state is `expected`.
  virtual Result<void> update_print_request(const PrintRequest& request, PrintState expected) = 0;
  // Records what became of copies of a printed request: inserts the event
  // (its id is assigned) and, in the same transaction, sets the request's
  // received_at (received) or adds the copies to its returned or shredded.
  // Conflict when the request is not printed, was signed for already
  // (received), or has fewer copies outstanding than the event names.
  virtual Result<PrintCopyEvent> insert_print_copy_event(const PrintCopyEvent& event) = 0;
  // Events of `kind` (or of every kind) recorded in [from, to), on documents
  // of `department` (or of all), by time then id.
  virtual Result<std::vector<PrintCopyEvent>> print_copy_events_between(UnixSeconds from, UnixSeconds to,
                                                                       std::optional<Id> department,
                                                                       std::optional<CopyEventKind> kind) = 0;
  // Every event of the requests printed in [from, to) on documents of
  // `department` (or of all), whenever recorded: by request, then time.
  virtual Result<std::vector<PrintCopyEvent>> print_copy_events_of_printed_between(UnixSeconds from, UnixSeconds to,
                                                                                  std::optional<Id> department) = 0;

  // --- customer records (records_model.hpp)
  // Inserts an import (its id is assigned); rows and problems are set by
  // finish_record_import once its records are in.
  virtual Result<RecordImport> insert_record_import(const RecordImport& import) = 0;
  virtual Result<void> finish_record_import(Id import, std::int64_t rows, std::int64_t problems) = 0;
  virtual Result<RecordImport> record_import_by_id(Id import) = 0;
  // The id the next inserted record gets (its sealed content binds the id,
  // so it is known before sealing; the transaction holds the writer).
  virtual Result<Id> next_record_id() = 0;
  // Inserts `record` under record.id, with its values.
  virtual Result<void> insert_record(const CustomerRecord& record) = 0;
  virtual Result<CustomerRecord> record_by_id(Id record) = 0;
  // Matching records by id, with their values.
  virtual Result<std::vector<CustomerRecord>> list_records(const RecordQuery& query) = 0;
  // Replaces a record's content after a fix (version, state, findings,
  // agent code, customer, key, sealed content, values, updated_*); the
  // record is screened again by the next T+1 run.
  virtual Result<void> update_record(const CustomerRecord& record) = 0;
  // Records not yet screened entered on or before `through_day`, by id, with
  // their values (no sealed content).
  virtual Result<std::vector<CustomerRecord>> unscreened_records(std::string_view through_day) = 0;
  // Every record carrying the value: (record id, customer hash), by id.
  virtual Result<std::vector<std::pair<Id, std::string>>> records_with_value(std::string_view kind,
                                                                            std::string_view value_hash) = 0;
  virtual Result<void> mark_screened(std::span<const Id> records) = 0;
  // The open case of a value, if there is one.
  virtual Result<std::optional<SuspiciousCaseRow>> open_case_for(std::string_view kind, std::string_view value_hash) = 0;
  // Inserts a case (its id is assigned) with its records.
  virtual Result<Id> insert_case(const SuspiciousCaseRow& c) = 0;
  // Adds records to a case (those it has already are skipped).
  virtual Result<void> add_case_records(Id case_id, std::span<const Id> records) = 0;
  virtual Result<SuspiciousCaseRow> case_by_id(Id case_id) = 0;
  virtual Result<std::vector<SuspiciousCaseRow>> list_cases(const CaseQuery& query) = 0;
  // Clears an open case once; conflict when it is cleared already.
  virtual Result<void> clear_case(Id case_id, Id by, UnixSeconds at, std::string_view note,
                                  std::string_view evidence) = 0;
  virtual Result<void> mark_overdue_raised(Id case_id, UnixSeconds at) = 0;
  // Sets (or replaces) who handles an agent code's cases.
  virtual Result<void> set_channel_staff(const ChannelStaff& staff) = 0;
  virtual Result<std::optional<ChannelStaff>> channel_staff(std::string_view agent_code) = 0;
  virtual Result<std::vector<ChannelStaff>> list_channel_staff() = 0;

  // --- workstation agents (agent_model.hpp)
  virtual Result<void> insert_enrollment_token(const EnrollmentToken& token) = 0;
  // Uses a token once: not_found when there is none with that hash,
  // expired when it ran out of time or uses. Returns it as it was.
  virtual Result<EnrollmentToken> use_enrollment_token(std::string_view token_hash, UnixSeconds now) = 0;
  // Inserts an agent (its id and name are assigned).
  virtual Result<Agent> insert_agent(const Agent& agent) = 0;
  virtual Result<Agent> agent_by_id(Id agent) = 0;
  virtual Result<Agent> agent_by_name(std::string_view name) = 0;
  virtual Result<Agent> agent_by_credential(std::string_view credential_hash) = 0;
  virtual Result<std::vector<Agent>> list_agents() = 0;
  // Records a heartbeat: last seen, source, reported state; clears silence.
  virtual Result<void> record_heartbeat(Id agent, UnixSeconds now, std::string_view source, std::int64_t policy_version,
                                        std::int64_t outbox_depth, std::string_view agent_version) = 0;
  // Conflict when the agent is revoked already.
  virtual Result<void> revoke_agent(Id agent, Id by, UnixSeconds now) = 0;
  virtual Result<void> mark_agent_silent(Id agent, UnixSeconds since) = 0;
  // Stores an event unless (agent, seq) is there: true when stored. The
  // stored one's digest is returned through `existing_digest` otherwise.
  // The agent's counters are left to count_agent_events, once per batch.
  virtual Result<bool> insert_agent_event(const AgentEvent& event, std::string& existing_digest) = 0;
  // Adds `stored` to the agent's event count and raises its last sequence
  // to `last_seq` (never lowers it).
  virtual Result<void> count_agent_events(Id agent, std::int64_t stored, std::int64_t last_seq) = 0;
  // Events of an agent with seq > after_seq, ascending, at most `limit`.
  virtual Result<std::vector<AgentEvent>> agent_events(Id agent, std::int64_t after_seq, std::size_t limit) = 0;

  // --- policies
  // Inserts the next version (its number is assigned: the highest so far + 1).
  virtual Result<PolicyRecord> insert_policy(const PolicyRecord& policy) = 0;
  virtual Result<void> insert_policy_bundle(std::int64_t version, std::string_view department,
                                            std::string_view bundle) = 0;
  // The newest version; not_found before the first apply.
  virtual Result<PolicyRecord> latest_policy() = 0;
  // Every version, newest first, without their sources.
  virtual Result<std::vector<PolicyRecord>> list_policies() = 0;
  virtual Result<std::string> policy_bundle(std::int64_t version, std::string_view department) = 0;

  // --- audit
  // Appends a record (its seq is assigned) and counts it for the commit rule.
  // The record is also the log's next leaf (seq − 1 is its index): its leaf
  // hash and every perfect subtree it completes are stored in the same
  // transaction, so the log and the records commit or fail together. Text
  // fields that are not valid UTF-8 are stored with U+FFFD in their place.
  Result<Id> append_audit(const AuditRecord& record) {
    auto seq = do_append_audit(record);
    if (seq) ++audit_records_;
    return seq;
  }
  virtual Result<std::vector<AuditRecord>> list_audit(const AuditQuery& query) = 0;
  // Every allowed `document.content` record with time in [from, to), oldest
  // first. Reads the audit table's time range once (its time index).
  virtual Result<std::vector<ContentRelease>> content_releases_between(UnixSeconds from, UnixSeconds to) = 0;
  // Every allowed `document.destroy` record with time in [from, to), oldest
  // first (the same time index).
  virtual Result<std::vector<DestructionEntry>> destructions_logged_between(UnixSeconds from, UnixSeconds to) = 0;

  // The first record at or after `time`, and the last one before it, by seq.
  virtual Result<std::optional<Id>> first_audit_at_or_after(UnixSeconds time) = 0;
  virtual Result<std::optional<Id>> last_audit_before(UnixSeconds time) = 0;

  // --- the Merkle log over the audit records (docs/audit-log.md)
  // Stored perfect-subtree hashes, as merkle::HashSource::subtree_hashes.
  virtual Result<std::vector<merkle::Hash>> subtree_hashes(std::span<const merkle::Subtree> wanted) = 0;
  // The leaf hashes of entries [first_index, first_index + count).
  virtual Result<std::vector<merkle::Hash>> leaf_hashes(std::uint64_t first_index, std::uint64_t count) = 0;
  virtual Result<void> insert_tree_head(const merkle::SignedTreeHead& head) = 0;
  virtual Result<std::optional<merkle::SignedTreeHead>> latest_tree_head() = 0;
  // The smallest head of at least `size` entries.
  virtual Result<std::optional<merkle::SignedTreeHead>> tree_head_at_or_after(std::uint64_t size) = 0;
  // Heads with min_size <= tree_size <= max_size, ascending, at most `limit`.
  virtual Result<std::vector<merkle::SignedTreeHead>> tree_heads(std::uint64_t min_size, std::uint64_t max_size,
                                                                 std::size_t limit) = 0;

  // Commits. A write transaction with no audit record is refused (internal
  // error) and rolled back.
  Result<void> commit() {
    if (mode_ == TxMode::write && audit_records_ == 0) {
      return fail(ErrorCode::internal, "refusing to commit a write that left no audit record");
    }
    return do_commit();
  }

 protected:
  explicit Transaction(TxMode mode) : mode_(mode) {}
  virtual Result<Id> do_append_audit(const AuditRecord& record) = 0;
  virtual Result<void> do_commit() = 0;

 private:
  TxMode mode_;
  int audit_records_ = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Result<std::unique_ptr<Transaction>> begin(TxMode mode) = 0;
  // The log as of the last commit (what a new head may be signed over).
  virtual LogState log_state() const = 0;
  // Makes data that committed transactions deleted or overwrote
  // unrecoverable from the store's own files: for SQLite, every frame of
  // the write-ahead log is copied into the database and the log truncated
  // to zero bytes, so no old page image survives beside the database (whose
  // freed space `secure_delete` zeroes). Waits for readers up to the busy
  // timeout; unavailable when they did not finish. Run after a destruction.
  virtual Result<void> checkpoint_truncate() = 0;
};

// A transaction's view of the stored subtrees as a merkle::HashSource.
class TransactionHashSource final : public merkle::HashSource {
 public:
  explicit TransactionHashSource(Transaction& tx) : tx_(tx) {}
  Result<std::vector<merkle::Hash>> subtree_hashes(std::span<const merkle::Subtree> wanted) override {
    return tx_.subtree_hashes(wanted);
  }

 private:
  Transaction& tx_;
};

// Runs `body(Transaction&)` (returning Result<T>) in a transaction and
// commits when it succeeds; any failure rolls everything back.
template <class Body>
auto transact(Store& store, TxMode mode, Body&& body) -> decltype(body(std::declval<Transaction&>())) {
  auto tx = store.begin(mode);
  if (!tx) return std::unexpected(std::move(tx).error());
  auto result = body(**tx);
  if (!result) return result;
  if (auto committed = (*tx)->commit(); !committed) return std::unexpected(std::move(committed).error());
  return result;
}

}  // namespace custos::vault
