#include "custos/agent/print_runner.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "custos/platform/encoding.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/agent/agent_worker.hpp"
#include "custos/agent/user_client.hpp"
#include "custos/vault/client.hpp"

namespace custos::agent {
namespace {

namespace json = boost::json;

std::string text_at(const json::value& v, const char* key) {
  if (!v.is_object()) return {};
  const auto* found = v.as_object().if_contains(key);
  if (found == nullptr || !found->is_string()) return {};
  return std::string(found->as_string());
}

std::int64_t number_at(const json::value& v, const char* key) {
  if (!v.is_object()) return 0;
  const auto* found = v.as_object().if_contains(key);
  return found != nullptr && found->is_int64() ? found->as_int64() : 0;
}

// "2026-11-27T08:30:00Z" → "2026-11-27 08:30 UTC".
std::string minutes_of(std::string_view rfc3339) {
  if (rfc3339.size() < 16) return std::string(rfc3339);
  return std::string(rfc3339.substr(0, 10)) + " " + std::string(rfc3339.substr(11, 5)) + " UTC";
}

// The last day of a period that ends (exclusively) at `until`.
std::string last_day(std::string_view until) {
  auto parsed = parse_time(until);
  if (!parsed) return std::string(until.substr(0, 10));
  return format_rfc3339(*parsed - 1).substr(0, 10);
}

// The most a document to print may be (print::kMaxPrintBytes, which the
// worker checks again).
constexpr std::size_t kMaxPrintBytes = 256ull << 20;

// A document's content into memory, at most what may be printed.
Result<void> fetch(vault::VaultClient& client, const std::string& target, Bytes& into) {
  return client.download(target, [&](std::span<const std::uint8_t> piece) -> Result<void> {
    if (into.size() + piece.size() > kMaxPrintBytes) {
      return fail(ErrorCode::too_large, "the document is too large to print");
    }
    into.insert(into.end(), piece.begin(), piece.end());
    return ok();
  });
}

json::object error_json(const Error& e) {
  return json::object{{"error", json::object{{"code", to_string(e.code)}, {"message", e.message}}}};
}

}  // namespace

bool is_print_command(std::string_view line) {
  boost::system::error_code ec;
  auto parsed = json::parse(line, ec);
  return !ec && (text_at(parsed, "command") == "print" || text_at(parsed, "command") == "print-preview");
}

PrintRunner::PrintRunner(const AgentState& state, std::filesystem::path worker, EventSink& events,
                         std::chrono::seconds job_timeout)
    : state_(state), worker_(std::move(worker)), events_(events), job_timeout_(job_timeout) {}

Result<PrintOutcome> PrintRunner::run(std::int64_t request, std::string_view wanted_printer, const Secret& session) {
  auto client = user_client(state_, session);
  if (!client) return fail(client.error());
  const auto base = "/api/v1/print-requests/" + std::to_string(request);

  // 1. The queue, before anything is claimed: CUPS down leaves the approval.
  // The worker speaks to CUPS, for this one job.
  auto shown = client->call("GET", base);
  if (!shown) return fail(shown.error());
  std::string queue_wanted(wanted_printer);
  if (queue_wanted.empty()) queue_wanted = text_at(*shown, "printer");
  auto worker = Worker::start(worker_program(worker_));
  if (!worker) return fail(worker.error());
  const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(job_timeout_).count();
  CUSTOS_TRY_VOID((*worker)->send(json::object{{"job", "print"}, {"printer", queue_wanted}, {"timeout_ms", timeout_ms}}));
  (*worker)->answer_within(std::chrono::seconds(60));
  auto resolved = (*worker)->receive();
  if (!resolved) return fail(resolved.error());
  const auto queue = text_at(*resolved, "queue");
  if (queue.empty()) return fail(ErrorCode::corrupt, "the agent's worker named no printer queue");

  // 2. The vault decides.
  const json::value start_body(json::object{{"printer", queue}});
  auto started = client->call("POST", base + "/start", &start_body);
  if (!started) return fail(started.error());
  const auto& req = started->at("request");
  const auto document = number_at(req, "document_id");
  const int copies = static_cast<int>(number_at(req, "copies"));

  // From here on a failure hands the approval back.
  auto abort = [&](const Error& why) -> Error {
    const json::value body(json::object{{"reason", std::string(to_string(why.code)) + ": " + why.message}});
    if (auto aborted = client->call("POST", base + "/abort", &body); !aborted) {
      spdlog::error("print request {}: the run failed ({}) and the vault was not told: {}", request, why.message,
                    aborted.error().message);
    }
    events_.record("print.failed", Severity::warning,
                   {{"request", request}, {"printer", queue}, {"code", std::string(to_string(why.code))}, {"reason", why.message}});
    return why;
  };

  // 3. Content into memory, pages, stamp.
  WipedBytes content;
  auto downloaded = fetch(*client, "/api/v1/documents/" + std::to_string(document) + "/content", content.bytes);
  if (!downloaded) return fail(abort(downloaded.error()));
  // 4. Pages, stamp and CUPS, in the worker, from memory.
  json::object stamp{{"approval", "PR-" + std::to_string(request)},
                     {"receiver", text_at(req, "receiver")},
                     {"valid_from", text_at(req, "valid_from").substr(0, 10)},
                     {"valid_until", last_day(text_at(req, "valid_until"))},
                     {"printed_at", minutes_of(text_at(*started, "printed_at"))},
                     {"workstation", state_.agent_name + " " + state_.hostname},
                     {"code", text_at(*started, "code")}};
  const json::object job{{"content_type", text_at(*started, "content_type")},
                         {"filename", text_at(*started, "filename")},
                         {"title", "custos PR-" + std::to_string(request)},
                         {"copies", copies},
                         {"stamp", std::move(stamp)}};
  if (auto sent = (*worker)->send(job, content.bytes); !sent) return fail(abort(sent.error()));
  // Laying out and stamping, then CUPS for at most the job's timeout.
  (*worker)->answer_within(job_timeout_ + std::chrono::seconds(120));
  auto printed = (*worker)->receive();
  if (printed && printed->contains("submitted")) {
    // CUPS has the job; the worker waits for it to print.
    const auto submitted = static_cast<int>(number_at(*printed, "submitted"));
    const auto pages = number_at(*printed, "pages");
    printed = (*worker)->receive();
    if (!printed) {
      // Whatever went wrong (the worker lost, the job out of time or ended
      // by CUPS), the job must not be left to print with the approval
      // handed back: it is cancelled first. One that printed before the
      // cancel took has printed; one nobody can say of may yet print, and
      // counts as printed, so that no paper is out without its approval
      // used up.
      auto settled = settle(queue, submitted);
      if (settled && !*settled) return fail(abort(printed.error()));
      if (!settled) {
        const auto why = printed.error().message + "; " + settled.error().message;
        spdlog::warn("print request {}: CUPS job {} may print ({}); counted as printed", request, submitted, why);
        events_.record("print.unconfirmed", Severity::warning,
                       {{"request", request}, {"printer", queue}, {"job", submitted}, {"reason", why}});
      }
      printed = json::object{{"job_id", submitted}, {"pages", pages}};
    }
  }
  if (!printed) return fail(abort(printed.error()));
  const auto job_id = static_cast<int>(number_at(*printed, "job_id"));
  const auto page_count = static_cast<int>(number_at(*printed, "pages"));

  // 5. Printed: the approval is used.
  const json::value complete_body(json::object{{"job_id", job_id}, {"pages", page_count}});
  auto completed = client->call("POST", base + "/complete", &complete_body);
  if (!completed) {
    spdlog::error("print request {} printed as CUPS job {} but the vault was not told: {}", request, job_id,
                  completed.error().message);
  }
  events_.record("print.job", Severity::info,
                 {{"request", request}, {"document", document}, {"printer", queue}, {"job", job_id},
                  {"pages", page_count}, {"copies", copies}});
  if (!completed) return fail(completed.error());
  return PrintOutcome{request, queue, job_id, page_count, copies, text_at(*started, "code")};
}

Result<bool> PrintRunner::settle(const std::string& queue, int job) {
  auto worker = Worker::start(worker_program(worker_));
  if (!worker) return fail(worker.error());
  CUSTOS_TRY_VOID((*worker)->send(json::object{{"job", "cancel"}, {"queue", queue}, {"job_id", job}}));
  (*worker)->answer_within(std::chrono::seconds(60));
  auto answer = (*worker)->receive();
  if (!answer) return fail(answer.error());
  const auto* printed = answer->if_contains("printed");
  if (printed == nullptr || !printed->is_bool()) {
    return fail(ErrorCode::corrupt, "the agent's worker did not say whether CUPS job " + std::to_string(job) + " printed");
  }
  return printed->as_bool();
}

Result<PreviewOutcome> PrintRunner::preview(std::int64_t document, const Secret& session, uid_t uid) {
  auto client = user_client(state_, session);
  if (!client) return fail(client.error());
  const auto id = std::to_string(document);
  auto meta = client->call("GET", "/api/v1/documents/" + id);
  if (!meta) return fail(meta.error());
  // The vault checks the grant and the print rule and audits the release.
  WipedBytes content;
  CUSTOS_TRY_VOID(fetch(*client, "/api/v1/documents/" + id + "/content?purpose=print-preview", content.bytes));
  auto worker = Worker::start(worker_program(worker_));
  if (!worker) return fail(worker.error());
  const json::object job{{"job", "preview"},
                         {"content_type", text_at(*meta, "content_type")},
                         {"filename", text_at(*meta, "filename")},
                         {"workstation", state_.agent_name + " " + state_.hostname}};
  CUSTOS_TRY_VOID((*worker)->send(job, content.bytes));
  (*worker)->answer_within(std::chrono::seconds(120));
  Bytes stamped;
  auto made = (*worker)->receive(stamped, kMaxPrintBytes * 4);
  if (!made) return fail(made.error());
  const auto page_count = static_cast<int>(number_at(*made, "pages"));
  events_.record("print.preview", Severity::info, {{"document", document}, {"pages", page_count}, {"uid", uid}});
  return PreviewOutcome{document, page_count, std::move(stamped)};
}

std::string PrintRunner::answer(std::string_view line, const Peer& peer) {
  boost::system::error_code ec;
  auto parsed = json::parse(line, ec);
  if (!ec && text_at(parsed, "command") == "print-preview") {
    return answer_preview(number_at(parsed, "document"), Secret::from_string(text_at(parsed, "token")), peer);
  }
  const auto request = ec ? 0 : number_at(parsed, "request");
  auto token = Secret::from_string(ec ? std::string() : text_at(parsed, "token"));
  if (request <= 0 || token.empty()) {
    return json::serialize(error_json(Error{ErrorCode::invalid_argument,
                                            "send {\"command\": \"print\", \"request\": N, \"token\": SESSION}"}));
  }
  spdlog::info("print request {} asked by uid {} (pid {})", request, peer.uid, peer.pid);
  auto outcome = run(request, text_at(parsed, "printer"), token);
  if (!outcome) {
    spdlog::warn("print request {} not printed: {}", request, outcome.error().describe());
    return json::serialize(error_json(outcome.error()));
  }
  return json::serialize(json::object{{"request", outcome->request},
                                      {"printer", outcome->printer},
                                      {"job_id", outcome->job_id},
                                      {"pages", outcome->pages},
                                      {"copies", outcome->copies},
                                      {"code", outcome->code}});
}

std::string PrintRunner::answer_preview(std::int64_t document, const Secret& token, const Peer& peer) {
  if (document <= 0) {
    return json::serialize(error_json(Error{ErrorCode::invalid_argument, "\"document\" must be a positive number"}));
  }
  if (token.empty()) {
    return json::serialize(error_json(Error{ErrorCode::unauthenticated, "no session: log in first (custos login)"}));
  }
  spdlog::info("print preview of document {} asked by uid {} (pid {})", document, peer.uid, peer.pid);
  auto outcome = preview(document, token, peer.uid);
  if (!outcome) {
    spdlog::warn("print preview of document {} refused: {}", document, outcome.error().describe());
    return json::serialize(error_json(outcome.error()));
  }
  return json::serialize(json::object{
      {"document", outcome->document}, {"pages", outcome->pages}, {"pdf", base64_encode(outcome->pdf)}});
}

}  // namespace custos::agent
