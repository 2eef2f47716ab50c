#include "custos/merkle/export_verifier.hpp"

#include <algorithm>
#include <string>

namespace custos::merkle {

namespace {
std::string n(std::uint64_t value) { return std::to_string(value); }
}  // namespace

ExportVerifier::ExportVerifier(std::span<const TreeHead> heads, CompactRange start)
    : range_(std::move(start)), start_(range_.size()), verified_through_(range_.size()), at_last_head_(range_) {
  // Heads are sorted once so the hot loop compares one size per entry.
  for (std::size_t i = 0; i < heads.size(); ++i) {
    if (heads[i].log_id != heads.front().log_id) {
      record({Error{ErrorCode::invalid_argument, "the export's heads belong to different logs (head " + n(i) + ")"},
              {}, {}, i});
      return;
    }
    if (heads[i].tree_size >= start_) heads_.push_back({heads[i].tree_size, heads[i].root_hash, i});
  }
  std::stable_sort(heads_.begin(), heads_.end(),
                   [](const PendingHead& a, const PendingHead& b) { return a.size < b.size; });
  // Two signed roots for one size prove a fork by themselves, whatever the
  // entries say; report that rather than a mismatch against one of them.
  for (std::size_t i = 1; i < heads_.size(); ++i) {
    if (heads_[i].size == heads_[i - 1].size && heads_[i].root != heads_[i - 1].root) {
      record({Error{ErrorCode::conflict, "heads " + n(heads_[i - 1].position) + " and " + n(heads_[i].position) +
                                             " sign different roots for the same log size " + n(heads_[i].size) +
                                             ": the log forked"},
              {}, {}, heads_[i].position});
      return;
    }
  }
  check_heads_at_current_size();
}

void ExportVerifier::record(ExportFinding finding) {
  if (!finding_) finding_ = std::move(finding);
}

void ExportVerifier::add_leaf_hash(const Hash& leaf) {
  if (hints_ == Hints::active) hints_ = Hints::abandoned;  // the recorded tree would miss this leaf
  append(leaf);
}

void ExportVerifier::add_entry(std::span<const std::uint8_t> entry, const Hash& recorded_leaf_hash) {
  add_leaf_hash(leaf_hash(entry), recorded_leaf_hash);
}

void ExportVerifier::add_leaf_hash(const Hash& leaf, const Hash& recorded_leaf_hash) {
  if (hints_ == Hints::unused && range_.size() == start_) hints_ = Hints::active;
  if (hints_ == Hints::active) {
    recorded_since_head_.push_back(recorded_leaf_hash);
    if (leaf != recorded_leaf_hash && !first_unlike_record_) first_unlike_record_ = range_.size();
  }
  append(leaf);
}

void ExportVerifier::append(const Hash& leaf) {
  range_.append(leaf);
  if (next_head_ < heads_.size() && heads_[next_head_].size == range_.size()) check_heads_at_current_size();
}

void ExportVerifier::check_heads_at_current_size() {
  if (finding_) return;
  const std::uint64_t size = range_.size();
  if (next_head_ >= heads_.size() || heads_[next_head_].size != size) return;
  const Hash root = range_.root();
  const bool hinted = hints_ == Hints::active && first_unlike_record_.has_value();
  for (; next_head_ < heads_.size() && heads_[next_head_].size == size; ++next_head_) {
    const auto& head = heads_[next_head_];
    if (head.root == root) {
      ++heads_checked_;
      continue;
    }
    // Stop at the first failing head: later heads can match again (after a
    // swap of two entries) and would only blur which entry is first.
    next_head_ = heads_.size();
    const std::string at_head = "the entries do not match head " + n(head.position) + " (log size " + n(size) + "): ";
    const auto recorded_root = [&] {
      CompactRange recorded = at_last_head_;
      recorded.append(recorded_since_head_);
      return recorded.root();
    };
    if (hinted && recorded_root() == head.root) {
      const std::uint64_t bad = *first_unlike_record_;
      record({Error{ErrorCode::corrupt, at_head + "entry " + n(bad) +
                                            " differs from its recorded leaf hash, which the head proves: entry " +
                                            n(bad) + " was changed"},
              bad, bad + 1, head.position});
      return;
    }
    const std::string which = size == start_ ? "the export's starting state (the log before entry " + n(start_) + ")"
                                             : "one of entries " + n(verified_through_) + " to " + n(size - 1);
    record({Error{ErrorCode::corrupt, at_head + which + " was changed, dropped, added or moved"}, verified_through_,
            size, head.position});
    return;
  }
  verified_through_ = size;
  if (hints_ == Hints::active) {
    at_last_head_ = range_;
    recorded_since_head_.clear();
  }
  if (hinted && *first_unlike_record_ < size) {
    // The entries are proven; the hash recorded beside one of them is not.
    const std::uint64_t bad = *first_unlike_record_;
    record({Error{ErrorCode::corrupt, "the leaf hash recorded for entry " + n(bad) +
                                          " does not match the entry, which itself matches the signed head: the "
                                          "export was altered there"},
            bad, bad + 1, {}});
  }
}

ExportReport ExportVerifier::finish() const {
  ExportReport report;
  report.start = start_;
  report.end = range_.size();
  report.verified_through = verified_through_;
  report.heads_checked = heads_checked_;
  report.root = range_.root();
  report.finding = finding_;
  if (!report.finding && next_head_ < heads_.size()) {
    const auto& head = heads_[next_head_];
    report.finding = ExportFinding{
        Error{ErrorCode::corrupt, "the export ends at log size " + n(report.end) + " but head " + n(head.position) +
                                      " covers " + n(head.size) + " entries: entries from " + n(verified_through_) +
                                      " on were dropped, or the export was cut short"},
        verified_through_, head.size, head.position};
  }
  if (!report.finding && heads_checked_ == 0) {
    report.finding = ExportFinding{
        Error{ErrorCode::invalid_argument, "no signed tree head covers this export: nothing can be verified"},
        {}, {}, {}};
  }
  return report;
}

ExportReport verify_export(std::span<const SignedTreeHead> heads, const PublicKey& key,
                           std::span<const std::span<const std::uint8_t>> entries, CompactRange start,
                           std::span<const Hash> recorded_leaf_hashes) {
  ExportReport refused;
  refused.start = refused.end = refused.verified_through = start.size();
  refused.root = start.root();
  if (!recorded_leaf_hashes.empty() && recorded_leaf_hashes.size() != entries.size()) {
    refused.finding = ExportFinding{Error{ErrorCode::invalid_argument,
                                          "the export has " + n(entries.size()) + " entries but " +
                                              n(recorded_leaf_hashes.size()) + " recorded leaf hashes"},
                                    {}, {}, {}};
    return refused;
  }
  std::vector<TreeHead> plain;
  plain.reserve(heads.size());
  for (std::size_t i = 0; i < heads.size(); ++i) {
    if (auto checked = verify_tree_head(heads[i], key); !checked) {
      refused.finding = ExportFinding{Error{ErrorCode::crypto, "head " + n(i) + ": " + checked.error().message},
                                      {}, {}, i};
      return refused;
    }
    plain.push_back(heads[i].head);
  }
  ExportVerifier verifier(plain, std::move(start));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (recorded_leaf_hashes.empty()) {
      verifier.add_entry(entries[i]);
    } else {
      verifier.add_entry(entries[i], recorded_leaf_hashes[i]);
    }
  }
  return verifier.finish();
}

}  // namespace custos::merkle
