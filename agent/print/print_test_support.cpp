#include "print_test_support.hpp"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace custos::print::testing {
namespace {

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<Bytes*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Bytes sample_pdf(int pages, double width, double height) {
  Bytes out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &out, width, height);
  cairo_t* cr = cairo_create(surface);
  cairo_select_font_face(cr, "WenQuanYi Zen Hei", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 14);
  for (int n = 1; n <= pages; ++n) {
    cairo_move_to(cr, 72, height / 3);
    cairo_show_text(cr, ("original text of page " + std::to_string(n)).c_str());
    cairo_move_to(cr, 72, height / 3 + 30);
    cairo_show_text(cr, ("原文 " + std::to_string(n)).c_str());
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return out;
}

void release_sample_fonts() {
  cairo_debug_reset_static_data();
  FcFini();
}

std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

PdfProbe::PdfProbe(const Bytes& pdf) {
  static int counter = 0;
  dir_ = std::filesystem::temp_directory_path() /
         ("custos-print-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::filesystem::create_directories(dir_);
  file_ = dir_ / "probe.pdf";
  std::ofstream(file_, std::ios::binary).write(reinterpret_cast<const char*>(pdf.data()),
                                                static_cast<std::streamsize>(pdf.size()));
}

PdfProbe::~PdfProbe() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

int PdfProbe::pages() const {
  const auto info = run_command("pdfinfo '" + file_.string() + "' 2>/dev/null");
  const auto at = info.find("Pages:");
  if (at == std::string::npos) return -1;
  return std::atoi(info.c_str() + at + 6);
}

std::string PdfProbe::text(int page) const {
  const auto n = std::to_string(page);
  return run_command("pdftotext -q -f " + n + " -l " + n + " '" + file_.string() + "' -");
}

std::string PdfProbe::qr(int page) const {
  const auto n = std::to_string(page);
  const auto png = (dir_ / ("page-" + n)).string();
  run_command("pdftoppm -q -r 200 -png -singlefile -f " + n + " -l " + n + " '" + file_.string() + "' '" + png + "'");
  auto decoded = run_command("zbarimg -q --raw '" + png + ".png' 2>/dev/null");
  while (!decoded.empty() && (decoded.back() == '\n' || decoded.back() == '\r')) decoded.pop_back();
  return decoded;
}

}  // namespace custos::print::testing
