#include "cairo_support.hpp"

#include <fontconfig/fontconfig.h>

#include "custos/print/stamp.hpp"

namespace custos::print {

PdfSurface::PdfSurface(std::string& out, double width, double height)
    : surface_(cairo_pdf_surface_create_for_stream(&PdfSurface::write, &out, width, height)) {
  if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface_);
    surface_ = nullptr;
    return;
  }
  // No creation date: the same input stamps to the same bytes.
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "Custos");
}

PdfSurface::~PdfSurface() {
  if (surface_ != nullptr) cairo_surface_destroy(surface_);
}

Result<void> PdfSurface::finish() {
  cairo_surface_finish(surface_);
  if (const auto status = cairo_surface_status(surface_); status != CAIRO_STATUS_SUCCESS) {
    return fail(ErrorCode::internal, std::string("cairo could not write the PDF: ") + cairo_status_to_string(status));
  }
  return ok();
}

cairo_status_t PdfSurface::write(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void release_font_caches() {
  // Only for a leak checker: Debian's cairo asserts (and aborts the worker)
  // when a cache still holds a live entry, which happened now and then after
  // a print preview; a job's process ends right after anyway.
#if defined(__SANITIZE_ADDRESS__)
  pango_cairo_font_map_set_default(nullptr);
  cairo_debug_reset_static_data();
  FcFini();
#endif
}

void set_font(PangoLayout* layout, double points, bool bold) {
  std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)> font(
      pango_font_description_from_string(kFontFamilies), &pango_font_description_free);
  pango_font_description_set_size(font.get(), static_cast<int>(points * PANGO_SCALE));
  pango_font_description_set_weight(font.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout, font.get());
}

}  // namespace custos::print
