#include "custos/merkle/export_verifier.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "custos/merkle/memory_tree.hpp"
#include "test_support.hpp"

namespace custos::merkle {
namespace {

constexpr std::size_t kEntries = 48;

class MerkleExportVerifier : public ::testing::Test {
 protected:
  void SetUp() override {
    entries_ = testing::random_entries(kEntries, 10);
    for (const auto& entry : entries_) tree_.append_entry(entry);
  }

  TreeHead head(std::uint64_t size) const { return {log_id_, size, *tree_.root_at(size), 1'800'000'000}; }
  // A head at every size 1..kEntries: the finest resolution.
  std::vector<TreeHead> dense_heads() const {
    std::vector<TreeHead> out;
    for (std::uint64_t size = 1; size <= kEntries; ++size) out.push_back(head(size));
    return out;
  }
  std::vector<TreeHead> heads_at(std::initializer_list<std::uint64_t> sizes) const {
    std::vector<TreeHead> out;
    for (auto size : sizes) out.push_back(head(size));
    return out;
  }
  static ExportReport run(std::span<const TreeHead> heads, const std::vector<Bytes>& entries,
                          CompactRange start = CompactRange()) {
    ExportVerifier verifier(heads, std::move(start));
    for (const auto& entry : entries) verifier.add_entry(entry);
    return verifier.finish();
  }
  // Expects a corrupt finding naming exactly [first, end).
  static void expect_bad(const ExportReport& report, std::uint64_t first, std::uint64_t end) {
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.finding->error.code, ErrorCode::corrupt) << report.finding->error.message;
    EXPECT_EQ(report.finding->first_bad_entry, first) << report.finding->error.message;
    EXPECT_EQ(report.finding->suspect_end, end) << report.finding->error.message;
    EXPECT_EQ(report.verified_through, first);
  }

  LogId log_id_{};
  std::vector<Bytes> entries_;
  MemoryTree tree_;
};

TEST_F(MerkleExportVerifier, AnIntactExportVerifies) {
  const auto heads = heads_at({48, 10, 32});  // any order
  const auto report = run(heads, entries_);
  ASSERT_TRUE(report.ok()) << report.finding->error.message;
  EXPECT_EQ(report.start, 0u);
  EXPECT_EQ(report.end, kEntries);
  EXPECT_EQ(report.verified_through, kEntries);
  EXPECT_EQ(report.heads_checked, 3u);
  EXPECT_EQ(report.root, tree_.root());
}

TEST_F(MerkleExportVerifier, NamesAChangedEntry) {
  const auto heads = dense_heads();
  for (std::size_t i = 0; i < kEntries; ++i) {
    for (std::size_t byte = 0; byte < entries_[i].size(); ++byte) {
      auto altered = entries_;
      altered[i][byte] ^= 0x01;
      SCOPED_TRACE(::testing::Message() << "entry " << i << " byte " << byte);
      ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, altered), i, i + 1));
    }
  }
}

TEST_F(MerkleExportVerifier, NamesADroppedEntry) {
  const auto heads = dense_heads();
  for (std::size_t i = 0; i < kEntries; ++i) {
    auto altered = entries_;
    altered.erase(altered.begin() + static_cast<std::ptrdiff_t>(i));
    SCOPED_TRACE(::testing::Message() << "dropped " << i);
    ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, altered), i, i + 1));
  }
}

TEST_F(MerkleExportVerifier, NamesADuplicatedEntry) {
  const auto heads = dense_heads();
  for (std::size_t i = 0; i < kEntries; ++i) {
    auto altered = entries_;
    altered.insert(altered.begin() + static_cast<std::ptrdiff_t>(i), entries_[i]);
    // The copy sits at i + 1; the last entry's copy lies past every head.
    SCOPED_TRACE(::testing::Message() << "duplicated " << i);
    if (i + 1 == kEntries) {
      const auto report = run(heads, altered);
      ASSERT_TRUE(report.ok());
      EXPECT_EQ(report.verified_through, kEntries);
      EXPECT_EQ(report.end, kEntries + 1);  // one entry no head covers
      continue;
    }
    ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, altered), i + 1, i + 2));
  }
}

TEST_F(MerkleExportVerifier, NamesTheFirstOfReorderedEntries) {
  const auto heads = dense_heads();
  for (std::size_t i = 0; i + 1 < kEntries; ++i) {
    for (std::size_t j : {i + 1, std::min<std::size_t>(i + 7, kEntries - 1), kEntries - 1}) {
      if (j <= i) continue;
      auto swapped = entries_;
      std::swap(swapped[i], swapped[j]);
      SCOPED_TRACE(::testing::Message() << "swapped " << i << " and " << j);
      ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, swapped), i, i + 1));
    }
    auto moved = entries_;  // entry i moved to the end
    std::rotate(moved.begin() + static_cast<std::ptrdiff_t>(i), moved.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                moved.end());
    ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, moved), i, i + 1));
  }
}

