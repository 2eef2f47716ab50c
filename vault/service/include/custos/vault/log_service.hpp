// The audit log as auditors see it: signed tree heads, proofs, and the
// entries an export is made of — and the signer that keeps heads fresh.
//
// Heads. The vault signs a head over the committed log at least every
// `head_every_entries` entries or `head_every` time, whichever comes first
// (and only when the log grew). Before signing it recomputes the root from
// the stored subtrees (it must equal the live root) and proves the new head
// consistent with the last one; if either check fails it signs nothing and
// says so — a head is never signed that contradicts an earlier one. When the
// service opens, the stored log must still extend its last signed head:
// otherwise the store was rolled back or altered and the vault refuses to
// start (corrupt).
//
// Reads are for auditors (docs/api.md) and audited like every read. The
// identifier hash (custos audit hash) is audited without the value.
//
// Thread-safety: every method may be called from any thread; sign_head is
// serialised internally.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "custos/auditlog/certificate.hpp"
#include "custos/merkle/proof.hpp"
#include "custos/merkle/tree_head.hpp"
#include "custos/platform/signing.hpp"
#include "custos/vault/audit_trail.hpp"
#include "custos/vault/identifier_hasher.hpp"

namespace custos::vault {

struct LogOptions {
  std::uint64_t head_every_entries = 1000;
  std::chrono::milliseconds head_every{10'000};
  std::uint64_t max_page_entries = 10'000;  // entries per /log/entries answer
  std::size_t max_export_heads = 100'000;   // heads one export may carry
};

// What an export of a time range is: the entries [start, end) of the log,
// the compact range before them and the heads that prove them. `end` is the
// size of the first head at or after the last entry before `until`, so an
// export may hold a few entries just after `until`; entries no head covers
// yet are left out (`pending` of them).
struct ExportPlan {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  merkle::CompactRange start_range;
  std::vector<merkle::SignedTreeHead> heads;
  std::uint64_t pending = 0;
};

struct EntriesPage {
  std::vector<AuditRecord> records;
  std::vector<merkle::Hash> leaf_hashes;
};

class LogService {
 public:
  // Reads the last signed head and checks the stored log still extends it.
  static Result<std::unique_ptr<LogService>> open(Store& store, AuditSink& audit, const SigningKey& signing,
                                                  const IdentifierHasher& identifiers, LogOptions options = {});

  merkle::LogId log_id() const { return log_id_; }
  // The key that signs the heads, "ed25519:<base64>".
  std::string public_key() const { return signing_.public_key().to_string(); }

  // Signs a head over the committed log if it grew since the last head;
  // nothing when it did not. Refuses (corrupt/conflict) as described above.
  Result<std::optional<merkle::SignedTreeHead>> sign_head(UnixSeconds now);
  // True when the log grew and enough entries or time have passed.
  bool head_due() const;
  // The signer: signs whenever a head is due, until `stopping()` is true
  // (asked every tick); then signs a last one.
  void run(const std::function<bool()>& stopping);

  // --- auditor reads
  Result<merkle::SignedTreeHead> latest_head(const Principal& by, const Origin& origin);
  // The proof that entry `seq` is in the log of `tree_size` entries (a signed head's size).
  Result<merkle::InclusionProof> inclusion(const Principal& by, std::uint64_t seq, std::uint64_t tree_size,
                                           const Origin& origin);
  Result<merkle::ConsistencyProof> consistency(const Principal& by, std::uint64_t old_size, std::uint64_t new_size,
                                               const Origin& origin);
  Result<ExportPlan> plan_export(const Principal& by, std::optional<UnixSeconds> since,
                                 std::optional<UnixSeconds> until, const Origin& origin);
  // Entries [start, end) (0-based log positions; seq start+1 … end), at most max_page_entries.
  Result<EntriesPage> entries(const Principal& by, std::uint64_t start, std::uint64_t end, const Origin& origin);
  // The destruction certificate of log entry `seq` (a document.destroy),
  // signing a head first when none covers it yet. For the supervisor's answer
  // (already audited with the destruction) and, through certificate_for, for
  // auditors later.
  Result<auditlog::DestructionCertificate> certificate(std::uint64_t seq);
  Result<auditlog::DestructionCertificate> certificate_for(const Principal& by, std::uint64_t seq,
                                                           const Origin& origin);
  // The keyed hash under which `value` appears in the log.
  Result<std::string> identifier_hash(const Principal& by, std::string_view value, const Origin& origin);

 private:
  LogService(Store& store, AuditSink& audit, const SigningKey& signing, const IdentifierHasher& identifiers,
             LogOptions options, std::optional<merkle::SignedTreeHead> last);
  Result<void> audited(const Principal& by, const Origin& origin, Action action, std::string target);

  Store& store_;
  AuditSink& audit_;
  const SigningKey& signing_;
  const IdentifierHasher& identifiers_;
  LogOptions options_;
  merkle::LogId log_id_;
  mutable std::mutex mutex_;  // guards last_ and last_signed_at_; serialises signing
  std::optional<merkle::SignedTreeHead> last_;
  std::chrono::steady_clock::time_point last_signed_at_;
};

}  // namespace custos::vault
