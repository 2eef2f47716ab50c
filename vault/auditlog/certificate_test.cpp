#include "custos/auditlog/certificate.hpp"

#include <gtest/gtest.h>

#include "custos/merkle/memory_tree.hpp"
#include "custos/merkle/prover.hpp"

namespace custos::auditlog {
namespace {

class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::uint64_t seq = 1; seq <= 37; ++seq) {
      Entry e;
      e.seq = seq;
      e.time = 1795737600 + static_cast<std::int64_t>(seq);
      e.request_id = "r" + std::to_string(seq);
      e.actor_id = 2;
      e.actor = "lead2";
      e.source = "10.0.0.9";
      e.action = seq == 23 ? "document.destroy" : "document.content";
      e.target = "document:7";
      e.allowed = true;
      e.reason = "ok";
      e.detail = seq == 23 ? R"({"document_id":7,"title_hash":"hmac-sha256:00ff","level":"secret",)"
                             R"("reason":"项目结束","requester":"clerk","supervisor":"lead2","method":"crypto-shred"})"
                           : "{}";
      if (seq == 23) destroyed = e;
      tree.append(*entry_leaf_hash(e));
    }
    auto head = merkle::sign_tree_head(
        {merkle::log_id_for(key.public_key()), tree.size(), *tree.root_at(tree.size()), 1795737700}, key);
    auto proof = merkle::prove_inclusion(tree, destroyed.seq - 1, tree.size());
    certificate = DestructionCertificate{destroyed, *head, proof->path};
  }

  SigningKey key = SigningKey::generate();
  merkle::MemoryTree tree;
  Entry destroyed;
  DestructionCertificate certificate;
};

TEST_F(CertificateTest, AnIntactCertificateVerifiesOfflineFromItsText) {
  const auto text = to_certificate_text(certificate);
  auto parsed = parse_certificate(text);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->entry, destroyed);
  EXPECT_TRUE(verify_certificate(*parsed, key.public_key()));
  EXPECT_EQ(to_certificate_text(*parsed), text);
}

TEST_F(CertificateTest, AnotherKeyIsRefused) {
  EXPECT_EQ(verify_certificate(certificate, SigningKey::generate().public_key()).error().code, ErrorCode::crypto);
}

TEST_F(CertificateTest, OnlyADestructionEntryIsCertified) {
  auto other = certificate;
  other.entry.action = "document.content";
  EXPECT_EQ(verify_certificate(other, key.public_key()).error().code, ErrorCode::invalid_argument);
}

TEST_F(CertificateTest, AnyChangedFieldFails) {
  std::vector<DestructionCertificate> changed(9, certificate);
  changed[0].entry.seq += 1;
  changed[1].entry.time += 1;
  changed[2].entry.actor = "clerk";
  changed[3].entry.detail.replace(changed[3].entry.detail.find("secret"), 6, "public");
  changed[4].entry.target = "document:8";
  changed[5].entry.request_id += "x";
  changed[6].head.head.tree_size -= 1;
  changed[7].inclusion_path[0][0] ^= 1;
  changed[8].inclusion_path.pop_back();
  for (std::size_t i = 0; i < changed.size(); ++i) {
    EXPECT_FALSE(verify_certificate(changed[i], key.public_key())) << "change " << i;
  }
}

TEST_F(CertificateTest, EveryChangedByteOfTheTextIsRefused) {
  const auto text = to_certificate_text(certificate);
  for (std::size_t at = 0; at + 1 < text.size(); ++at) {  // the final line break is optional
    auto changed = text;
    changed[at] = static_cast<char>(changed[at] ^ 0x01);
    auto parsed = parse_certificate(changed);
    if (!parsed) continue;
    EXPECT_FALSE(verify_certificate(*parsed, key.public_key())) << "byte " << at << " of " << text;
  }
}

}  // namespace
}  // namespace custos::auditlog
