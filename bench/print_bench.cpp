// Benchmark of the print stamp (agent/print/): lays a long text out into a
// PDF of about 200 pages, then measures
//   - stamp_pdf on it: pages stamped per second (wall and CPU), the header,
//     diagonal mark and QR code drawn per page and placed with qpdf;
//   - the ceiling: `qpdf in.pdf --overlay stamp.pdf --repeat=1 -- out.pdf`,
//     one ready stamp page laid over every page of the same file,
// and prints the ratio. Best of three runs each. Goals (issue 6): >= 100
// pages/s; within 2x of qpdf --overlay.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include "custos/print/pdf_input.hpp"
#include "custos/print/printable.hpp"
#include "custos/print/stamp.hpp"

namespace {

using namespace custos;
using Clock = std::chrono::steady_clock;

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void write(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

print::StampText stamp_text() {
  print::StampText t;
  t.approval = "PR-1042";
  t.receiver = "张三";
  t.valid_from = "2026-11-27";
  t.valid_until = "2026-12-31";
  t.printed_at = "2026-11-27 09:00 UTC";
  t.workstation = "agent-3 ws-claims-07";
  t.code = "CUSTOS-PRINT/1/1042/" + std::string(86, 'A');
  return t;
}

}  // namespace

int main() {
  // About 21 of these lines fit a page: 4,200 lines make about 200 pages.
  std::string text;
  for (int i = 1; i <= 4200; ++i) {
    text += "第 " + std::to_string(i) + " 行 保单号 P" + std::to_string(100000 + i) +
            " 投保人 客户姓名 电话 138****8000 地址 广州市天河区 policy holder record line\n";
  }
  auto pdf = print::layout_text(text);
  if (!pdf) {
    std::fprintf(stderr, "layout failed: %s\n", pdf.error().message.c_str());
    return 1;
  }
  const int pages = print::inspect_pdf(*pdf)->pages;
  std::printf("input: %d pages of laid-out text, %.1f MB\n", pages, static_cast<double>(pdf->size()) / 1e6);

  const auto text_fields = stamp_text();
  double best = 1e9, best_cpu = 1e9;
  Bytes stamped;
  for (int run = 0; run < 3; ++run) {
    const auto start = Clock::now();
    const double cpu = cpu_seconds();
    auto out = print::stamp_pdf(*pdf, text_fields);
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    best_cpu = std::min(best_cpu, cpu_seconds() - cpu);
    if (!out) {
      std::fprintf(stderr, "stamp failed: %s\n", out.error().message.c_str());
      return 1;
    }
    best = std::min(best, wall);
    stamped = std::move(*out);
  }
  std::printf("stamp_pdf: %.0f pages/s wall (%.3f s), %.0f pages/CPU-second\n", pages / best, best, pages / best_cpu);

  // The ceiling: one ready stamp page over every page with qpdf's own tool.
  const auto dir = std::filesystem::temp_directory_path() / ("custos-print-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  write(dir / "in.pdf", *pdf);
  const auto one = print::layout_text(" ");
  write(dir / "stamp.pdf", *print::stamp_pdf(*one, text_fields));
  const std::string command = "qpdf '" + (dir / "in.pdf").string() + "' --overlay '" + (dir / "stamp.pdf").string() +
                              "' --repeat=1 -- '" + (dir / "out.pdf").string() + "'";
  double qpdf_best = 1e9;
  for (int run = 0; run < 3; ++run) {
    const auto start = Clock::now();
    if (std::system(command.c_str()) != 0) {
      std::fprintf(stderr, "qpdf --overlay failed\n");
      return 1;
    }
    qpdf_best = std::min(qpdf_best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::filesystem::remove_all(dir);
  std::printf("qpdf --overlay (ceiling): %.0f pages/s wall (%.3f s)\n", pages / qpdf_best, qpdf_best);
  std::printf("ratio: stamp_pdf takes %.2fx the time of qpdf --overlay (goal <= 2x); %.0f pages/s (goal >= 100)\n",
              best / qpdf_best, pages / best);
  return 0;
}
