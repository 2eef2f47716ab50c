#include "custos/merkle/verifier.hpp"

#include <string>

namespace custos::merkle {

namespace {

std::string n(std::uint64_t value) { return std::to_string(value); }

// Checking the length first turns every wrong-sized proof into one clear
// invalid_argument before any hashing, and lets the loops below trust that
// they never run out of tree (sn reaching 0 early) or out of path.
Result<void> check_length(std::size_t got, std::size_t want, std::string_view what) {
  if (got != want) {
    return fail(ErrorCode::invalid_argument, std::string(what) + " has " + n(got) + " hashes; one for these sizes has " +
                                                 n(want));
  }
  return ok();
}

}  // namespace

Result<Hash> root_from_inclusion_proof(const Hash& leaf_hash, std::uint64_t leaf_index,
                                       std::uint64_t tree_size, std::span<const Hash> path) {
  if (leaf_index >= tree_size) {
    return fail(ErrorCode::invalid_argument,
                "the inclusion proof names leaf " + n(leaf_index) + " of a tree of only " + n(tree_size) + " leaves");
  }
  CUSTOS_TRY_VOID(check_length(path.size(), inclusion_proof_length(leaf_index, tree_size), "the inclusion proof"));

  // RFC 9162 §2.1.3.2 with its variable names: fn walks the leaf's ancestors,
  // sn the last leaf's; where they coincide the leaf's node is on the right
  // edge and levels without a sibling are skipped.
  std::uint64_t fn = leaf_index;
  std::uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : path) {
    if ((fn & 1) != 0 || fn == sn) {
      r = node_hash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {  // unreachable after the length check; kept as the RFC's own guard
    return fail(ErrorCode::invalid_argument, "the inclusion proof is too short for its tree size");
  }
  return r;
}

Result<void> verify_inclusion(const Hash& leaf_hash, std::uint64_t leaf_index, std::uint64_t tree_size,
                              std::span<const Hash> path, const Hash& root) {
  auto computed = root_from_inclusion_proof(leaf_hash, leaf_index, tree_size, path);
  if (!computed) return fail(std::move(computed).error());
  if (*computed != root) {
    return fail(ErrorCode::corrupt, "entry " + n(leaf_index) + " is not in the log of " + n(tree_size) +
                                        " entries with this root: the entry, the proof or the root was altered");
  }
  return ok();
}

Result<void> verify_inclusion(const Hash& leaf_hash, const InclusionProof& proof, const Hash& root) {
  return verify_inclusion(leaf_hash, proof.leaf_index, proof.tree_size, proof.path, root);
}

Result<void> verify_consistency(std::uint64_t old_size, std::uint64_t new_size, std::span<const Hash> path,
                                const Hash& old_root, const Hash& new_root) {
  if (old_size > new_size) {
    return fail(ErrorCode::invalid_argument,
                "a log of " + n(new_size) + " entries cannot extend one of " + n(old_size) + " entries");
  }
  CUSTOS_TRY_VOID(check_length(path.size(), consistency_proof_length(old_size, new_size), "the consistency proof"));
  if (old_size == 0) {
    if (old_root != empty_root()) {
      return fail(ErrorCode::corrupt, "the root given for the empty log is not the empty tree's root");
    }
    return ok();
  }
  if (old_size == new_size) {
    if (old_root != new_root) {
      return fail(ErrorCode::corrupt, "two different roots for the same log size " + n(old_size));
    }
    return ok();
  }

  // RFC 9162 §2.1.4.2. The walk starts at the old tree's rightmost perfect
  // subtree: the old root itself when old_size is a power of two, otherwise
  // the proof's first hash. fr rebuilds the old root, sr the new one.
  std::size_t next = 0;
  const bool old_is_perfect = (old_size & (old_size - 1)) == 0;
  const Hash seed = old_is_perfect ? old_root : path[next++];
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = seed;
  Hash sr = seed;
  for (; next < path.size(); ++next) {
    const Hash& c = path[next];
    if (sn == 0) {  // unreachable after the length check
      return fail(ErrorCode::invalid_argument, "the consistency proof is too long for its sizes");
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {  // unreachable after the length check
    return fail(ErrorCode::invalid_argument, "the consistency proof is too short for its sizes");
  }
  if (fr != old_root) {
    return fail(ErrorCode::corrupt, "the consistency proof does not lead to the old root: the log of " + n(old_size) +
                                        " entries is not a prefix of the log of " + n(new_size) +
                                        ", or the proof was altered");
  }
  if (sr != new_root) {
    return fail(ErrorCode::corrupt, "the consistency proof does not lead to the new root: the log of " +
                                        n(new_size) + " entries does not extend the log of " + n(old_size) +
                                        ", or the proof was altered");
  }
  return ok();
}

Result<void> verify_consistency(const ConsistencyProof& proof, const Hash& old_root, const Hash& new_root) {
  return verify_consistency(proof.old_size, proof.new_size, proof.path, old_root, new_root);
}

}  // namespace custos::merkle
