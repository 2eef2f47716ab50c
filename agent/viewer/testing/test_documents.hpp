// Test documents made in memory: a PDF of N pages (cairo's PDF surface)
// whose page k says `text` and "page k", for the viewer's tests and
// benchmark and the end-to-end tests; and PNGs decoded to check pixels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>
#include <string_view>

namespace custos::viewer::testing {

std::string make_pdf(int pages, std::string_view text);

// A PNG decoded to 0x00RRGGBB pixels (empty when it does not decode).
struct DecodedImage {
  int width = 0, height = 0;
  std::vector<std::uint32_t> pixels;
  // Pixels with luminance in [from, to).
  int count_luminance(int from, int to) const;
  int count_darker_than(int luminance) const { return count_luminance(0, luminance); }
};
DecodedImage decode_png(std::string_view png);

}  // namespace custos::viewer::testing
