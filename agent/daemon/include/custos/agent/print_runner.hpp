// `custos print run` on the workstation: the agent prints an approved print
// request for the user who asks on its local socket (docs/printing.md).
//
//   1. the printer queue is resolved in CUPS (the request's, the one asked
//      for, or the default); CUPS down → unavailable, nothing claimed;
//   2. the vault is asked to start the run with the user's session and this
//      agent's credential — it refuses an unapproved request, a second run,
//      a run outside the period of use or on another department's
//      workstation — and answers the trace code;
//   3. the document's content is fetched into memory, made into PDF pages
//      (PDF checked, text and CSV laid out) and stamped on every page;
//   4. the stamped PDF goes to CUPS from memory and the agent waits for the
//      job to complete;
//   5. the vault is told: complete (job id, pages) — or, when anything in
//      3–4 failed before a job completed, abort, which leaves the approval
//      unused.
// Steps 1, 3 (layout and stamp) and 4 happen in a custos-agent-worker of
// the run's own (agent_worker.hpp), which the agent starts for it: the
// agent fetches and talks to the vault; the worker parses, stamps and
// speaks to CUPS. A worker lost mid-run is an internal error and the
// approval is handed back. No file is written: content, pages and stamp
// live in memory, and the buffers holding content are wiped when the run
// ends.
//
// `custos print preview DOC` asks for a preview of a vault document: the
// content is fetched the same way (the vault refuses it without a live
// grant, and for a level the policy forbids to print, and audits the
// release as a print preview), laid out in memory, and what goes back to
// the user is only the stamp with its PREVIEW mark over blank pages of the
// same number and sizes — the layout, none of the content.
//
// Thread-safety: run() on one thread at a time (the local API's).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "custos/agent/agent_state.hpp"
#include "custos/agent/event_sink.hpp"
#include "custos/agent/local_api.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/secret.hpp"

namespace custos::agent {

struct PrintOutcome {
  std::int64_t request = 0;
  std::string printer;
  int job_id = 0;
  int pages = 0;   // per copy
  int copies = 0;
  std::string code;
};

struct PreviewOutcome {
  std::int64_t document = 0;
  int pages = 0;
  Bytes pdf;  // the stamp over blank pages: nothing of the document's content
};

class PrintRunner {
 public:
  // `worker`: the configured custos-agent-worker (empty: next to this program).
  PrintRunner(const AgentState& state, std::filesystem::path worker, EventSink& events,
              std::chrono::seconds job_timeout = std::chrono::seconds(120));

  Result<PrintOutcome> run(std::int64_t request, std::string_view printer, const Secret& session);

  Result<PreviewOutcome> preview(std::int64_t document, const Secret& session, uid_t uid);

  // The local API's "print" command: {"command": "print", "request": N,
  // "printer": "…", "token": "<the user's session>"} → the outcome as JSON;
  // and its "print-preview" command: {"command": "print-preview",
  // "document": N, "token": "…"} → {"document", "pages", "pdf": base64};
  // or {"error": {"code", "message"}}.
  std::string answer(std::string_view line, const Peer& peer);

 private:
  std::string answer_preview(std::int64_t document, const Secret& token, const Peer& peer);
  // A run that failed after CUPS had its job `job` (the worker lost, or out
  // of time): a new worker cancels the job; whether it had printed first.
  // An error: nobody can say, and it may yet print.
  Result<bool> settle(const std::string& queue, int job);

  const AgentState& state_;
  std::filesystem::path worker_;
  EventSink& events_;
  std::chrono::seconds job_timeout_;
};

// True when a local API line asks for the "print" or "print-preview" command.
bool is_print_command(std::string_view line);

}  // namespace custos::agent
