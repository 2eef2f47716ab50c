#include "page_canvas.hpp"

#include "png_writer.hpp"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace custos::viewer {
namespace {

}  // namespace

double clamp_zoom(double zoom) noexcept {
  if (!std::isfinite(zoom)) return 1.0;
  return std::clamp(zoom, 0.25, 4.0);
}

std::string watermark_line(const Watermark& watermark) {
  return watermark.viewer + " · " + watermark.workstation + " · " + watermark.time + " · " + watermark.trace;
}

WatermarkLayer::~WatermarkLayer() {
  if (layer_ != nullptr) cairo_surface_destroy(layer_);
}

void WatermarkLayer::draw(double zoom) {
  cairo_t* cr = cairo_create(layer_);
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font = pango_font_description_from_string(kSansFamilies);
  pango_font_description_set_absolute_size(font, 13.0 * zoom * PANGO_SCALE);
  pango_layout_set_font_description(layout, font);
  pango_font_description_free(font);
  const auto line = watermark_line(watermark_);
  pango_layout_set_text(layout, line.c_str(), static_cast<int>(line.size()));
  int text_w = 0, text_h = 0;
  pango_layout_get_pixel_size(layout, &text_w, &text_h);
  // Faint enough to read through, dark enough to survive a photograph; the
  // tiles overlap the page's edges so that no crop removes them all.
  cairo_set_source_rgba(cr, 0.35, 0.35, 0.35, 0.16);
  const double step_x = text_w + 80.0 * zoom;
  const double step_y = 150.0 * zoom;
  const double diagonal = std::hypot(width_, height_);
  cairo_translate(cr, width_ / 2.0, height_ / 2.0);
  cairo_rotate(cr, -std::numbers::pi / 6);
  int row = 0;
  for (double y = -diagonal / 2; y < diagonal / 2; y += step_y, ++row) {
    const double shift = (row % 2) * step_x / 2;
    for (double x = -diagonal / 2 - shift; x < diagonal / 2; x += step_x) {
      cairo_move_to(cr, x, y);
      pango_cairo_show_layout(cr, layout);
    }
  }
  g_object_unref(layout);
  cairo_destroy(cr);
  cairo_surface_flush(layer_);
}

void WatermarkLayer::paint(cairo_surface_t* surface, double zoom) {
  const int width = cairo_image_surface_get_width(surface);
  const int height = cairo_image_surface_get_height(surface);
  if (layer_ == nullptr || width != width_ || height != height_ || zoom != zoom_) {
    if (layer_ != nullptr) cairo_surface_destroy(layer_);
    layer_ = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    width_ = width;
    height_ = height;
    zoom_ = zoom;
    draw(zoom);
  }
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_surface(cr, layer_, 0, 0);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_flush(surface);
}

Result<PageImage> finish_page(cairo_surface_t* surface, WatermarkLayer& watermark, double zoom) {
  watermark.paint(surface, zoom);
  const int width = cairo_image_surface_get_width(surface);
  const int height = cairo_image_surface_get_height(surface);
  PageImage page;
  page.width = width;
  page.height = height;
  CUSTOS_TRY_VOID(write_png(surface, page.png));
  return page;
}

}  // namespace custos::viewer

// LeakSanitizer (sanitizer builds only read this): fontconfig keeps the font
// patterns pango asked for in caches that live as long as the process and
// are never freed. Every binary that renders pages links this file. Weak,
// because the viewer's test helpers (testing/) say the same for binaries
// that draw with pango without the viewer.
extern "C" const char* __lsan_default_suppressions();
extern "C" __attribute__((weak)) const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
