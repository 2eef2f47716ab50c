#include "custos/merkle/compact_range.hpp"

#include <gtest/gtest.h>

#include <map>

#include "custos/merkle/memory_tree.hpp"
#include "test_support.hpp"

namespace custos::merkle {
namespace {

using testing::H;

TEST(MerkleCompactRange, RootsOfTheReferenceTree) {
  const auto entries = testing::reference_entries();
  const auto roots = testing::reference_roots();
  CompactRange range;
  EXPECT_EQ(range.root(), roots[0]);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    range.append_entry(entries[i]);
    EXPECT_EQ(range.size(), i + 1);
    EXPECT_EQ(range.root(), roots[i + 1]) << "size " << i + 1;
  }
}

TEST(MerkleCompactRange, PeaksOfTheReferenceTree) {
  const auto entries = testing::reference_entries();
  CompactRange range;
  for (std::size_t i = 0; i < 7; ++i) range.append_entry(entries[i]);
  // Seven leaves: the perfect subtrees of 4, 2 and 1 leaves.
  const std::vector<Hash> want = {H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
                                  H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                                  H("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f")};
  EXPECT_EQ(std::vector<Hash>(range.peaks().begin(), range.peaks().end()), want);
  EXPECT_EQ(range.peak_subtrees(), (std::vector<Subtree>{{2, 0}, {1, 2}, {0, 6}}));
}

TEST(MerkleCompactRange, BatchAppendEqualsOneAtATime) {
  const auto entries = testing::random_entries(100, 1);
  std::vector<Hash> leaves;
  for (const auto& entry : entries) leaves.push_back(leaf_hash(entry));
  CompactRange one;
  for (const auto& leaf : leaves) one.append(leaf);
  CompactRange batch;
  batch.append(std::span(leaves).first(37));
  batch.append(std::span(leaves).subspan(37));
  EXPECT_EQ(batch, one);
  EXPECT_EQ(batch.root(), one.root());
}

struct RecordingSink final : SubtreeSink {
  std::map<std::pair<int, std::uint64_t>, Hash> seen;
  std::vector<Subtree> order;
  void completed(const Subtree& subtree, const Hash& hash) override {
    EXPECT_TRUE(seen.emplace(std::pair{subtree.level, subtree.index}, hash).second) << "reported twice";
    order.push_back(subtree);
  }
};

TEST(MerkleCompactRange, SinkSeesEveryCompletedSubtreeWithItsHash) {
  const auto entries = testing::random_entries(77, 2);
  MemoryTree reference;
  CompactRange range;
  RecordingSink sink;
  for (const auto& entry : entries) {
    reference.append_entry(entry);
    range.append(leaf_hash(entry), sink);
  }
  // 77 leaves complete 77 + 38 + 19 + 9 + 4 + 2 + 1 perfect subtrees.
  EXPECT_EQ(sink.seen.size(), 77u + 38 + 19 + 9 + 4 + 2 + 1);
  for (const auto& [key, hash] : sink.seen) {
    const Subtree subtree{static_cast<std::uint8_t>(key.first), key.second};
    EXPECT_EQ(reference.subtree_hash(subtree), hash) << key.first << "/" << key.second;
  }
  // The leaf comes first, then the larger subtrees it completes.
  EXPECT_EQ(sink.order[0], (Subtree{0, 0}));
  EXPECT_EQ(sink.order[1], (Subtree{0, 1}));
  EXPECT_EQ(sink.order[2], (Subtree{1, 0}));
}

TEST(MerkleCompactRange, EncodeDecodeRoundTrip) {
  const auto entries = testing::random_entries(45, 3);
  CompactRange range;
  for (const auto& entry : entries) range.append_entry(entry);
  const Bytes bytes = range.encode();
  ASSERT_EQ(bytes.size(), 8u + 32 * 4);  // 45 = 101101b: four peaks
  auto back = CompactRange::decode(bytes);
  ASSERT_TRUE(back.has_value()) << back.error().describe();
  EXPECT_EQ(*back, range);
  EXPECT_EQ(back->root(), range.root());
  // The size is 8 bytes big-endian.
  EXPECT_EQ(bytes[7], 45);
  EXPECT_EQ(bytes[0], 0);
  // Appending after a restore continues the same tree.
  back->append_entry(entries[0]);
  range.append_entry(entries[0]);
  EXPECT_EQ(back->root(), range.root());
}

TEST(MerkleCompactRange, EmptyRangeEncodesAsItsSizeOnly) {
  const CompactRange empty;
  EXPECT_EQ(empty.encode(), Bytes(8, 0));
  auto back = CompactRange::decode(Bytes(8, 0));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->root(), empty_root());
}

TEST(MerkleCompactRange, DecodeRefusesBytesThatDoNotFit) {
  CompactRange range;
  for (const auto& entry : testing::random_entries(6, 4)) range.append_entry(entry);
  const Bytes good = range.encode();  // 6 leaves: two peaks
  for (const Bytes& bad : {Bytes{}, Bytes(7, 0), Bytes(good.begin(), good.end() - 1),
                           [&] { Bytes b = good; b.push_back(0); return b; }(),
                           [&] { Bytes b = good; b[7] = 7; return b; }(),  // 7 leaves want 3 peaks
                           [&] { Bytes b = good; b[0] = 0xff; return b; }()}) {
    auto decoded = CompactRange::decode(bad);
    ASSERT_FALSE(decoded.has_value()) << bad.size();
    EXPECT_EQ(decoded.error().code, ErrorCode::corrupt);
  }
}

TEST(MerkleCompactRange, RestoreChecksThePeakCount) {
  EXPECT_TRUE(CompactRange::restore(5, std::vector<Hash>(2)).has_value());
  auto wrong = CompactRange::restore(5, std::vector<Hash>(3));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_argument);
  auto huge = CompactRange::restore(std::uint64_t{1} << 63, std::vector<Hash>(1));
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().code, ErrorCode::invalid_argument);
}

TEST(MerkleCompactRange, FromSourceEqualsAppending) {
  const auto entries = testing::random_entries(90, 5);
  MemoryTree tree;
  for (const auto& entry : entries) tree.append_entry(entry);
  CompactRange appended;
  for (std::uint64_t size = 0; size <= entries.size(); ++size) {
    auto restored = CompactRange::from_source(tree, size);
    ASSERT_TRUE(restored.has_value()) << restored.error().describe();
    EXPECT_EQ(*restored, appended) << size;
    EXPECT_EQ(restored->root(), appended.root());
    if (size < entries.size()) appended.append_entry(entries[size]);
  }
  auto beyond = CompactRange::from_source(tree, 91);
  ASSERT_FALSE(beyond.has_value());
  EXPECT_EQ(beyond.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace custos::merkle
