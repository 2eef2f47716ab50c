// Workstation agents on the vault side over a real SQLite store: tokens used
// once (or as often as a rollout token allows), expired and forged tokens
// refused, a revoked agent refused, a credential used from a second machine
// caught (heartbeat and clashing events), events kept once per sequence with
// resends acknowledged, silence raised once and cleared by a heartbeat.
#include "custos/vault/agent_service.hpp"

#include "custos/platform/encoding.hpp"
#include "custos/platform/hash.hpp"

#include "service_test_harness.hpp"

namespace custos::vault {
namespace {

constexpr UnixSeconds kStart = 1'800'000'000;
Origin at(UnixSeconds when) { return Origin{"req", "10.0.0.7", when, ""}; }

class AgentServiceTest : public ::testing::Test, protected ServiceHarness {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_services("agent-svc", at(kStart)));
    auto made = directory->create_user(
        admin, NewUser{"auditor", "auditor", "claims", {Role::auditor}, Secret::from_string("auditor-password-1")},
        at(kStart));
    ASSERT_TRUE(made) << made.error().describe();
    auditor = Principal{made->user, ""};
    AgentOptions options;
    options.heartbeat_seconds = 60;
    options.silent_after_missed = 3;
    agents = std::make_unique<AgentService>(*store, *sink, options);
  }
  void TearDown() override { agents.reset(); }

  Secret token(std::int64_t uses = 1, std::int64_t ttl = 3600) {
    auto made = agents->create_token(admin, "claims", ttl, uses, at(kStart));
    EXPECT_TRUE(made) << made.error().describe();
    return made ? std::move(made->token) : Secret();
  }
  Enrollment enroll(const Secret& t, const std::string& host = "ws-01", UnixSeconds when = kStart + 10) {
    auto made = agents->enroll(t, host, "machine-" + host, at(when));
    EXPECT_TRUE(made) << made.error().describe();
    return made ? std::move(*made) : Enrollment{};
  }
  static AgentEvent event(std::int64_t seq, std::string detail = "{\"device\":\"46f4:0001\"}") {
    AgentEvent e;
    e.seq = seq;
    e.time = kStart + seq;
    e.kind = "device.decision";
    e.severity = "info";
    e.detail = std::move(detail);
    return e;
  }

  std::unique_ptr<AgentService> agents;
  Principal auditor;
};

TEST_F(AgentServiceTest, ATokenEnrollsOnceAndTheCredentialAuthenticates) {
  auto t = token();
  auto first = enroll(t);
  EXPECT_EQ(first.agent.name, "agent-1");
  EXPECT_EQ(first.agent.department, "claims");
  auto again = agents->enroll(t, "ws-02", "machine-ws-02", at(kStart + 20));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::expired);
  auto who = agents->authenticate(first.credential);
  ASSERT_TRUE(who) << who.error().describe();
  EXPECT_EQ(who->name, "agent-1");
  EXPECT_EQ(who->machine_id, "machine-ws-01");
}

TEST_F(AgentServiceTest, RolloutTokenEnrollsAsManyAsItAllows) {
  auto t = token(2);
  EXPECT_EQ(enroll(t, "ws-01").agent.name, "agent-1");
  EXPECT_EQ(enroll(t, "ws-02").agent.name, "agent-2");
  auto third = agents->enroll(t, "ws-03", "machine-ws-03", at(kStart + 20));
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, ErrorCode::expired);
}

TEST_F(AgentServiceTest, ExpiredForgedAndMalformedTokensAreRefused) {
  auto t = token(1, 600);
  auto late = agents->enroll(t, "ws-01", "m", at(kStart + 601));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::expired);
  auto forged = agents->enroll(Secret::from_string("cet_" + std::string(64, 'a')), "ws-01", "m", at(kStart + 1));
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, ErrorCode::unauthenticated);
  auto malformed = agents->enroll(Secret::from_string("hello"), "ws-01", "m", at(kStart + 1));
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, ErrorCode::unauthenticated);
  auto bad_host = agents->enroll(token(), "ws\n01", "m", at(kStart + 1));
  ASSERT_FALSE(bad_host);
  EXPECT_EQ(bad_host.error().code, ErrorCode::invalid_argument);
  auto by_auditor = agents->create_token(auditor, "claims", 3600, 1, at(kStart));
  ASSERT_FALSE(by_auditor);
  EXPECT_EQ(by_auditor.error().code, ErrorCode::permission_denied);
  auto forged_credential = agents->authenticate(Secret::from_string("cag_" + std::string(64, 'b')));
  ASSERT_FALSE(forged_credential);
  EXPECT_EQ(forged_credential.error().code, ErrorCode::unauthenticated);
}

TEST_F(AgentServiceTest, ARevokedAgentIsRefusedAtItsNextRequest) {
  auto e = enroll(token());
  auto by_auditor = agents->revoke(auditor, "agent-1", at(kStart + 40));
  ASSERT_FALSE(by_auditor);
  EXPECT_EQ(by_auditor.error().code, ErrorCode::permission_denied);
  ASSERT_TRUE(agents->revoke(admin, "agent-1", at(kStart + 40)));
  auto refused = agents->authenticate(e.credential);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
  auto twice = agents->revoke(admin, "agent-1", at(kStart + 60));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  auto listed = agents->list(auditor, at(kStart + 60));
  ASSERT_TRUE(listed);
  EXPECT_EQ(agents->state_of(listed->at(0), kStart + 60), AgentState::revoked);
}

