#include <cups/cups.h>

#include <optional>
#include <thread>

#include "custos/print/printer.hpp"

namespace custos::print {
namespace {

constexpr std::size_t kWriteChunk = 64 * 1024;

Error cups_failure(std::string_view what) {
  const auto status = cupsLastError();
  const std::string detail = cupsLastErrorString() != nullptr ? cupsLastErrorString() : "no reason given";
  if (status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || status == IPP_STATUS_ERROR_INTERNAL) {
    return Error{ErrorCode::unavailable, std::string(what) + ": the print scheduler (CUPS) is not reachable (" +
                                             detail + "); nothing was printed"};
  }
  return Error{ErrorCode::io, std::string(what) + ": CUPS refused (" + detail + ")"};
}

class CupsPrinter final : public Printer {
 public:
  explicit CupsPrinter(std::string server) : server_(std::move(server)) {}

  Result<std::string> resolve(std::string_view wanted) override {
    use_server();
    // Is the scheduler there at all? (A missing queue and a missing
    // scheduler look alike to cupsGetNamedDest.)
    http_t* probe = httpConnect2(cupsServer(), ippPort(), nullptr, AF_UNSPEC, cupsEncryption(), 1, 5000, nullptr);
    if (probe == nullptr) {
      return fail(ErrorCode::unavailable, std::string("the print scheduler (CUPS) at ") + cupsServer() +
                                              " is not reachable; nothing was printed");
    }
    httpClose(probe);
    const std::string name(wanted);
    cups_dest_t* dest = cupsGetNamedDest(CUPS_HTTP_DEFAULT, name.empty() ? nullptr : name.c_str(), nullptr);
    if (dest == nullptr) {
      if (cupsLastError() == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE) return fail(cups_failure("printing"));
      if (name.empty()) {
        return fail(ErrorCode::not_found, "this workstation has no default printer; name one with --printer");
      }
      return fail(ErrorCode::not_found, "there is no printer queue '" + name + "' (lpstat -p lists them)");
    }
    // Copied out: the options belong to `dest`, freed next.
    const auto option = [&](const char* key) {
      const char* value = cupsGetOption(key, dest->num_options, dest->options);
      return std::string(value != nullptr ? value : "");
    };
    const std::string chosen = dest->name;
    const auto accepting = option("printer-is-accepting-jobs");
    const auto state = option("printer-state");
    cupsFreeDests(1, dest);
    if (accepting == "false") {
      return fail(ErrorCode::unavailable, "printer '" + chosen + "' does not accept jobs now");
    }
    if (state == "5") {
      return fail(ErrorCode::unavailable, "printer '" + chosen + "' is stopped");
    }
    return chosen;
  }

  Result<int> submit(const PrintJob& job) override {
    use_server();
    cups_option_t* options = nullptr;
    int count = cupsAddOption("copies", std::to_string(job.copies).c_str(), 0, &options);
    const int id = cupsCreateJob(CUPS_HTTP_DEFAULT, job.queue.c_str(), job.title.c_str(), count, options);
    cupsFreeOptions(count, options);
    if (id == 0) return fail(cups_failure("creating the print job"));
    auto sent = [&]() -> Result<void> {
      if (cupsStartDocument(CUPS_HTTP_DEFAULT, job.queue.c_str(), id, "document", CUPS_FORMAT_PDF, 1) !=
          HTTP_STATUS_CONTINUE) {
        return fail(cups_failure("sending the document"));
      }
      for (std::size_t at = 0; at < job.pdf.size(); at += kWriteChunk) {
        const auto n = std::min(kWriteChunk, job.pdf.size() - at);
        if (cupsWriteRequestData(CUPS_HTTP_DEFAULT, reinterpret_cast<const char*>(job.pdf.data() + at), n) !=
            HTTP_STATUS_CONTINUE) {
          return fail(cups_failure("sending the document"));
        }
      }
      if (cupsFinishDocument(CUPS_HTTP_DEFAULT, job.queue.c_str()) > IPP_STATUS_OK_EVENTS_COMPLETE) {
        return fail(cups_failure("finishing the document"));
      }
      return ok();
    }();
    if (!sent) {
      (void)cupsCancelJob2(CUPS_HTTP_DEFAULT, job.queue.c_str(), id, 1);
      return fail(sent.error());
    }
    return id;
  }

  Result<void> wait(std::string_view queue, int job, std::chrono::milliseconds limit) override {
    use_server();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      auto found = state_of(queue, job);
      if (!found) return fail(found.error());
      const auto state = found->value_or(IPP_JSTATE_PENDING);  // not listed yet: still to come
      if (state == IPP_JSTATE_COMPLETED) return ok();
      if (state == IPP_JSTATE_ABORTED || state == IPP_JSTATE_CANCELED) {
        return fail(ErrorCode::io, "CUPS job " + std::to_string(job) + " was " +
                                       (state == IPP_JSTATE_ABORTED ? "aborted" : "canceled"));
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return fail(ErrorCode::timeout, "CUPS job " + std::to_string(job) + " did not finish in " +
                                            std::to_string(limit.count() / 1000) + " s; see lpstat -o");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }

  Result<bool> cancel(std::string_view queue, int job, std::chrono::milliseconds limit) override {
    use_server();
    const std::string name(queue);
    // Refused for a job that has already ended; its state says how.
    (void)cupsCancelJob2(CUPS_HTTP_DEFAULT, name.c_str(), job, 0);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      auto found = state_of(queue, job);
      if (!found) return fail(found.error());
      // Not listed: ended and forgotten (PreserveJobHistory No), printed or not.
      if (!found->has_value()) {
        return fail(ErrorCode::unavailable, "CUPS no longer lists job " + std::to_string(job) +
                                                "; it may have printed (keep PreserveJobHistory on)");
      }
      if (**found == IPP_JSTATE_COMPLETED) return true;
      if (**found == IPP_JSTATE_CANCELED || **found == IPP_JSTATE_ABORTED) return false;
      if (std::chrono::steady_clock::now() >= deadline) {
        return fail(ErrorCode::unavailable, "CUPS job " + std::to_string(job) + " was not cancelled in " +
                                                std::to_string(limit.count() / 1000) + " s; see lpstat -o");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }

 private:
  // The job's state, or nothing when the scheduler does not list it.
  Result<std::optional<ipp_jstate_t>> state_of(std::string_view queue, int job) const {
    const std::string name(queue);
    cups_job_t* jobs = nullptr;
    const int count = cupsGetJobs2(CUPS_HTTP_DEFAULT, &jobs, name.c_str(), 0, CUPS_WHICHJOBS_ALL);
    if (count < 0) return fail(cups_failure("following the print job"));
    std::optional<ipp_jstate_t> state;
    for (int i = 0; i < count; ++i) {
      if (jobs[i].id == job) state = jobs[i].state;
    }
    cupsFreeJobs(count, jobs);
    return state;
  }

  // libcups keeps the server per thread.
  void use_server() const {
    if (!server_.empty()) cupsSetServer(server_.c_str());
  }

  std::string server_;
};

}  // namespace

std::unique_ptr<Printer> make_cups_printer(std::string server) {
  return std::make_unique<CupsPrinter>(std::move(server));
}

}  // namespace custos::print
