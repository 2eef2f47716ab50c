// For the print tests: PDFs made independently of the code under test, and
// what poppler (pdftotext, pdfinfo, pdftoppm) and zbar read back from a PDF.
// Test code only: writes files in a temporary folder.
#pragma once

#include <filesystem>
#include <string>

#include "custos/platform/encoding.hpp"

namespace custos::print::testing {

// A PDF of `pages` pages (A4, or `width` × `height` points), page n saying
// "original text of page n" and "原文 n".
Bytes sample_pdf(int pages, double width = 595.28, double height = 841.89);

class PdfProbe {
 public:
  explicit PdfProbe(const Bytes& pdf);
  ~PdfProbe();
  int pages() const;
  std::string text(int page) const;   // pdftotext of one page (from 1)
  std::string qr(int page) const;     // what zbarimg decodes on one page, "" when nothing
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path dir_, file_;
};

// Frees the font caches cairo and fontconfig keep for sample_pdf(), so that
// LeakSanitizer reports only real leaks; call it after the last test.
void release_sample_fonts();

// Runs a shell command, returning its standard output.
std::string run_command(const std::string& command);

}  // namespace custos::print::testing
