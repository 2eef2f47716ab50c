// Working-day arithmetic for due dates: a suspicious case found on day D is
// due `add_working_days(D, 3, calendar)`.
//
// A day is a working day when it is Monday–Friday and not a configured
// holiday, or when it is a configured extra working day (the weekend days
// that China's State Council calendar swaps in around public holidays,
// 调休). "Add N working days" counts N working days *after* the start day;
// the start day itself never counts, whatever it is. N = 0 gives the start.
//
// Thread-safety: a WorkCalendar is immutable after construction; share it
// freely between threads.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"
#include "custos/records/date.hpp"

namespace custos::records {

class WorkCalendar {
 public:
  // Weekends only: no holidays, no extra working days.
  WorkCalendar() = default;
  // Duplicates are harmless. A date listed in both sets is a holiday.
  WorkCalendar(std::vector<Date> holidays, std::vector<Date> extra_working_days);

  // Reads dates written "YYYY-MM-DD" (as in the TOML configuration's
  // holiday list). Fails with invalid_argument naming the first bad entry.
  static Result<WorkCalendar> from_strings(std::span<const std::string_view> holidays,
                                           std::span<const std::string_view> extra_working_days = {});

  bool is_working_day(Date day) const noexcept;

 private:
  std::vector<Date> holidays_;       // sorted, unique
  std::vector<Date> extra_working_;  // sorted, unique
};

// The date `n` working days after `start` (see the rule above).
Date add_working_days(Date start, std::uint32_t n, const WorkCalendar& calendar) noexcept;

}  // namespace custos::records
