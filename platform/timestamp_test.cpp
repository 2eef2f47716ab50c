#include "custos/platform/timestamp.hpp"

#include <gtest/gtest.h>

namespace custos {
namespace {

TEST(Timestamp, FormatsUtc) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1795995071), "2026-11-29T23:31:11Z");
}

TEST(Timestamp, ParsesForms) {
  EXPECT_EQ(*parse_time("1970-01-02"), 86400);
  EXPECT_EQ(*parse_time("2026-11-29T23:31:11Z"), 1795995071);
  EXPECT_EQ(*parse_time("2026-11-30T07:31:11+08:00"), 1795995071);
  EXPECT_EQ(*parse_time("2026-11-29T22:31:11-01:00"), 1795995071);
}

struct BadTime {
  const char* text;
};
class TimestampRejects : public ::testing::TestWithParam<BadTime> {};

TEST_P(TimestampRejects, WithInvalidArgument) {
  EXPECT_EQ(parse_time(GetParam().text).error().code, ErrorCode::invalid_argument) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Table, TimestampRejects,
                         ::testing::Values(BadTime{""}, BadTime{"2026-02-30"}, BadTime{"2026-13-01"},
                                           BadTime{"2026/01/01"}, BadTime{"2026-01-01T25:00:00Z"},
                                           BadTime{"2026-01-01T10:00:00X"}, BadTime{"20260101"},
                                           BadTime{"2026-01-01T10:00:00+0800"}));

}  // namespace
}  // namespace custos
