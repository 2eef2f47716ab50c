// The local API's "view" command up to the vault: each malformed request is
// refused with its code before anything is fetched, and a vault that cannot
// be reached leaves no view open. (Views against a real vault and browser:
// tests/e2e/viewer_e2e_test.cpp.)
#include "custos/agent/view_service.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "testing_support.hpp"

namespace custos::agent {
namespace {

std::string code_of(const std::string& answer) {
  auto parsed = boost::json::parse(answer);
  const auto* error = parsed.as_object().if_contains("error");
  return error == nullptr ? "" : std::string(error->at("code").as_string());
}

TEST(ViewService, RefusesMalformedRequestsAndUnreachableVaults) {
  AgentState state;
  state.server = "https://127.0.0.1:1";  // nothing listens there
  state.fingerprint = "SHA256:" + std::string(64, 'a');
  state.agent_name = "agent-1";
  state.credential = Secret::from_string("cag_test");
  testing::RecordingSink events;
  ViewService views(state, events);

  EXPECT_EQ(code_of(answer_view_request(views, "not json", 1000)), "invalid_argument");
  EXPECT_EQ(code_of(answer_view_request(views, R"({"command":"view","session":"t"})", 1000)), "invalid_argument");
  EXPECT_EQ(code_of(answer_view_request(views, R"({"command":"view","document":0,"session":"t"})", 1000)),
            "invalid_argument");
  EXPECT_EQ(code_of(answer_view_request(views, R"({"command":"view","document":3})", 1000)), "unauthenticated");
  EXPECT_EQ(code_of(answer_view_request(views, R"({"command":"view","document":3,"session":""})", 1000)),
            "unauthenticated");
  EXPECT_EQ(code_of(answer_view_request(
                views, R"({"command":"view","document":3,"session":"t","server":"https://other:8443"})", 1000)),
            "invalid_argument");
  EXPECT_EQ(code_of(answer_view_request(
                views, R"({"command":"view","document":3,"session":"t","server":"https://127.0.0.1:1"})", 1000)),
            "unavailable");
  EXPECT_EQ(views.open_views(), 0u);
  EXPECT_TRUE(events.of("document.view_opened").empty());

  EXPECT_TRUE(is_view_request(R"({"command":"view","document":3})"));
  EXPECT_FALSE(is_view_request(R"({"command":"status"})"));
  EXPECT_FALSE(is_view_request("garbage"));
}

}  // namespace
}  // namespace custos::agent
