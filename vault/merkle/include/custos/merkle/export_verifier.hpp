// ExportVerifier: rebuilds the log's tree from an export's entries and checks
// it against the export's signed tree heads; on a mismatch it names the first
// entry that can be at fault. What `custos audit verify EXPORT` runs.
//
// Entries are fed in log order, one at a time, so an export is streamed and
// never held whole. Each head is checked the moment the rebuilt tree reaches
// its size (the accumulator gives the root at every size for free), so one
// pass checks every head, at about two SHA-256 computations per entry.
//
// What a mismatch proves. Entries below the size of the last head that
// matched are proven (verified_through). If the next head does not match,
// some entry in [verified_through, that head's size) was changed, dropped,
// inserted or moved, and nothing in the export tells which one of them; the
// finding names the lowest, verified_through, and the range. With a head at
// every size the range is one entry: exactly the bad one. (A changed entry
// breaks every later root; a reordering breaks the roots from the first moved
// entry on: either way the first head that fails is the first one past it.)
//
// Naming the exact entry between sparse heads. An export may carry, beside
// each entry, the leaf hash the vault recorded for it. The verifier then also
// builds the tree of the recorded hashes. Where the entries fail a head but
// the recorded hashes match it, the recorded hashes are proven (a signed root
// commits to every leaf hash under it), and the first entry whose own hash
// differs from its recorded one is exactly the changed entry. Where the
// entries match but a recorded hash does not, the export was altered in that
// hash and the entry is named too. If both fail, someone rewrote entries and
// hashes alike, and the finding falls back to the range. Hints never make an
// export pass: the verdict always comes from the entries themselves.
//
// An export that starts mid-log (`--since`) carries the compact range of the
// log before its first entry (compact_range.hpp); it is not trusted on its
// own: if it is wrong, the first head after it fails and the finding names
// the export's first entry. Heads below the export's start are ignored.
//
// Findings, by code: corrupt (entries do not match a head; the export ends
// before a head's size), crypto (a head's signature fails: verify_export),
// conflict (two heads of one size with different roots: the log forked),
// invalid_argument (no head covers any entry; heads of different logs).
//
// Thread-safety: one object is fed from one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "custos/merkle/compact_range.hpp"
#include "custos/merkle/hash.hpp"
#include "custos/merkle/tree_head.hpp"
#include "custos/platform/error.hpp"
#include "custos/platform/signing.hpp"

namespace custos::merkle {

struct ExportFinding {
  Error error;
  // For corrupt: the entries [first_bad_entry, suspect_end) contain the fault;
  // every entry below first_bad_entry is proven.
  std::optional<std::uint64_t> first_bad_entry;
  std::optional<std::uint64_t> suspect_end;
  // The position, in the list of heads given, of the head involved.
  std::optional<std::size_t> head;
};

struct ExportReport {
  std::uint64_t start = 0;             // log index of the export's first entry
  std::uint64_t end = 0;               // one past the last entry read
  std::uint64_t verified_through = 0;  // entries [start, verified_through) are proven by a head
  std::size_t heads_checked = 0;       // heads whose root was compared (and matched)
  Hash root{};                         // the rebuilt root of the log's first `end` entries
  std::optional<ExportFinding> finding;

  // True when every head checked matched and at least one head covers the
  // export. Entries at or past verified_through are still unproven: a caller
  // reports them (an export normally ends at a head).
  bool ok() const noexcept { return !finding.has_value(); }
};

class ExportVerifier {
 public:
  // `heads`: the export's heads in any order, whose signatures the caller has
  // verified (verify_export below does both). `start`: the log before the
  // export's first entry; empty for an export from the beginning.
  explicit ExportVerifier(std::span<const TreeHead> heads, CompactRange start = CompactRange());

  // The next entry, by its bytes or by its leaf hash.
  void add_entry(std::span<const std::uint8_t> entry) { add_leaf_hash(leaf_hash(entry)); }
  void add_leaf_hash(const Hash& leaf);
  // The next entry with the leaf hash the export recorded for it (see above).
  // Give it for every entry or for none; once an entry comes without it, the
  // recorded hashes are no longer used.
  void add_entry(std::span<const std::uint8_t> entry, const Hash& recorded_leaf_hash);
  // The same for an entry whose leaf hash the caller computed (on another
  // thread, say): add_entry(entry, recorded) is add_leaf_hash(leaf_hash(entry), recorded).
  void add_leaf_hash(const Hash& leaf, const Hash& recorded_leaf_hash);

  // The verdict once every entry has been added.
  ExportReport finish() const;
  // True once a finding is made; it is final (the first fault found), so a
  // streaming caller may stop reading there.
  bool failed() const noexcept { return finding_.has_value(); }

 private:
  struct PendingHead {
    std::uint64_t size;
    Hash root;
    std::size_t position;  // in the caller's list
  };

  enum class Hints : std::uint8_t { unused, active, abandoned };

  void append(const Hash& leaf);
  void check_heads_at_current_size();
  void record(ExportFinding finding);

  std::vector<PendingHead> heads_;  // ascending size, at or after the start
  std::size_t next_head_ = 0;
  CompactRange range_;
  std::uint64_t start_ = 0;
  std::uint64_t verified_through_ = 0;
  std::size_t heads_checked_ = 0;
  std::optional<ExportFinding> finding_;
  // The recorded leaf hashes since the last head that matched, the range
  // at that head, and the first entry whose own leaf hash differs from its
  // recorded one. The tree of the recorded hashes is only built when a head
  // fails, so an intact export costs one tree, not two.
  Hints hints_ = Hints::unused;
  CompactRange at_last_head_;
  std::vector<Hash> recorded_since_head_;
  std::optional<std::uint64_t> first_unlike_record_;
};

// Verifies every head's signature with `key`, then runs an ExportVerifier
// over `entries`. A bad signature is a crypto finding naming the head.
// `recorded_leaf_hashes`, when not empty, holds one recorded hash per entry
// (invalid_argument finding otherwise).
ExportReport verify_export(std::span<const SignedTreeHead> heads, const PublicKey& key,
                           std::span<const std::span<const std::uint8_t>> entries,
                           CompactRange start = CompactRange(), std::span<const Hash> recorded_leaf_hashes = {});

}  // namespace custos::merkle
