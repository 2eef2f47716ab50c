#include "png_writer.hpp"

#include <png.h>
#include <zlib.h>

#include <cstdint>

namespace custos::viewer {
namespace {

void append(png_structp png, png_bytep data, png_size_t length) {
  static_cast<LockedBuffer*>(png_get_io_ptr(png))->append({data, length});
}

void no_flush(png_structp) {}

}  // namespace

Result<void> write_png(cairo_surface_t* surface, LockedBuffer& out) {
  const auto format = cairo_image_surface_get_format(surface);
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) {
    return fail(ErrorCode::internal, "a page surface is neither ARGB32 nor RGB24");
  }
  cairo_surface_flush(surface);
  const int width = cairo_image_surface_get_width(surface);
  const int height = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* pixels = cairo_image_surface_get_data(surface);
  // One row of the page at a time, in locked memory like the rest of it.
  Secret row(static_cast<std::size_t>(width) * 3);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return fail(ErrorCode::internal, "libpng cannot start");
  }
  // libpng reports errors by longjmp back here; nothing with a destructor
  // is created between this point and the jumps.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return fail(ErrorCode::internal, "the page could not be encoded as PNG");
  }
  png_set_write_fn(png, &out, append, no_flush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, Z_BEST_SPEED);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  png_write_info(png, info);
  std::uint8_t* rgb = row.unsafe_bytes().data();
  for (int y = 0; y < height; ++y) {
    const auto* source = reinterpret_cast<const std::uint32_t*>(pixels + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < width; ++x) {
      const std::uint32_t p = source[x];  // native-endian 0xAARRGGBB, premultiplied; pages are opaque
      rgb[3 * x] = static_cast<std::uint8_t>(p >> 16);
      rgb[3 * x + 1] = static_cast<std::uint8_t>(p >> 8);
      rgb[3 * x + 2] = static_cast<std::uint8_t>(p);
    }
    png_write_row(png, rgb);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return ok();
}

}  // namespace custos::viewer