TEST_F(MerkleExportVerifier, SparseHeadsNameTheLowestEntryThatCanBeAtFault) {
  const auto heads = heads_at({10, 20, 30, 48});
  auto altered = entries_;
  altered[23][0] ^= 0xff;
  ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, altered), 20, 30));
  altered = entries_;
  altered[3][0] ^= 0xff;
  ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, altered), 0, 10));
  altered = entries_;
  altered[47][0] ^= 0xff;
  ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, altered), 30, 48));
  // Two faults: the first one is named.
  altered = entries_;
  altered[44][0] ^= 0xff;
  altered[12][0] ^= 0xff;
  ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, altered), 10, 20));
}

TEST_F(MerkleExportVerifier, ACutShortExportIsCaught) {
  const auto heads = heads_at({16, 40, 48});
  const std::vector<Bytes> first_45(entries_.begin(), entries_.begin() + 45);
  const auto report = run(heads, first_45);
  ASSERT_NO_FATAL_FAILURE(expect_bad(report, 40, 48));
  EXPECT_EQ(report.finding->head, 2u);
  EXPECT_EQ(report.end, 45u);
}

TEST_F(MerkleExportVerifier, EntriesPastTheLastHeadAreReportedUnproven) {
  const auto heads = heads_at({20});
  const auto report = run(heads, entries_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.verified_through, 20u);
  EXPECT_EQ(report.end, kEntries);
}

TEST_F(MerkleExportVerifier, NoHeadMeansNothingIsVerified) {
  const auto report = run({}, entries_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.finding->error.code, ErrorCode::invalid_argument);
  EXPECT_EQ(report.verified_through, 0u);
}

TEST_F(MerkleExportVerifier, TwoRootsForOneSizeAreAFork) {
  auto heads = heads_at({10, 30, 48});
  auto other = head(30);
  other.root_hash[0] ^= 1;
  heads.push_back(other);
  const auto report = run(heads, entries_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.finding->error.code, ErrorCode::conflict);
  EXPECT_EQ(report.finding->head, 3u);
}

TEST_F(MerkleExportVerifier, HeadsOfAnotherLogAreRefused) {
  auto heads = heads_at({10, 30});
  heads[1].log_id[0] = 9;
  const auto report = run(heads, entries_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.finding->error.code, ErrorCode::invalid_argument);
}

TEST_F(MerkleExportVerifier, AnExportFromTheMiddleStartsFromACompactRange) {
  // `--since`: entries 20.. with the log's state before entry 20.
  auto start = *CompactRange::from_source(tree_, 20);
  const std::vector<Bytes> tail(entries_.begin() + 20, entries_.end());
  const auto heads = heads_at({5, 20, 33, 48});  // the head at 5 lies before the export
  const auto report = run(heads, tail, start);
  ASSERT_TRUE(report.ok()) << report.finding->error.message;
  EXPECT_EQ(report.start, 20u);
  EXPECT_EQ(report.verified_through, 48u);
  EXPECT_EQ(report.heads_checked, 3u);

  auto altered = tail;
  altered[20][0] ^= 1;  // log entry 40
  ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, altered, start), 33, 48));

  // A forged starting state is caught by the first head it reaches.
  auto peaks = std::vector<Hash>(start.peaks().begin(), start.peaks().end());
  peaks.back()[0] ^= 1;
  auto forged = *CompactRange::restore(20, peaks);
  ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads, tail, forged), 20, 20));
  ASSERT_NO_FATAL_FAILURE(expect_bad(run(heads_at({33, 48}), tail, forged), 20, 33));
}

// With the recorded leaf hash beside each entry, a changed entry is named
// exactly however far apart the heads are.
class MerkleExportWithRecordedHashes : public MerkleExportVerifier {
 protected:
  void SetUp() override {
    MerkleExportVerifier::SetUp();
    for (const auto& entry : entries_) recorded_.push_back(leaf_hash(entry));
  }
  static ExportReport run_recorded(std::span<const TreeHead> heads, const std::vector<Bytes>& entries,
                                   const std::vector<Hash>& recorded) {
    ExportVerifier verifier(heads);
    for (std::size_t i = 0; i < entries.size(); ++i) verifier.add_entry(entries[i], recorded[i]);
    return verifier.finish();
  }
  std::vector<Hash> recorded_;
};

TEST_F(MerkleExportWithRecordedHashes, AnIntactExportVerifies) {
  const auto report = run_recorded(heads_at({16, 48}), entries_, recorded_);
  ASSERT_TRUE(report.ok()) << report.finding->error.message;
  EXPECT_EQ(report.verified_through, kEntries);
}

TEST_F(MerkleExportWithRecordedHashes, NamesEveryChangedByteExactlyBetweenSparseHeads) {
  const auto heads = heads_at({16, 48});
  for (std::size_t i = 0; i < kEntries; ++i) {
    for (std::size_t byte = 0; byte < entries_[i].size(); ++byte) {
      auto altered = entries_;
      altered[i][byte] ^= 0x20;
      const auto report = run_recorded(heads, altered, recorded_);
      ASSERT_FALSE(report.ok()) << i << "/" << byte;
      EXPECT_EQ(report.finding->error.code, ErrorCode::corrupt);
      EXPECT_EQ(report.finding->first_bad_entry, i) << report.finding->error.message;
      EXPECT_EQ(report.finding->suspect_end, i + 1);
    }
  }
}

