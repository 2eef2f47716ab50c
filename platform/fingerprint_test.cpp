#include "custos/platform/fingerprint.hpp"

#include <gtest/gtest.h>

namespace custos {
namespace {

const std::string kHex = "bbddc2261d1cd602de9cfc8b935733caeec8299da3fc987ee3abdf56b6fe7ec3";

TEST(Fingerprint, NormalizesSpellings) {
  EXPECT_EQ(*normalize_fingerprint("SHA256:" + kHex), "SHA256:" + kHex);
  EXPECT_EQ(*normalize_fingerprint("sha256:BBDDC2261D1CD602DE9CFC8B935733CAEEC8299DA3FC987EE3ABDF56B6FE7EC3"),
            "SHA256:" + kHex);
  std::string colons = "SHA256:";
  for (std::size_t i = 0; i < kHex.size(); i += 2) colons += kHex.substr(i, 2) + (i + 2 < kHex.size() ? ":" : "");
  EXPECT_EQ(*normalize_fingerprint(colons), "SHA256:" + kHex);
}

TEST(Fingerprint, RejectsMalformed) {
  for (const std::string& bad : {std::string(""), kHex, "MD5:" + kHex, "SHA256:" + kHex.substr(1),
                                "SHA256:" + kHex + "00", "SHA256:" + kHex.substr(0, 63) + "g"}) {
    EXPECT_EQ(normalize_fingerprint(bad).error().code, ErrorCode::invalid_argument) << bad;
  }
}

TEST(Fingerprint, OfDerBytes) {
  const unsigned char der[] = {'a', 'b', 'c'};
  EXPECT_EQ(der_fingerprint(der, 3), "SHA256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace custos
