// Test-only helpers for custos::merkle's tests: hex literals for hashes, the
// reference 8-entry tree used by Certificate Transparency's test vectors, and
// deterministic pseudo-random entries.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "custos/merkle/hash.hpp"
#include "custos/platform/encoding.hpp"

namespace custos::merkle::testing {

inline Hash H(std::string_view hex) {
  Hash out{};
  auto bytes = hex_decode(hex);
  EXPECT_TRUE(bytes.has_value() && bytes->size() == 32) << hex;
  if (bytes && bytes->size() == 32) std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

// The eight leaf entries of the reference tree.
inline std::vector<Bytes> reference_entries() {
  std::vector<Bytes> out;
  for (std::string_view hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                               "606162636465666768696a6b6c6d6e6f"}) {
    out.push_back(*hex_decode(hex));
  }
  return out;
}

// Roots of the reference tree's first 0..8 entries.
inline std::vector<Hash> reference_roots() {
  return {
      H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
      H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
      H("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
      H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
      H("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
      H("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
      H("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
      H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
  };
}

struct InclusionVector {
  std::uint64_t index;
  std::uint64_t size;
  std::vector<Hash> path;
};

// Certificate Transparency's reference vectors for the 8-entry tree (indices 0-based).
inline std::vector<InclusionVector> inclusion_vectors() {
  return {
      {0, 1, {}},
      {0, 2, {H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")}},
      {1, 2, {H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")}},
      {2, 3, {H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")}},
      {1, 5,
       {H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")}},
      {0, 8,
       {H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")}},
      {5, 8,
       {H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
        H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
  };
}

struct ConsistencyVector {
  std::uint64_t old_size;
  std::uint64_t new_size;
  std::vector<Hash> path;
};

inline std::vector<ConsistencyVector> consistency_vectors() {
  return {
      {1, 1, {}},
      {1, 8,
       {H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")}},
      {6, 8,
       {H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
        H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
      {2, 5,
       {H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")}},
      {6, 7,
       {H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        H("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
  };
}

// `count` entries of 1..40 pseudo-random bytes, the same for the same seed.
inline std::vector<Bytes> random_entries(std::size_t count, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Bytes> out(count);
  for (auto& entry : out) {
    entry.resize(1 + rng() % 40);
    for (auto& byte : entry) byte = static_cast<std::uint8_t>(rng());
  }
  return out;
}

}  // namespace custos::merkle::testing
