// Plain text and CSV laid out into PDF pages with cairo + pango.
#include <algorithm>
#include <string>
#include <vector>

#include "cairo_support.hpp"
#include "custos/platform/json_text.hpp"
#include "custos/print/pdf_input.hpp"
#include "custos/print/printable.hpp"
#include "custos/records/byte_source.hpp"
#include "custos/records/csv_reader.hpp"

namespace custos::print {
namespace {

// A4 in points; the top margin leaves room for the stamp's header line, the
// bottom one for its QR code.
constexpr double kA4Short = 595.28, kA4Long = 841.89;
constexpr double kSide = 50, kTop = 48, kBottom = 84;
constexpr double kTextPoints = 10;
constexpr double kCellPoints = 8;
constexpr double kCellPad = 3;
constexpr std::size_t kMaxCsvRows = 200000;

Result<void> require_utf8(std::string_view text) {
  std::size_t bad_at = 0;
  if (!is_valid_utf8(text, &bad_at)) {
    return fail(ErrorCode::invalid_argument, "the text is not UTF-8 (byte " + std::to_string(bad_at) +
                                                 "); convert it first, e.g. iconv -f GB18030 -t UTF-8");
  }
  return ok();
}

Result<Bytes> to_bytes(std::string pdf) { return Bytes(pdf.begin(), pdf.end()); }

// Pages of wrapped lines: each paragraph is laid out to the text width and
// its lines go where there is room.
class TextPages {
 public:
  TextPages(std::string& out) : surface_(out, kA4Short, kA4Long), cr_(surface_.get()) {}

  Result<Bytes> run(std::string_view text, std::string& out) {
    if (!surface_) return fail(ErrorCode::internal, "cairo could not start a PDF");
    PangoLayoutPtr layout(pango_cairo_create_layout(cr_.get()));
    set_font(layout.get(), kTextPoints);
    pango_layout_set_width(layout.get(), static_cast<int>((kA4Short - 2 * kSide) * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    double y = kTop;
    bool page_used = false;
    std::size_t at = 0;
    do {
      auto end = text.find('\n', at);
      if (end == std::string_view::npos) end = text.size();
      auto paragraph = text.substr(at, end - at);
      if (!paragraph.empty() && paragraph.back() == '\r') paragraph.remove_suffix(1);
      const std::string line = paragraph.empty() ? std::string(" ") : std::string(paragraph);
      pango_layout_set_text(layout.get(), line.c_str(), static_cast<int>(line.size()));
      const int count = pango_layout_get_line_count(layout.get());
      for (int i = 0; i < count; ++i) {
        PangoLayoutLine* l = pango_layout_get_line_readonly(layout.get(), i);
        PangoRectangle logical;
        pango_layout_line_get_extents(l, nullptr, &logical);
        const double height = static_cast<double>(logical.height) / PANGO_SCALE;
        if (y + height > kA4Long - kBottom) {
          cairo_show_page(cr_.get());
          y = kTop;
        }
        cairo_move_to(cr_.get(), kSide, y - static_cast<double>(logical.y) / PANGO_SCALE);
        pango_cairo_show_layout_line(cr_.get(), l);
        y += height;
        page_used = true;
      }
      at = end + 1;
    } while (at <= text.size() && !(at == text.size() && text.ends_with('\n')));
    (void)page_used;
    cairo_show_page(cr_.get());
    cr_.reset();
    CUSTOS_TRY_VOID(surface_.finish());
    return to_bytes(std::move(out));
  }

 private:
  PdfSurface surface_;
  Cairo cr_;
};

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Result<Table> read_table(std::string_view text) {
  auto source = records::source_from_memory(text);
  records::CsvReader reader(*source);
  Table table;
  for (;;) {
    auto more = reader.next();
    if (!more) return fail(more.error());
    if (!*more) break;
    std::vector<std::string> fields;
    for (std::size_t i = 0; i < reader.field_count(); ++i) fields.emplace_back(reader.field(i));
    if (table.header.empty()) {
      table.header = std::move(fields);
    } else {
      table.rows.push_back(std::move(fields));
      if (table.rows.size() > kMaxCsvRows) {
        return fail(ErrorCode::too_large, "the CSV has more than " + std::to_string(kMaxCsvRows) + " rows");
      }
    }
  }
  if (table.header.empty()) return fail(ErrorCode::invalid_argument, "the CSV is empty");
  return table;
}

// Column widths: each column's share of the page width follows its widest
// cell (header included), each at least a narrow minimum.
std::vector<double> column_widths(PangoLayout* layout, const Table& table, double width) {
  const auto columns = table.header.size();
  std::vector<double> natural(columns, 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < columns && c < row.size(); ++c) {
      pango_layout_set_text(layout, row[c].c_str(), static_cast<int>(row[c].size()));
      int w = 0, h = 0;
      pango_layout_get_pixel_size(layout, &w, &h);
      natural[c] = std::max(natural[c], static_cast<double>(w) + 2 * kCellPad);
    }
  };
  pango_layout_set_width(layout, -1);
  measure(table.header);
  const std::size_t sample = std::min<std::size_t>(table.rows.size(), 500);
  for (std::size_t r = 0; r < sample; ++r) measure(table.rows[r]);
  double total = 0;
  for (auto& n : natural) total += n = std::max(n, 24.0);
  if (total > width) {
    for (auto& n : natural) n = n * width / total;
  }
  return natural;
}

class TablePages {
 public:
  explicit TablePages(std::string& out) : surface_(out, kA4Long, kA4Short), cr_(surface_.get()) {}

