// The viewer's page sources on real files: PDFs made by cairo and read back
// by poppler, text and CSV laid out by pango, every page carrying the
// watermark. Pixels are checked on the decoded PNG.
#include "custos/viewer/page_source.hpp"

#include <gtest/gtest.h>

#include <string>

#include "testing/test_documents.hpp"
#include "testing/test_workbooks.hpp"

namespace custos::viewer {
namespace {

LockedBuffer locked(std::string_view text) {
  LockedBuffer buffer;
  buffer.append({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  return buffer;
}

Watermark mark(std::string trace = "T-0001") {
  return Watermark{"clerk1 张三", "agent-1 ws-01", "2026-11-27T08:00:00Z", std::move(trace)};
}

testing::DecodedImage decode(const PageImage& page) { return testing::decode_png(page.png.unsafe_view()); }

TEST(PageSource, PdfPagesRenderWithContentAndWatermark) {
  const auto pdf = locked(testing::make_pdf(3, "受控测试 CONTENT-MARKER"));
  auto source = open_page_source(pdf, "application/pdf", "a.pdf", mark());
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_EQ((*source)->kind(), "pdf");
  EXPECT_EQ((*source)->page_count(), 3);
  auto page = (*source)->render(0, {});
  ASSERT_TRUE(page) << page.error().describe();
  // A4 (595 × 842 pt) at 96 dpi.
  EXPECT_EQ(page->width, 793);
  EXPECT_EQ(page->height, 1123);
  const auto pixels = decode(*page);
  ASSERT_EQ(pixels.width, 793);
  EXPECT_GT(pixels.count_darker_than(60), 10000);  // the solid block and the text
  // Zoom scales the raster.
  auto big = (*source)->render(2, RenderOptions{.zoom = 2.0});
  ASSERT_TRUE(big);
  EXPECT_EQ(big->width, 1587);
  // Out of range, both ends.
  EXPECT_EQ((*source)->render(3, {}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ((*source)->render(-1, {}).error().code, ErrorCode::invalid_argument);
}

TEST(PageSource, WatermarkIsFaintTiledAndNamesTheView) {
  // A page that is otherwise blank: everything not white is the watermark.
  const auto blank = locked(testing::make_pdf(1, ""));
  auto a = open_page_source(blank, "application/pdf", "", mark("T-AAAA"));
  auto b = open_page_source(blank, "application/pdf", "", mark("T-BBBB"));
  ASSERT_TRUE(a && b);
  auto pa = decode(*(*a)->render(0, {}));
  auto pb = decode(*(*b)->render(0, {}));
  const int marked = pa.count_darker_than(250);
  EXPECT_GT(marked, 5000);                  // present, tiled over the page
  // Faint: apart from the page's own block and line, nothing is darker than light grey.
  EXPECT_LT(pa.count_darker_than(200) - pa.count_darker_than(60), 3000);
  // In every quarter of the page.
  for (int qy = 0; qy < 2; ++qy) {
    for (int qx = 0; qx < 2; ++qx) {
      int n = 0;
      for (int y = qy * pa.height / 2; y < (qy + 1) * pa.height / 2; ++y) {
        for (int x = qx * pa.width / 2; x < (qx + 1) * pa.width / 2; ++x) {
          if ((pa.pixels[static_cast<std::size_t>(y * pa.width + x)] & 0xFF) < 250) ++n;
        }
      }
      EXPECT_GT(n, 500) << "quarter " << qx << "," << qy;
    }
  }
  // A different trace code draws a different picture.
  EXPECT_NE(pa.pixels, pb.pixels);
}

TEST(PageSource, TextIsPaginatedAndDrawn) {
  std::string text;
  for (int i = 1; i <= 200; ++i) text += "第 " + std::to_string(i) + " 行 line of the delivered file\n";
  const auto content = locked(text);
  auto source = open_page_source(content, "text/plain; charset=utf-8", "notes.txt", mark());
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_EQ((*source)->kind(), "text");
  EXPECT_EQ((*source)->page_count(), 4);  // 200 lines at 52 a page
  auto page = (*source)->render(3, {});
  ASSERT_TRUE(page);
  EXPECT_GT(decode(*page).count_darker_than(100), 1000);
  // A long line wraps instead of running off the page: 300 characters make 4 lines.
  const auto long_line = locked(std::string(300, 'x'));
  auto wrapped = open_page_source(long_line, "text/plain", "", mark());
  ASSERT_TRUE(wrapped);
  EXPECT_EQ((*wrapped)->page_count(), 1);
}

TEST(PageSource, CsvIsATableWithItsHeaderOnEveryPage) {
  std::string csv = "姓名,身份证号,电话\n";
  for (int i = 0; i < 100; ++i) csv += "张三" + std::to_string(i) + ",11010519491231002X,13800138000\n";
  const auto content = locked(csv);
  auto source = open_page_source(content, "application/octet-stream", "客户.CSV", mark());
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_EQ((*source)->kind(), "csv");
  EXPECT_EQ((*source)->page_count(), 3);  // 100 rows at 41 a page
  for (int p = 0; p < 3; ++p) {
    auto page = (*source)->render(p, {});
    ASSERT_TRUE(page);
    EXPECT_GT(decode(*page).count_darker_than(100), 500) << "page " << p;
  }
}

// Pixels of the header band's colour (#EBEEF3) in rows [from, to).
int header_band(const testing::DecodedImage& image, int from, int to) {
  int n = 0;
  for (int y = from; y < to; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const auto p = image.pixels[static_cast<std::size_t>(y * image.width + x)];
      if (p == 0xEBEEF3) ++n;
    }
  }
  return n;
}

TEST(PageSource, XlsxSheetsAreTablesEachFromANewPage) {
  // Sheet 1: a header and 100 rows (3 pages at 41 rows under the sheet's
  // name), sheet 2 empty (1 page), sheet 3 a few rows (1 page).
  std::string rows = "<row><c t=\"inlineStr\"><is><t>序号</t></is></c><c t=\"inlineStr\"><is><t>姓名</t></is></c></row>";
  for (int i = 1; i <= 100; ++i) {
    rows += "<row><c><v>" + std::to_string(i) + "</v></c><c t=\"inlineStr\"><is><t>张三</t></is></c></row>";
  }
  const auto workbook = locked(testing::make_xlsx(
      {{"客户名单", rows}, {"空白", ""}, {"Summary", "<row><c t=\"inlineStr\"><is><t>合计</t></is></c><c><v>100</v></c></row>"}}));
  auto source = open_page_source(workbook, "application/octet-stream", "名单.xlsx", mark());
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_EQ((*source)->kind(), "xlsx");
  EXPECT_EQ((*source)->page_count(), 5);
  std::vector<int> ink;
  for (int p = 0; p < 5; ++p) {
    auto page = (*source)->render(p, {});
    ASSERT_TRUE(page) << page.error().describe();
    const auto pixels = decode(*page);
    ink.push_back(pixels.count_darker_than(100));
    // The header row, under the sheet's name, on every page of a sheet with rows.
    if (p != 3) {
      EXPECT_GT(header_band(pixels, 56 + 44 + 2, 56 + 44 + 20), 5000) << "page " << p + 1;
    }
  }
  EXPECT_GT(ink[0], 2000);
  EXPECT_GT(ink[3], 20);           // the empty sheet's page: its name
  EXPECT_LT(ink[3], ink[4]);       // less than a sheet with a table
  EXPECT_LT(ink[4], ink[0]);
  EXPECT_EQ((*source)->render(5, {}).error().code, ErrorCode::invalid_argument);

  // By its content type alone.
  const auto named = locked(testing::make_table_xlsx("客户", {"序号", "姓名", "备注"}, 100, "受控 MARKER"));
  auto by_type = open_page_source(named, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "", mark());
  ASSERT_TRUE(by_type) << by_type.error().describe();
  EXPECT_EQ((*by_type)->page_count(), 3);
}

TEST(PageSource, RefusesWhatItCannotShow) {
  const auto gbk = locked("\xD5\xC5\xC8\xFD\n");  // 张三 in GBK
  EXPECT_EQ(open_page_source(gbk, "text/plain", "", mark()).error().code, ErrorCode::invalid_argument);
  const auto broken_zip = locked(std::string("PK\x03\x04", 4) + "rest");
  EXPECT_EQ(open_page_source(broken_zip, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "a.xlsx",
                             mark()).error().code, ErrorCode::corrupt);
  const auto archive = locked(testing::make_zip({{"a.txt", "not a workbook"}}));
  EXPECT_EQ(open_page_source(archive, "application/zip", "a.zip", mark()).error().code, ErrorCode::invalid_argument);
  const auto encrypted = locked(testing::make_zip(testing::xlsx_parts({{"S", ""}}), "pw"));
  EXPECT_EQ(open_page_source(encrypted, "", "a.xlsx", mark()).error().code, ErrorCode::invalid_argument);
  const auto binary = locked("\x7F" "ELF");
  EXPECT_EQ(open_page_source(binary, "application/octet-stream", "a.bin", mark()).error().code,
            ErrorCode::invalid_argument);
  const auto broken = locked("%PDF-1.7\nthis is no PDF\n");
  EXPECT_EQ(open_page_source(broken, "application/pdf", "", mark()).error().code, ErrorCode::corrupt);
  const auto bad_csv = locked("a,b\n\"unclosed\n");
  EXPECT_EQ(open_page_source(bad_csv, "text/csv", "", mark()).error().code, ErrorCode::invalid_argument);
}

TEST(LockedBuffer, GrowsAndKeepsItsBytes) {
  LockedBuffer buffer;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    const auto piece = std::to_string(i) + ",";
    buffer.append({reinterpret_cast<const std::uint8_t*>(piece.data()), piece.size()});
    expected += piece;
  }
  EXPECT_EQ(buffer.unsafe_view(), expected);
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
}

}  // namespace
}  // namespace custos::viewer
