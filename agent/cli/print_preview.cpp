#include "print_preview.hpp"

#include <boost/json.hpp>
#include <iostream>

#include "cli_context.hpp"
#include "custos/agent/local_api.hpp"
#include "custos/platform/files.hpp"
#include "custos/print/pdf_input.hpp"
#include "custos/print/printable.hpp"
#include "custos/print/stamp.hpp"

namespace custos::cli {
namespace json = boost::json;
namespace {

constexpr const char* kWhat = "print preview";
// The stamp over at most kMaxPdfPages blank pages, base64 in JSON.
constexpr std::size_t kMaxPreviewAnswer = 256ull << 20;

// A number names a vault document; anything else a local file (write
// ./123 for a local file named 123).
std::optional<long long> document_id(const std::string& input) {
  if (input.empty() || input.size() > 18 || input.find_first_not_of("0123456789") != std::string::npos) return {};
  const auto id = std::stoll(input);
  return id > 0 ? std::optional(id) : std::nullopt;
}

int write_preview(const std::filesystem::path& out, std::span<const std::uint8_t> pdf, int pages,
                  std::string_view what) {
  if (auto written = files::write_atomic(out, pdf, 0644); !written) return report(written.error(), kWhat);
  std::cout << "wrote " << out.string() << " (" << pages << " pages, " << what << ")\n";
  return kExitOk;
}

int preview_file(const std::string& input, const std::filesystem::path& out) {
  auto content = files::read_text(input);
  if (!content) {
    (void)report(content.error(), kWhat);
    return kExitUsage;
  }
  auto pages = print::printable_pdf(as_bytes(*content), "", std::filesystem::path(input).filename().string());
  if (!pages) {
    (void)report(pages.error(), kWhat);
    return kExitUsage;
  }
  auto stamped = print::stamp_pdf(*pages, print::preview_stamp("preview"));
  if (!stamped) {
    (void)report(stamped.error(), kWhat);
    return kExitUsage;
  }
  print::release_font_caches();
  return write_preview(out, *stamped, print::inspect_pdf(*stamped).value_or(print::PdfFacts{}).pages,
                       "stamped PREVIEW");
}

int preview_document(long long document, const std::filesystem::path& out, const std::string& socket) {
  auto answer = ask_print_agent(json::object{{"command", "print-preview"}, {"document", document}}, socket,
                                std::chrono::seconds(180), kMaxPreviewAnswer);
  if (!answer) return report(answer.error(), kWhat);
  const auto* pdf = answer->as_object().if_contains("pdf");
  auto bytes = pdf != nullptr && pdf->is_string() ? base64_decode(pdf->as_string())
                                                  : Result<Bytes>(fail(ErrorCode::corrupt, "the agent sent no PDF"));
  if (!bytes) return report(bytes.error(), kWhat);
  auto facts = print::inspect_pdf(*bytes);
  if (!facts) return report(Error{ErrorCode::corrupt, "the agent's preview is no PDF: " + facts.error().message}, kWhat);
  return write_preview(out, *bytes, facts->pages, "the stamp with a PREVIEW mark over blank pages");
}

}  // namespace

Result<json::value> ask_print_agent(json::object request, const std::string& socket, std::chrono::seconds wait,
                                    std::size_t max_answer) {
  auto session = load_session();
  if (!session) return fail(session.error());
  request["token"] = std::string(session->token.unsafe_view());
  auto line = json::serialize(request);
  auto& token = request["token"].as_string();
  wipe(std::span<char>(token.data(), token.size()));
  auto answer = agent::local_request(socket, line, wait, max_answer);
  wipe(line);
  if (!answer) {
    if (answer.error().code == ErrorCode::unavailable) {
      return fail(ErrorCode::unavailable,
                  "no agent at " + socket + "; printing needs this workstation's custos-agent running");
    }
    return fail(answer.error());
  }
  boost::system::error_code ec;
  auto parsed = json::parse(*answer, ec);
  if (ec || !parsed.is_object()) return fail(ErrorCode::corrupt, "the agent answered no JSON");
  if (const auto* error = parsed.as_object().if_contains("error")) {
    return fail(error_code_from_string(text_of(*error, "code")), text_of(*error, "message"));
  }
  return parsed;
}

int preview(const std::string& input, const std::filesystem::path& out, const std::string& socket) {
  if (const auto document = document_id(input)) return preview_document(*document, out, agent_socket(socket));
  return preview_file(input, out);
}

}  // namespace custos::cli
