#include "custos/agent/policy_keeper.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "custos/platform/files.hpp"
#include "testing_support.hpp"

namespace custos::agent {
namespace {

constexpr const char* kPolicy = "[departments.claims]\n[departments.sales]\n";

struct KeeperTest : ::testing::Test {
  void SetUp() override { ASSERT_TRUE(init_crypto()); }
  testing::TempDir dir;
  SigningKey key = SigningKey::generate();
  testing::RecordingSink events;
  std::filesystem::path cache() const { return dir.path() / "policy.bundle"; }
};

TEST_F(KeeperTest, AppliesNewerBundlesCachesThemAndRefusesTheRest) {
  PolicyKeeper keeper(key.public_key(), "claims", cache(), events);
  EXPECT_EQ(keeper.version(), 0u);
  EXPECT_EQ(keeper.current(), nullptr);
  const auto generation = keeper.generation();

  auto applied = keeper.offer(testing::signed_bundle(key, kPolicy, "claims", 2));
  ASSERT_TRUE(applied) << applied.error().describe();
  EXPECT_TRUE(*applied);
  EXPECT_EQ(keeper.version(), 2u);
  EXPECT_NE(keeper.generation(), generation);
  EXPECT_TRUE(std::filesystem::exists(cache()));
  EXPECT_EQ(std::filesystem::status(cache()).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(events.of("policy.applied").size(), 1u);

  auto same = keeper.offer(testing::signed_bundle(key, kPolicy, "claims", 2));
  ASSERT_TRUE(same);
  EXPECT_FALSE(*same);

  struct Case {
    std::string bundle;
    ErrorCode code;
  };
  const SigningKey stranger = SigningKey::generate();
  for (const auto& c : {Case{testing::signed_bundle(key, kPolicy, "claims", 1), ErrorCode::conflict},
                        Case{testing::signed_bundle(stranger, kPolicy, "claims", 3), ErrorCode::crypto},
                        Case{testing::signed_bundle(key, kPolicy, "sales", 3), ErrorCode::permission_denied},
                        Case{"not a bundle", ErrorCode::corrupt}}) {
    auto refused = keeper.offer(c.bundle);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, c.code) << refused.error().describe();
    EXPECT_EQ(keeper.version(), 2u);
  }
  EXPECT_EQ(events.of("policy.refused").size(), 4u);
}

TEST_F(KeeperTest, TheCacheIsVerifiedAgainOnStart) {
  {
    PolicyKeeper first(key.public_key(), "claims", cache(), events);
    ASSERT_TRUE(first.offer(testing::signed_bundle(key, kPolicy, "claims", 5)));
  }
  PolicyKeeper second(key.public_key(), "claims", cache(), events);
  ASSERT_TRUE(second.load_cache());
  EXPECT_EQ(second.version(), 5u);

  // A cache signed by another key (or changed on disk) is refused.
  ASSERT_TRUE(files::write_atomic(cache(), testing::signed_bundle(SigningKey::generate(), kPolicy, "claims", 9), 0600));
  PolicyKeeper third(key.public_key(), "claims", cache(), events);
  auto refused = third.load_cache();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::crypto);
  EXPECT_EQ(third.version(), 0u);

  PolicyKeeper none(key.public_key(), "claims", dir.path() / "absent.bundle", events);
  auto missing = none.load_cache();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace custos::agent
