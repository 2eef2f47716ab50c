// The workbook reader's value rules, case by case: cell references, which
// number formats are dates, and how stored numbers and dates are shown.
#include "xlsx_values.hpp"

#include <gtest/gtest.h>

#include <string>

namespace custos::viewer {
namespace {

TEST(XlsxValues, CellReferences) {
  const struct {
    const char* reference;
    std::optional<std::size_t> column;
  } cases[] = {
      {"A1", 1},         {"C7", 3},        {"Z9", 26},      {"AA1", 27},      {"XFD1048576", 16'384},
      {"XFE1", {}},      {"A1048577", {}}, {"A0", {}},      {"7C", {}},       {"c7", {}},
      {"A", {}},         {"1", {}},        {"", {}},        {"AAAA1", {}},    {"A1B", {}},
      {"A12345678", {}}, {"A-1", {}},
  };
  for (const auto& c : cases) EXPECT_EQ(column_of(c.reference), c.column) << c.reference;
}

TEST(XlsxValues, DateFormats) {
  for (long id : {14L, 15L, 17L, 18L, 21L, 22L, 27L, 36L, 45L, 47L, 50L, 58L}) EXPECT_TRUE(builtin_date_format(id)) << id;
  for (long id : {0L, 1L, 2L, 9L, 10L, 11L, 12L, 13L, 23L, 37L, 46L, 49L, 59L, 164L}) {
    EXPECT_FALSE(builtin_date_format(id)) << id;
  }
  const struct {
    const char* code;
    bool date;
  } cases[] = {
      {"yyyy/m/d", true},          {"yyyy-mm-dd hh:mm:ss", true}, {"h:mm AM/PM", true},      {"[$-804]yyyy\"年\"m\"月\"d\"日\"", true},
      {"mm:ss", true},             {"DD.MM.YYYY", true},         {"0.00", false},           {"#,##0", false},
      {"\"days\" 0", false},       {"0 \"d\"", false},           {"\\d 0", false},          {"[Red]0.00", false},
      {"[h]:mm:ss", false},        {"[mm]:ss", false},           {"General", false},        {"0.00E+00", false},
      {"0;\"day\" 0", false},      {"0.00;[Red]-0.00", false},   {"_(* #,##0_)", false},     {"@", false},
      {"\"unclosed", false},       {"[unclosed", false},
  };
  for (const auto& c : cases) EXPECT_EQ(custom_date_format(c.code), c.date) << c.code;
}

TEST(XlsxValues, NumbersAndDates) {
  const struct {
    const char* stored;
    bool date, date1904;
    const char* shown;  // "" when shown as stored
  } cases[] = {
      {"42", false, false, "42"},
      {"3.1415926535897931", false, false, "3.14159265358979"},
      {"0.30000000000000004", false, false, "0.3"},
      {"1E-3", false, false, "0.001"},
      {"-7", false, false, "-7"},
      {"1.5E+20", false, false, "1.5e+20"},
      {"", false, false, ""},
      {"abc", false, false, ""},
      {"inf", false, false, ""},
      {"1e999", false, false, ""},   // not finite
      {"0x10", false, false, ""},
      {"1 2", false, false, ""},
      {"46353", true, false, "2026-11-27"},
      {"46353.5", true, false, "2026-11-27 12:00:00"},
      {"46353.99999999", true, false, "2026-11-28"},  // rounds to the next midnight
      {"0.75", true, false, "18:00:00"},
      {"1", true, false, "1900-01-01"},
      {"59", true, false, "1900-02-28"},
      {"60", true, false, "1900-02-29"},
      {"61", true, false, "1900-03-01"},
      {"2958465", true, false, "9999-12-31"},
      {"2958466", true, false, "2958466"},  // past Excel's last day: a number
      {"-1", true, false, "-1"},
      {"0", true, true, "1904-01-01"},
      {"44196", true, true, "2025-01-01"},
  };
  for (const auto& c : cases) EXPECT_EQ(number_text(c.stored, c.date, c.date1904).view(), c.shown) << c.stored;
  EXPECT_TRUE(number_text(std::string(65, '1'), false, false).view().empty());  // too long to be a stored number
}

}  // namespace
}  // namespace custos::viewer
