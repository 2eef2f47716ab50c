// The workbook reader on workbooks made in memory (libzip) and by the
// project's own XLSX writer (libxlsxwriter): every kind of cell, sheets as
// sections, and one case per refusal, matched on the error code.
#include "xlsx_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "custos/report/xlsx_writer.hpp"
#include "testing/test_workbooks.hpp"

namespace custos::viewer {
namespace {

using testing::make_xlsx;
using testing::make_zip;
using testing::TestSheet;
using testing::xlsx_parts;
using testing::ZipEntry;
using Rows = std::vector<std::vector<std::string>>;

std::string title(const TableText& table, std::size_t section) {
  const auto span = table.sections.at(section).title;
  return std::string(table.text.unsafe_view().substr(span.offset, span.size));
}

Rows rows(const TableText& table, std::size_t section) {
  Rows out;
  for (const auto& row : table.sections.at(section).rows) {
    auto& cells = out.emplace_back();
    for (const auto span : row) cells.emplace_back(table.text.unsafe_view().substr(span.offset, span.size));
  }
  return out;
}

ErrorCode refusal(const std::string& bytes, const XlsxLimits& limits = {}) {
  auto read = read_xlsx(bytes, limits);
  EXPECT_FALSE(read) << "read a workbook that should be refused";
  if (read) return ErrorCode::internal;
  EXPECT_EQ(read.error().message.find('\n'), std::string::npos) << read.error().message;
  return read.error().code;
}

TEST(XlsxReader, ReadsEveryKindOfCell) {
  const std::vector<std::string> shared{
      "<si><t>姓名</t></si>",
      // Rich text: the runs joined; the phonetic guide (ruby) left out.
      "<si><r><rPr><b/></rPr><t xml:space=\"preserve\">张 </t></r><r><t>三</t></r><rPh sb=\"0\" eb=\"1\"><t>ちょう</t></rPh></si>",
      "<si><t>amount &amp; date</t></si>"};
  const std::vector<std::string> formats{"<xf numFmtId=\"0\"/>", "<xf numFmtId=\"14\"/>", "<xf numFmtId=\"164\"/>",
                                         "<xf numFmtId=\"21\"/>", "<xf numFmtId=\"165\"/>"};
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>2</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\"><v>3.1415926535897931</v></c>"
      "<c r=\"C2\" t=\"b\"><v>1</v></c><c r=\"D2\" t=\"e\"><v>#DIV/0!</v></c>"
      "<c r=\"E2\" t=\"str\"><f>A1&amp;\"x\"</f><v>姓名x</v></c><c r=\"F2\"><v>42</v></c></row>"
      "<row r=\"3\" spans=\"1:5\"><c r=\"A3\" s=\"1\"/><c r=\"B3\" s=\"2\"/></row>"  // styled, empty: left out
      "<row r=\"7\"><c r=\"A7\" t=\"inlineStr\"><is><t>inline 李四</t></is></c>"
      "<c r=\"C7\" s=\"1\"><v>46353</v></c><c r=\"D7\" s=\"2\"><v>46353.5</v></c>"
      "<c r=\"E7\" s=\"3\"><v>0.75</v></c><c r=\"F7\" s=\"4\"><v>2.5</v></c>"
      "<c r=\"G7\" t=\"b\"><v>0</v></c><c r=\"H7\"><v>1E-3</v></c></row>"
      // No references: cells follow each other from column A.
      "<row><c t=\"inlineStr\"><is><r><t>run </t></r><r><t>two</t></r></is></c><c><v>-7</v></c></row>";
  auto table = read_xlsx(make_xlsx({{"客户", sheet}}, shared, formats));
  ASSERT_TRUE(table) << table.error().describe();
  ASSERT_EQ(table->sections.size(), 1u);
  EXPECT_EQ(title(*table, 0), "客户");
  const Rows expected{
      {"姓名", "amount & date"},
      {"张 三", "3.14159265358979", "TRUE", "#DIV/0!", "姓名x", "42"},
      {"inline 李四", "", "2026-11-27", "2026-11-27 12:00:00", "18:00:00", "2.5", "FALSE", "0.001"},
      {"run two", "-7"},
  };
  EXPECT_EQ(rows(*table, 0), expected);
}

TEST(XlsxReader, DatesCountFrom1900Or1904) {
  const std::vector<std::string> formats{"<xf numFmtId=\"0\"/>", "<xf numFmtId=\"14\"/>"};
  const std::string cells = "<row><c s=\"1\"><v>1</v></c><c s=\"1\"><v>59</v></c><c s=\"1\"><v>60</v></c>"
                            "<c s=\"1\"><v>61</v></c><c s=\"1\"><v>2958465</v></c><c s=\"1\"><v>-1</v></c></row>";
  auto table = read_xlsx(make_xlsx({{"d", cells}}, {}, formats));
  ASSERT_TRUE(table) << table.error().describe();
  // Excel's own leap day of 1900 is kept; a negative serial stays a number.
  EXPECT_EQ(rows(*table, 0), (Rows{{"1900-01-01", "1900-02-28", "1900-02-29", "1900-03-01", "9999-12-31", "-1"}}));

  auto parts = xlsx_parts({{"d", "<row><c s=\"1\"><v>0</v></c><c s=\"1\"><v>44196</v></c></row>"}}, {}, formats);
  for (auto& part : parts) {
    if (part.name == "xl/workbook.xml") {
      part.content.replace(part.content.find("<workbookPr/>"), 13, "<workbookPr date1904=\"1\"/>");
    }
  }
  auto mac = read_xlsx(make_zip(parts));
  ASSERT_TRUE(mac) << mac.error().describe();
  EXPECT_EQ(rows(*mac, 0), (Rows{{"1904-01-01", "2025-01-01"}}));
}

TEST(XlsxReader, EachWorksheetIsASectionInWorkbookOrder) {
  auto parts = xlsx_parts({{"第一", "<row><c t=\"inlineStr\"><is><t>one</t></is></c></row>"},
                           {"Hidden", "<row><c t=\"inlineStr\"><is><t>two</t></is></c></row>", true},
                           {"Empty", ""}});
  // A chart sheet between them has no cells and is left out.
  for (auto& part : parts) {
    if (part.name == "xl/workbook.xml") {
      part.content.replace(part.content.find("</sheets>"), 9, "<sheet name=\"Chart\" sheetId=\"9\" r:id=\"rIdC\"/></sheets>");
    } else if (part.name == "xl/_rels/workbook.xml.rels") {
      part.content.replace(part.content.find("</Relationships>"), 16,
                           "<Relationship Id=\"rIdC\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                           "relationships/chartsheet\" Target=\"chartsheets/sheet1.xml\"/></Relationships>");
    }
  }
  auto table = read_xlsx(make_zip(parts));
  ASSERT_TRUE(table) << table.error().describe();
  ASSERT_EQ(table->sections.size(), 3u);
  EXPECT_EQ(title(*table, 0), "第一");
  EXPECT_EQ(title(*table, 1), "Hidden (hidden)");
  EXPECT_EQ(title(*table, 2), "Empty");
  EXPECT_EQ(rows(*table, 0), (Rows{{"one"}}));
  EXPECT_EQ(rows(*table, 1), (Rows{{"two"}}));
  EXPECT_TRUE(table->sections[2].rows.empty());
}

TEST(XlsxReader, PrefixedNamespacesAndNoPackageRelationships) {
  // Some writers prefix every element (x:row); some packages lack _rels/.rels.
  std::vector<ZipEntry> parts;
  for (auto& part : xlsx_parts({{"S", ""}})) {
    if (part.name == "_rels/.rels") continue;
    if (part.name == "xl/worksheets/sheet1.xml") {
      part.content = "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
                     "<x:row r=\"2\"><x:c r=\"B2\" t=\"inlineStr\"><x:is><x:t>prefixed</x:t></x:is></x:c></x:row>"
                     "</x:sheetData></x:worksheet>";
    }
    parts.push_back(part);
  }
  auto table = read_xlsx(make_zip(parts));
  ASSERT_TRUE(table) << table.error().describe();
  EXPECT_EQ(rows(*table, 0), (Rows{{"", "prefixed"}}));
}

TEST(XlsxReader, ReadsWhatTheReportWriterWrites) {
  report::Table written;
  written.headings = {"序号", "借阅人", "文件"};
  for (int i = 1; i <= 30; ++i) written.rows.push_back({std::to_string(i), "王五" + std::to_string(i), "合同 <" + std::to_string(i) + "> & 附件"});
  written.number_columns = {0};
  auto pattern = (std::filesystem::temp_directory_path() / "xlsx-reader-test-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path folder(pattern);
  const auto path = folder / "register.xlsx";
  ASSERT_TRUE(report::write_xlsx(written, path, {.sheet_name = "借阅记录"}));
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove_all(folder);

  auto table = read_xlsx(bytes);
  ASSERT_TRUE(table) << table.error().describe();
  ASSERT_EQ(table->sections.size(), 1u);
  EXPECT_EQ(title(*table, 0), "借阅记录");
  Rows expected{written.headings};
  for (const auto& row : written.rows) expected.push_back(row);
  EXPECT_EQ(rows(*table, 0), expected);
}

TEST(XlsxReader, SharedStringsAreNotCopiedPerCell) {
  const std::string text(1000, 'x');
  std::string sheet;
  for (int r = 1; r <= 2000; ++r) sheet += "<row><c t=\"s\"><v>0</v></c></row>";
  auto table = read_xlsx(make_xlsx({{"S", sheet}}, {"<si><t>" + text + "</t></si>"}));
  ASSERT_TRUE(table) << table.error().describe();
  EXPECT_EQ(table->sections[0].rows.size(), 2000u);
  EXPECT_LT(table->text.size(), 2000u);  // one copy, not 2000
}

// One case per refusal.

std::string with_part(std::vector<ZipEntry> parts, const std::string& name, const std::string& content) {
  bool replaced = false;
  for (auto& part : parts) {
    if (part.name == name) {
      part.content = content;
      replaced = true;
    }
  }
  if (!replaced) parts.push_back({name, content});
  return make_zip(parts);
}

std::string sheet_xml(const std::string& rows) {
  return "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" + rows +
         "</sheetData></worksheet>";
}

const std::vector<ZipEntry> kOneSheet = xlsx_parts({{"S", "<row><c><v>1</v></c></row>"}});

TEST(XlsxReader, RefusesWhatIsNotAReadableWorkbook) {
  EXPECT_EQ(refusal(""), ErrorCode::corrupt);
  EXPECT_EQ(refusal("plain text, no archive"), ErrorCode::corrupt);
  const auto good = make_zip(kOneSheet);
  ASSERT_FALSE(good.empty());
  EXPECT_EQ(refusal(good.substr(0, good.size() / 2)), ErrorCode::corrupt);  // truncated: no central directory
  // Damaged compressed bytes: the CRC (or the inflater) catches it.
  auto damaged = good;
  const auto sheet_at = damaged.find("xl/worksheets/sheet1.xml");
  ASSERT_NE(sheet_at, std::string::npos);
  damaged[sheet_at + 30] = static_cast<char>(damaged[sheet_at + 30] ^ 0x55);
  EXPECT_EQ(refusal(damaged), ErrorCode::corrupt);
  // A ZIP that is no workbook (a plain archive; a Word document).
  EXPECT_EQ(refusal(make_zip({{"notes.txt", "hello"}})), ErrorCode::invalid_argument);
  EXPECT_EQ(refusal(make_zip({{"_rels/.rels",
                               "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                               "<Relationship Id=\"r\" Type=\"http://x/officeDocument\" Target=\"word/document.xml\"/>"
                               "</Relationships>"},
                              {"word/document.xml", "<document><body/></document>"}})),
            ErrorCode::invalid_argument);
  // A workbook of chart sheets only has nothing to show.
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/_rels/workbook.xml.rels",
                              "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                              "<Relationship Id=\"rId1\" Type=\"http://x/chartsheet\" Target=\"worksheets/sheet1.xml\"/>"
                              "</Relationships>")),
            ErrorCode::invalid_argument);
}

