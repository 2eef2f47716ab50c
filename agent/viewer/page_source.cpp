#include "custos/viewer/page_source.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "pdf_pages.hpp"
#include "text_pages.hpp"
#include "xlsx_reader.hpp"

namespace custos::viewer {
namespace {

constexpr std::string_view kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<std::unique_ptr<PageSource>> open_page_source(const LockedBuffer& content, std::string_view content_type,
                                                     std::string_view filename, Watermark watermark) {
  const auto bytes = content.unsafe_view();
  // The bytes decide first: a PDF is a PDF whatever it was called.
  if (bytes.starts_with("%PDF-")) return open_pdf(content, std::move(watermark));
  const auto type = lower(content_type.substr(0, content_type.find(';')));
  const auto name = lower(filename);
  // A ZIP (or the OLE container of an encrypted Office file) is read as a
  // workbook, which refuses anything else packaged (a .docx) by itself.
  if (bytes.starts_with("PK\x03\x04") || bytes.starts_with(kOleMagic) || type == kXlsxType || name.ends_with(".xlsx")) {
    return open_xlsx(content, std::move(watermark));
  }
  if (type == "text/csv" || name.ends_with(".csv")) return open_csv(content, std::move(watermark));
  if (type.starts_with("text/") || name.ends_with(".txt")) return open_text(content, std::move(watermark));
  return fail(ErrorCode::invalid_argument, "files of type '" + type + "' cannot be viewed (PDF, text, CSV and XLSX can)");
}

Result<OpenDocument> open_document(LockedBuffer content, std::string_view content_type, std::string_view filename,
                                   Watermark watermark) {
  OpenDocument document;
  document.content = std::make_unique<LockedBuffer>(std::move(content));
  auto pages = open_page_source(*document.content, content_type, filename, std::move(watermark));
  if (!pages) return fail(pages.error());
  document.pages = std::move(*pages);
  return document;
}

}  // namespace custos::viewer
