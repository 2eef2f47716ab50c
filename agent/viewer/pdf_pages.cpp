// PDF pages through poppler-cpp. The document is read in place from the
// caller's locked buffer (load_from_raw_data does not copy); each page is
// rasterised at 96 dpi × zoom into poppler's ARGB32 image, which cairo
// then draws the watermark on and encodes.
#include "pdf_pages.hpp"

#include <poppler-document.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include <climits>
#include <mutex>

#include "page_canvas.hpp"

namespace custos::viewer {
namespace {

// poppler prints what it dislikes in a file to stderr; the agent's log is
// no place for that (and it may quote the document), so it is dropped.
void quiet(const std::string&, void*) {}

class PdfPages final : public PageSource {
 public:
  PdfPages(std::unique_ptr<poppler::document> document, Watermark watermark)
      : document_(std::move(document)), watermark_(std::move(watermark)) {
    renderer_.set_render_hint(poppler::page_renderer::antialiasing, true);
    renderer_.set_render_hint(poppler::page_renderer::text_antialiasing, true);
    renderer_.set_image_format(poppler::image::format_argb32);
  }

  int page_count() const override { return document_->pages(); }
  std::string_view kind() const override { return "pdf"; }

  Result<PageImage> render(int index, const RenderOptions& options) override {
    if (index < 0 || index >= page_count()) {
      return fail(ErrorCode::invalid_argument, "no page " + std::to_string(index + 1) + " (the file has " +
                                                   std::to_string(page_count()) + ")");
    }
    std::unique_ptr<poppler::page> page(document_->create_page(index));
    if (!page) return fail(ErrorCode::corrupt, "page " + std::to_string(index + 1) + " cannot be read");
    const double zoom = clamp_zoom(options.zoom);
    poppler::image image = renderer_.render_page(page.get(), 96.0 * zoom, 96.0 * zoom);
    if (!image.is_valid() || image.format() != poppler::image::format_argb32) {
      return fail(ErrorCode::corrupt, "page " + std::to_string(index + 1) + " cannot be drawn");
    }
    // poppler's ARGB32 rows are what cairo expects (native-endian, 4 bytes
    // a pixel); cairo draws on them in place.
    cairo_surface_t* surface = cairo_image_surface_create_for_data(
        reinterpret_cast<unsigned char*>(image.data()), CAIRO_FORMAT_ARGB32, image.width(), image.height(),
        image.bytes_per_row());
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
      cairo_surface_destroy(surface);
      return fail(ErrorCode::internal, "no drawing surface for page " + std::to_string(index + 1));
    }
    auto finished = finish_page(surface, watermark_, zoom);
    cairo_surface_destroy(surface);
    return finished;
  }

 private:
  std::unique_ptr<poppler::document> document_;
  poppler::page_renderer renderer_;
  WatermarkLayer watermark_;
};

}  // namespace

Result<std::unique_ptr<PageSource>> open_pdf(const LockedBuffer& content, Watermark watermark) {
  static std::once_flag silenced;
  std::call_once(silenced, [] { poppler::set_debug_error_function(quiet, nullptr); });
  if (content.size() > static_cast<std::size_t>(INT_MAX)) return fail(ErrorCode::too_large, "the PDF is over 2 GiB");
  const auto bytes = content.unsafe_view();
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!document) return fail(ErrorCode::corrupt, "the file is not a readable PDF");
  if (document->is_locked()) return fail(ErrorCode::invalid_argument, "the PDF is password-protected");
  if (document->pages() < 1) return fail(ErrorCode::corrupt, "the PDF has no pages");
  return std::unique_ptr<PageSource>(new PdfPages(std::move(document), std::move(watermark)));
}

}  // namespace custos::viewer
