#include "custos/merkle/prover.hpp"

#include <string>

#include "tree_math.hpp"

namespace custos::merkle {

namespace {

// Plan first, fetch once, fold: every node of a proof is a perfect subtree or
// a right-edge node that splits into a few of them. Gathering all of them into
// a single request is what lets a store answer a proof with one query.
Result<std::vector<Hash>> node_hashes(HashSource& source, std::span<const detail::NodeRange> nodes) {
  std::vector<Subtree> wanted;
  std::vector<std::size_t> first;  // where each node's subtrees start in `wanted`
  first.reserve(nodes.size() + 1);
  for (const auto& node : nodes) {
    first.push_back(wanted.size());
    detail::decompose(node, wanted);
  }
  first.push_back(wanted.size());

  std::vector<Hash> got;
  if (!wanted.empty()) {
    auto fetched = source.subtree_hashes(wanted);
    if (!fetched) return fail(std::move(fetched).error());
    got = std::move(*fetched);
  }
  if (got.size() != wanted.size()) {
    // A source that answers with the wrong count would otherwise make a proof
    // that silently fails to verify later; say whose fault it is now.
    return fail(ErrorCode::internal, "the hash source returned " + std::to_string(got.size()) +
                                         " hashes for " + std::to_string(wanted.size()) + " subtrees");
  }

  std::vector<Hash> out;
  out.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    out.push_back(detail::fold_subtrees(std::span(got).subspan(first[i], first[i + 1] - first[i])));
  }
  return out;
}

Result<void> check_size(std::uint64_t size) {
  if (size > detail::kMaxTreeSize) {
    return fail(ErrorCode::invalid_argument, "tree size " + std::to_string(size) + " is beyond 2^62 leaves");
  }
  return ok();
}

}  // namespace

Result<Hash> root_at(HashSource& source, std::uint64_t tree_size) {
  CUSTOS_TRY_VOID(check_size(tree_size));
  if (tree_size == 0) return empty_root();
  const detail::NodeRange whole{0, tree_size};
  auto hashes = node_hashes(source, std::span(&whole, 1));
  if (!hashes) return fail(std::move(hashes).error());
  return hashes->front();
}

Result<InclusionProof> prove_inclusion(HashSource& source, std::uint64_t leaf_index,
                                       std::uint64_t tree_size) {
  CUSTOS_TRY_VOID(check_size(tree_size));
  if (leaf_index >= tree_size) {
    return fail(ErrorCode::invalid_argument, "leaf " + std::to_string(leaf_index) +
                                                 " is not in a tree of " + std::to_string(tree_size) +
                                                 " leaves");
  }
  const auto nodes = detail::inclusion_nodes(leaf_index, tree_size);
  auto path = node_hashes(source, nodes);
  if (!path) return fail(std::move(path).error());
  return InclusionProof{leaf_index, tree_size, std::move(*path)};
}

Result<ConsistencyProof> prove_consistency(HashSource& source, std::uint64_t old_size,
                                           std::uint64_t new_size) {
  CUSTOS_TRY_VOID(check_size(new_size));
  if (old_size > new_size) {
    return fail(ErrorCode::invalid_argument, "a log of " + std::to_string(new_size) +
                                                 " entries cannot extend one of " +
                                                 std::to_string(old_size));
  }
  if (old_size == 0 || old_size == new_size) return ConsistencyProof{old_size, new_size, {}};
  const auto nodes = detail::consistency_nodes(old_size, new_size);
  auto path = node_hashes(source, nodes);
  if (!path) return fail(std::move(path).error());
  return ConsistencyProof{old_size, new_size, std::move(*path)};
}

}  // namespace custos::merkle