TEST(XlsxReader, RefusesEncryptedWorkbooks) {
  const auto locked = make_zip(kOneSheet, "secret");
  ASSERT_FALSE(locked.empty());
  EXPECT_EQ(refusal(locked), ErrorCode::invalid_argument);
  // Excel's "Encrypt with password" writes an OLE compound file, not a ZIP.
  EXPECT_EQ(refusal(std::string(kOleMagic) + std::string(504, '\0')), ErrorCode::invalid_argument);
}

TEST(XlsxReader, RefusesMalformedParts) {
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>")),
            ErrorCode::corrupt);
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/workbook.xml", "<workbook><sheets><sheet name=\"S\"/></sheets></workbook>")),
            ErrorCode::corrupt);  // a sheet without its relationship
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/workbook.xml",
                              "<workbook xmlns:r=\"urn:r\"><sheets><sheet name=\"S\" r:id=\"rId9\"/></sheets></workbook>")),
            ErrorCode::corrupt);  // a relationship that is not there
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/worksheets/sheet1.xml", sheet_xml("<row><c r=\"7C\"><v>1</v></c></row>"))),
            ErrorCode::corrupt);
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/worksheets/sheet1.xml", sheet_xml("<row><c r=\"XFE1\"><v>1</v></c></row>"))),
            ErrorCode::corrupt);  // past Excel's last column
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/worksheets/sheet1.xml", sheet_xml("<row><c t=\"s\"><v>5</v></c></row>"))),
            ErrorCode::corrupt);  // no such shared string
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/worksheets/sheet1.xml", sheet_xml("<row><c t=\"s\"><v>x</v></c></row>"))),
            ErrorCode::corrupt);
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/worksheets/sheet1.xml", "<worksheet><q:row/></worksheet>")),
            ErrorCode::corrupt);  // an unbound prefix
  // Entity expansion ("billion laughs") never starts: a DOCTYPE is refused.
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;\">]><sst><si><t>&lol3;</t></si></sst>";
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/sharedStrings.xml", laughs)), ErrorCode::corrupt);
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/sharedStrings.xml",
                              "<!DOCTYPE sst SYSTEM \"file:///etc/passwd\"><sst><si><t>x</t></si></sst>")),
            ErrorCode::corrupt);
}

