#include "print_api.hpp"

#include "api_support.hpp"

namespace custos::vault {
namespace {

using namespace api_support;

Result<UnixSeconds> time_field(const JsonBody& body, const char* key) {
  auto text = body.text(key);
  if (!text) return fail(text.error());
  return parse_time(*text);
}

Result<std::int64_t> count_field(const JsonBody& body, const char* key) {
  const auto* v = body.find(key);
  if (v == nullptr || !v->is_int64()) {
    return fail(ErrorCode::invalid_argument, std::string("\"") + key + "\" must be a whole number");
  }
  return v->as_int64();
}

}  // namespace

boost::json::object print_request_json(const PrintRequest& r, UnixSeconds now) {
  const auto number = [](const std::optional<std::int64_t>& v) -> json::value {
    if (!v) return nullptr;
    return json::value(*v);
  };
  return json::object{{"id", r.id},
                      {"document_id", r.document_id},
                      {"level", to_string(r.level)},
                      {"department", r.department},
                      {"requested_by", r.requested_by_name},
                      {"receiver", r.requested_by_display.empty() ? r.requested_by_name : r.requested_by_display},
                      {"copies", r.copies},
                      {"reason", r.reason},
                      {"printer", r.printer},
                      {"requested_at", format_rfc3339(r.requested_at)},
                      {"state", to_string(r.state)},
                      {"decided_by", r.decided_by_name},
                      {"decided_at", time_or_null(r.decided_at)},
                      {"decision_reason", r.decision_reason},
                      {"valid_from", time_or_null(r.valid_from)},
                      {"valid_until", time_or_null(r.valid_until)},
                      {"agent", r.agent},
                      {"printer_used", r.printer_used},
                      {"started_at", time_or_null(r.started_at)},
                      {"printed_at", time_or_null(r.printed_at)},
                      {"job_id", number(r.job_id)},
                      {"pages", number(r.pages)},
                      {"received_at", time_or_null(r.received_at)},
                      {"returned", r.returned},
                      {"shredded", r.shredded},
                      {"outstanding", r.outstanding()},
                      {"overdue", r.overdue(now)}};
}

Result<ApiResponse> handle_print(PrintService& prints, Action action, std::optional<Id> id, std::string_view name,
                                 const Agent* agent, const ApiRequest& request, const Principal& principal,
                                 const Origin& origin) {
  const auto answer = [&](unsigned status, const Result<PrintRequest>& r) -> Result<ApiResponse> {
    if (!r) return fail(r.error());
    return json_response(status, print_request_json(*r, origin.now));
  };
  if (action == Action::print_list && !id) {
    PrintListing listing;
    if (auto state = query_text(request, "state")) {
      listing.state = print_state_from_string(*state);
      if (*listing.state == PrintState::unknown) {
        return fail(ErrorCode::invalid_argument, "state is pending, approved, refused, printing or printed");
      }
    }
    const auto overdue = query_text(request, "overdue");
    listing.overdue = overdue && (*overdue == "1" || *overdue == "true");
    auto list = prints.list(principal, listing, origin);
    if (!list) return fail(list.error());
    return json_response(200, json::object{{"requests", array_of(*list, [&](const PrintRequest& r) {
                                              return print_request_json(r, origin.now);
                                            })}});
  }
  if (action == Action::print_trace) {
    JsonBody body(request.body);
    CUSTOS_TRY_VOID(body.valid());
    auto code = body.text("code");
    if (!code) return fail(code.error());
    return answer(200, prints.trace(principal, *code, origin));
  }
  if (!id) return fail(ErrorCode::invalid_argument, "an id is a positive number");
  if (action == Action::print_list) return answer(200, prints.show(principal, *id, origin));
  if (action == Action::print_receive) return answer(200, prints.receive(principal, *id, origin));
  JsonBody body(request.body.empty() ? std::string_view("{}") : std::string_view(request.body));
  CUSTOS_TRY_VOID(body.valid());
  switch (action) {
    case Action::print_request: {
      NewPrintRequest asked;
      asked.document = *id;
      auto copies = count_field(body, "copies");
      if (!copies) return fail(copies.error());
      if (*copies < 1 || *copies > kMaxPrintCopies) {
        return fail(ErrorCode::invalid_argument, "copies are 1 to " + std::to_string(kMaxPrintCopies));
      }
      asked.copies = static_cast<int>(*copies);
      auto reason = body.text("reason");
      if (!reason) return fail(reason.error());
      asked.reason = std::move(*reason);
      asked.printer = body.text("printer", false).value_or("");
      return answer(201, prints.request(principal, asked, origin));
    }
    case Action::print_approve: {
      auto from = time_field(body, "from");
      if (!from) return fail(from.error());
      auto until = time_field(body, "until");
      if (!until) return fail(until.error());
      return answer(200, prints.approve(principal, *id, *from, *until, origin));
    }
    case Action::print_refuse: {
      auto reason = body.text("reason");
      if (!reason) return fail(reason.error());
      return answer(200, prints.refuse(principal, *id, *reason, origin));
    }
    case Action::print_account: {
      auto copies = count_field(body, "copies");
      if (!copies) return fail(copies.error());
      if (*copies < 1 || *copies > kMaxPrintCopies) {
        return fail(ErrorCode::invalid_argument, "copies are 1 to " + std::to_string(kMaxPrintCopies));
      }
      // Why copies were shredded goes into the destruction register.
      const bool shred = name == "shred";
      auto reason = shred ? body.text("reason", false) : Result<std::string>(std::string());
      if (!reason) return fail(reason.error());
      return answer(200, prints.account(principal, *id, shred ? CopyOutcome::shredded : CopyOutcome::returned,
                                        static_cast<int>(*copies), *reason, origin));
    }
    case Action::print_start: {
      if (agent == nullptr) return fail(ErrorCode::unauthenticated, "printing needs an enrolled workstation's agent");
      auto printer = body.text("printer");
      if (!printer) return fail(printer.error());
      auto started = prints.start(principal, *agent, *id, *printer, origin);
      if (!started) return fail(started.error());
      return json_response(200, json::object{{"request", print_request_json(started->request, origin.now)},
                                             {"code", started->code},
                                             {"title", started->title},
                                             {"filename", started->filename},
                                             {"content_type", started->content_type},
                                             {"printed_at", format_rfc3339(origin.now)}});
    }
    case Action::print_complete: {
      if (agent == nullptr) return fail(ErrorCode::unauthenticated, "printing needs an enrolled workstation's agent");
      auto job = count_field(body, "job_id");
      if (!job) return fail(job.error());
      auto pages = count_field(body, "pages");
      if (!pages) return fail(pages.error());
      return answer(200, prints.complete(principal, *agent, *id, *job, *pages, origin));
    }
    case Action::print_abort: {
      if (agent == nullptr) return fail(ErrorCode::unauthenticated, "printing needs an enrolled workstation's agent");
      const auto reason = body.text("reason", false).value_or("");
      return answer(200, prints.abort(principal, *agent, *id, reason, origin));
    }
    default:
      return fail(ErrorCode::not_found, "no such API endpoint");
  }
}

}  // namespace custos::vault
