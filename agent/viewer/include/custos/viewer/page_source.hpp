// The viewer's page rendering: a delivered file, held in locked memory,
// turned into page images (PNG) that carry a visible watermark. The browser
// only ever receives these images, never the document's text.
//
//   PDF             poppler-cpp, each page rasterised at the asked zoom;
//   text, CSV and   paginated through cairo + pango (CJK fonts through
//   XLSX            fontconfig): plain text as wrapped lines, CSV as a table
//                   with a header row repeated on every page, a workbook as
//                   one such table per worksheet, each starting on a new
//                   page under the sheet's name.
//
// Which one is chosen from the content's first bytes ("%PDF-", a ZIP) and
// then the content type or file name; anything else (images, Word files,
// encrypted workbooks) is refused with `invalid_argument`, never shown as
// raw bytes.
//
// Nothing here touches the disk: poppler reads the caller's buffer in place,
// the CSV reader, the workbook reader (libzip over the buffer, expat) and
// pango work in memory, and the PNG is written into a LockedBuffer.
//
// Thread-safety: a PageSource is used by one thread at a time (poppler
// documents are not thread-safe); distinct sources may render in parallel.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "custos/platform/error.hpp"
#include "custos/viewer/locked_buffer.hpp"

namespace custos::viewer {

// What the tiled screen watermark names, so that a photograph of the screen
// tells who looked, where and when.
struct Watermark {
  std::string viewer;       // the user's name (and display name)
  std::string workstation;  // the agent's name and host
  std::string time;         // when the view opened, RFC 3339
  std::string trace;        // a short code tying the picture to the view's audit record
};

struct RenderOptions {
  // 1.0 = 96 pixels per inch (an A4 page is 794 × 1123); clamped to 0.25–4.
  double zoom = 1.0;
};

// 0.25–4: a zoom out of range (or not a number) is pulled in, not refused.
double clamp_zoom(double zoom) noexcept;

struct PageImage {
  LockedBuffer png;
  int width = 0;
  int height = 0;
};

class PageSource {
 public:
  virtual ~PageSource() = default;
  // The number of pages, at least 1.
  virtual int page_count() const = 0;
  // Renders page `index` (from 0) with the watermark tiled over it.
  // invalid_argument for a page out of range; corrupt when the file cannot
  // be drawn.
  virtual Result<PageImage> render(int index, const RenderOptions& options) = 0;
  // "pdf", "text", "csv" or "xlsx".
  virtual std::string_view kind() const = 0;
};

// A document held for viewing: its plaintext and the page source reading
// it. `pages` is declared last so that it goes first.
struct OpenDocument {
  std::unique_ptr<LockedBuffer> content;
  std::unique_ptr<PageSource> pages;
};

// Takes `content` and opens it (see open_page_source).
Result<OpenDocument> open_document(LockedBuffer content, std::string_view content_type, std::string_view filename,
                                   Watermark watermark);

// Opens `content` for rendering. The bytes must outlive the source (a PDF is
// read in place). `content_type` and `filename` are the vault's metadata;
// they decide between text, CSV and XLSX (a ZIP is always read as XLSX).
Result<std::unique_ptr<PageSource>> open_page_source(const LockedBuffer& content, std::string_view content_type,
                                                     std::string_view filename, Watermark watermark);

}  // namespace custos::viewer
