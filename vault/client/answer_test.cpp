#include "custos/vault/answer.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace custos::vault {
namespace {

TEST(Answer, ASuccessIsItsObject) {
  auto answer = read_answer(200, R"({"agent": "agent-1", "policy_version": 3})");
  ASSERT_TRUE(answer) << answer.error().describe();
  EXPECT_EQ(answer->at("policy_version").as_int64(), 3);
}

TEST(Answer, ASuccessThatIsNoObjectIsCorrupt) {
  // Callers read members of what they are given; an array, a string or a
  // number from a vault (or whoever answers in its place) must not reach them.
  for (const char* body : {"[1, 2]", "\"ok\"", "42", "null", "{\"cut", ""}) {
    auto answer = read_answer(200, body);
    ASSERT_FALSE(answer) << body;
    EXPECT_EQ(answer.error().code, ErrorCode::corrupt) << body;
  }
}

TEST(Answer, ARefusalIsItsError) {
  auto refused = read_answer(403, R"({"error": {"code": "permission_denied", "message": "no", "request_id": "r"}})");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
  // Without an error body: unavailable for 5xx (try again), internal otherwise.
  EXPECT_EQ(read_answer(502, "<html>bad gateway</html>").error().code, ErrorCode::unavailable);
  EXPECT_EQ(read_answer(404, R"({"error": "gone"})").error().code, ErrorCode::internal);
  EXPECT_EQ(read_answer(400, "[]").error().code, ErrorCode::internal);
}

}  // namespace
}  // namespace custos::vault
