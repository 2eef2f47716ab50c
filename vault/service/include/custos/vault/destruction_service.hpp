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
// overwritten, live grants end, the title is replaced by its keyed hash and
// the file name emptied, and the record — what (id, keyed title hash, level,
// ciphertext digest), why, requester, supervisor, when, method — is appended
// to the audit log as the action `document.destroy`. After the commit the
// ciphertext goes: its blob is overwritten, flushed and unlinked (a document
// uploaded before blobs existed has its chunks deleted in the transaction
// instead), and the store's write-ahead log is emptied so that no old page
// survives beside the database. A refusal leaves the document as it was.
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
#include "custos/vault/blob_store.hpp"
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
  // The ciphertext was overwritten and removed. When false, `erase_failure`
  // says why; the key is destroyed all the same (the ciphertext does not
  // open), and the vault's next start-up sweep shreds the blob again.
  bool ciphertext_erased = false;
  std::optional<Error> erase_failure;
};

class DestructionService {
 public:
  // `hasher` makes the keyed hash that replaces the title; `blobs` holds
  // the documents' ciphertext.
  DestructionService(Store& store, BlobStore& blobs, AuditSink& audit, const IdentifierHasher& hasher);

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
  BlobStore& blobs_;
  AuditSink& audit_;
  const IdentifierHasher& hasher_;
};

}  // namespace custos::vault
