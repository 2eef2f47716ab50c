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

// Tiles `watermark` over the whole surface (faint grey, turned 30°), then
// encodes the surface as PNG. `zoom` scales the watermark's spacing and
// size with the page.
Result<PageImage> finish_page(cairo_surface_t* surface, const Watermark& watermark, double zoom);

// The font families tried in order for page text (CJK first, so that
// Chinese never falls back to boxes).
inline constexpr const char* kSansFamilies = "Noto Sans CJK SC,WenQuanYi Zen Hei,Droid Sans Fallback,sans-serif";
inline constexpr const char* kMonoFamilies =
    "Noto Sans Mono CJK SC,WenQuanYi Zen Hei Mono,Droid Sans Fallback,monospace";

}  // namespace custos::viewer
