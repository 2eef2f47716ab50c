// Supervised destruction of delivered files (crypto-shredding).
//
// Once the customer records built from a delivered file are confirmed, every
// electronic copy must be destroyed under a project lead's supervision and
// the destruction recorded. Here that is two steps by two people:
//   1. request: a project lead of the document's department, or an
//      information clerk holding a live grant on it, asks for destruction
//      with a reason; the request is pending (one per document at a time).
//   2. supervise or refuse: a project lead of the department who is not the
//      requester decides, once.
// Supervision destroys the document in one store transaction together with
// its destruction record: the wrapped data key and stream header are
// overwritten, every ciphertext chunk is deleted, live grants end, the title
// is replaced by its keyed hash and the file name emptied, and the record —
// what (id, keyed title hash, level, ciphertext digest), why, requester,
// supervisor, when, method — is appended to the audit log as the action
// `document.destroy`. After the commit the store's write-ahead log is
// emptied so that no old page survives beside the database. A refusal
// leaves the document as it was.
//
// The answer to a supervision carries the record and the audit sequence
// number of its log entry: a destruction certificate (signed tree head and
// inclusion proof of that entry) is built from them.
//
// Thread-safety: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "custos/vault/audit_trail.hpp"
#include "custos/vault/identifier_hasher.hpp"

namespace custos::vault {

// A request's and a refusal's reason: 1 to this many bytes.
inline constexpr std::size_t kMaxDestructionReasonBytes = 500;

// What a supervision produced.
struct DestructionRecord {
  Id seq = 0;                  // the audit log entry holding the record
  std::string detail;          // the record: that entry's detail, compact JSON (docs/audit-log.md)
  DestructionRequest request;  // as decided (state supervised)
  // The write-ahead log was emptied after the commit. When false (a reader
  // held it too long) the old pages stay in it until the next checkpoint
  // that truncates it, at the latest when the vault stops.
  bool purged = false;
};

class DestructionService {
 public:
  // `hasher` makes the keyed hash that replaces the title.
  DestructionService(Store& store, AuditSink& audit, const IdentifierHasher& hasher);

  Result<DestructionRequest> request(const Principal& by, Id document, std::string_view reason, const Origin& origin);
  Result<DestructionRecord> supervise(const Principal& by, Id request, const Origin& origin);
  Result<DestructionRequest> refuse(const Principal& by, Id request, std::string_view reason, const Origin& origin);
  // Requests, oldest first, optionally of one state: a project lead sees their
  // department's, an auditor every department's.
  Result<std::vector<DestructionRequest>> list(const Principal& by, std::optional<DestructionState> state,
                                               const Origin& origin);

 private:
  struct Decidable {
    DestructionRequest request;
    Document document;
  };
  // The pending request `id` if `by` may decide it.
  Result<Decidable> decidable(Transaction& tx, const Principal& by, Id id);

  Store& store_;
  AuditSink& audit_;
  const IdentifierHasher& hasher_;
};

}  // namespace custos::vault
