// What may be printed, made into PDF pages (docs/printing.md, "Inputs"):
//   - a PDF, checked (inspect_pdf) and printed as it is;
//   - plain text (text/plain, .txt): UTF-8, laid out on A4 pages in a CJK
//     font, long lines wrapped;
//   - CSV (text/csv, .csv): UTF-8, laid out as a table on A4 landscape pages,
//     its header row repeated at the top of every page.
// Anything else is refused (invalid_argument) and so is text that is not UTF-8.
// Everything happens in memory.
//
// Thread-safety: pure functions; may run concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "custos/platform/encoding.hpp"
#include "custos/platform/error.hpp"

namespace custos::print {

enum class InputKind : std::uint8_t { pdf, text, csv, unsupported };

// From the content type, else the file name's extension, else the bytes
// ("%PDF-").
InputKind input_kind(std::string_view content_type, std::string_view filename, std::span<const std::uint8_t> bytes);

Result<Bytes> layout_text(std::string_view utf8);
Result<Bytes> layout_csv(std::string_view utf8);

// The document as PDF pages to stamp: a PDF checked and copied, text and
// CSV laid out. unsupported for any other kind.
Result<Bytes> printable_pdf(std::span<const std::uint8_t> content, std::string_view content_type,
                            std::string_view filename);

}  // namespace custos::print
