#include "testing/test_documents.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <algorithm>

namespace custos::viewer::testing {
namespace {

cairo_status_t collect(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::string make_pdf(int pages, std::string_view text) {
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(collect, &pdf, 595, 842);  // A4 in points
  cairo_t* cr = cairo_create(surface);
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font = pango_font_description_from_string("WenQuanYi Zen Hei,sans-serif 20");
  pango_layout_set_font_description(layout, font);
  pango_font_description_free(font);
  for (int p = 1; p <= pages; ++p) {
    const auto line = std::string(text) + "\npage " + std::to_string(p);
    pango_layout_set_text(layout, line.c_str(), static_cast<int>(line.size()));
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, 60, 80);
    pango_cairo_show_layout(cr, layout);
    cairo_rectangle(cr, 60, 200, 300, 40);  // a solid block: an easy dark area for pixel checks
    cairo_fill(cr);
    cairo_show_page(cr);
  }
  g_object_unref(layout);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return pdf;
}

int DecodedImage::count_luminance(int from, int to) const {
  int n = 0;
  for (auto p : pixels) {
    const int l = (((p >> 16) & 0xFF) * 3 + ((p >> 8) & 0xFF) * 6 + (p & 0xFF)) / 10;
    if (l >= from && l < to) ++n;
  }
  return n;
}

namespace {

struct PngReader {
  std::string_view data;
  static cairo_status_t read(void* closure, unsigned char* out, unsigned int length) {
    auto* self = static_cast<PngReader*>(closure);
    if (self->data.size() < length) return CAIRO_STATUS_READ_ERROR;
    std::copy_n(self->data.data(), length, out);
    self->data.remove_prefix(length);
    return CAIRO_STATUS_SUCCESS;
  }
};

}  // namespace

DecodedImage decode_png(std::string_view png) {
  PngReader reader{png};
  cairo_surface_t* surface = cairo_image_surface_create_from_png_stream(PngReader::read, &reader);
  DecodedImage out;
  if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS) {
    cairo_surface_flush(surface);
    out.width = cairo_image_surface_get_width(surface);
    out.height = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const auto* data = cairo_image_surface_get_data(surface);
    for (int y = 0; y < out.height; ++y) {
      const auto* row = reinterpret_cast<const std::uint32_t*>(data + y * stride);
      for (int x = 0; x < out.width; ++x) out.pixels.push_back(row[x] & 0xFFFFFF);
    }
  }
  cairo_surface_destroy(surface);
  return out;
}

}  // namespace custos::viewer::testing

// fontconfig's process-lifetime caches, as in page_canvas.cpp (weak: a
// binary may link both).
extern "C" const char* __lsan_default_suppressions();
extern "C" __attribute__((weak)) const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