TEST_F(AgentServiceTest, EventsAreKeptOnceAndResendsAcknowledged) {
  auto e = enroll(token());
  std::vector<AgentEvent> batch = {event(1), event(2), event(3)};
  auto first = agents->accept_events(e.agent, batch, at(kStart + 100));
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->stored, 3);
  EXPECT_EQ(first->acknowledged, (std::vector<std::int64_t>{1, 2, 3}));
  // A crash before the agent saw the answer: it sends 2..4 again.
  auto resent = agents->accept_events(e.agent, {event(2), event(3), event(4)}, at(kStart + 101));
  ASSERT_TRUE(resent) << resent.error().describe();
  EXPECT_EQ(resent->stored, 1);
  EXPECT_EQ(resent->duplicates, 2);
  auto only_resends = agents->accept_events(e.agent, {event(4)}, at(kStart + 102));
  ASSERT_TRUE(only_resends) << only_resends.error().describe();
  EXPECT_EQ(only_resends->stored, 0);
  EXPECT_EQ(only_resends->acknowledged, (std::vector<std::int64_t>{4}));
  auto stored = agents->events(admin, "agent-1", 0, 100, at(kStart + 103));
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 4u);
  EXPECT_EQ(stored->back().seq, 4);
  // The agent's counters count each stored event once, resends not.
  auto shown = agents->show(admin, "agent-1", at(kStart + 104));
  ASSERT_TRUE(shown) << shown.error().describe();
  EXPECT_EQ(shown->events, 4);
  EXPECT_EQ(shown->last_event_seq, 4);
}

TEST(AgentEventDigest, HashesLengthPrefixedFieldsAsStoredDigestsWere) {
  // Digests already stored are compared with resends: the bytes hashed
  // must never change.
  AgentEvent e;
  e.kind = "device.decision";
  e.severity = "info";
  e.time = 1700000000;
  e.detail = R"({"decision":"block"})";
  EXPECT_EQ(AgentService::event_digest(e),
            hex_encode(sha256(std::string_view("15:device.decision;4:info;10:1700000000;20:{\"decision\":\"block\"};"))));
  e.time = -5;  // a clock before 1970 is still text, not a crash
  EXPECT_EQ(AgentService::event_digest(e),
            hex_encode(sha256(std::string_view("15:device.decision;4:info;2:-5;20:{\"decision\":\"block\"};"))));
}

TEST_F(AgentServiceTest, ACopiedIdentityIsCaught) {
  auto e = enroll(token());
  ASSERT_TRUE(agents->accept_events(e.agent, {event(1)}, at(kStart + 100)));
  // A second machine with the same state folder numbers its own events from the same place.
  auto clash = agents->accept_events(e.agent, {event(1, "{\"device\":\"other\"}")}, at(kStart + 101));
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::conflict);
  AgentStatus elsewhere{"another-machine", 1, 0, "1.0"};
  auto beat = agents->heartbeat(e.agent, elsewhere, at(kStart + 102));
  ASSERT_FALSE(beat);
  EXPECT_EQ(beat.error().code, ErrorCode::conflict);
}

TEST_F(AgentServiceTest, MalformedEventsAreRefusedWhole) {
  auto e = enroll(token());
  auto bad = event(2);
  bad.severity = "loud";
  auto refused = agents->accept_events(e.agent, {event(1), bad}, at(kStart + 100));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  auto zero = agents->accept_events(e.agent, {event(0)}, at(kStart + 100));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, ErrorCode::invalid_argument);
  auto none = agents->events(admin, "agent-1", 0, 100, at(kStart + 101));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(AgentServiceTest, SilenceIsRaisedOnceAndEndsWithAHeartbeat) {
  auto e = enroll(token());
  AgentStatus status{"machine-ws-01", 0, 0, "1.0"};
  ASSERT_TRUE(agents->heartbeat(e.agent, status, at(kStart + 100)));
  auto quiet = agents->raise_silent(at(kStart + 100 + 180));
  ASSERT_TRUE(quiet);
  EXPECT_TRUE(quiet->empty()) << "three periods have not passed yet";
  auto raised = agents->raise_silent(at(kStart + 100 + 181));
  ASSERT_TRUE(raised);
  EXPECT_EQ(*raised, std::vector<std::string>{"agent-1"});
  auto again = agents->raise_silent(at(kStart + 100 + 300));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty()) << "raised once";
  auto listed = agents->list(admin, at(kStart + 400));
  ASSERT_TRUE(listed);
  EXPECT_EQ(agents->state_of(listed->at(0), kStart + 400), AgentState::silent);
  EXPECT_TRUE(listed->at(0).silent_since.has_value());
  auto fresh = agents->authenticate(e.credential);
  ASSERT_TRUE(fresh);
  ASSERT_TRUE(agents->heartbeat(*fresh, status, at(kStart + 401)));
  auto back = agents->show(admin, "agent-1", at(kStart + 402));
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->silent_since.has_value());
  EXPECT_EQ(agents->state_of(*back, kStart + 402), AgentState::active);
}

}  // namespace
}  // namespace custos::vault
