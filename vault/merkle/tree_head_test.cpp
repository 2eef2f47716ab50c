#include "custos/merkle/tree_head.hpp"

#include <gtest/gtest.h>

#include "custos/merkle/memory_tree.hpp"
#include "custos/merkle/prover.hpp"
#include "test_support.hpp"

namespace custos::merkle {
namespace {

using testing::H;

SigningKey test_key(std::uint8_t fill = 7) { return *SigningKey::from_seed(Secret::from_bytes(Bytes(32, fill))); }

TreeHead example_head() {
  TreeHead head;
  head.log_id.fill(0x11);
  head.tree_size = 8;
  head.root_hash = H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  head.timestamp = 1'795'000'000;  // 2026-11-18T11:06:40Z
  return head;
}

// The worked example of docs/audit-log.md: change one, change both.
TEST(MerkleTreeHead, CanonicalEncodingOfTheDocumentedExample) {
  EXPECT_EQ(hex_encode(encode_tree_head(example_head())),
            "637573746f732d7374682d7631"                                        // "custos-sth-v1"
            "1111111111111111111111111111111111111111111111111111111111111111"  // log id
            "0000000000000008"                                                  // tree size
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"  // root hash
            "000000006afd86c0");                                                // timestamp
}

// Ed25519 is deterministic: the documented example's signature is fixed.
TEST(MerkleTreeHead, SignatureOfTheDocumentedExample) {
  const auto key = test_key();  // seed: 32 bytes of 0x07
  EXPECT_EQ(hex_encode(key.public_key().bytes()), "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c");
  EXPECT_EQ(hex_encode(sign_tree_head(example_head(), key)->signature),
            "a76c8e51793b3c82c0edc3a05007eeaf5a3b10de6ebbba13923045d2176e7c46"
            "d8ba49895ddebf317c79501c2862a0a657ce747a9ec95a0beb985692d4bbfb00");
  EXPECT_EQ(hex_encode(log_id_for(key.public_key())),
            "1a4f9b86cfcd600a07e7db8c4c07d372a82567020d985cb69aae57721796de16");
}

TEST(MerkleTreeHead, DecodeReadsBackWhatEncodeWrote) {
  const TreeHead head = example_head();
  const auto bytes = encode_tree_head(head);
  EXPECT_EQ(decode_tree_head(bytes), head);

  const auto signed_head = *sign_tree_head(head, test_key());
  const auto signed_bytes = encode_signed_tree_head(signed_head);
  EXPECT_EQ(decode_signed_tree_head(signed_bytes), signed_head);
}

TEST(MerkleTreeHead, DecodeRefusesWhatIsNotAHead) {
  const auto bytes = encode_tree_head(example_head());
  const Bytes good(bytes.begin(), bytes.end());
  Bytes wrong_domain = good;
  wrong_domain[12] = '2';  // custos-sth-v2
  Bytes negative_time = good;
  negative_time[kTreeHeadSize - 8] = 0x80;
  for (const Bytes& bad : {Bytes{}, Bytes(good.begin(), good.end() - 1), wrong_domain, negative_time,
                           [&] { Bytes b = good; b.push_back(0); return b; }()}) {
    auto head = decode_tree_head(bad);
    ASSERT_FALSE(head.has_value());
    EXPECT_EQ(head.error().code, ErrorCode::invalid_argument);
  }
  auto short_signed = decode_signed_tree_head(good);
  ASSERT_FALSE(short_signed.has_value());
  EXPECT_EQ(short_signed.error().code, ErrorCode::invalid_argument);
}

TEST(MerkleTreeHead, SignedHeadVerifiesWithTheVaultKeyOnly) {
  const auto key = test_key();
  auto signed_head = sign_tree_head(example_head(), key);
  ASSERT_TRUE(signed_head.has_value());
  EXPECT_TRUE(verify_tree_head(*signed_head, key.public_key()).has_value());

  auto other = verify_tree_head(*signed_head, test_key(8).public_key());
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::crypto);
}

TEST(MerkleTreeHead, EveryForgedFieldIsRefused) {
  const auto key = test_key();
  const auto good = *sign_tree_head(example_head(), key);
  std::vector<SignedTreeHead> forged(6, good);
  forged[0].head.log_id[31] ^= 1;
  forged[1].head.tree_size += 1;
  forged[2].head.root_hash[0] ^= 0x80;
  forged[3].head.timestamp += 1;
  forged[4].signature[0] ^= 1;
  forged[5].signature[63] ^= 0x40;
  for (std::size_t i = 0; i < forged.size(); ++i) {
    auto result = verify_tree_head(forged[i], key.public_key());
    ASSERT_FALSE(result.has_value()) << i;
    EXPECT_EQ(result.error().code, ErrorCode::crypto) << i;
  }
  // Every single byte of the stored form matters too.
  const auto bytes = encode_signed_tree_head(good);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto altered = bytes;
    altered[i] ^= 0x01;
    auto decoded = decode_signed_tree_head(altered);
    if (!decoded) {
      EXPECT_EQ(decoded.error().code, ErrorCode::invalid_argument) << i;  // only the domain prefix
      EXPECT_LT(i, kTreeHeadDomain.size());
      continue;
    }
    auto result = verify_tree_head(*decoded, key.public_key());
    ASSERT_FALSE(result.has_value()) << "byte " << i;
    EXPECT_EQ(result.error().code, ErrorCode::crypto);
  }
}