TEST_F(MerkleExportWithRecordedHashes, NamesAnAlteredRecordedHash) {
  const auto heads = heads_at({16, 48});
  for (std::size_t i = 0; i < kEntries; ++i) {
    auto altered = recorded_;
    altered[i][7] ^= 0x01;
    const auto report = run_recorded(heads, entries_, altered);
    ASSERT_FALSE(report.ok()) << i;
    EXPECT_EQ(report.finding->error.code, ErrorCode::corrupt);
    EXPECT_EQ(report.finding->first_bad_entry, i) << report.finding->error.message;
  }
}

TEST_F(MerkleExportWithRecordedHashes, RewritingEntryAndHashTogetherFallsBackToTheRange) {
  const auto heads = heads_at({16, 32, 48});
  auto entries = entries_;
  auto recorded = recorded_;
  entries[20][0] ^= 1;
  recorded[20] = leaf_hash(entries[20]);
  ASSERT_NO_FATAL_FAILURE(expect_bad(run_recorded(heads, entries, recorded), 16, 32));
  // Dropping a whole line (entry and hash) likewise.
  entries = entries_;
  recorded = recorded_;
  entries.erase(entries.begin() + 40);
  recorded.erase(recorded.begin() + 40);
  ASSERT_NO_FATAL_FAILURE(expect_bad(run_recorded(heads, entries, recorded), 32, 48));
}

TEST_F(MerkleExportWithRecordedHashes, MixingEntriesWithAndWithoutHashesDropsTheHints) {
  const auto heads = heads_at({16, 48});
  auto altered = entries_;
  altered[20][0] ^= 1;
  ExportVerifier verifier(heads);
  for (std::size_t i = 0; i < kEntries; ++i) {
    if (i == 5) {
      verifier.add_entry(altered[i]);
    } else {
      verifier.add_entry(altered[i], recorded_[i]);
    }
  }
  ASSERT_NO_FATAL_FAILURE(expect_bad(verifier.finish(), 16, 48));
}

class MerkleSignedExport : public MerkleExportVerifier {
 protected:
  SigningKey key_ = *SigningKey::from_seed(Secret::from_bytes(Bytes(32, 3)));
  std::vector<SignedTreeHead> signed_heads(std::initializer_list<std::uint64_t> sizes) const {
    std::vector<SignedTreeHead> out;
    for (const auto& h : heads_at(sizes)) out.push_back(*sign_tree_head(h, key_));
    return out;
  }
  std::vector<std::span<const std::uint8_t>> views(const std::vector<Bytes>& entries) const {
    return {entries.begin(), entries.end()};
  }
};

TEST_F(MerkleSignedExport, VerifiesWithThePublicKeyAlone) {
  const auto heads = signed_heads({12, 48});
  const auto report = verify_export(heads, key_.public_key(), views(entries_));
  ASSERT_TRUE(report.ok()) << report.finding->error.message;
  EXPECT_EQ(report.verified_through, kEntries);

  auto altered = entries_;
  altered[30].push_back(0);
  const auto bad = verify_export(heads, key_.public_key(), views(altered));
  ASSERT_NO_FATAL_FAILURE(expect_bad(bad, 12, 48));
}

TEST_F(MerkleSignedExport, RecordedHashesNameTheEntry) {
  const auto heads = signed_heads({12, 48});
  std::vector<Hash> recorded;
  for (const auto& entry : entries_) recorded.push_back(leaf_hash(entry));
  auto altered = entries_;
  altered[30].push_back(0);
  const auto bad = verify_export(heads, key_.public_key(), views(altered), CompactRange(), recorded);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.finding->first_bad_entry, 30u);

  recorded.pop_back();
  const auto mismatched = verify_export(heads, key_.public_key(), views(entries_), CompactRange(), recorded);
  ASSERT_FALSE(mismatched.ok());
  EXPECT_EQ(mismatched.finding->error.code, ErrorCode::invalid_argument);
}

TEST_F(MerkleSignedExport, AForgedHeadIsACryptoFindingNamingIt) {
  auto heads = signed_heads({12, 30, 48});
  heads[1].head.root_hash = *tree_.root_at(31);  // a different root, not re-signed
  const auto report = verify_export(heads, key_.public_key(), views(entries_));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.finding->error.code, ErrorCode::crypto);
  EXPECT_EQ(report.finding->head, 1u);

  const auto other_key = SigningKey::generate();
  const auto wrong_key = verify_export(signed_heads({48}), other_key.public_key(), views(entries_));
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.finding->error.code, ErrorCode::crypto);
}

}  // namespace
}  // namespace custos::merkle
