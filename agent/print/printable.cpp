#include "custos/print/printable.hpp"

#include "custos/print/pdf_input.hpp"

namespace custos::print {


Result<Bytes> printable_pdf(std::span<const std::uint8_t> content, std::string_view content_type,
                            std::string_view filename) {
  if (content.size() > kMaxPrintBytes) {
    return fail(ErrorCode::too_large, "the document is larger than " + std::to_string(kMaxPrintBytes >> 20) + " MiB");
  }
  const std::string_view text(reinterpret_cast<const char*>(content.data()), content.size());
  switch (input_kind(content_type, filename, content)) {
    case InputKind::pdf: {
      auto facts = inspect_pdf(content);
      if (!facts) return fail(facts.error());
      return Bytes(content.begin(), content.end());
    }
    case InputKind::text: return layout_text(text);
    case InputKind::csv: return layout_csv(text);
    case InputKind::unsupported: break;
  }
  std::string what = "'" + std::string(filename) + "'";
  if (!content_type.empty()) what += " (" + std::string(content_type) + ")";
  return fail(ErrorCode::invalid_argument,
              "only PDF, plain text (.txt) and CSV (.csv) are printed, not " + what + "; convert it to PDF first");
}

}  // namespace custos::print
