// Policy versions on the vault over a real SQLite store: apply, sign, show,
// history, and an agent's acceptance of the bundles the vault signed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "custos/policy/bundle.hpp"
#include "custos/vault/directory_service.hpp"
#include "custos/vault/policy_service.hpp"
#include "custos/vault/sqlite_store.hpp"

namespace custos::vault {
namespace {

constexpr std::string_view kPolicy = R"toml(
[defaults]
removable_storage = "block"

[departments.claims]
devices = ['allow with-interface 03:*:* label "hid"']

[departments.sales]
removable_storage = "read_only"
)toml";

class PolicyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("custos-policy-svc-" + std::to_string(::getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = std::move(*open_sqlite_store(dir / "vault.db", true));
    sink = std::make_unique<DirectAuditSink>(*store);
    AuthPolicy auth_policy;
    auth_policy.cost = password::minimum_for_tests_only();
    auth = std::make_unique<AuthService>(*store, *sink, auth_policy);
    DirectoryService directory(*store, *sink, *auth);
    auto made = directory.bootstrap_admin("admin", "claims", Secret::from_string("admin-password-1"), origin());
    ASSERT_TRUE(made);
    admin = Principal{made->user, ""};
    auto clerk_made = directory.create_user(admin, NewUser{"clerk", "", "claims", {Role::info_clerk},
                                                           Secret::from_string("clerk-password-1")}, origin());
    ASSERT_TRUE(clerk_made);
    clerk = Principal{clerk_made->user, ""};
    policies = std::make_unique<PolicyService>(*store, *sink, signing);
  }
  void TearDown() override {
    policies.reset();
    auth.reset();
    sink.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  Origin origin() const { return Origin{"req", "127.0.0.1", now_seconds(), ""}; }

  std::filesystem::path dir;
  SigningKey signing = SigningKey::generate();
  std::unique_ptr<Store> store;
  std::unique_ptr<DirectAuditSink> sink;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<PolicyService> policies;
  Principal admin, clerk;
};

TEST_F(PolicyServiceTest, ApplySignsOneBundlePerDepartmentThatAgentsAccept) {
  auto applied = policies->apply(admin, kPolicy, "company.toml", origin());
  ASSERT_TRUE(applied) << applied.error().describe();
  EXPECT_EQ(applied->record.version, 1);
  EXPECT_EQ(applied->departments, (std::vector<std::string>{"claims", "sales"}));
  for (const char* department : {"claims", "sales"}) {
    auto bundle = policies->bundle(clerk, department, origin());
    ASSERT_TRUE(bundle) << bundle.error().describe();
    auto accepted = policy::accept_bundle(*bundle, signing.public_key(), department, std::nullopt, now_seconds());
    ASSERT_TRUE(accepted) << accepted.error().describe();
    EXPECT_EQ(accepted->info.version, 1u);
    EXPECT_EQ(policy::accept_bundle(*bundle, signing.public_key(), department, 1, now_seconds()).error().code,
              ErrorCode::conflict) << "an agent holding version 1 refuses version 1 again";
  }
  EXPECT_EQ(policies->bundle(clerk, "nowhere", origin()).error().code, ErrorCode::not_found);
}

TEST_F(PolicyServiceTest, VersionsCountUpAndHistoryListsThem) {
  ASSERT_TRUE(policies->apply(admin, kPolicy, "a.toml", origin()));
  auto second = policies->apply(admin, std::string(kPolicy) + "\n[departments.audit]\n", "b.toml", origin());
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(second->record.version, 2);
  auto history = policies->history(admin, origin());
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 2);
  EXPECT_EQ((*history)[0].file_name, "b.toml");
  EXPECT_EQ((*history)[0].applied_by_name, "admin");
  auto shown = policies->current(admin, std::string("sales"), origin());
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->record.version, 2);
  EXPECT_NE(shown->canonical.find("read_only"), std::string::npos);
}

TEST_F(PolicyServiceTest, ErrorsStoreNothingAndNamePositions) {
  auto bad = policies->apply(admin, "[departments.claims]\ndevices = ['allow id 07g1:5581']\n", "bad.toml", origin());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(bad.error().message.find("bad.toml:2:"), std::string::npos) << bad.error().message;
  EXPECT_EQ(policies->current(admin, std::nullopt, origin()).error().code, ErrorCode::not_found);
}

TEST_F(PolicyServiceTest, OnlyTheItEngineerApplies) {
  EXPECT_EQ(policies->apply(clerk, kPolicy, "x.toml", origin()).error().code, ErrorCode::permission_denied);
  EXPECT_EQ(policies->history(clerk, origin()).error().code, ErrorCode::permission_denied);
}

}  // namespace
}  // namespace custos::vault
