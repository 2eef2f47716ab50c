#include "custos/platform/secret.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <thread>

namespace custos {
namespace {

TEST(Secret, FromStringKeepsBytes) {
  const auto secret = Secret::from_string("hunter2");
  EXPECT_EQ(secret.size(), 7u);
  EXPECT_EQ(secret.unsafe_view(), "hunter2");
}

TEST(Secret, EqualsIsByContent) {
  EXPECT_TRUE(Secret::from_string("abc").equals(Secret::from_string("abc")));
  EXPECT_FALSE(Secret::from_string("abc").equals(Secret::from_string("abd")));
  EXPECT_FALSE(Secret::from_string("abc").equals(Secret::from_string("abcd")));
  EXPECT_TRUE(Secret().equals(Secret()));
}

TEST(Secret, MoveLeavesSourceEmpty) {
  auto a = Secret::from_string("key");
  Secret b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract under test
  EXPECT_EQ(b.unsafe_view(), "key");
}

TEST(Secret, RandomSecretsDiffer) {
  const auto a = Secret::random(32);
  const auto b = Secret::random(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_FALSE(a.equals(b));
}

TEST(Secret, CloneIsIndependent) {
  auto a = Secret::from_string("xyz");
  auto b = a.clone();
  a.unsafe_bytes()[0] = 'q';
  EXPECT_EQ(b.unsafe_view(), "xyz");
}

TEST(Secret, ReusedSmallBlocksStartZeroed) {
  for (int round = 0; round < 200; ++round) {
    auto used = Secret::from_string("sensitive-token-value");
    Secret fresh(21);
    for (auto byte : fresh.unsafe_bytes()) ASSERT_EQ(byte, 0) << "round " << round;
    used = Secret();  // back to the free list
    Secret reused(100);
    for (auto byte : reused.unsafe_bytes()) ASSERT_EQ(byte, 0) << "round " << round;
  }
}

TEST(Secret, LargeAndSmallSecretsKeepTheirBytes) {
  auto big = Secret::random(4096);
  auto small = Secret::random(32);
  auto big_copy = big.clone();
  auto small_copy = small.clone();
  small = Secret();
  big = Secret();
  EXPECT_EQ(big_copy.size(), 4096u);
  EXPECT_EQ(small_copy.size(), 32u);
  EXPECT_TRUE(small_copy.equals(small_copy.clone()));
}

// A secret held by a thread_local made before the thread's block pool (or by
// a static, which outlives the main thread's pool) is freed after the pool is
// gone; that must not touch the destroyed pool.
TEST(Secret, OutlivingTheThreadsBlockPoolIsSafe) {
  struct Holder {
    std::optional<Secret> secret;
  };
  bool held = false;
  std::thread([&held] {
    thread_local Holder holder;                 // constructed first, destroyed last
    holder.secret = Secret::from_string("pin");  // first use of the pool
    held = holder.secret->size() == 3;
  }).join();
  EXPECT_TRUE(held);
}

TEST(Secret, InitIsIdempotent) {
  EXPECT_TRUE(init_crypto().has_value());
  EXPECT_TRUE(init_crypto().has_value());
}

}  // namespace
}  // namespace custos