TEST(MerkleTreeHead, NegativeTimestampIsNotSigned) {
  TreeHead head = example_head();
  head.timestamp = -1;
  auto signed_head = sign_tree_head(head, test_key());
  ASSERT_FALSE(signed_head.has_value());
  EXPECT_EQ(signed_head.error().code, ErrorCode::invalid_argument);
}

TEST(MerkleTreeHead, LogIdIsDerivedFromThePublicKey) {
  EXPECT_EQ(log_id_for(test_key().public_key()), log_id_for(test_key().public_key()));
  EXPECT_NE(log_id_for(test_key().public_key()), log_id_for(test_key(8).public_key()));
  Bytes input(as_bytes("custos-log-id-v1").begin(), as_bytes("custos-log-id-v1").end());
  const auto signing_key = test_key();
  const auto& key = signing_key.public_key().bytes();
  input.insert(input.end(), key.begin(), key.end());
  EXPECT_EQ(log_id_for(test_key().public_key()), sha256(input));
}

// A log and the heads its vault signs along the way.
class MerkleHeadHistory : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& entry : testing::random_entries(50, 9)) tree_.append_entry(entry);
  }
  SignedTreeHead head_at(std::uint64_t size, MemoryTree& tree, UnixSeconds when = 1'800'000'000) {
    TreeHead head{log_id_for(key_.public_key()), size, *tree.root_at(size), when};
    return *sign_tree_head(head, key_);
  }
  std::vector<Hash> proof(std::uint64_t from, std::uint64_t to) { return prove_consistency(tree_, from, to)->path; }

  SigningKey key_ = test_key();
  MemoryTree tree_;
};

TEST_F(MerkleHeadHistory, AGrowingLogIsAccepted) {
  for (const auto& [from, to] : std::vector<std::pair<int, int>>{{0, 50}, {1, 50}, {17, 33}, {32, 50}, {50, 50}}) {
    const auto older = head_at(from, tree_);
    const auto newer = head_at(to, tree_, 1'800'000'100);
    EXPECT_TRUE(verify_head_extends(older, newer, proof(from, to), key_.public_key()).has_value())
        << from << " to " << to;
    EXPECT_TRUE(check_heads_consistent(older.head, newer.head, proof(from, to)).has_value());
  }
}

TEST_F(MerkleHeadHistory, TruncationIsAConflict) {
  // The auditor saved the head at 40; the vault now shows 30 entries.
  const auto saved = head_at(40, tree_);
  const auto shown = head_at(30, tree_);
  auto result = verify_head_extends(saved, shown, {}, key_.public_key());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::conflict);
}

