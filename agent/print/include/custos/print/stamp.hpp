// The 受控文件 stamp laid over every page of a printout (docs/printing.md,
// "The stamp"):
//   - a large diagonal "受控文件 CONTROLLED DOCUMENT" mark, light enough to
//     read the page through;
//   - a header line on every page: 受控文件 · approval number · receiver ·
//     使用期限 from 至 until · 第 n/m 页 · printed at (time, workstation);
//   - a QR code in the bottom right corner carrying the trace code (the
//     signed print record id, custos/auditlog/print_code.hpp).
// The stamp is drawn with cairo + pango (a CJK font through fontconfig) as
// one PDF of stamp pages, each the size of its page, and qpdf places stamp
// page i over page i as a form XObject: the page's own content is untouched,
// so its text stays text and the page count stays the same.
//
// Everything happens in memory; nothing is written to disk.
//
// Thread-safety: stamp_pdf may run on several threads at once.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "custos/platform/encoding.hpp"
#include "custos/platform/error.hpp"

namespace custos::print {

struct StampText {
  std::string approval;     // the approval number, e.g. "PR-12"
  std::string receiver;     // who signs for the copies
  std::string valid_from;   // 使用期限: the period of use, as printed (e.g. "2026-11-27")
  std::string valid_until;
  std::string printed_at;   // e.g. "2026-11-27 08:30 UTC"
  std::string workstation;  // the agent's name, e.g. "agent-3"
  std::string code;         // the QR code's text; empty: no QR code
  bool preview = false;     // adds a PREVIEW mark: a layout check, not a controlled copy
};

// The header line of page `page` of `pages`.
std::string header_line(const StampText& text, int page, int pages);

// Stamps every page of `pdf` (checked with inspect_pdf first). The result
// is a new PDF with the same pages.
Result<Bytes> stamp_pdf(std::span<const std::uint8_t> pdf, const StampText& text);

// The stamp alone over blank pages: as many pages as `pdf` has, each of the
// same size (its media, crop and trim boxes and its rotation), stamped with
// `text`. Nothing else of `pdf` reaches the result, so it shows the layout a
// printout would have without any of the document's content — a print
// preview of a vault document.
Result<Bytes> stamp_blank_pages(std::span<const std::uint8_t> pdf, const StampText& text);

// The stamp text of a preview: the PREVIEW mark, a placeholder approval
// (PR-0) and receiver, today as the period of use, `now` as the time of
// printing, and a placeholder code in the QR code.
StampText preview_stamp(std::string_view workstation);

// Frees the font caches pango, cairo and fontconfig keep for the whole
// process, so that a leak checker sees only real leaks. Call it once, at
// the end, when no thread stamps or lays out any more.
void release_font_caches();

}  // namespace custos::print
