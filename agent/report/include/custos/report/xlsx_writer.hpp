// A Table as an Excel workbook (.xlsx, Office Open XML), through
// libxlsxwriter (docs/file-formats.md, "Registers and reports").
//
// One worksheet: the headings in bold in row 1, frozen so they stay in view
// while scrolling, with an autofilter; each column as wide as its longest
// cell (CJK characters counted twice, capped at kMaxColumnWidth). Cells are
// written as text (shared strings), so a cell beginning with "=" is shown,
// never evaluated: no formula guard is needed or applied, unlike CSV. Cells
// of the table's number columns that are whole numbers are written as
// numbers.
//
// The file is written atomically: libxlsxwriter writes into a private (0700)
// folder made beside `path`, and the finished file is given mode
// kReportFileMode, flushed and renamed over `path`. A failure leaves `path`
// as it was and no temporary behind.
//
// Thread-safety: write_xlsx may run on several threads for different paths.
#pragma once

#include <filesystem>
#include <string>

#include "custos/report/table.hpp"

namespace custos::report {

inline constexpr double kMaxColumnWidth = 60;

struct XlsxOptions {
  // The worksheet's name, e.g. "借阅记录 2026-11": 1 to 31 characters, none of
  // [ ] : * ? / \, not beginning or ending with an apostrophe (Excel's rules).
  std::string sheet_name = "Sheet1";
};

// Fails with invalid_argument for a badly shaped table or sheet name or a
// cell longer than Excel's 32,767 characters, with io when the folder cannot
// be written, and with internal when libxlsxwriter refuses what we checked it
// would accept; with too_large past a worksheet's 1,048,575 rows or 16,384
// columns.
Result<void> write_xlsx(const Table& table, const std::filesystem::path& path, const XlsxOptions& options = {});

// The sheet name check of write_xlsx, on its own (for callers that build a
// name from input and want to refuse it before doing any work).
Result<void> check_sheet_name(std::string_view name);

}  // namespace custos::report
