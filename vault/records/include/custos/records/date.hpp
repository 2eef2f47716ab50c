// Civil (calendar) dates of the proleptic Gregorian calendar, without time
// or zone: birth dates, delivery dates, due dates of suspicious cases.
//
// A `Date` built by `from_ymd`, `parse_date` or `from_days` is a real date
// (no 30 February); the default-constructed one is 1970-01-01.
//
// Thread-safety: plain values and pure functions, except `today_local`,
// which reads the clock and the process's time zone.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos::records {

enum class Weekday : std::uint8_t { monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday };

class Date {
 public:
  constexpr Date() = default;

  // A real date or nothing: month 1–12, day within that month (leap years
  // per Gregorian rules), year 1–9999.
  static constexpr std::optional<Date> from_ymd(int year, int month, int day) noexcept {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return std::nullopt;
    if (day > days_in_month(year, month)) return std::nullopt;
    return Date(year, month, day);
  }
  // Days since 1970-01-01 (negative before), and back.
  static Date from_days(std::int64_t days) noexcept;
  std::int64_t days() const noexcept;

  int year() const noexcept { return year_; }
  int month() const noexcept { return month_; }
  int day() const noexcept { return day_; }
  Weekday weekday() const noexcept;
  Date plus_days(std::int64_t n) const noexcept { return from_days(days() + n); }

  // Whole years from this date (a birth date) to `on`; negative if `on` is earlier.
  int years_until(Date on) const noexcept;

  // "YYYY-MM-DD"
  std::string to_string() const;

  static constexpr bool is_leap(int year) noexcept {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }
  static constexpr int days_in_month(int year, int month) noexcept {
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
  }

  friend constexpr auto operator<=>(const Date&, const Date&) = default;

 private:
  constexpr Date(int year, int month, int day) noexcept
      : year_(static_cast<std::int16_t>(year)),
        month_(static_cast<std::uint8_t>(month)),
        day_(static_cast<std::uint8_t>(day)) {}

  // Member order makes the defaulted comparison chronological.
  std::int16_t year_ = 1970;
  std::uint8_t month_ = 1;
  std::uint8_t day_ = 1;
};

// Exactly "YYYY-MM-DD" with a real date; no allocation. For hot paths.
std::optional<Date> try_parse_date(std::string_view text) noexcept;

// The same, with a message naming the problem (for configuration input).
Result<Date> parse_date(std::string_view text);

// The date now in the process's local time zone (Asia/Shanghai on a
// deployment in China; the TZ environment variable if set).
Date today_local();

}  // namespace custos::records
