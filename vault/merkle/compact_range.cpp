#include "custos/merkle/compact_range.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "tree_math.hpp"

namespace custos::merkle {

namespace {
// Peaks never exceed one per bit of the size; reserving that much up front
// keeps append() free of allocation on the export verifier's hot path.
constexpr std::size_t kMaxPeaks = 64;
}  // namespace

CompactRange::CompactRange() { peaks_.reserve(kMaxPeaks); }

Result<CompactRange> CompactRange::restore(std::uint64_t size, std::vector<Hash> peaks) {
  if (size > detail::kMaxTreeSize) {
    return fail(ErrorCode::invalid_argument, "tree size " + std::to_string(size) + " is beyond 2^62 leaves");
  }
  const auto want = static_cast<std::size_t>(std::popcount(size));
  if (peaks.size() != want) {
    return fail(ErrorCode::invalid_argument, "a tree of " + std::to_string(size) + " leaves has " +
                                                 std::to_string(want) + " peaks, not " +
                                                 std::to_string(peaks.size()));
  }
  CompactRange range;
  range.size_ = size;
  range.peaks_.assign(peaks.begin(), peaks.end());
  return range;
}

Result<CompactRange> CompactRange::from_source(HashSource& source, std::uint64_t size) {
  auto shape = restore(size, std::vector<Hash>(static_cast<std::size_t>(std::popcount(size))));
  if (!shape) return shape;
  const auto wanted = shape->peak_subtrees();
  if (wanted.empty()) return shape;
  auto hashes = source.subtree_hashes(wanted);
  if (!hashes) return fail(std::move(hashes).error());
  if (hashes->size() != wanted.size()) {
    return fail(ErrorCode::internal, "the hash source returned the wrong number of hashes");
  }
  return restore(size, std::move(*hashes));
}

std::vector<Subtree> CompactRange::peak_subtrees() const {
  std::vector<Subtree> out;
  detail::decompose({0, size_}, out);
  return out;
}

Bytes CompactRange::encode() const {
  Bytes out;
  out.reserve(8 + 32 * peaks_.size());
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(size_ >> shift));
  for (const auto& peak : peaks_) out.insert(out.end(), peak.begin(), peak.end());
  return out;
}

Result<CompactRange> CompactRange::decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 8) return fail(ErrorCode::corrupt, "a stored compact range is shorter than its size field");
  std::uint64_t size = 0;
  for (std::size_t i = 0; i < 8; ++i) size = (size << 8) | bytes[i];
  const auto count = static_cast<std::size_t>(std::popcount(size));
  if (size > detail::kMaxTreeSize || bytes.size() != 8 + 32 * count) {
    return fail(ErrorCode::corrupt, "a stored compact range has " + std::to_string(bytes.size()) +
                                        " bytes, which does not fit its tree size " + std::to_string(size));
  }
  std::vector<Hash> peaks(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(8 + 32 * i), 32, peaks[i].begin());
  }
  return restore(size, std::move(peaks));
}

// Adding leaf number `size_` merges it with one peak per trailing one-bit of
// size_ (binary carry): each merge completes the perfect subtree one level up
// that contains the new leaf.
void CompactRange::push(const Hash& leaf, SubtreeSink* sink) {
  Hash acc = leaf;
  if (sink != nullptr) sink->completed({0, size_}, acc);
  std::uint8_t level = 0;
  for (std::uint64_t carry = size_; (carry & 1) != 0; carry >>= 1) {
    acc = node_hash(peaks_.back(), acc);
    peaks_.pop_back();
    ++level;
    if (sink != nullptr) sink->completed({level, size_ >> level}, acc);
  }
  peaks_.push_back(acc);
  ++size_;
}

void CompactRange::append(const Hash& leaf) { push(leaf, nullptr); }
void CompactRange::append(const Hash& leaf, SubtreeSink& sink) { push(leaf, &sink); }
void CompactRange::append(std::span<const Hash> leaves) {
  for (const auto& leaf : leaves) push(leaf, nullptr);
}
void CompactRange::append(std::span<const Hash> leaves, SubtreeSink& sink) {
  for (const auto& leaf : leaves) push(leaf, &sink);
}

Hash CompactRange::root() const { return detail::fold_subtrees(peaks_); }

}  // namespace custos::merkle
