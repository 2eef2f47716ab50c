#include "custos/platform/timestamp.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace custos {
namespace {

Result<int> number(std::string_view text, std::size_t pos, std::size_t len, int low, int high) {
  if (pos + len > text.size()) return fail(ErrorCode::invalid_argument, "time is too short");
  int value = 0;
  const auto* begin = text.data() + pos;
  const auto [end, ec] = std::from_chars(begin, begin + len, value);
  if (ec != std::errc() || end != begin + len || value < low || value > high) {
    return fail(ErrorCode::invalid_argument, "time has an invalid field");
  }
  return value;
}

}  // namespace

UnixSeconds now_seconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_rfc3339(UnixSeconds when) {
  using namespace std::chrono;
  const sys_seconds tp{seconds{when}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  return buffer;
}

Result<UnixSeconds> parse_time(std::string_view text) {
  using namespace std::chrono;
  const char* hint = "write times as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ";
  if (text.size() != 10 && text.size() != 20 && text.size() != 25) {
    return fail(ErrorCode::invalid_argument, std::string("unreadable time '") + std::string(text) + "': " + hint);
  }
  auto y = number(text, 0, 4, 1970, 9999);
  auto m = number(text, 5, 2, 1, 12);
  auto d = number(text, 8, 2, 1, 31);
  if (!y || !m || !d || text[4] != '-' || text[7] != '-') {
    return fail(ErrorCode::invalid_argument, std::string("unreadable date '") + std::string(text) + "': " + hint);
  }
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return fail(ErrorCode::invalid_argument, "no such calendar date: " + std::string(text));
  UnixSeconds result = sys_days{ymd}.time_since_epoch().count() * 86400LL;
  if (text.size() == 10) return result;
  auto hh = number(text, 11, 2, 0, 23);
  auto mm = number(text, 14, 2, 0, 59);
  auto ss = number(text, 17, 2, 0, 60);
  if (!hh || !mm || !ss || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return fail(ErrorCode::invalid_argument, std::string("unreadable time '") + std::string(text) + "': " + hint);
  }
  result += *hh * 3600LL + *mm * 60LL + *ss;
  if (text.size() == 20) {
    if (text[19] != 'Z') return fail(ErrorCode::invalid_argument, std::string("unreadable time zone: ") + hint);
    return result;
  }
  auto oh = number(text, 20, 2, 0, 23);
  auto om = number(text, 23, 2, 0, 59);
  if (!oh || !om || (text[19] != '+' && text[19] != '-') || text[22] != ':') {
    return fail(ErrorCode::invalid_argument, std::string("unreadable time zone: ") + hint);
  }
  const UnixSeconds offset = *oh * 3600LL + *om * 60LL;
  return text[19] == '+' ? result - offset : result + offset;
}

namespace {

UtcMonth make_month(int y, unsigned m) {
  using namespace std::chrono;
  const year_month first{year{y}, month{m}};
  const auto next = first + months{1};
  auto seconds_of = [](year_month ym) {
    return sys_days{ym / day{1}}.time_since_epoch().count() * 86400LL;
  };
  return UtcMonth{y, m, seconds_of(first), seconds_of(next)};
}

}  // namespace

std::string UtcMonth::text() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u", year, month);
  return buffer;
}

Result<UtcMonth> parse_month(std::string_view text) {
  auto y = number(text, 0, 4, 1970, 9999);
  auto m = number(text, 5, 2, 1, 12);
  if (text.size() != 7 || text[4] != '-' || !y || !m) {
    return fail(ErrorCode::invalid_argument, "unreadable month '" + std::string(text) + "': write it as YYYY-MM");
  }
  return make_month(*y, static_cast<unsigned>(*m));
}

UtcMonth month_of(UnixSeconds when) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_seconds{seconds{when}})};
  return make_month(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
}

}  // namespace custos
