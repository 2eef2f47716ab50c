// Internal to agent/viewer/: the small value rules of the workbook reader —
// cell references, which number formats are dates, and how a stored number
// is shown. Pure functions, apart so that they are tested case by case.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace custos::viewer {

// "C7" → 3 (column A is 1); nullopt unless it is a reference within
// Excel's sheet (columns A–XFD, rows 1–1,048,576).
std::optional<std::size_t> column_of(std::string_view reference);

// Excel's built-in date and time formats by id (14–22, 27–36, 45, 47,
// 50–58); 46, [h]:mm:ss, is a duration and not among them.
bool builtin_date_format(long id);

// A custom format code is a date or time when its first section has one of
// y m d h s outside quoted text, escapes and [brackets]; elapsed-time
// formats ([h], [mm], [ss]) are durations, not dates.
bool custom_date_format(std::string_view code);

// A number as shown, on the stack (cell values stay out of the heap).
struct NumberText {
  char bytes[64] = {};
  int size = 0;
  std::string_view view() const { return {bytes, static_cast<std::size_t>(size)}; }
};

// The stored number as Excel's General format shows it (15 significant
// digits), or for a date-formatted cell as "2026-11-27",
// "2026-11-27 08:30:00" or (day 0 of the 1900 system) "08:30:00", counting
// from 1900 or (`date1904`) 1904. Empty when `stored` is not a plain finite
// number — the caller then shows it as stored — and for a date out of
// Excel's range (negative, past 9999-12-31), which stays a number.
NumberText number_text(std::string_view stored, bool date, bool date1904);

}  // namespace custos::viewer
