// Signed bundles: the bytes are deterministic, and the agent's acceptance
// refuses each kind of bad bundle with its own error code.
#include "custos/policy/bundle.hpp"

#include <gtest/gtest.h>

#include "custos/policy/canonical.hpp"
#include "custos/policy/evaluator.hpp"
#include "test_policy.hpp"

namespace custos::policy {
namespace {

constexpr std::string_view kPolicy = R"(
[departments.sales]
removable_storage = "read_only"
scan_paths = ["/srv/sales"]
devices = [
  'allow with-interface 03:*:* label "hid"',
  'allow id 0781:5581 serial "4C53\"01"',
]
[departments.hr]
)";

constexpr UnixSeconds kIssued = 1'780'000'000;
constexpr UnixSeconds kExpires = kIssued + 30 * 86'400;

class BundleTest : public ::testing::Test {
 protected:
  Policy policy = testing::must_parse(kPolicy, "site.toml");
  SigningKey key = SigningKey::generate();
  BundleInfo info{"sales", 7, kIssued, kExpires};

  std::string signed_bundle(const BundleInfo& i) {
    auto b = make_signed_bundle(policy, i, key);
    EXPECT_TRUE(b.has_value());
    return b.value_or("");
  }
};

TEST_F(BundleTest, AcceptedBundleGivesBackTheDepartmentExactly) {
  const std::string bundle = signed_bundle(info);
  auto accepted = accept_bundle(bundle, key.public_key(), "sales", 6, kIssued + 10);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().describe();
  EXPECT_EQ(accepted->info, info);
  ASSERT_EQ(accepted->policy.departments().size(), 1U);
  EXPECT_EQ(to_canonical_toml(accepted->policy.departments().front()), to_canonical_toml(*policy.find("sales")));
  // Rule ids survive, derived ones included, so the agent reports the vault's ids.
  const auto& rules = accepted->policy.departments().front().rules;
  ASSERT_EQ(rules.size(), 2U);
  EXPECT_EQ(rules[0].id, "hid");
  EXPECT_EQ(rules[1].id, "site.toml:7");
  EXPECT_EQ(rules[1].conditions[1].strings[0], "4C53\"01");
}

TEST_F(BundleTest, FirstBundleNeedsNoHeldVersion) {
  EXPECT_TRUE(accept_bundle(signed_bundle(info), key.public_key(), "sales", std::nullopt, kIssued).has_value());
}

TEST_F(BundleTest, BytesAreDeterministicAndReadable) {
  auto a = compile_bundle(policy, info);
  auto b = compile_bundle(testing::must_parse(kPolicy, "site.toml"), info);
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(a->starts_with("custos-policy-bundle 1\ndepartment sales\nversion 7\nissued-at 1780000000\n"
                             "expires-at 1782592000\npayload-bytes "));
  EXPECT_NE(a->find("\n\n[departments.sales]\nremovable_storage = \"read_only\"\n"), std::string::npos);
  // Ed25519 signatures are deterministic too.
  EXPECT_EQ(sign_bundle(*a, key), sign_bundle(*b, key));
  EXPECT_TRUE(sign_bundle(*a, key).starts_with(*a + "signature "));
}

TEST_F(BundleTest, TamperedBytesAreACryptoRefusal) {
  std::string bundle = signed_bundle(info);
  const auto at = bundle.find("read_only");
  ASSERT_NE(at, std::string::npos);
  bundle.replace(at, 9, "allow    ");
  auto r = accept_bundle(bundle, key.public_key(), "sales", 6, kIssued);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::crypto);
}

TEST_F(BundleTest, OtherKeyIsACryptoRefusal) {
  const SigningKey other = SigningKey::generate();
  auto r = accept_bundle(signed_bundle(info), other.public_key(), "sales", 6, kIssued);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::crypto);
}

