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

TEST(Month, IsTheUtcCalendarMonth) {
  auto november = parse_month("2026-11");
  ASSERT_TRUE(november) << november.error().describe();
  EXPECT_EQ(november->year, 2026);
  EXPECT_EQ(november->month, 11u);
  EXPECT_EQ(november->start, *parse_time("2026-11-01T00:00:00Z"));
  EXPECT_EQ(november->end, *parse_time("2026-12-01T00:00:00Z"));
  EXPECT_EQ(november->text(), "2026-11");
  auto december = parse_month("2026-12");
  ASSERT_TRUE(december);
  EXPECT_EQ(december->end, *parse_time("2027-01-01")) << "December ends with the year";
  auto february = parse_month("2028-02");
  ASSERT_TRUE(february);
  EXPECT_EQ(february->end - february->start, 29 * 86400) << "a leap February";
  EXPECT_EQ(parse_month("1970-01")->start, 0);
}

TEST(Month, OfATime) {
  EXPECT_EQ(month_of(*parse_time("2026-11-30T23:59:59Z")).text(), "2026-11");
  EXPECT_EQ(month_of(*parse_time("2026-12-01T00:00:00Z")).text(), "2026-12");
  EXPECT_EQ(month_of(*parse_time("2026-12-01T07:00:00+08:00")).text(), "2026-11") << "months are UTC";
  EXPECT_EQ(month_of(0).start, 0);
}

class MonthRejects : public ::testing::TestWithParam<BadTime> {};

TEST_P(MonthRejects, WithInvalidArgument) {
  EXPECT_EQ(parse_month(GetParam().text).error().code, ErrorCode::invalid_argument) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Table, MonthRejects,
                         ::testing::Values(BadTime{""}, BadTime{"2026-13"}, BadTime{"2026-00"}, BadTime{"2026-1"},
                                           BadTime{"2026-11-01"}, BadTime{"99999-01"}, BadTime{"1969-12"},
                                           BadTime{"2026/11"}, BadTime{"2026-1a"}, BadTime{"+026-11"},
                                           BadTime{"2026-+1"}, BadTime{"2026-11 "}, BadTime{"11-2026"}));

}  // namespace
}  // namespace custos
