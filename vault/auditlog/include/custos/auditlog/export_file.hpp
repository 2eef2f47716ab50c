// The audit export file (`custos audit export --format jsonl`) and its
// offline verification (`custos audit verify EXPORT --pubkey vault.pub`).
//
// The file is UTF-8 text, one canonical JSON object a line (docs/audit-log.md,
// "Export file"):
//   line 1   the header: {"format":"custos-audit-export-v1","log_id":HEX,
//            "start":N,"start_range":HEX,"heads":[HEX,…]}
//            start: how many log entries come before the first one here;
//            start_range: the compact range of those entries (compact_range.hpp);
//            heads: every signed tree head the export relies on, each the hex
//            of its 157-byte encoding (tree_head.hpp), ascending by size.
//   line 2…  one entry a line (entry.hpp), with its recorded "leaf_hash",
//            in log order: seq start+1, start+2, …
// The export ends exactly at its last head's size, so every entry in it is
// proven by a signed head.
//
// Verification reads the file once: the heads' signatures and log id first,
// then each entry — its seq must be the next one (a dropped, duplicated or
// moved entry is named at once), its text canonical, and the rebuilt tree
// must match every head it reaches (merkle::ExportVerifier, which uses the
// recorded leaf hashes to name the exact changed entry). The first finding
// ends the check; a caller stops reading when add_line() says so.
//
// Thread-safety: a verifier is fed by one thread; it is copyable (a copy
// continues independently from the same point).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "custos/auditlog/entry.hpp"
#include "custos/merkle/compact_range.hpp"
#include "custos/merkle/export_verifier.hpp"
#include "custos/merkle/tree_head.hpp"
#include "custos/platform/error.hpp"
#include "custos/platform/signing.hpp"

namespace custos::auditlog {

inline constexpr std::string_view kExportFormat = "custos-audit-export-v1";

struct ExportHeader {
  merkle::LogId log_id{};
  merkle::CompactRange start_range;  // its size is the export's start
  std::vector<merkle::SignedTreeHead> heads;
};

std::string to_header_line(const ExportHeader& header);
Result<ExportHeader> parse_header_line(std::string_view line);

// A signed head as one hex string (its 157-byte encoding), as exports,
// certificates and saved heads carry it.
std::string head_to_hex(const merkle::SignedTreeHead& head);
Result<merkle::SignedTreeHead> head_from_hex(std::string_view hex);

struct ExportVerdict {
  std::uint64_t start = 0;             // entries before the export's first
  std::uint64_t end = 0;               // start + entries read
  std::uint64_t verified_through = 0;  // entries [start, verified_through) are proven
  std::size_t heads_checked = 0;
  std::optional<merkle::SignedTreeHead> last_head;  // the largest head checked
  // When verification failed: why, and the first entry at fault (by seq,
  // with `bad_seq_end` one past the last suspect when the fault cannot be
  // pinned to one entry) or the head at fault (its position in the header).
  std::optional<Error> error;
  std::optional<std::uint64_t> bad_seq;
  std::optional<std::uint64_t> bad_seq_end;
  std::optional<std::size_t> bad_head;
  bool ok() const noexcept { return !error.has_value(); }
};

class ExportFileVerifier {
 public:
  // Reads the header and checks it against `key`: the format, the log id
  // (the one log_id_for(key) names), every head's signature. `extra_heads`
  // are heads the caller trusts already (the auditor's saved head): they are
  // checked like the export's own, so an export cut short before a head the
  // auditor has seen, or from a forked log, fails.
  static Result<ExportFileVerifier> begin(std::string_view header_line, const PublicKey& key,
                                          std::span<const merkle::SignedTreeHead> extra_heads = {});

  // The next entry line (without its line break). False once the export has
  // failed: read no further.
  bool add_line(std::string_view line);
  // The next lines, in order: the same verdict as add_line on each, but the
  // lines are read and their leaves hashed on `threads` threads (the tree is
  // still fed in order on this one). What `custos audit verify` uses.
  bool add_lines(std::span<const std::string> lines, unsigned threads);

  ExportVerdict finish() const;

 private:
  ExportFileVerifier(merkle::ExportVerifier verifier, std::uint64_t start,
                     std::optional<merkle::SignedTreeHead> last_head, std::size_t own_heads)
      : verifier_(std::move(verifier)), start_(start), last_head_(std::move(last_head)), own_heads_(own_heads) {}

  // One line read and hashed ahead of the tree (add_lines).
  struct ReadLine {
    Result<void> read;
    std::uint64_t seq = 0;
    merkle::Hash leaf{};
    std::optional<merkle::Hash> recorded;
  };
  static ReadLine read_line(std::string_view line, Bytes& leaf);
  // The checks and the tree, in order, for a line already read.
  bool take(ReadLine& line);

  merkle::ExportVerifier verifier_;
  std::uint64_t start_ = 0;
  std::uint64_t lines_ = 0;
  std::optional<merkle::SignedTreeHead> last_head_;
  std::size_t own_heads_ = 0;
  std::optional<Error> line_error_;
  std::optional<std::uint64_t> line_error_seq_;
  // Reused for every line, so reading an entry allocates nothing.
  Bytes leaf_;
  std::vector<ReadLine> read_ahead_;
};

}  // namespace custos::auditlog
