// What every kind of page shares once its content is drawn: the tiled
// watermark over it and the PNG encoding into locked memory. Internal to
// agent/viewer/.
#pragma once

#include <cairo.h>

#include <string>

#include "custos/viewer/page_source.hpp"

namespace custos::viewer {

// The watermark's one line of text: "viewer · workstation · time · trace".
std::string watermark_line(const Watermark& watermark);

// The watermark tiled over a whole page (faint grey, turned 30°), drawn once
// per page size and zoom into a transparent layer and then laid over each
// page: drawing its ~60 rotated text runs cost more than rasterising a page.
// The layer holds no document content. One thread at a time.
class WatermarkLayer {
 public:
  explicit WatermarkLayer(Watermark watermark) : watermark_(std::move(watermark)) {}
  ~WatermarkLayer();
  WatermarkLayer(const WatermarkLayer&) = delete;
  WatermarkLayer& operator=(const WatermarkLayer&) = delete;

  // Lays the watermark over `surface`, a page drawn at `zoom`.
  void paint(cairo_surface_t* surface, double zoom);

 private:
  void draw(double zoom);

  Watermark watermark_;
  cairo_surface_t* layer_ = nullptr;
  int width_ = 0, height_ = 0;
  double zoom_ = 0;
};

// Lays the watermark over the page, then encodes it as PNG.
Result<PageImage> finish_page(cairo_surface_t* surface, WatermarkLayer& watermark, double zoom);

// The font families tried in order for page text (CJK first, so that
// Chinese never falls back to boxes).
inline constexpr const char* kSansFamilies = "Noto Sans CJK SC,WenQuanYi Zen Hei,Droid Sans Fallback,sans-serif";
inline constexpr const char* kMonoFamilies =
    "Noto Sans Mono CJK SC,WenQuanYi Zen Hei Mono,Droid Sans Fallback,monospace";

}  // namespace custos::viewer
