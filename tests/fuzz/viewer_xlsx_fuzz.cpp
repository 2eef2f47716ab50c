// Fuzzes the viewer's workbook reader (agent/viewer/xlsx_reader.cpp). Every
// byte sequence must yield tables within the limits or a one-line refusal
// with one of the reader's codes — never a crash, a hang, unbounded memory
// or a span outside the text.
//
// First byte: knobs. Bit 0 clear: the rest is the file itself (a ZIP, as
// uploaded). Bit 0 set: the rest is the XML of a workbook's parts separated
// by NUL bytes (workbook, its relationships, shared strings, styles, then
// sheets), zipped here, so that mutations reach the XML parsing instead of
// dying in the inflater. Bit 1: tiny limits, to reach every refusal.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/json_text.hpp"
#include "testing/test_workbooks.hpp"
#include "xlsx_reader.hpp"

namespace {

using custos::ErrorCode;
using namespace custos::viewer;

std::string zip_parts(std::string_view rest) {
  static const char* const kNames[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
                                       "xl/styles.xml"};
  std::vector<testing::ZipEntry> parts{
      {"_rels/.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
       "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
       "Target=\"xl/workbook.xml\"/></Relationships>"}};
  for (std::size_t i = 0; !rest.empty() && i < 12; ++i) {
    const auto end = rest.find('\0');
    const auto name = i < 4 ? std::string(kNames[i]) : "xl/worksheets/sheet" + std::to_string(i - 3) + ".xml";
    parts.push_back({name, std::string(rest.substr(0, end))});
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return testing::make_zip(parts, {}, /*stored=*/true);  // inflating is the raw mode's job
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t knobs = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string file = (knobs & 1) != 0 ? zip_parts(rest) : std::string(rest);

  XlsxLimits limits;
  limits.max_part_bytes = 4u << 20;
  limits.max_total_bytes = 16u << 20;
  limits.max_text_bytes = 4u << 20;
  limits.max_rows = 20'000;
  limits.max_cells = 200'000;
  limits.max_shared_strings = 20'000;
  if ((knobs & 2) != 0) {
    limits.max_part_bytes = 4096;
    limits.max_total_bytes = 8192;
    limits.max_text_bytes = 256;
    limits.max_rows = 4;
    limits.max_columns = 6;
    limits.max_cells = 12;
    limits.max_shared_strings = 4;
    limits.max_sheets = 2;
    limits.max_entries = 8;
  }

  auto table = read_xlsx(file, limits);
  if (!table) {
    const auto& e = table.error();
    if (e.code != ErrorCode::invalid_argument && e.code != ErrorCode::corrupt && e.code != ErrorCode::too_large) {
      std::abort();
    }
    if (e.message.empty() || e.message.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  const auto text = table->text.unsafe_view();
  if (text.size() > limits.max_text_bytes || table->sections.empty() || table->sections.size() > limits.max_sheets) {
    std::abort();
  }
  std::size_t rows = 0, cells = 0;
  const auto check = [&](CellSpan span) {
    if (span.offset > text.size() || span.size > text.size() - span.offset) std::abort();
    if (!custos::is_valid_utf8(text.substr(span.offset, span.size))) std::abort();
  };
  for (const auto& section : table->sections) {
    check(section.title);
    rows += section.rows.size();
    for (const auto& row : section.rows) {
      if (row.empty() || row.size() > limits.max_columns || row.back().size == 0) std::abort();
      cells += row.size();
      for (const auto span : row) check(span);
    }
  }
  if (rows > limits.max_rows || cells > limits.max_cells) std::abort();
  return 0;
}
