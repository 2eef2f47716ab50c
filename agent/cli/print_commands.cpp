// custos print request|approve|refuse|list|show|receive|return|shred|overdue|
// trace|run|preview: controlled printing (docs/printing.md). The vault
// decides; `run` asks the workstation's agent to stamp and print, and
// `preview` shows the stamp's layout (print_preview.hpp).
#include <boost/json.hpp>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/auditlog/print_code.hpp"
#include "custos/platform/timestamp.hpp"
#include "log_trust.hpp"
#include "print_preview.hpp"

namespace custos::cli {
namespace json = boost::json;

namespace {

struct PrintArgs {
  long long id = 0;
  int copies = 0;
  std::string reason, printer, from, until, state, code, socket;
  std::string input;
  std::filesystem::path out, pubkey;
  bool overdue = false;
  Format format = Format::text;
};
PrintArgs a;

std::string request_target(std::string_view verb = {}) {
  std::string target = "/api/v1/print-requests/" + std::to_string(a.id);
  if (!verb.empty()) target += "/" + std::string(verb);
  return target;
}

// A bare date as the end of a period means the whole day: the period ends at
// the next midnight (UTC).
Result<std::string> period_end(const std::string& text) {
  auto parsed = parse_time(text);
  if (!parsed) return fail(parsed.error());
  return format_rfc3339(text.size() == 10 ? *parsed + 86400 : *parsed);
}

std::vector<std::string> row_of(const json::value& r) {
  std::string period;
  if (!text_of(r, "valid_from").empty()) period = text_of(r, "valid_from") + " – " + text_of(r, "valid_until");
  return {text_of(r, "id"), text_of(r, "document_id"), text_of(r, "level"), text_of(r, "requested_by"),
          text_of(r, "copies"), text_of(r, "state"), period, text_of(r, "outstanding"),
          text_of(r, "overdue") == "yes" ? "OVERDUE" : ""};
}

void show_request(const json::value& r) {
  if (a.format == Format::json) return print_json(r);
  for (const char* key : {"id", "document_id", "level", "department", "requested_by", "receiver", "copies", "reason",
                          "state", "decided_by", "decided_at", "decision_reason", "valid_from", "valid_until",
                          "agent", "printer_used", "printed_at", "job_id", "pages", "received_at", "returned",
                          "shredded", "outstanding", "overdue"}) {
    const auto value = text_of(r, key);
    if (!value.empty()) std::cout << key << ": " << value << "\n";
  }
}

// Says what a request is now, in one line.
void say(const json::value& r) {
  if (a.format == Format::json) return print_json(r);
  std::cout << "print request " << text_of(r, "id") << " (document " << text_of(r, "document_id") << ", "
            << text_of(r, "copies") << " copies): " << text_of(r, "state");
  if (!text_of(r, "valid_from").empty()) {
    std::cout << ", period of use " << text_of(r, "valid_from") << " – " << text_of(r, "valid_until");
  }
  if (text_of(r, "state") == "printed") std::cout << ", " << text_of(r, "outstanding") << " copies outstanding";
  std::cout << "\n";
}

int list_requests(bool overdue) {
  std::string target = "/api/v1/print-requests";
  std::string sep = "?";
  if (!a.state.empty()) {
    target += sep + "state=" + url_encode(a.state);
    sep = "&";
  }
  if (overdue) target += sep + "overdue=1";
  return call_vault(overdue ? "print overdue" : "print list", "GET", target, nullptr, [](const json::value& r) {
    if (a.format == Format::json) return print_json(r);
    std::vector<std::vector<std::string>> rows;
    for (const auto& item : r.at("requests").as_array()) rows.push_back(row_of(item));
    print_table({"REQUEST", "DOCUMENT", "LEVEL", "REQUESTER", "COPIES", "STATE", "PERIOD OF USE", "OUTSTANDING", ""},
                rows);
  });
}

int trace(const std::string& code_text) {
  constexpr const char* what = "print trace";
  auto code = auditlog::parse_print_code(code_text);
  if (!code) {
    (void)report(code.error(), what);
    return kExitUsage;
  }
  if (!a.pubkey.empty()) {
    auto key = read_public_key(a.pubkey);
    if (!key) return report(key.error(), what);
    if (auto verified = auditlog::verify_print_code(*code, *key); !verified) return report(verified.error(), what);
    if (a.format == Format::text) {
      std::cout << "signature verified: print record " << code->record << " was issued by this vault\n";
    }
  }
  const json::value body(json::object{{"code", code_text}});
  return call_vault(what, "POST", "/api/v1/print-trace", &body, [](const json::value& r) {
    if (a.format == Format::json) return print_json(r);
    std::cout << "print record " << text_of(r, "id") << ": document " << text_of(r, "document_id") << " ("
              << text_of(r, "level") << ", " << text_of(r, "department") << ")\n"
              << "  printed by " << text_of(r, "requested_by") << " on " << text_of(r, "agent") << " at "
              << text_of(r, "printed_at") << ", printer " << text_of(r, "printer_used") << ", job "
              << text_of(r, "job_id") << "\n"
              << "  approved by " << text_of(r, "decided_by") << " at " << text_of(r, "decided_at")
              << ", period of use " << text_of(r, "valid_from") << " – " << text_of(r, "valid_until") << "\n"
              << "  copies " << text_of(r, "copies") << ": returned " << text_of(r, "returned") << ", shredded "
              << text_of(r, "shredded") << ", outstanding " << text_of(r, "outstanding") << "\n";
  });
}

// `print run`: the agent on this workstation does the printing, with this
// user's session (the vault checks it together with the agent's credential).
int run() {
  constexpr const char* what = "print run";
  auto parsed = ask_print_agent(json::object{{"command", "print"}, {"request", a.id}, {"printer", a.printer}},
                                agent_socket(a.socket), std::chrono::seconds(180));
  if (!parsed) return report(parsed.error(), what);
  if (a.format == Format::json) {
    print_json(*parsed);
  } else {
    std::cout << "printed print request " << a.id << ": " << text_of(*parsed, "copies") << " copies of "
              << text_of(*parsed, "pages") << " pages on " << text_of(*parsed, "printer") << ", CUPS job "
              << text_of(*parsed, "job_id") << "; the receiver signs for them: custos print receive " << a.id << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_print_commands(CLI::App& app, Action& action) {
  auto* print = app.add_subcommand("print", "Controlled printing: requests, approvals, printing, copies");
  print->require_subcommand(1);

  auto* request = print->add_subcommand("request", "Ask to print copies of a document you hold a grant on");
  request->add_option("document", a.id, "Document id")->required()->check(CLI::PositiveNumber);
  request->add_option("--copies", a.copies, "Paper copies (1-50)")->required()->check(CLI::Range(1, 50));
  request->add_option("--reason", a.reason, "Why paper is needed")->required();
  request->add_option("--printer", a.printer, "The printer queue (default: the workstation's default)");
  add_format_option(request, a.format);
  request->callback([&action] {
    action = [] {
      const json::value body(json::object{{"copies", a.copies}, {"reason", a.reason}, {"printer", a.printer}});
      return call_vault("print request", "POST", "/api/v1/documents/" + std::to_string(a.id) + "/print-requests",
                        &body, [](const json::value& r) {
                          if (a.format == Format::json) return print_json(r);
                          std::cout << "print request " << text_of(r, "id") << " is pending; a department manager of "
                                    << text_of(r, "department") << " decides it (custos print approve "
                                    << text_of(r, "id") << ")\n";
                        });
    };
  });

  auto* approve = print->add_subcommand("approve", "Approve a print request for a period of use (department manager)");
  approve->add_option("request", a.id, "Print request id")->required()->check(CLI::PositiveNumber);
  approve->add_option("--from", a.from, "Start of the period of use: YYYY-MM-DD or RFC 3339")->required();
  approve->add_option("--until", a.until, "End of the period of use: YYYY-MM-DD (the whole day) or RFC 3339")
      ->required();
  add_format_option(approve, a.format);
  approve->callback([&action] {
    action = [] {
      auto from = parse_time(a.from);
      auto until = period_end(a.until);
      if (!from || !until) {
        (void)report(from ? until.error() : from.error(), "print approve");
        return kExitUsage;
      }
      const json::value body(json::object{{"from", format_rfc3339(*from)}, {"until", *until}});
      return call_vault("print approve", "POST", request_target("approve"), &body, say);
    };
  });

  auto* refuse = print->add_subcommand("refuse", "Refuse a print request (department manager)");
  refuse->add_option("request", a.id, "Print request id")->required()->check(CLI::PositiveNumber);
  refuse->add_option("--reason", a.reason, "Why it is refused")->required();
  add_format_option(refuse, a.format);
  refuse->callback([&action] {
    action = [] {
      const json::value body(json::object{{"reason", a.reason}});
      return call_vault("print refuse", "POST", request_target("refuse"), &body, say);
    };
  });

  auto* list = print->add_subcommand("list", "List print requests (yours; a manager: the department's)");
  list->add_option("--state", a.state, "Only requests in this state")
      ->check(CLI::IsMember({"pending", "approved", "refused", "printing", "printed"}));
  list->add_flag("--overdue", a.overdue, "Only printed requests whose period ended with copies not returned");
  add_format_option(list, a.format);
  list->callback([&action] { action = [] { return list_requests(a.overdue); }; });

  auto* overdue = print->add_subcommand("overdue", "Copies whose period of use ended and that are not back");
  add_format_option(overdue, a.format);
  overdue->callback([&action] { action = [] { return list_requests(true); }; });

  auto* show = print->add_subcommand("show", "Show one print request");
  show->add_option("request", a.id, "Print request id")->required()->check(CLI::PositiveNumber);
  add_format_option(show, a.format);
  show->callback([&action] {
    action = [] { return call_vault("print show", "GET", request_target(), nullptr, show_request); };
  });

  auto* receive = print->add_subcommand("receive", "Sign for the printed copies (the receiver)");
  receive->add_option("request", a.id, "Print request id")->required()->check(CLI::PositiveNumber);
  add_format_option(receive, a.format);
  receive->callback([&action] {
    action = [] { return call_vault("print receive", "POST", request_target("receive"), nullptr, say); };
  });

  for (const char* verb : {"return", "shred"}) {
    auto* account = print->add_subcommand(
        verb, std::string(verb) == "return" ? "Record copies handed back (department manager)"
                                            : "Record copies shredded (department manager)");
    account->add_option("request", a.id, "Print request id")->required()->check(CLI::PositiveNumber);
    account->add_option("--copies", a.copies, "How many copies")->required()->check(CLI::Range(1, 50));
    const bool shred = std::string_view(verb) == "shred";
    if (shred) account->add_option("--reason", a.reason, "Why they were shredded (shown in the destruction register)");
    add_format_option(account, a.format);
    account->callback([&action, verb, shred] {
      action = [verb, shred] {
        json::object fields{{"copies", a.copies}};
        if (shred && !a.reason.empty()) fields["reason"] = a.reason;
        const json::value body(std::move(fields));
        return call_vault(std::string("print ") + verb, "POST", request_target(verb), &body, say);
      };
    });
  }

  auto* trace_cmd = print->add_subcommand("trace", "Who printed a copy: the text of the QR code on its pages");
  trace_cmd->add_option("code", a.code, "The decoded QR code: CUSTOS-PRINT/1/…")->required();
  trace_cmd->add_option("--pubkey", a.pubkey, "Check the signature offline first with the vault's public key");
  add_format_option(trace_cmd, a.format);
  trace_cmd->callback([&action] { action = [] { return trace(a.code); }; });

  auto* run_cmd = print->add_subcommand("run", "Print an approved request on this workstation (through its agent)");
  run_cmd->add_option("request", a.id, "Print request id")->required()->check(CLI::PositiveNumber);
  run_cmd->add_option("--printer", a.printer, "The printer queue (default: as requested, else the default queue)");
  run_cmd->add_option("--socket", a.socket, "The agent's socket (default $CUSTOS_AGENT_SOCKET or /run/custos-agent/agent.sock)");
  add_format_option(run_cmd, a.format);
  run_cmd->callback([&action] { action = [] { return run(); }; });

  auto* preview_cmd = print->add_subcommand(
      "preview", "The stamp with a PREVIEW mark, to check layouts: over a local file, or over blank pages for a vault document");
  preview_cmd->add_option("document-or-file", a.input,
                          "A vault document id (through this workstation's agent, with your grant), or a local PDF, "
                          ".txt or .csv file (./123 for a file named like a number)")
      ->required();
  preview_cmd->add_option("--out", a.out, "The stamped PDF to write")->required();
  preview_cmd->add_option("--socket", a.socket,
                          "The agent's socket (default $CUSTOS_AGENT_SOCKET or /run/custos-agent/agent.sock)");
  preview_cmd->callback([&action] { action = [] { return preview(a.input, a.out, a.socket); }; });
}

}  // namespace custos::cli
