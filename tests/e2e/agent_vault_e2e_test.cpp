// Workstation agents on the vault side through the real binaries: an IT
// engineer makes a token with `custos agent token`; an agent enrolls with it
// over HTTPS (once), sends heartbeats and events with its own credential,
// fetches its department's signed policy; `custos agent list` shows it; after
// `custos agent revoke` its next request is refused; content is refused to a
// session without an agent's credential.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "custos/platform/signing.hpp"
#include "custos/platform/timestamp.hpp"
#include "vault_harness.hpp"

namespace custos::testing {
namespace {

namespace json = boost::json;

TEST(AgentVaultE2e, EnrollHeartbeatEventsRevoke) {
  VaultProcess vault("agents");
  auto admin = vault.client("admin", VaultProcess::kAdminPassword);
  const json::value dept(json::object{{"name", "claims"}});
  ASSERT_TRUE(admin.call("POST", "/api/v1/departments", &dept));
  ASSERT_EQ(vault.login("admin", "admin", VaultProcess::kAdminPassword).exit_code, 0);

  auto made = vault.custos("admin", {"agent", "token", "--department", "claims", "--ttl", "10m"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string token = made.out.substr(0, made.out.find('\n'));
  ASSERT_TRUE(token.starts_with("cet_")) << made.out;

  auto anonymous = vault.client();
  const json::value enroll(json::object{{"token", token}, {"hostname", "ws-07"}, {"machine_id", "m-07"}});
  auto enrolled = anonymous.call("POST", "/api/v1/agents/enroll", &enroll);
  ASSERT_TRUE(enrolled) << enrolled.error().describe();
  const std::string credential(enrolled->at("credential").as_string());
  // The key bundles are signed with, for the agent to pin.
  EXPECT_TRUE(PublicKey::parse(std::string_view(enrolled->at("policy_public_key").as_string())))
      << json::serialize(*enrolled);
  auto reused = anonymous.call("POST", "/api/v1/agents/enroll", &enroll);
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().code, ErrorCode::expired);

  auto agent = vault.client();
  agent.set_agent_credential(Secret::from_string(credential));
  const json::value beat(json::object{{"machine_id", "m-07"}, {"policy_version", 0}, {"outbox_depth", 2},
                                      {"agent_version", "test"}});
  auto answer = agent.call("POST", "/api/v1/agent/heartbeat", &beat);
  ASSERT_TRUE(answer) << answer.error().describe();
  EXPECT_EQ(answer->at("heartbeat_seconds").as_int64(), 60);
  const json::value events(json::object{{"events", json::array{json::object{{"seq", 1},
                                                                            {"time", format_rfc3339(now_seconds())},
                                                                            {"kind", "device.decision"},
                                                                            {"severity", "info"},
                                                                            {"detail", json::object{{"device", "46f4:0001"}}}}}}});
  auto acked = agent.call("POST", "/api/v1/agent/events", &events);
  ASSERT_TRUE(acked) << acked.error().describe();
  EXPECT_EQ(acked->at("stored").as_int64(), 1);
  auto resent = agent.call("POST", "/api/v1/agent/events", &events);
  ASSERT_TRUE(resent) << resent.error().describe();
  EXPECT_EQ(resent->at("duplicates").as_int64(), 1);

  auto listed = vault.custos("admin", {"agent", "list", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto list = json::parse(listed.out).at("agents").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("name").as_string(), "agent-1");
  EXPECT_EQ(list[0].at("state").as_string(), "active");
  EXPECT_EQ(list[0].at("outbox_depth").as_int64(), 2);
  EXPECT_EQ(list[0].at("events").as_int64(), 1);
  auto shown = vault.custos("admin", {"agent", "events", "agent-1"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("device.decision"), std::string::npos) << shown.out;

  // Content needs an agent's credential beside the session.
  auto no_agent = admin.call("GET", "/api/v1/documents/1/content");
  ASSERT_FALSE(no_agent);
  EXPECT_EQ(no_agent.error().code, ErrorCode::unauthenticated);

  auto revoked = vault.custos("admin", {"agent", "revoke", "agent-1"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  auto refused = agent.call("POST", "/api/v1/agent/heartbeat", &beat);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
  auto after = vault.custos("admin", {"agent", "show", "agent-1", "--format", "json"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(json::parse(after.out).at("state").as_string(), "revoked");
}

}  // namespace
}  // namespace custos::testing