  Result<Bytes> run(const Table& table, std::string& out) {
    if (!surface_) return fail(ErrorCode::internal, "cairo could not start a PDF");
    layout_.reset(pango_cairo_create_layout(cr_.get()));
    pango_layout_set_wrap(layout_.get(), PANGO_WRAP_WORD_CHAR);
    set_font(layout_.get(), kCellPoints);
    widths_ = column_widths(layout_.get(), table, kA4Long - 2 * kSide);
    double y = start_page(table.header);
    for (const auto& row : table.rows) {
      const double height = row_height(row);
      if (y + height > kA4Short - kBottom) {
        cairo_show_page(cr_.get());
        y = start_page(table.header);
      }
      draw_row(row, y, height, false);
      y += height;
    }
    cairo_show_page(cr_.get());
    layout_.reset();
    cr_.reset();
    CUSTOS_TRY_VOID(surface_.finish());
    return to_bytes(std::move(out));
  }

 private:
  // The header row (bold, shaded) at the top of a page; where rows start.
  double start_page(const std::vector<std::string>& header) {
    set_font(layout_.get(), kCellPoints, true);
    const double height = row_height(header);
    cairo_set_source_rgb(cr_.get(), 0.9, 0.9, 0.9);
    cairo_rectangle(cr_.get(), kSide, kTop, total_width(), height);
    cairo_fill(cr_.get());
    draw_row(header, kTop, height, true);
    set_font(layout_.get(), kCellPoints);
    return kTop + height;
  }

  double total_width() const {
    double total = 0;
    for (auto w : widths_) total += w;
    return total;
  }

  double row_height(const std::vector<std::string>& row) {
    double height = kCellPoints + 2 * kCellPad;
    for (std::size_t c = 0; c < widths_.size() && c < row.size(); ++c) {
      pango_layout_set_width(layout_.get(), static_cast<int>((widths_[c] - 2 * kCellPad) * PANGO_SCALE));
      pango_layout_set_text(layout_.get(), row[c].c_str(), static_cast<int>(row[c].size()));
      int w = 0, h = 0;
      pango_layout_get_pixel_size(layout_.get(), &w, &h);
      height = std::max(height, static_cast<double>(h) + 2 * kCellPad);
    }
    return std::min(height, kA4Short - kTop - kBottom - 40);
  }

  void draw_row(const std::vector<std::string>& row, double y, double height, bool header) {
    cairo_t* cr = cr_.get();
    double x = kSide;
    for (std::size_t c = 0; c < widths_.size(); ++c) {
      cairo_set_source_rgb(cr, 0, 0, 0);
      if (c < row.size()) {
        pango_layout_set_width(layout_.get(), static_cast<int>((widths_[c] - 2 * kCellPad) * PANGO_SCALE));
        pango_layout_set_height(layout_.get(), static_cast<int>((height - 2 * kCellPad) * PANGO_SCALE));
        pango_layout_set_ellipsize(layout_.get(), PANGO_ELLIPSIZE_END);
        pango_layout_set_text(layout_.get(), row[c].c_str(), static_cast<int>(row[c].size()));
        cairo_move_to(cr, x + kCellPad, y + kCellPad);
        pango_cairo_show_layout(cr, layout_.get());
      }
      cairo_set_line_width(cr, header ? 0.8 : 0.3);
      cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
      cairo_rectangle(cr, x, y, widths_[c], height);
      cairo_stroke(cr);
      x += widths_[c];
    }
  }

  PdfSurface surface_;
  Cairo cr_;
  PangoLayoutPtr layout_;
  std::vector<double> widths_;
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

InputKind input_kind(std::string_view content_type, std::string_view filename, std::span<const std::uint8_t> bytes) {
  const auto type = lower(content_type.substr(0, content_type.find(';')));
  if (type == "application/pdf") return InputKind::pdf;
  if (type == "text/plain") return InputKind::text;
  if (type == "text/csv") return InputKind::csv;
  const auto name = lower(filename);
  if (name.ends_with(".pdf")) return InputKind::pdf;
  if (name.ends_with(".txt")) return InputKind::text;
  if (name.ends_with(".csv")) return InputKind::csv;
  if (looks_like_pdf(bytes)) return InputKind::pdf;
  return InputKind::unsupported;
}

Result<Bytes> layout_text(std::string_view utf8) {
  if (utf8.starts_with("\xEF\xBB\xBF")) utf8.remove_prefix(3);
  CUSTOS_TRY_VOID(require_utf8(utf8));
  std::string out;
  TextPages pages(out);
  return pages.run(utf8, out);
}

Result<Bytes> layout_csv(std::string_view utf8) {
  auto table = read_table(utf8);
  if (!table) return fail(table.error());
  std::string out;
  TablePages pages(out);
  return pages.run(*table, out);
}

}  // namespace custos::print