TEST(XlsxReader, ZipBombsStopAtTheLimits) {
  XlsxLimits small;
  small.max_part_bytes = 1 << 20;
  small.max_total_bytes = 3 << 20;
  // A sheet that unpacks to 4 MiB (of padding XML whitespace): refused by
  // its declared size.
  const std::string padded = sheet_xml("<row><c><v>1</v></c></row>" + std::string(4 << 20, ' '));
  const auto bomb = with_part(kOneSheet, "xl/worksheets/sheet1.xml", padded);
  EXPECT_LT(bomb.size(), 64u << 10);  // a bomb: kilobytes that unpack to megabytes
  EXPECT_EQ(refusal(bomb, small), ErrorCode::too_large);
  // The same archive lying about the sizes (local and central headers say
  // 100 bytes): still refused, by the bytes counted as they unpack.
  auto liar = bomb;
  const auto patch = [&](std::string_view signature, std::size_t offset) {
    for (auto at = liar.find(signature); at != std::string::npos; at = liar.find(signature, at + 1)) {
      const auto name_at = at + (signature[2] == 1 ? 46 : 30);
      if (liar.compare(name_at, 24, "xl/worksheets/sheet1.xml") != 0) continue;
      liar.replace(at + offset, 4, std::string("\x64\0\0\0", 4));
    }
  };
  patch(std::string_view("PK\x03\x04", 4), 22);
  patch(std::string_view("PK\x01\x02", 4), 24);
  ASSERT_NE(liar, bomb);
  EXPECT_EQ(refusal(liar, small), ErrorCode::too_large);
  XlsxLimits roomy;
  roomy.max_part_bytes = 8 << 20;
  // libzip itself does not hold an entry to its declared size: under a
  // larger cap the liar unpacks whole. The count is what stops a bomb.
  EXPECT_TRUE(read_xlsx(liar, roomy));
  // Many parts, each under the part limit, together past the total.
  const std::string two_mib = sheet_xml("<row><c><v>1</v></c></row>" + std::string(900 << 10, ' '));
  auto parts = xlsx_parts({{"a", ""}, {"b", ""}, {"c", ""}, {"d", ""}});
  for (auto& part : parts) {
    if (part.name.starts_with("xl/worksheets/")) part.content = two_mib;
  }
  EXPECT_EQ(refusal(make_zip(parts), small), ErrorCode::too_large);
  EXPECT_TRUE(read_xlsx(make_zip(parts)));  // and fine at the default limits
  // The default limit, for real: 65 MiB in one part.
  const auto big = with_part(kOneSheet, "xl/sharedStrings.xml", "<sst>" + std::string(65 << 20, ' ') + "</sst>");
  EXPECT_EQ(refusal(big), ErrorCode::too_large);
}

