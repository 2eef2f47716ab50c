#include "custos/platform/secretstream.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace custos {
namespace {

using secretstream::Decryptor;
using secretstream::Encryptor;

struct Sealed {
  Bytes header;
  std::vector<Bytes> chunks;
};

Sealed encrypt(const Secret& key, const Bytes& ad, const std::vector<std::string>& parts) {
  auto enc = Encryptor::create(key, ad);
  EXPECT_TRUE(enc);
  Sealed out{enc->header(), {}};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    Bytes chunk;
    EXPECT_TRUE(enc->push(as_bytes(parts[i]), i + 1 == parts.size(), chunk));
    out.chunks.push_back(chunk);
  }
  return out;
}

// Decrypts everything; returns the plaintext or the first error.
Result<std::string> decrypt(const Secret& key, const Bytes& ad, const Sealed& sealed) {
  auto dec = Decryptor::create(key, sealed.header, ad);
  if (!dec) return fail(dec.error());
  std::string plain;
  Secret piece;
  for (const auto& chunk : sealed.chunks) {
    if (auto pulled = dec->pull(chunk, piece); !pulled) return fail(pulled.error());
    plain += piece.unsafe_view();
  }
  if (!dec->finished()) return fail(ErrorCode::corrupt, "truncated");
  return plain;
}

class SecretStreamTest : public ::testing::Test {
 protected:
  Secret key = Secret::random(secretstream::kKeySize);
  Bytes ad = Bytes{'d', 'o', 'c', '1'};
  Sealed sealed = encrypt(key, ad, {"first ", "second ", "third"});
};

TEST_F(SecretStreamTest, RoundTrip) {
  auto plain = decrypt(key, ad, sealed);
  ASSERT_TRUE(plain) << plain.error().describe();
  EXPECT_EQ(*plain, "first second third");
}

TEST_F(SecretStreamTest, WrongKeyFails) {
  EXPECT_EQ(decrypt(Secret::random(32), ad, sealed).error().code, ErrorCode::crypto);
}

TEST_F(SecretStreamTest, OtherAssociatedDataFails) {
  EXPECT_EQ(decrypt(key, Bytes{'d', 'o', 'c', '2'}, sealed).error().code, ErrorCode::crypto);
}

TEST_F(SecretStreamTest, AlteredCiphertextFails) {
  for (std::size_t c = 0; c < sealed.chunks.size(); ++c) {
    for (std::size_t i = 0; i < sealed.chunks[c].size(); ++i) {
      auto altered = sealed;
      altered.chunks[c][i] ^= 0x80;
      EXPECT_FALSE(decrypt(key, ad, altered)) << "chunk " << c << " byte " << i;
    }
  }
}

TEST_F(SecretStreamTest, TruncatedStreamFails) {
  auto truncated = sealed;
  truncated.chunks.pop_back();
  EXPECT_EQ(decrypt(key, ad, truncated).error().code, ErrorCode::corrupt);
}

TEST_F(SecretStreamTest, ReorderedChunksFail) {
  auto reordered = sealed;
  std::swap(reordered.chunks[0], reordered.chunks[1]);
  EXPECT_EQ(decrypt(key, ad, reordered).error().code, ErrorCode::crypto);
}

TEST_F(SecretStreamTest, DataAfterFinalFails) {
  auto extended = sealed;
  extended.chunks.push_back(sealed.chunks.back());
  EXPECT_EQ(decrypt(key, ad, extended).error().code, ErrorCode::corrupt);
}

TEST_F(SecretStreamTest, AlteredHeaderFails) {
  auto altered = sealed;
  altered.header[3] ^= 1;
  EXPECT_FALSE(decrypt(key, ad, altered));
}

}  // namespace
}  // namespace custos
