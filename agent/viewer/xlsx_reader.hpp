// Internal to agent/viewer/: an Excel workbook (.xlsx, Office Open XML) read
// from memory into tables, one section per worksheet, for the viewer's
// table pages.
//
// The ZIP archive is opened in place from the caller's bytes (libzip over a
// buffer source, read only) and each XML part is decompressed in small
// pieces straight into expat: nothing is written to disk and no part is
// held whole. Cell text and sheet names go into the returned TableText's
// locked buffer.
//
// What is read: the workbook's sheet list (xl/workbook.xml, found through
// _rels/.rels) and its relationships, the shared strings (rich-text runs
// joined, phonetic runs left out), the styles (only to tell dates from other
// numbers) and each worksheet in workbook order. Cells: shared strings,
// inline strings, numbers (at most 15 significant digits, as Excel shows
// them), dates and times (numbers with a date format: "2026-11-27",
// "2026-11-27 08:30:00", "08:30:00"), booleans (TRUE / FALSE), error values
// (#DIV/0!) and the cached results of formulas; formulas themselves are not
// evaluated. Cells are placed by their reference (C7 is the third column),
// so sparse rows keep their columns; rows with no text are left out. Chart
// sheets are skipped; hidden sheets are shown, their heading says so.
//
// Refusals, each one line:
//   invalid_argument  an encrypted workbook (ZIP encryption, or the OLE
//                     container of a password-protected or legacy .xls
//                     file), a ZIP that is not a workbook (a .docx), no
//                     worksheet at all;
//   too_large         past one of XlsxLimits (zip bombs included: the
//                     decompressed bytes are counted as they come, whatever
//                     the archive declares);
//   corrupt           not a readable ZIP, a damaged entry (CRC), XML that
//                     does not parse (a DOCTYPE included: XLSX parts have
//                     none, and refusing it rules out entity expansion), a
//                     bad cell reference or shared-string index.
//
// Thread-safety: read_xlsx is reentrant.
#pragma once

#include <cstddef>
#include <string_view>

#include "custos/platform/error.hpp"
#include "table_text.hpp"

namespace custos::viewer {

struct XlsxLimits {
  std::size_t max_entries = 10'000;              // files in the archive
  std::size_t max_part_bytes = 64u << 20;        // one XML part, decompressed
  std::size_t max_total_bytes = 256u << 20;      // every part read, decompressed
  std::size_t max_sheets = 256;                  // worksheets shown
  std::size_t max_rows = 200'000;                // rows with text, whole workbook
  std::size_t max_columns = 1'024;               // the rightmost column with text (A = 1)
  std::size_t max_cells = 4'000'000;             // cell slots kept, empty ones left of a cell included
  std::size_t max_shared_strings = 1'000'000;    // entries of xl/sharedStrings.xml
  std::size_t max_text_bytes = 64u << 20;        // cell text and sheet names kept
};

Result<TableText> read_xlsx(std::string_view bytes, const XlsxLimits& limits = {});

// The first bytes of an OLE compound file: a password-protected Office file
// or a legacy .xls / .doc.
inline constexpr std::string_view kOleMagic{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8};

}  // namespace custos::viewer
