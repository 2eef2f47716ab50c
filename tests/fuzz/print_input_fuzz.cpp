// Fuzzes the PDF input check (custos/print/pdf_input.hpp) and checks what
// its answer promises: an accepted PDF has 1 to kMaxPdfPages pages and
// starts like a PDF; a refusal has a code from the documented set and a
// message.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "custos/print/pdf_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace custos;
  const std::span<const std::uint8_t> bytes(data, size);
  const auto facts = print::inspect_pdf(bytes);
  if (facts) {
    if (facts->pages < 1 || facts->pages > print::kMaxPdfPages || !print::looks_like_pdf(bytes)) std::abort();
    return 0;
  }
  const auto code = facts.error().code;
  if (code != ErrorCode::invalid_argument && code != ErrorCode::permission_denied && code != ErrorCode::too_large) {
    std::abort();
  }
  if (facts.error().message.empty()) std::abort();
  return 0;
}
