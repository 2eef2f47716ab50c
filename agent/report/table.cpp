#include "custos/report/table.hpp"

namespace custos::report {

Result<void> check_shape(const Table& table) {
  const auto columns = table.headings.size();
  if (columns == 0) return fail(ErrorCode::invalid_argument, "a table needs at least one heading");
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    if (table.rows[i].size() != columns) {
      return fail(ErrorCode::invalid_argument, "row " + std::to_string(i + 1) + " has " +
                                                   std::to_string(table.rows[i].size()) + " cells for " +
                                                   std::to_string(columns) + " headings");
    }
  }
  for (const auto column : table.number_columns) {
    if (column >= columns) {
      return fail(ErrorCode::invalid_argument, "number column " + std::to_string(column) + " is not in the table");
    }
  }
  return ok();
}

std::size_t display_width(std::string_view text) {
  // UTF-8 lead bytes 0xE3..0xED start the 3-byte sequences of U+3000..U+DFFF
  // (CJK punctuation, kana, unified ideographs, Hangul); 0xEF leads the
  // full-width forms. Continuation bytes (10xxxxxx) add nothing.
  std::size_t width = 0;
  for (const unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;
    width += (c >= 0xE3 && c <= 0xED) || c == 0xEF ? 2 : 1;
  }
  return width;
}

}  // namespace custos::report
