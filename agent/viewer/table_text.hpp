// Internal to agent/viewer/: the cells of a table to draw (a CSV file, the
// sheets of a workbook), kept as spans into one locked text buffer so that
// no cell's text sits in ordinary memory.
#pragma once

#include <cstddef>
#include <vector>

#include "custos/viewer/locked_buffer.hpp"

namespace custos::viewer {

// Bytes [offset, offset + size) of TableText::text; an empty span is an
// empty cell.
struct CellSpan {
  std::size_t offset = 0;
  std::size_t size = 0;
};

// One table, starting on a page of its own. The first row is the header,
// drawn again at the top of each of the section's pages.
struct TableSection {
  CellSpan title{};                          // empty: no heading (a CSV file has none)
  std::vector<std::vector<CellSpan>> rows{};  // a row may be shorter than the widest
};

struct TableText {
  LockedBuffer text{};
  std::vector<TableSection> sections{};
};

}  // namespace custos::viewer
