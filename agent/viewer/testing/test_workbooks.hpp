// Test workbooks made in memory: ZIP archives built with libzip (optionally
// encrypted), and XLSX packages from a few sheets' XML, for the workbook
// reader's tests, its fuzz corpus and the end-to-end viewer test. Nothing
// here touches the disk.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace custos::viewer::testing {

struct ZipEntry {
  std::string name;
  std::string content;
};

// The entries deflated (or, `stored`, just stored) into one archive, in
// order. A non-empty `password` encrypts every entry (traditional PKWARE
// encryption). Empty when libzip fails (the test then fails on it).
std::string make_zip(const std::vector<ZipEntry>& entries, std::string_view password = {}, bool stored = false);

struct TestSheet {
  std::string name;
  std::string rows;  // the XML inside <sheetData>
  bool hidden = false;
};

// The parts of a workbook as Excel lays them out: [Content_Types].xml,
// _rels/.rels, xl/workbook.xml and its relationships, one part per sheet
// (xl/worksheets/sheetN.xml), xl/sharedStrings.xml holding the given <si>
// items (XML, e.g. "<si><t>name</t></si>") and xl/styles.xml with the given
// cellXfs <xf> items (the first is used by cells without a style).
std::vector<ZipEntry> xlsx_parts(const std::vector<TestSheet>& sheets, const std::vector<std::string>& shared = {},
                                 const std::vector<std::string>& cell_formats = {});

inline std::string make_xlsx(const std::vector<TestSheet>& sheets, const std::vector<std::string>& shared = {},
                             const std::vector<std::string>& cell_formats = {}) {
  return make_zip(xlsx_parts(sheets, shared, cell_formats));
}

// A workbook of one sheet: the header row and `rows` rows of inline-string
// and number cells, the same marker text in every row's last cell.
std::string make_table_xlsx(std::string_view sheet, const std::vector<std::string>& header, int rows,
                            std::string_view marker);

// XML-escapes text for a cell.
std::string xml_escape(std::string_view text);

}  // namespace custos::viewer::testing
