#include "testing/test_documents.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

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

}  // namespace custos::viewer::testing
