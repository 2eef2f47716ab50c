#include "custos/records/date.hpp"

#include <cstdio>
#include <ctime>

namespace custos::records {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days: branch-light integer
// arithmetic with no table and no time-zone dependence, exact for every
// year we accept.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr bool two_digits(std::string_view s, std::size_t at, int& out) noexcept {
  const char a = s[at], b = s[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return false;
  out = (a - '0') * 10 + (b - '0');
  return true;
}

}  // namespace

Date Date::from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  return Date(static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
}

std::int64_t Date::days() const noexcept {
  return days_from_civil(year_, month_, day_);
}

Weekday Date::weekday() const noexcept {
  // 1970-01-01 was a Thursday (ISO weekday 4).
  const std::int64_t d = days();
  const std::int64_t iso = ((d % 7) + 7 + 3) % 7 + 1;
  return static_cast<Weekday>(iso);
}

int Date::years_until(Date on) const noexcept {
  int years = on.year() - year();
  if (on.month() < month() || (on.month() == month() && on.day() < day())) --years;
  return years;
}

std::string Date::to_string() const {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year(), month(), day());
  return text;
}

std::optional<Date> try_parse_date(std::string_view text) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int c = 0, y = 0, m = 0, d = 0;
  if (!two_digits(text, 0, c) || !two_digits(text, 2, y) || !two_digits(text, 5, m) ||
      !two_digits(text, 8, d)) {
    return std::nullopt;
  }
  return Date::from_ymd(c * 100 + y, m, d);
}

Result<Date> parse_date(std::string_view text) {
  if (auto date = try_parse_date(text)) return *date;
  return fail(ErrorCode::invalid_argument,
              "'" + std::string(text.substr(0, 32)) + "' is not a real date written YYYY-MM-DD");
}

Date today_local() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  localtime_r(&now, &parts);
  // localtime_r always yields a real date; the fallback only satisfies the type.
  return Date::from_ymd(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday).value_or(Date{});
}

}  // namespace custos::records
