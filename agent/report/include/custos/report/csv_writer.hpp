// A Table as CSV for spreadsheets (docs/file-formats.md, "Registers and
// reports").
//
// The text is RFC 4180: fields separated by commas, records ended by CRLF,
// a field quoted with double quotes when it holds a comma, a quote, CR or
// LF, quotes inside doubled. Two additions for the people who open it:
//  - It starts with the UTF-8 byte order mark (EF BB BF). Excel reads a CSV
//    without one in the machine's ANSI code page (GBK on Chinese Windows)
//    and shows UTF-8 headings as mojibake; with it, Excel, WPS and
//    LibreOffice all read UTF-8.
//  - Formula injection guard: a cell that begins with =, +, -, @, a tab or
//    a CR is written with a leading apostrophe ('), so a spreadsheet shows
//    it as text instead of evaluating it (a user name or reason typed as
//    "=HYPERLINK(…)" must not become a live formula on an auditor's
//    machine). The apostrophe is visible in the cell; it is the accepted
//    price of the guard.
//
// Thread-safety: pure functions; write_csv touches only its own file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "custos/report/table.hpp"

namespace custos::report {

// The UTF-8 byte order mark every CSV of ours starts with.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One cell as a CSV field: guarded, then quoted when it needs to be.
std::string csv_field(std::string_view cell);

// The whole table (BOM, heading record, one record per row, each ended by
// CRLF). Fails with invalid_argument when the table's shape is wrong.
Result<std::string> to_csv(const Table& table);

// Writes to_csv(table) to `path` atomically (a temporary beside it, then a
// rename), mode kReportFileMode.
Result<void> write_csv(const Table& table, const std::filesystem::path& path);

}  // namespace custos::report