TEST_F(BundleTest, OtherDepartmentIsRefused) {
  auto r = accept_bundle(signed_bundle(info), key.public_key(), "hr", 6, kIssued);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::permission_denied);
}

TEST_F(BundleTest, RollbackIsRefused) {
  for (const std::uint64_t held : {7U, 8U, 100U}) {
    auto r = accept_bundle(signed_bundle(info), key.public_key(), "sales", held, kIssued);
    ASSERT_FALSE(r.has_value()) << held;
    EXPECT_EQ(r.error().code, ErrorCode::conflict) << held;
  }
}

TEST_F(BundleTest, ExpiredIsRefused) {
  auto r = accept_bundle(signed_bundle(info), key.public_key(), "sales", 6, kExpires);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::expired);
  EXPECT_TRUE(accept_bundle(signed_bundle(info), key.public_key(), "sales", 6, kExpires - 1).has_value());
}

TEST_F(BundleTest, MalformedBundlesAreCorrupt) {
  const std::string good = signed_bundle(info);
  const std::string cases[] = {
      "",
      "custos-policy-bundle 2\n",
      good.substr(0, good.size() / 2),
      good.substr(0, good.size() - 1),  // no final newline
      std::string(good).replace(good.find("version 7"), 9, "version 07"),
      std::string(good).replace(good.find("payload-bytes "), 14, "payload-bytes -"),
      good + "trailing",
  };
  for (const auto& bundle : cases) {
    auto r = accept_bundle(bundle, key.public_key(), "sales", 6, kIssued);
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().code == ErrorCode::corrupt || r.error().code == ErrorCode::crypto)
        << r.error().describe();
  }
  EXPECT_EQ(accept_bundle("", key.public_key(), "sales", 6, kIssued).error().code, ErrorCode::corrupt);
}

TEST_F(BundleTest, SignedButUnparsablePayloadIsCorrupt) {
  // A vault bug must not turn into an applied policy: the agent re-checks.
  std::string body = "custos-policy-bundle 1\ndepartment sales\nversion 8\nissued-at 1\nexpires-at 2000000000\n"
                     "payload-bytes 9\n\nnot toml!";
  auto r = accept_bundle(sign_bundle(body, key), key.public_key(), "sales", 6, kIssued);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::corrupt);
}

TEST_F(BundleTest, CompileRefusesBadInput) {
  EXPECT_EQ(compile_bundle(policy, {"nobody", 1, kIssued, kExpires}).error().code, ErrorCode::not_found);
  EXPECT_EQ(compile_bundle(policy, {"sales", 0, kIssued, kExpires}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(compile_bundle(policy, {"sales", 1, kIssued, kIssued}).error().code, ErrorCode::invalid_argument);
}

TEST_F(BundleTest, AcceptedPolicyDecidesLikeTheOriginal) {
  auto accepted = accept_bundle(signed_bundle(info), key.public_key(), "sales", 6, kIssued);
  ASSERT_TRUE(accepted.has_value());
  const CompiledPolicy original = CompiledPolicy::compile(policy);
  const CompiledPolicy received = CompiledPolicy::compile(accepted->policy);
  Device d;
  d.vendor_id = 0x0781;
  d.product_id = 0x5581;
  d.serial = "4C53\"01";
  d.interfaces = {{0x08, 0x06, 0x50}, {0x03, 0x01, 0x01}};
  const DeviceDecision a = original.decide_device("sales", d);
  const DeviceDecision b = received.decide_device("sales", d);
  ASSERT_EQ(a.interfaces.size(), b.interfaces.size());
  for (std::size_t i = 0; i < a.interfaces.size(); ++i) {
    EXPECT_EQ(a.interfaces[i].target, b.interfaces[i].target);
    EXPECT_EQ(a.interfaces[i].rule_id, b.interfaces[i].rule_id);
  }
  EXPECT_EQ(b.interfaces[0].rule_id, "site.toml:7");
}

}  // namespace
}  // namespace custos::policy
