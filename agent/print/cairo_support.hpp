// Owning handles for cairo and pango objects, a PDF surface that writes into
// memory, and the font every page of a printout uses. Internal to the print
// library.
#pragma once

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>

#include "custos/platform/error.hpp"

namespace custos::print {

// The fonts asked for, in order: a CJK sans serif that Debian ships
// (fonts-wqy-zenhei, fonts-noto-cjk), then whatever fontconfig offers.
inline constexpr const char* kFontFamilies = "WenQuanYi Zen Hei, Noto Sans CJK SC, Noto Sans CJK, sans-serif";

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
class Cairo {
 public:
  explicit Cairo(cairo_surface_t* surface) : cr_(cairo_create(surface)) {}
  cairo_t* get() const { return cr_.get(); }
  void reset() { cr_.reset(); }

 private:
  std::unique_ptr<cairo_t, CairoDeleter> cr_;
};

struct GObjectDeleter {
  void operator()(void* object) const { g_object_unref(object); }
};
using PangoLayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;

// A cairo PDF surface whose bytes go to `out`.
class PdfSurface {
 public:
  PdfSurface(std::string& out, double width, double height);
  ~PdfSurface();
  PdfSurface(const PdfSurface&) = delete;
  PdfSurface& operator=(const PdfSurface&) = delete;

  explicit operator bool() const { return surface_ != nullptr; }
  cairo_surface_t* get() const { return surface_; }
  // Ends the document (every cairo_t drawing on it must be gone).
  Result<void> finish();

 private:
  static cairo_status_t write(void* closure, const unsigned char* data, unsigned int length);
  cairo_surface_t* surface_ = nullptr;
};

// Sets the layout's font: kFontFamilies at `points`, bold when asked.
void set_font(PangoLayout* layout, double points, bool bold = false);

}  // namespace custos::print
