// Writes the seed corpus of the viewer_xlsx fuzz target (tests/fuzz/
// corpus/viewer_xlsx/): workbooks made in memory by test_workbooks.hpp and
// one by the project's own XLSX writer, each behind the target's knob byte.
//   viewer_xlsx_corpus tests/fuzz/corpus/viewer_xlsx
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "custos/report/xlsx_writer.hpp"
#include "testing/test_workbooks.hpp"

namespace {

using namespace custos::viewer::testing;

constexpr char kRawFile = 0, kParts = 1, kTinyLimits = 2;

const std::string kCells =
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"D1\" t=\"inlineStr\">"
    "<is><r><t>内联</t></r><rPh><t>x</t></rPh></is></c></row>"
    "<row r=\"3\"><c r=\"A3\" s=\"1\"><v>46353.25</v></c><c r=\"B3\" t=\"b\"><v>1</v></c><c r=\"C3\" t=\"e\">"
    "<v>#N/A</v></c><c r=\"D3\" t=\"str\"><f>A1</f><v>姓名</v></c><c s=\"2\"><v>0.5</v></c><c><v>1.5E+20</v></c></row>";
const std::vector<std::string> kShared{"<si><t>姓名</t></si>",
                                       "<si><r><rPr><b/></rPr><t xml:space=\"preserve\">张 </t></r><r><t>三</t></r>"
                                       "<rPh sb=\"0\" eb=\"1\"><t>ちょう</t></rPh></si>"};
const std::vector<std::string> kFormats{"<xf numFmtId=\"0\"/>", "<xf numFmtId=\"164\"/>", "<xf numFmtId=\"21\"/>"};

bool write(const std::filesystem::path& file, char knobs, const std::string& body) {
  std::ofstream out(file, std::ios::binary);
  out.put(knobs);
  out << body;
  return static_cast<bool>(out);
}

// The parts of a workbook in the target's structured form: workbook,
// relationships, shared strings, styles, sheets, separated by NUL bytes.
std::string as_parts(const std::vector<ZipEntry>& entries) {
  std::string out;
  for (const char* name : {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"}) {
    for (const auto& e : entries) {
      if (e.name == name) out += e.content + '\0';
    }
  }
  for (const auto& e : entries) {
    if (e.name.starts_with("xl/worksheets/")) out += e.content + '\0';
  }
  out.pop_back();
  return out;
}

std::string from_report_writer() {
  custos::report::Table table;
  table.headings = {"序号", "借阅人", "文件"};
  for (int i = 1; i <= 5; ++i) table.rows.push_back({std::to_string(i), "王五", "合同 & 附件"});
  table.number_columns = {0};
  auto pattern = (std::filesystem::temp_directory_path() / "xlsx-corpus-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return {};
  const std::filesystem::path folder(pattern);
  const auto path = folder / "register.xlsx";
  std::string bytes;
  if (custos::report::write_xlsx(table, path, {.sheet_name = "借阅记录"})) {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::remove_all(folder);
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: viewer_xlsx_corpus FOLDER\n");
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);
  const auto cells = xlsx_parts({{"客户", kCells}, {"隐藏", "<row><c><v>7</v></c></row>", true}}, kShared, kFormats);
  const auto report = from_report_writer();
  bool ok = !report.empty();
  ok = ok && write(dir / "raw_every_cell_kind", kRawFile, make_zip(cells));
  ok = ok && write(dir / "raw_report_writer", kRawFile, report);
  ok = ok && write(dir / "raw_tiny_limits", kRawFile | kTinyLimits, make_table_xlsx("表", {"a", "b", "c"}, 8, "m"));
  ok = ok && write(dir / "raw_encrypted", kRawFile, make_zip(cells, "pw"));
  ok = ok && write(dir / "raw_ole_container", kRawFile, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(56, '\0'));
  ok = ok && write(dir / "parts_every_cell_kind", kParts, as_parts(cells));
  ok = ok && write(dir / "parts_tiny_limits", kParts | kTinyLimits, as_parts(cells));
  auto mac = cells;
  for (auto& e : mac) {
    if (e.name == "xl/workbook.xml") e.content.replace(e.content.find("<workbookPr/>"), 13, "<workbookPr date1904=\"1\"/>");
  }
  ok = ok && write(dir / "parts_date1904", kParts, as_parts(mac));
  auto doctype = cells;
  for (auto& e : doctype) {
    if (e.name == "xl/sharedStrings.xml") e.content = "<!DOCTYPE sst [<!ENTITY a \"aaaa\">]><sst><si><t>&a;</t></si></sst>";
  }
  ok = ok && write(dir / "parts_doctype", kParts, as_parts(doctype));
  if (!ok) {
    std::fprintf(stderr, "viewer_xlsx_corpus: could not make or write the seeds\n");
    return 1;
  }
  return 0;
}
