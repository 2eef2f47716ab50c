#include "custos/print/pdf_input.hpp"

#include <qpdf/qpdf-c.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace custos::print {
namespace {

struct QpdfDeleter {
  void operator()(qpdf_data q) const { qpdf_cleanup(&q); }
};
using Qpdf = std::unique_ptr<std::remove_pointer_t<qpdf_data>, QpdfDeleter>;

// qpdf's reason, without the description prefix it adds.
std::string reason_of(qpdf_data q) {
  if (qpdf_has_error(q) == QPDF_FALSE) return "it does not parse";
  const char* detail = qpdf_get_error_message_detail(q, qpdf_get_error(q));
  std::string text = detail != nullptr ? detail : "it does not parse";
  if (text.size() > 200) text.resize(200);
  return text;
}

Error malformed(std::string_view why) {
  return Error{ErrorCode::invalid_argument,
               "the PDF is damaged or malformed (" + std::string(why) + "); nothing was printed"};
}

}  // namespace

bool looks_like_pdf(std::span<const std::uint8_t> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()).starts_with("%PDF-");
}

Result<PdfFacts> inspect_pdf(std::span<const std::uint8_t> pdf) {
  if (pdf.size() > kMaxPrintBytes) {
    return fail(ErrorCode::too_large, "the PDF is larger than " + std::to_string(kMaxPrintBytes >> 20) + " MiB");
  }
  if (!looks_like_pdf(pdf)) return fail(malformed("it does not start with %PDF-"));
  Qpdf q(qpdf_init());
  if (!q) return fail(ErrorCode::internal, "qpdf could not start");
  qpdf_silence_errors(q.get());
  qpdf_set_suppress_warnings(q.get(), QPDF_TRUE);
  // A file that needs repair is refused rather than printed as qpdf guesses it.
  qpdf_set_attempt_recovery(q.get(), QPDF_FALSE);
  const auto read = qpdf_read_memory(q.get(), "document", reinterpret_cast<const char*>(pdf.data()), pdf.size(), "");
  if ((read & QPDF_ERRORS) != 0) {
    if (qpdf_is_encrypted(q.get()) == QPDF_TRUE) {
      return fail(ErrorCode::permission_denied, "the PDF is encrypted; controlled printing takes unencrypted PDFs only");
    }
    return fail(malformed(reason_of(q.get())));
  }
  if (qpdf_is_encrypted(q.get()) == QPDF_TRUE) {
    return fail(ErrorCode::permission_denied, "the PDF is encrypted; controlled printing takes unencrypted PDFs only");
  }
  const int pages = qpdf_get_num_pages(q.get());
  if (pages < 0 || qpdf_has_error(q.get()) == QPDF_TRUE) return fail(malformed(reason_of(q.get())));
  if (pages == 0) return fail(malformed("it has no pages"));
  if (pages > kMaxPdfPages) {
    return fail(ErrorCode::too_large, "the PDF has " + std::to_string(pages) + " pages; at most " +
                                          std::to_string(kMaxPdfPages) + " are printed at once");
  }
  for (int i = 0; i < pages; ++i) {
    const qpdf_oh page = qpdf_get_page_n(q.get(), static_cast<std::size_t>(i));
    unsigned char* data = nullptr;
    std::size_t length = 0;
    const auto decoded = qpdf_oh_get_page_content_data(q.get(), page, &data, &length);
    std::free(data);
    if ((decoded & QPDF_ERRORS) != 0 || qpdf_has_error(q.get()) == QPDF_TRUE) {
      return fail(malformed("page " + std::to_string(i + 1) + ": " + reason_of(q.get())));
    }
  }
  if (qpdf_more_warnings(q.get()) == QPDF_TRUE) return fail(malformed("qpdf had to repair it"));
  return PdfFacts{pages};
}

}  // namespace custos::print
