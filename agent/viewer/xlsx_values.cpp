// Cell values as the viewer shows them. The date rules follow ECMA-376
// (18.8.30 for the built-in formats, 18.17.4 for the serial dates) and what
// Excel does where they differ: day 60 of the 1900 system is Lotus 1-2-3's
// 1900-02-29, kept for compatibility.
#include "xlsx_values.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace custos::viewer {
namespace {

constexpr std::size_t kMaxExcelColumn = 16'384;  // XFD
constexpr std::size_t kMaxExcelRow = 1'048'576;

// Days since 1970-01-01 → year, month, day (H. Hinnant's civil_from_days).
void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<long long>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

}  // namespace

bool builtin_date_format(long id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || id == 45 || id == 47 || (id >= 50 && id <= 58);
}

bool custom_date_format(std::string_view code) {
  bool date = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      i = code.find('"', i + 1);
      if (i == std::string_view::npos) break;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      const auto close = code.find(']', i);
      const auto inside = code.substr(i + 1, close == std::string_view::npos ? 0 : close - i - 1);
      if (inside == "h" || inside == "hh" || inside == "m" || inside == "mm" || inside == "s" || inside == "ss") return false;
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == ';') {
      break;  // the first section decides
    } else {
      const char lower = static_cast<char>(c | 0x20);
      if (lower == 'y' || lower == 'm' || lower == 'd' || lower == 'h' || lower == 's') date = true;
    }
  }
  return date;
}

std::optional<std::size_t> column_of(std::string_view reference) {
  std::size_t column = 0, i = 0;
  while (i < reference.size() && i < 3 && reference[i] >= 'A' && reference[i] <= 'Z') {
    column = column * 26 + static_cast<std::size_t>(reference[i] - 'A' + 1);
    ++i;
  }
  if (i == 0 || i == reference.size() || column > kMaxExcelColumn) return std::nullopt;
  std::size_t row = 0;
  for (std::size_t j = i; j < reference.size(); ++j) {
    if (reference[j] < '0' || reference[j] > '9' || j - i >= 7) return std::nullopt;
    row = row * 10 + static_cast<std::size_t>(reference[j] - '0');
  }
  if (row == 0 || row > kMaxExcelRow) return std::nullopt;
  return column;
}


NumberText number_text(std::string_view stored, bool date, bool date1904) {
  if (stored.empty() || stored.size() > 64 ||
      stored.find_first_not_of("0123456789+-.eE") != std::string_view::npos) {
    return {};
  }
  char digits[72];
  std::memcpy(digits, stored.data(), stored.size());
  digits[stored.size()] = '\0';
  char* stop = nullptr;
  const double value = std::strtod(digits, &stop);
  if (stop != digits + stored.size() || !std::isfinite(value)) return {};
  NumberText out;
  auto* text = out.bytes;
  constexpr auto room = sizeof out.bytes;
  if (date && value >= 0 && value < 2958466) {  // up to 9999-12-31
    auto days = static_cast<long long>(std::floor(value));
    auto seconds = static_cast<long long>(std::llround((value - static_cast<double>(days)) * 86400));
    if (seconds == 86400) {
      ++days;
      seconds = 0;
    }
    const bool has_time = seconds != 0;
    long long y = 0;
    unsigned m = 0, d = 0;
    if (date1904) {
      civil_from_days(days - 24107, y, m, d);  // 1904-01-01 is day 0
    } else if (days == 60) {
      y = 1900, m = 2, d = 29;  // Lotus 1-2-3's leap day, kept by Excel
    } else {
      civil_from_days(days - (days < 60 ? 25568 : 25569), y, m, d);  // 1900-01-01 is day 1
    }
    const int h = static_cast<int>(seconds / 3600), mi = static_cast<int>(seconds / 60 % 60), s = static_cast<int>(seconds % 60);
    if (days == 0 && !date1904) {
      out.size = std::snprintf(text, room, "%02d:%02d:%02d", h, mi, s);
    } else if (has_time) {
      out.size = std::snprintf(text, room, "%04lld-%02u-%02u %02d:%02d:%02d", y, m, d, h, mi, s);
    } else {
      out.size = std::snprintf(text, room, "%04lld-%02u-%02u", y, m, d);
    }
    return out;
  }
  out.size = std::snprintf(text, room, "%.15g", value);
  return out;
}

}  // namespace custos::viewer
