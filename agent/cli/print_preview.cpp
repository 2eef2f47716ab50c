#include "print_preview.hpp"

#include <iostream>

#include "cli_context.hpp"
#include "custos/platform/files.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/print/pdf_input.hpp"
#include "custos/print/printable.hpp"
#include "custos/print/stamp.hpp"

namespace custos::cli {

int preview_file(const std::string& input, const std::filesystem::path& out) {
  constexpr const char* what = "print preview";
  auto content = files::read_text(input);
  if (!content) {
    (void)report(content.error(), what);
    return kExitUsage;
  }
  auto pages = print::printable_pdf(as_bytes(*content), "", std::filesystem::path(input).filename().string());
  if (!pages) {
    (void)report(pages.error(), what);
    return kExitUsage;
  }
  const auto today = format_rfc3339(now_seconds());
  print::StampText text;
  text.preview = true;
  text.approval = "PR-0";
  text.receiver = "(preview)";
  text.valid_from = today.substr(0, 10);
  text.valid_until = today.substr(0, 10);
  text.printed_at = today.substr(0, 10) + " " + today.substr(11, 5) + " UTC";
  text.workstation = "preview";
  text.code = "CUSTOS-PRINT/PREVIEW";
  auto stamped = print::stamp_pdf(*pages, text);
  if (!stamped) {
    (void)report(stamped.error(), what);
    return kExitUsage;
  }
  print::release_font_caches();
  if (auto written = files::write_atomic(out, *stamped, 0644); !written) return report(written.error(), what);
  std::cout << "wrote " << out.string() << " (" << print::inspect_pdf(*stamped).value_or(print::PdfFacts{}).pages
            << " pages, stamped PREVIEW)\n";
  return kExitOk;
}

}  // namespace custos::cli
