// Checking a PDF before anything of it is printed: it must parse without
// repair, not be encrypted, have between 1 and kMaxPdfPages pages, and every
// page's content must decode. The bytes stay in memory (qpdf reads them
// from the buffer; nothing is written anywhere).
//
// This is the agent's parser of outside input (a document's content as the
// vault releases it, a file given to `custos print preview`): it uses
// qpdf's C interface, so it builds in the fuzzing build too
// (tests/fuzz/print_input_fuzz.cpp). Malformed input is an Error, never a
// crash.
//
// Thread-safety: pure function; may run concurrently.
#pragma once

#include <cstdint>
#include <span>

#include "custos/platform/error.hpp"

namespace custos::print {

inline constexpr int kMaxPdfPages = 5000;
inline constexpr std::size_t kMaxPrintBytes = 256ull << 20;

struct PdfFacts {
  int pages = 0;
};

// invalid_argument for a malformed, damaged or empty PDF (with qpdf's
// reason), permission_denied for an encrypted one, too_large past the limits.
Result<PdfFacts> inspect_pdf(std::span<const std::uint8_t> pdf);

// True when the bytes start like a PDF ("%PDF-").
bool looks_like_pdf(std::span<const std::uint8_t> bytes);

}  // namespace custos::print