TEST_F(MerkleHeadHistory, AForkIsCaught) {
  // The same first 30 entries, then a rewritten history.
  MemoryTree forked;
  const auto entries = testing::random_entries(50, 9);
  for (std::size_t i = 0; i < 50; ++i) {
    if (i == 30) {
      forked.append_entry(as_bytes("a rewritten entry"));
    } else {
      forked.append_entry(entries[i]);
    }
  }
  const auto saved = head_at(40, tree_);

  // Same size, different root: a conflict with no proof needed.
  auto same_size = verify_head_extends(saved, head_at(40, forked), {}, key_.public_key());
  ASSERT_FALSE(same_size.has_value());
  EXPECT_EQ(same_size.error().code, ErrorCode::conflict);

  // A larger forked head: no proof from the forked tree connects it to the saved one.
  auto forked_proof = prove_consistency(forked, 40, 50)->path;
  auto grown = verify_head_extends(saved, head_at(50, forked), forked_proof, key_.public_key());
  ASSERT_FALSE(grown.has_value());
  EXPECT_EQ(grown.error().code, ErrorCode::corrupt);
  // Nor does the honest tree's proof.
  auto honest_proof = verify_head_extends(saved, head_at(50, forked), proof(40, 50), key_.public_key());
  ASSERT_FALSE(honest_proof.has_value());
  EXPECT_EQ(honest_proof.error().code, ErrorCode::corrupt);
  // A fork after the saved head is no contradiction of it.
  EXPECT_TRUE(verify_head_extends(head_at(30, tree_), head_at(50, forked), prove_consistency(forked, 30, 50)->path,
                                  key_.public_key())
                  .has_value());
}

TEST_F(MerkleHeadHistory, RefusalsByKind) {
  const auto older = head_at(20, tree_);
  const auto newer = head_at(45, tree_);
  const auto path = proof(20, 45);

  auto forged = newer;
  forged.head.tree_size = 46;
  auto bad_signature = verify_head_extends(older, forged, path, key_.public_key());
  ASSERT_FALSE(bad_signature.has_value());
  EXPECT_EQ(bad_signature.error().code, ErrorCode::crypto);

  auto other_key = verify_head_extends(older, newer, path, test_key(9).public_key());
  ASSERT_FALSE(other_key.has_value());
  EXPECT_EQ(other_key.error().code, ErrorCode::crypto);

  auto other_log = newer.head;
  other_log.log_id[0] ^= 1;
  auto different_logs = check_heads_consistent(older.head, other_log, path);
  ASSERT_FALSE(different_logs.has_value());
  EXPECT_EQ(different_logs.error().code, ErrorCode::invalid_argument);

  auto altered = path;
  altered.back()[5] ^= 1;
  auto bad_proof = verify_head_extends(older, newer, altered, key_.public_key());
  ASSERT_FALSE(bad_proof.has_value());
  EXPECT_EQ(bad_proof.error().code, ErrorCode::corrupt);

  auto short_proof = verify_head_extends(older, newer, std::span(path).first(path.size() - 1), key_.public_key());
  ASSERT_FALSE(short_proof.has_value());
  EXPECT_EQ(short_proof.error().code, ErrorCode::invalid_argument);
}

TEST_F(MerkleHeadHistory, OneEntryChecksAgainstASignedHead) {
  const auto entries = testing::random_entries(50, 9);
  const auto signed_head = head_at(37, tree_);
  const auto proof = *prove_inclusion(tree_, 12, 37);
  const Hash leaf = leaf_hash(entries[12]);
  EXPECT_TRUE(verify_inclusion_in_head(leaf, proof, signed_head, key_.public_key()).has_value());

  auto other_entry = verify_inclusion_in_head(leaf_hash(entries[13]), proof, signed_head, key_.public_key());
  ASSERT_FALSE(other_entry.has_value());
  EXPECT_EQ(other_entry.error().code, ErrorCode::corrupt);

  auto forged_head = signed_head;
  forged_head.head.timestamp += 60;
  auto forged = verify_inclusion_in_head(leaf, proof, forged_head, key_.public_key());
  ASSERT_FALSE(forged.has_value());
  EXPECT_EQ(forged.error().code, ErrorCode::crypto);

  // A proof for another size than the head's is refused before any hashing.
  auto other_size = *prove_inclusion(tree_, 12, 36);
  auto mismatch = verify_inclusion_in_head(leaf, other_size, signed_head, key_.public_key());
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_EQ(mismatch.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace custos::merkle
