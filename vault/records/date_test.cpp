#include "custos/records/date.hpp"

#include <gtest/gtest.h>

namespace custos::records {
namespace {

TEST(Date, ParsesRealDates) {
  EXPECT_EQ(try_parse_date("2024-02-29"), Date::from_ymd(2024, 2, 29));
  EXPECT_EQ(try_parse_date("1970-01-01"), Date{});
  EXPECT_EQ(parse_date("2000-12-31")->to_string(), "2000-12-31");
}

class DateRejects : public ::testing::TestWithParam<const char*> {};

TEST_P(DateRejects, WithInvalidArgument) {
  EXPECT_FALSE(try_parse_date(GetParam())) << GetParam();
  const auto parsed = parse_date(GetParam());
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Table, DateRejects,
                         ::testing::Values("", "2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10",
                                           "2024-04-31", "2024/01/01", "20240101", "2024-1-01",
                                           "0000-01-01", "2024-01-0a", " 2024-01-01"));

TEST(Date, DaysRoundTrip) {
  for (std::int64_t d = -800000; d < 3000000; d += 997) {
    EXPECT_EQ(Date::from_days(d).days(), d);
  }
  EXPECT_EQ(Date::from_ymd(2000, 3, 1)->days() - Date::from_ymd(2000, 2, 28)->days(), 2);
}

TEST(Date, Weekdays) {
  EXPECT_EQ(Date{}.weekday(), Weekday::thursday);
  EXPECT_EQ(Date::from_ymd(2024, 1, 1)->weekday(), Weekday::monday);
  EXPECT_EQ(Date::from_ymd(2025, 6, 7)->weekday(), Weekday::saturday);
  EXPECT_EQ(Date::from_ymd(1969, 12, 28)->weekday(), Weekday::sunday);
}

TEST(Date, YearsUntilCountsBirthdays) {
  const Date birth = *Date::from_ymd(2007, 6, 2);
  EXPECT_EQ(birth.years_until(*Date::from_ymd(2025, 6, 1)), 17);
  EXPECT_EQ(birth.years_until(*Date::from_ymd(2025, 6, 2)), 18);
  EXPECT_EQ(Date::from_ymd(2008, 2, 29)->years_until(*Date::from_ymd(2026, 2, 28)), 17);
}

TEST(Date, OrdersChronologically) {
  EXPECT_LT(*Date::from_ymd(1999, 12, 31), *Date::from_ymd(2000, 1, 1));
  EXPECT_LT(*Date::from_ymd(2000, 1, 31), *Date::from_ymd(2000, 2, 1));
}

}  // namespace
}  // namespace custos::records
