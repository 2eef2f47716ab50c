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

}  // namespace custos
