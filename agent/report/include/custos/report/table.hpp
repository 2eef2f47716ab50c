// A table of text for people: headings and rows of cells, nothing about what
// the rows mean. The writers (csv_writer.hpp, xlsx_writer.hpp) turn one into
// a file; every register or report of the `custos` command builds a Table
// and hands it to them.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::report {

// Files the writers create get this mode: registers name staff and say who
// saw which document, so they are for the person who made them until that
// person decides otherwise (chmod, or copying them where they belong).
inline constexpr mode_t kReportFileMode = 0600;

struct Table {
  // One heading per column, in UTF-8. At least one.
  std::vector<std::string> headings;
  // Every row has exactly one cell (UTF-8 text, may be empty) per heading.
  std::vector<std::vector<std::string>> rows;
  // Indexes of columns that hold whole numbers (counts, sequence numbers).
  // XLSX writes their cells as numbers, so a spreadsheet can sum them; a
  // cell that is not a whole number stays text. CSV is not affected.
  std::vector<std::size_t> number_columns;
};

// Fails with invalid_argument unless the table has a heading, every row has
// as many cells as there are headings, and every number column exists.
Result<void> check_shape(const Table& table);

// How many columns `text` takes on a terminal or in a spreadsheet cell: one
// per code point, two for the CJK and full-width ranges (what Chinese names
// and headings use). Not a full East Asian Width table: enough to line up
// columns, not to typeset.
std::size_t display_width(std::string_view text);

}  // namespace custos::report
