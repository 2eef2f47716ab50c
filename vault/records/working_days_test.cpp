#include "custos/records/working_days.hpp"

#include <gtest/gtest.h>

namespace custos::records {
namespace {

Date d(int y, int m, int day) { return *Date::from_ymd(y, m, day); }

TEST(WorkingDays, SkipWeekend) {
  const WorkCalendar weekends_only;
  // Friday 2025-06-06 + 3 working days: Mon 9, Tue 10, Wed 11.
  EXPECT_EQ(add_working_days(d(2025, 6, 6), 3, weekends_only), d(2025, 6, 11));
  // Wednesday + 3 crosses the weekend too: Thu, Fri, Mon.
  EXPECT_EQ(add_working_days(d(2025, 6, 4), 3, weekends_only), d(2025, 6, 9));
  // A case found on a Saturday: Mon, Tue, Wed.
  EXPECT_EQ(add_working_days(d(2025, 6, 7), 3, weekends_only), d(2025, 6, 11));
  EXPECT_EQ(add_working_days(d(2025, 6, 7), 0, weekends_only), d(2025, 6, 7));
}

TEST(WorkingDays, SkipConfiguredHoliday) {
  // Monday 2025-06-09 declared a holiday: Friday + 3 is now Thursday.
  const WorkCalendar calendar({d(2025, 6, 9)}, {});
  EXPECT_FALSE(calendar.is_working_day(d(2025, 6, 9)));
  EXPECT_EQ(add_working_days(d(2025, 6, 6), 3, calendar), d(2025, 6, 12));
}

TEST(WorkingDays, NationalDayWeekWithMakeUpSaturday) {
  // 2025: 1–8 October off, Saturday 11 October worked instead (调休).
  const std::string_view off[] = {"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07",
                                  "2025-10-08"};
  const std::string_view on[] = {"2025-10-11"};
  const auto calendar = WorkCalendar::from_strings(off, on);
  ASSERT_TRUE(calendar) << calendar.error().message;
  EXPECT_TRUE(calendar->is_working_day(d(2025, 10, 11)));
  // Found Tuesday 30 September: Thu 9, Fri 10, Sat 11.
  EXPECT_EQ(add_working_days(d(2025, 9, 30), 3, *calendar), d(2025, 10, 11));
}

TEST(WorkingDays, HolidayWinsOverExtraWorkingDay) {
  const WorkCalendar calendar({d(2025, 6, 7)}, {d(2025, 6, 7)});
  EXPECT_FALSE(calendar.is_working_day(d(2025, 6, 7)));
}

TEST(WorkingDays, RejectsBadCalendarEntries) {
  const std::string_view off[] = {"2025-10-01", "2025-02-30"};
  const auto calendar = WorkCalendar::from_strings(off);
  ASSERT_FALSE(calendar);
  EXPECT_EQ(calendar.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(calendar.error().message.find("2025-02-30"), std::string::npos) << calendar.error().message;
}

}  // namespace
}  // namespace custos::records
