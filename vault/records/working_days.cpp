#include "custos/records/working_days.hpp"

#include <algorithm>
#include <string>

namespace custos::records {
namespace {

std::vector<Date> sorted_unique(std::vector<Date> dates) {
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  return dates;
}

Result<std::vector<Date>> parse_all(std::span<const std::string_view> texts, const char* what) {
  std::vector<Date> dates;
  dates.reserve(texts.size());
  for (const auto text : texts) {
    auto date = parse_date(text);
    if (!date) return fail(ErrorCode::invalid_argument, std::string(what) + ": " + date.error().message);
    dates.push_back(*date);
  }
  return dates;
}

}  // namespace

WorkCalendar::WorkCalendar(std::vector<Date> holidays, std::vector<Date> extra_working_days)
    : holidays_(sorted_unique(std::move(holidays))),
      extra_working_(sorted_unique(std::move(extra_working_days))) {}

Result<WorkCalendar> WorkCalendar::from_strings(std::span<const std::string_view> holidays,
                                                std::span<const std::string_view> extra_working_days) {
  auto off = parse_all(holidays, "holiday");
  if (!off) return fail(std::move(off).error());
  auto on = parse_all(extra_working_days, "extra working day");
  if (!on) return fail(std::move(on).error());
  return WorkCalendar(std::move(*off), std::move(*on));
}

bool WorkCalendar::is_working_day(Date day) const noexcept {
  // A holiday wins over an extra working day: listing a date as both is a
  // configuration slip, and giving people the day off is the safer reading
  // for a due date (it only moves the deadline later by a day).
  if (std::binary_search(holidays_.begin(), holidays_.end(), day)) return false;
  if (std::binary_search(extra_working_.begin(), extra_working_.end(), day)) return true;
  const Weekday w = day.weekday();
  return w != Weekday::saturday && w != Weekday::sunday;
}

Date add_working_days(Date start, std::uint32_t n, const WorkCalendar& calendar) noexcept {
  // Day by day: holidays are finite, so every step of n terminates, and N is
  // small (3 for the suspicious list); clarity beats a weekly jump here.
  Date day = start;
  for (std::uint32_t counted = 0; counted < n;) {
    day = day.plus_days(1);
    if (calendar.is_working_day(day)) ++counted;
  }
  return day;
}

}  // namespace custos::records