TEST(XlsxReader, RefusesPastEachLimit) {
  std::string many_rows;
  for (int r = 1; r <= 20; ++r) many_rows += "<row><c><v>" + std::to_string(r) + "</v></c><c><v>2</v></c></row>";
  const auto workbook = with_part(kOneSheet, "xl/worksheets/sheet1.xml", sheet_xml(many_rows));
  ASSERT_TRUE(read_xlsx(workbook));
  XlsxLimits rows_limit;
  rows_limit.max_rows = 19;
  EXPECT_EQ(refusal(workbook, rows_limit), ErrorCode::too_large);
  XlsxLimits cells_limit;
  cells_limit.max_cells = 39;
  EXPECT_EQ(refusal(workbook, cells_limit), ErrorCode::too_large);
  XlsxLimits text_limit;
  text_limit.max_text_bytes = 20;
  EXPECT_EQ(refusal(workbook, text_limit), ErrorCode::too_large);
  // One cell far to the right: refused by its column, before any memory is spent on the gap.
  EXPECT_EQ(refusal(with_part(kOneSheet, "xl/worksheets/sheet1.xml", sheet_xml("<row><c r=\"XFD1\"><v>1</v></c></row>"))),
            ErrorCode::too_large);
  XlsxLimits strings_limit;
  strings_limit.max_shared_strings = 2;
  EXPECT_EQ(refusal(make_xlsx({{"S", ""}}, {"<si/>", "<si/>", "<si/>"}), strings_limit), ErrorCode::too_large);
  XlsxLimits sheets_limit;
  sheets_limit.max_sheets = 2;
  EXPECT_EQ(refusal(make_xlsx({{"a", ""}, {"b", ""}, {"c", ""}}), sheets_limit), ErrorCode::too_large);
  XlsxLimits entries_limit;
  entries_limit.max_entries = 5;
  EXPECT_EQ(refusal(make_zip(kOneSheet), entries_limit), ErrorCode::too_large);
}

}  // namespace
}  // namespace custos::viewer
