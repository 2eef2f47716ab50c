// Timestamps: Unix seconds in storage and on the wire internally, RFC 3339
// UTC text ("2026-11-26T23:31:11Z") for people and the JSON API.
//
// Thread-safety: pure functions (the clock is read with std::chrono).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos {

using UnixSeconds = std::int64_t;

UnixSeconds now_seconds();
std::string format_rfc3339(UnixSeconds when);
// Accepts "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM:SSZ" and the same
// with a numeric offset "+08:00".
Result<UnixSeconds> parse_time(std::string_view text);

// A calendar month in UTC: [start, end) are the first second of the month
// and of the next one. Registers and reports are kept per UTC month, so a
// report does not depend on the time zone of whoever asks for it.
struct UtcMonth {
  int year = 1970;
  unsigned month = 1;  // 1..12
  UnixSeconds start = 0;
  UnixSeconds end = 0;
  std::string text() const;  // "2026-11"
};
// Accepts exactly "YYYY-MM" (year 1970..9999, month 01..12); anything else
// fails with invalid_argument.
Result<UtcMonth> parse_month(std::string_view text);
// The UTC month `when` falls in.
UtcMonth month_of(UnixSeconds when);

}  // namespace custos
