// Text, CSV and XLSX as pages. Pagination is decided up front from character
// counts (a monospace grid for text, capped column widths for CSV), so the
// page count is known at once and any page renders without laying out the
// ones before it — a 100-page file opens as fast as a 1-page one.
//
// No source copies the document's text into ordinary memory: text lines
// are offsets into the caller's locked buffer, and table cells (CSV fields,
// a workbook's cells) are copied into a LockedBuffer of their own.
#include "text_pages.hpp"

#include <pango/pangocairo.h>

#include <algorithm>
#include <vector>

#include "custos/platform/json_text.hpp"
#include "custos/records/csv_reader.hpp"
#include "page_canvas.hpp"
#include "table_text.hpp"
#include "xlsx_reader.hpp"

namespace custos::viewer {
namespace {

// An A4 page at 96 dpi, and its printable area.
constexpr double kPageWidth = 794, kPageHeight = 1123, kMargin = 56, kFooter = 28;
constexpr int kTextColumns = 84;
constexpr double kTextLineHeight = 18;
constexpr int kTextLines = static_cast<int>((kPageHeight - 2 * kMargin - kFooter) / kTextLineHeight);
constexpr double kRowHeight = 22;
constexpr int kTableRows = static_cast<int>((kPageHeight - 2 * kMargin - kFooter) / kRowHeight) - 1;  // less the header
constexpr std::size_t kMaxCellColumns = 28;
constexpr double kCellPixelsPerColumn = 7.2;

// Row heights a sheet's heading takes above its table.
constexpr int kTitleRows = 2;

// Decodes one code point at `i` (the text is valid UTF-8) and advances `i`.
char32_t next_code_point(std::string_view text, std::size_t& i) noexcept {
  const auto b = static_cast<unsigned char>(text[i]);
  const int extra = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
  char32_t cp = extra == 0 ? b : b & (0x3F >> extra);
  for (int k = 1; k <= extra && i + k < text.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

bool is_wide(char32_t cp) noexcept {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

cairo_surface_t* blank_page(double zoom) {
  auto* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(kPageWidth * zoom),
                                             static_cast<int>(kPageHeight * zoom));
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_destroy(cr);
  return surface;
}

PangoLayout* layout_with(cairo_t* cr, const char* families, double pixels) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font = pango_font_description_from_string(families);
  pango_font_description_set_absolute_size(font, pixels * PANGO_SCALE);
  pango_layout_set_font_description(layout, font);
  pango_font_description_free(font);
  return layout;
}

void draw_footer(cairo_t* cr, int index, int count) {
  PangoLayout* layout = layout_with(cr, kSansFamilies, 11);
  const auto text = std::to_string(index + 1) + " / " + std::to_string(count);
  pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
  int w = 0, h = 0;
  pango_layout_get_pixel_size(layout, &w, &h);
  cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
  cairo_move_to(cr, (kPageWidth - w) / 2, kPageHeight - kMargin + 8);
  pango_cairo_show_layout(cr, layout);
  g_object_unref(layout);
}

// A page source drawn by pango on a white A4 page: subclasses draw the
// content, this draws the page number, the watermark and encodes.
class PaginatedPages : public PageSource {
 public:
  explicit PaginatedPages(Watermark watermark) : watermark_(std::move(watermark)) {}

  Result<PageImage> render(int index, const RenderOptions& options) final {
    if (index < 0 || index >= page_count()) {
      return fail(ErrorCode::invalid_argument,
                  "no page " + std::to_string(index + 1) + " (the file has " + std::to_string(page_count()) + ")");
    }
    const double zoom = clamp_zoom(options.zoom);
    cairo_surface_t* surface = blank_page(zoom);
    cairo_t* cr = cairo_create(surface);
    cairo_scale(cr, zoom, zoom);
    draw(cr, index);
    draw_footer(cr, index, page_count());
    cairo_destroy(cr);
    auto finished = finish_page(surface, watermark_, zoom);
    cairo_surface_destroy(surface);
    return finished;
  }

 protected:
  // Draws page `index` (in range) in page coordinates (96 dpi).
  virtual void draw(cairo_t* cr, int index) = 0;

 private:
  WatermarkLayer watermark_;
};

std::string_view utf8_body(const LockedBuffer& content) {
  auto text = content.unsafe_view();
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

class TextPages final : public PaginatedPages {
 public:
  TextPages(const LockedBuffer& content, Watermark watermark) : PaginatedPages(std::move(watermark)) {
    text_ = utf8_body(content);
    // Each line is cut into display lines of at most kTextColumns columns.
    std::size_t i = 0;
    while (i <= text_.size()) {
      const auto end = std::min(text_.find('\n', i), text_.size());
      std::size_t start = i, width = 0, j = i;
      while (j < end) {
        std::size_t k = j;
        const auto cp = next_code_point(text_, k);
        const std::size_t w = is_wide(cp) ? 2 : cp == '\t' ? 4 : 1;
        if (width + w > kTextColumns) {
          lines_.push_back({start, j - start});
          start = j;
          width = 0;
        }
        width += w;
        j = k;
      }
      lines_.push_back({start, end - start});
      if (end == text_.size()) break;
      i = end + 1;
    }
    if (!lines_.empty() && lines_.back().size == 0 && lines_.size() > 1) lines_.pop_back();  // the final newline
  }

  int page_count() const override {
    return std::max<int>(1, static_cast<int>((lines_.size() + kTextLines - 1) / kTextLines));
  }
  std::string_view kind() const override { return "text"; }

  void draw(cairo_t* cr, int index) override {
    PangoLayout* layout = layout_with(cr, kMonoFamilies, 13);
    cairo_set_source_rgb(cr, 0.08, 0.08, 0.08);
    const auto first = static_cast<std::size_t>(index) * kTextLines;
    for (std::size_t n = first; n < std::min(lines_.size(), first + kTextLines); ++n) {
      const auto line = text_.substr(lines_[n].offset, lines_[n].size);
      pango_layout_set_text(layout, line.data(), static_cast<int>(line.size()));
      cairo_move_to(cr, kMargin, kMargin + static_cast<double>(n - first) * kTextLineHeight);
      pango_cairo_show_layout(cr, layout);
    }
    g_object_unref(layout);
  }

 private:
  std::string_view text_;
  std::vector<CellSpan> lines_;
};

// Tables (a CSV file, the sheets of a workbook) as pages. Each section
// starts on a page of its own; a titled section (a sheet) has its name as a
// heading on each of its pages, above the repeated header row.
class TablePages final : public PaginatedPages {
 public:
  TablePages(TableText table, std::string_view kind, Watermark watermark)
      : PaginatedPages(std::move(watermark)), table_(std::move(table)), kind_(kind) {
    int first = 0;
    for (const auto& section : table_.sections) {
      auto& layout = layouts_.emplace_back();
      for (const auto& row : section.rows) {
        if (row.size() > layout.widths.size()) layout.widths.resize(row.size(), 4);
        for (std::size_t c = 0; c < row.size(); ++c) {
          layout.widths[c] = std::clamp(display_width(text(row[c])) + 1, layout.widths[c], kMaxCellColumns);
        }
      }
      double total = 0;
      for (auto w : layout.widths) total += static_cast<double>(w) * kCellPixelsPerColumn;
      // A wide table is drawn smaller (down to half size) to fit the page;
      // past that the rightmost columns are cut at the margin.
      layout.scale = std::clamp((kPageWidth - 2 * kMargin) / std::max(total, 1.0), 0.5, 1.0);
      layout.rows_per_page = section.title.size > 0 ? kTableRows - kTitleRows : kTableRows;
      const std::size_t body = section.rows.size() > 1 ? section.rows.size() - 1 : 0;
      layout.first_page = first;
      first += std::max<int>(1, static_cast<int>((body + layout.rows_per_page - 1) / layout.rows_per_page));
    }
    page_count_ = std::max(first, 1);
  }

  int page_count() const override { return page_count_; }
  std::string_view kind() const override { return kind_; }

  void draw(cairo_t* cr, int index) override {
    if (table_.sections.empty()) return;
    std::size_t s = 0;
    while (s + 1 < layouts_.size() && layouts_[s + 1].first_page <= index) ++s;
    const auto& section = table_.sections[s];
    const auto& layout = layouts_[s];
    cairo_save(cr);
    cairo_rectangle(cr, kMargin, kMargin, kPageWidth - 2 * kMargin, kPageHeight - 2 * kMargin);
    cairo_clip(cr);
    double y = kMargin;
    if (section.title.size > 0) {
      PangoLayout* heading = layout_with(cr, kSansFamilies, 15);
      pango_layout_set_ellipsize(heading, PANGO_ELLIPSIZE_END);
      pango_layout_set_width(heading, static_cast<int>((kPageWidth - 2 * kMargin) * PANGO_SCALE));
      const auto title = text(section.title);
      pango_layout_set_text(heading, title.data(), static_cast<int>(title.size()));
      cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
      cairo_move_to(cr, kMargin, y);
      pango_cairo_show_layout(cr, heading);
      g_object_unref(heading);
      y += kTitleRows * kRowHeight;
    }
    PangoLayout* cells = layout_with(cr, kSansFamilies, 12 * layout.scale);
    pango_layout_set_ellipsize(cells, PANGO_ELLIPSIZE_END);
    pango_layout_set_single_paragraph_mode(cells, TRUE);
    auto draw_row = [&](const std::vector<CellSpan>& row, bool header) {
      if (header) {
        cairo_set_source_rgb(cr, 0.92, 0.93, 0.95);
        cairo_rectangle(cr, kMargin, y, kPageWidth - 2 * kMargin, kRowHeight);
        cairo_fill(cr);
      }
      double x = kMargin;
      for (std::size_t c = 0; c < layout.widths.size(); ++c) {
        const double w = static_cast<double>(layout.widths[c]) * kCellPixelsPerColumn * layout.scale;
        if (c < row.size() && row[c].size > 0) {
          const auto cell = text(row[c]);
          pango_layout_set_text(cells, cell.data(), static_cast<int>(cell.size()));
          pango_layout_set_width(cells, static_cast<int>((w - 6) * PANGO_SCALE));
          cairo_set_source_rgb(cr, 0.08, 0.08, 0.08);
          cairo_move_to(cr, x + 3, y + 3);
          pango_cairo_show_layout(cr, cells);
        }
        x += w;
        cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
        cairo_set_line_width(cr, 0.6);
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x, y + kRowHeight);
        cairo_stroke(cr);
      }
      cairo_move_to(cr, kMargin, y + kRowHeight);
      cairo_line_to(cr, kPageWidth - kMargin, y + kRowHeight);
      cairo_stroke(cr);
      y += kRowHeight;
    };
    const auto& rows = section.rows;
    const auto first = 1 + static_cast<std::size_t>(index - layout.first_page) * layout.rows_per_page;
    if (!rows.empty()) draw_row(rows.front(), true);
    for (std::size_t r = first; r < std::min(rows.size(), first + layout.rows_per_page); ++r) draw_row(rows[r], false);
    g_object_unref(cells);
    cairo_restore(cr);  // the clip goes, the footer sits below the margin
  }

 private:
  struct SectionLayout {
    std::vector<std::size_t> widths{};  // display columns per table column
    double scale = 1.0;
    std::size_t rows_per_page = 0;      // body rows, below the header
    int first_page = 0;
  };

  std::string_view text(CellSpan s) const { return table_.text.unsafe_view().substr(s.offset, s.size); }

  TableText table_;
  std::string_view kind_;
  std::vector<SectionLayout> layouts_;
  int page_count_ = 1;
};

}  // namespace

std::size_t display_width(std::string_view text) noexcept {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) width += is_wide(next_code_point(text, i)) ? 2 : 1;
  return width;
}

Result<std::unique_ptr<PageSource>> open_text(const LockedBuffer& content, Watermark watermark) {
  if (!is_valid_utf8(utf8_body(content))) {
    return fail(ErrorCode::invalid_argument, "the text is not UTF-8 (a GBK file must be converted before upload)");
  }
  return std::unique_ptr<PageSource>(new TextPages(content, std::move(watermark)));
}

Result<std::unique_ptr<PageSource>> open_csv(const LockedBuffer& content, Watermark watermark) {
  auto source = records::source_from_memory(content.unsafe_view());
  records::CsvReader reader(*source);
  TableText table{LockedBuffer(content.size() + 64), {}};
  auto& cells = table.text;
  auto& rows = table.sections.emplace_back().rows;
  while (true) {
    auto more = reader.next();
    if (!more) return fail(more.error());
    if (!*more) break;
    auto& row = rows.emplace_back();
    for (std::size_t f = 0; f < reader.field_count(); ++f) {
      const auto text = reader.field(f);
      row.push_back({cells.size(), text.size()});
      cells.append({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    }
  }
  return std::unique_ptr<PageSource>(new TablePages(std::move(table), "csv", std::move(watermark)));
}

Result<std::unique_ptr<PageSource>> open_xlsx(const LockedBuffer& content, Watermark watermark) {
  auto table = read_xlsx(content.unsafe_view());
  if (!table) return fail(table.error());
  return std::unique_ptr<PageSource>(new TablePages(std::move(*table), "xlsx", std::move(watermark)));
}

}  // namespace custos::viewer
