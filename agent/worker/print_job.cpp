// Printing in the worker (the agent's side: agent/daemon/print_runner.cpp).
//
// print: {"job": "print", "printer": wanted, "timeout_ms"} → {"queue"} —
// then, once the vault has started the run, {"content_type", "filename",
// "copies", "title", "stamp": {…}} with the content → {"submitted": id,
// "pages"} as soon as CUPS has the job, then {"job_id", "pages"} once it
// has printed, or the error (timeout after "timeout_ms").
// cancel: {"job": "cancel", "queue", "job_id"} → {"printed": whether it had
// printed before the cancel took}: the agent's next step when a run fails
// after "submitted", so that no job is left to print later.
// The agent closing the channel instead means: nothing to print.
// preview: {"job": "preview", "content_type", "filename", "workstation"}
// with the content → {"pages"} with the stamped blank pages as bytes.
#include <boost/json.hpp>

#include "custos/print/pdf_input.hpp"
#include "custos/print/printable.hpp"
#include "custos/print/printer.hpp"
#include "custos/print/stamp.hpp"
#include "worker_jobs.hpp"

namespace custos::agent::worker {
namespace {

namespace json = boost::json;

// How long CUPS may take to end a job the worker cancels.
constexpr std::chrono::milliseconds kCancelLimit{10'000};

Result<void> read_content(int channel, const FrameHead& frame, WipedBytes& into) {
  if (frame.size > print::kMaxPrintBytes) return fail(ErrorCode::too_large, "the document is too large to print");
  into.bytes.resize(static_cast<std::size_t>(frame.size));
  return read_exact(channel, into.bytes);
}

// The job's answer, fonts let go first (what a leak checker would count).
int finish(int channel, const Result<json::object>& answer, std::span<const std::uint8_t> bytes = {}) {
  print::release_font_caches();
  if (!answer) return answer_error(channel, answer.error());
  return write_frame(channel, *answer, bytes) ? 0 : 1;
}

Result<json::object> print_pages(int channel, const FrameHead* go, print::Printer& printer, const std::string& queue,
                                 std::chrono::milliseconds timeout) {
  WipedBytes content;
  CUSTOS_TRY_VOID(read_content(channel, *go, content));
  const auto& meta = go->meta;
  WipedBytes pages;
  auto printable = print::printable_pdf(content.bytes, text_of(meta, "content_type"), text_of(meta, "filename"));
  if (!printable) return fail(printable.error());
  pages.bytes = std::move(*printable);
  print::StampText stamp;
  if (const auto* s = meta.if_contains("stamp"); s != nullptr && s->is_object()) {
    const auto& fields = s->as_object();
    stamp.approval = text_of(fields, "approval");
    stamp.receiver = text_of(fields, "receiver");
    stamp.valid_from = text_of(fields, "valid_from");
    stamp.valid_until = text_of(fields, "valid_until");
    stamp.printed_at = text_of(fields, "printed_at");
    stamp.workstation = text_of(fields, "workstation");
    stamp.code = text_of(fields, "code");
  }
  WipedBytes stamped;
  auto made = print::stamp_pdf(pages.bytes, stamp);
  if (!made) return fail(made.error());
  stamped.bytes = std::move(*made);
  auto facts = print::inspect_pdf(stamped.bytes);
  if (!facts) return fail(facts.error());

  print::PrintJob job;
  job.queue = queue;
  job.title = text_of(meta, "title");
  job.copies = static_cast<int>(number_of(meta, "copies"));
  job.pdf = stamped.bytes;
  auto job_id = printer.submit(job);
  if (!job_id) return fail(job_id.error());
  // From here a lost worker leaves a job in CUPS: the agent must know which.
  if (!write_frame(channel, json::object{{"submitted", *job_id}, {"pages", facts->pages}})) {
    (void)printer.cancel(queue, *job_id, kCancelLimit);
    return fail(ErrorCode::unavailable, "the agent went away while printing; the job was cancelled");
  }
  CUSTOS_TRY_VOID(printer.wait(queue, *job_id, timeout));
  return json::object{{"job_id", *job_id}, {"pages", facts->pages}};
}

}  // namespace

int print_job(int channel, const FrameHead& job) {
  // Printing goes to CUPS as libcups finds it ($CUPS_SERVER, client.conf).
  auto printer = print::make_cups_printer("");
  auto queue = printer->resolve(text_of(job.meta, "printer"));
  if (!queue) return answer_error(channel, queue.error());
  if (!write_frame(channel, json::object{{"queue", *queue}})) return 1;
  auto go = read_head(channel);
  if (!go) return 0;  // the vault did not start the run: nothing to print
  return finish(channel, print_pages(channel, &*go, *printer, *queue,
                                     std::chrono::milliseconds(number_of(job.meta, "timeout_ms"))));
}

int cancel_job(int channel, const FrameHead& job) {
  auto printer = print::make_cups_printer("");
  auto printed = printer->cancel(text_of(job.meta, "queue"), static_cast<int>(number_of(job.meta, "job_id")), kCancelLimit);
  if (!printed) return answer_error(channel, printed.error());
  return write_frame(channel, json::object{{"printed", *printed}}) ? 0 : 1;
}

int preview_job(int channel, const FrameHead& job) {
  WipedBytes content;
  if (auto read = read_content(channel, job, content); !read) return finish(channel, fail(read.error()));
  const auto& meta = job.meta;
  WipedBytes pages;
  auto printable = print::printable_pdf(content.bytes, text_of(meta, "content_type"), text_of(meta, "filename"));
  if (!printable) return finish(channel, fail(printable.error()));
  pages.bytes = std::move(*printable);
  auto stamped = print::stamp_blank_pages(pages.bytes, print::preview_stamp(text_of(meta, "workstation")));
  if (!stamped) return finish(channel, fail(stamped.error()));
  auto facts = print::inspect_pdf(*stamped);
  if (!facts) return finish(channel, fail(facts.error()));
  return finish(channel, json::object{{"pages", facts->pages}}, *stamped);
}

std::string text_of(const json::object& meta, const char* key) {
  const auto* v = meta.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t number_of(const json::object& meta, const char* key) {
  const auto* v = meta.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

int answer_error(int channel, const Error& error) {
  (void)write_frame(channel, error_frame(error));
  return 1;
}

}  // namespace custos::agent::worker
