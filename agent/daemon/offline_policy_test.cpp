#include "custos/agent/offline_policy.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "custos/platform/files.hpp"
#include "testing_support.hpp"

namespace custos::agent {
namespace {

constexpr const char* kPolicy = "[departments.claims]\n[departments.sales]\n";

struct OfflineTest : ::testing::Test {
  void SetUp() override { ASSERT_TRUE(init_crypto()); }
  testing::TempDir dir;
  SigningKey key = SigningKey::generate();
  testing::RecordingSink events;
  std::filesystem::path cache() const { return dir.path() / "policy.bundle"; }
  std::filesystem::path file(std::string_view name, std::string_view text) const {
    const auto path = dir.path() / name;
    std::ofstream(path) << text;
    return path;
  }
  AgentConfig offline_config() const {
    AgentConfig config;
    config.policy_file = dir.path() / "policy.file";
    config.policy_key = key.public_key().to_string();
    config.department = "claims";
    return config;
  }
};

TEST_F(OfflineTest, TheKeyIsTextOrAFileHoldingIt) {
  auto text = read_policy_key(key.public_key().to_string());
  ASSERT_TRUE(text) << text.error().describe();
  EXPECT_EQ(*text, key.public_key());
  auto from_file = read_policy_key(file("key.pub", key.public_key().to_string() + "\n").string());
  ASSERT_TRUE(from_file) << from_file.error().describe();
  EXPECT_EQ(*from_file, key.public_key());

  for (const std::string& bad : {std::string("ed25519:AAAA"), std::string("ed25519:"),
                                (dir.path() / "absent.pub").string(), file("junk.pub", "not a key\n").string()}) {
    auto refused = read_policy_key(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument) << bad;
  }
}

TEST_F(OfflineTest, SettingsAreOnlineWithoutAFileAndCompleteWithOne) {
  auto online = offline_policy(AgentConfig{});
  ASSERT_TRUE(online) << online.error().describe();
  EXPECT_FALSE(online->has_value());

  auto offline = offline_policy(offline_config());
  ASSERT_TRUE(offline) << offline.error().describe();
  ASSERT_TRUE(offline->has_value());
  EXPECT_EQ((*offline)->department, "claims");
  EXPECT_EQ((*offline)->key, key.public_key());
  EXPECT_EQ((*offline)->bundle, dir.path() / "policy.file");

  auto no_key = offline_config();
  no_key.policy_key.clear();
  auto no_department = offline_config();
  no_department.department.clear();
  auto bad_key = offline_config();
  bad_key.policy_key = "ed25519:AAAA";
  for (const auto& config : {no_key, no_department, bad_key}) {
    auto refused = offline_policy(config);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  }
}

TEST_F(OfflineTest, AGoodFileIsAppliedAndCached) {
  const auto bundle = testing::signed_bundle(key, kPolicy, "claims", 3);
  PolicyKeeper keeper(key.public_key(), "claims", cache(), events);
  auto applied = apply_policy_file(keeper, file("policy.file", bundle), cache(), events);
  ASSERT_TRUE(applied) << applied.error().describe();
  EXPECT_EQ(*applied, 3u);
  EXPECT_EQ(keeper.version(), 3u);
  EXPECT_EQ(files::read_text(cache()).value_or(""), bundle);
  const auto done = events.of("policy.applied");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].detail.at("source"), "file");

  // Started again with the same file: the cache holds the same bytes.
  PolicyKeeper again(key.public_key(), "claims", cache(), events);
  auto same = apply_policy_file(again, dir.path() / "policy.file", cache(), events);
  ASSERT_TRUE(same) << same.error().describe();
  EXPECT_EQ(*same, 3u);
  EXPECT_TRUE(events.of("policy.refused").empty());
}

TEST_F(OfflineTest, ACacheOfAnotherKeyIsNoReference) {
  ASSERT_TRUE(files::write_atomic(cache(), testing::signed_bundle(SigningKey::generate(), kPolicy, "claims", 9), 0600));
  PolicyKeeper keeper(key.public_key(), "claims", cache(), events);
  auto applied = apply_policy_file(keeper, file("policy.file", testing::signed_bundle(key, kPolicy, "claims", 2)),
                                   cache(), events);
  ASSERT_TRUE(applied) << applied.error().describe();
  EXPECT_EQ(*applied, 2u);
}

TEST_F(OfflineTest, BadFilesAreRefusedWithTheirCode) {
  const auto now = now_seconds();
  auto parsed = policy::parse_policy(kPolicy, "test.toml");
  ASSERT_TRUE(parsed.ok);
  auto expired = policy::make_signed_bundle(
      *parsed.policy, {.department = "claims", .version = 7, .issued_at = now - 7200, .expires_at = now - 3600}, key);
  ASSERT_TRUE(expired);
  const SigningKey stranger = SigningKey::generate();
  struct Case {
    const char* what;
    std::string bundle;  // empty: no file at all
    ErrorCode code;
  };
  for (const auto& c : {Case{"another key", testing::signed_bundle(stranger, kPolicy, "claims", 7), ErrorCode::crypto},
                        Case{"another department", testing::signed_bundle(key, kPolicy, "sales", 7),
                             ErrorCode::permission_denied},
                        Case{"expired", *expired, ErrorCode::expired},
                        Case{"not a bundle", "custos-policy-bundle 1\nnonsense\n", ErrorCode::corrupt},
                        Case{"rollback", testing::signed_bundle(key, kPolicy, "claims", 4), ErrorCode::conflict},
                        Case{"changed under the cached version", testing::signed_bundle(key, "[departments.claims]\n"
                                                                                             "optical = \"allow\"\n",
                                                                                        "claims", 5),
                             ErrorCode::conflict},
                        Case{"no file", "", ErrorCode::not_found}}) {
    SCOPED_TRACE(c.what);
    ASSERT_TRUE(files::write_atomic(cache(), testing::signed_bundle(key, kPolicy, "claims", 5), 0600));
    const auto path = dir.path() / "policy.file";
    std::filesystem::remove(path);
    if (!c.bundle.empty()) file("policy.file", c.bundle);
    const auto refusals = events.of("policy.refused").size();
    PolicyKeeper keeper(key.public_key(), "claims", cache(), events);
    auto refused = apply_policy_file(keeper, path, cache(), events);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, c.code) << refused.error().describe();
    if (c.code != ErrorCode::not_found) {
      ASSERT_EQ(events.of("policy.refused").size(), refusals + 1);
      EXPECT_EQ(events.of("policy.refused").back().detail.at("source"), "file");
    }
    // The cache is never replaced by a refused file.
    auto cached = PolicyKeeper(key.public_key(), "claims", cache(), events);
    ASSERT_TRUE(cached.load_cache());
    EXPECT_EQ(cached.version(), 5u);
  }
}

}  // namespace
}  // namespace custos::agent
