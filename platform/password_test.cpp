#include "custos/platform/password.hpp"

#include <gtest/gtest.h>

namespace custos {
namespace {

TEST(Password, HashVerifies) {
  const auto cost = password::minimum_for_tests_only();
  const auto hashed = password::hash(Secret::from_string("correct horse"), cost);
  ASSERT_TRUE(hashed);
  EXPECT_TRUE(hashed->starts_with("$argon2id$"));
  EXPECT_TRUE(*password::verify(*hashed, Secret::from_string("correct horse")));
  EXPECT_FALSE(*password::verify(*hashed, Secret::from_string("correct horsE")));
}

TEST(Password, SaltMakesHashesDiffer) {
  const auto cost = password::minimum_for_tests_only();
  EXPECT_NE(*password::hash(Secret::from_string("pw"), cost), *password::hash(Secret::from_string("pw"), cost));
}

TEST(Password, UnreadableHashIsAnError) {
  EXPECT_EQ(password::verify("plaintext", Secret::from_string("plaintext")).error().code, ErrorCode::corrupt);
}

TEST(Password, WeakHashNeedsRehash) {
  const auto weak = *password::hash(Secret::from_string("pw"), password::minimum_for_tests_only());
  EXPECT_TRUE(password::needs_rehash(weak, password::interactive()));
}

}  // namespace
}  // namespace custos
