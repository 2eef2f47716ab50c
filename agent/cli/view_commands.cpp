// custos view DOC: asks the workstation's agent (its local socket) to open a
// delivered file in the view-only viewer, then opens the one-time address in
// the user's browser. The session token travels over the socket, never on a
// command line; the address may appear on the browser's command line, which
// is harmless: it works once, and only for this local user.
#include <spawn.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdlib>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/agent/local_api.hpp"

extern char** environ;

namespace custos::cli {
namespace json = boost::json;

namespace {

struct ViewArgs {
  long long id = 0;
  std::string socket;
  bool no_browser = false;
  Format format = Format::text;
};

// $BROWSER, else xdg-open; started and left running (the viewer closes on
// its own). Returns false when neither could be started.
bool open_browser(const std::string& url) {
  const char* browser = std::getenv("BROWSER");
  const std::string program = browser != nullptr && *browser != '\0' ? browser : "xdg-open";
  std::string arg0 = program, arg1 = url;
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  if (::posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv, environ) != 0) return false;
  return true;
}

int view(const ViewArgs& a) {
  auto session = load_session();
  if (!session) return report(session.error(), "view");
  std::string request = json::serialize(json::object{{"command", "view"},
                                                     {"document", a.id},
                                                     {"server", session->server},
                                                     {"session", session->token.unsafe_view()}});
  // Opening fetches the content and renders the first page: more than the
  // status request's 2 s on a large file or a slow link.
  auto answer = agent::local_request(agent_socket(a.socket), request, std::chrono::seconds(60));
  wipe(request);
  if (!answer) {
    return report(Error{answer.error().code, answer.error().message +
                                                 "; documents are viewed only on an enrolled workstation with "
                                                 "custos-agent running"},
                  "view");
  }
  boost::system::error_code ec;
  auto parsed = json::parse(*answer, ec);
  if (ec || !parsed.is_object()) return report(Error{ErrorCode::corrupt, "the agent's answer is not JSON"}, "view");
  if (const auto* error = parsed.as_object().if_contains("error"); error != nullptr) {
    return report(Error{error_code_from_string(text_of(*error, "code")), text_of(*error, "message")}, "view");
  }
  const auto url = text_of(parsed, "url");
  if (a.format == Format::json) {
    print_json(parsed);
  } else {
    std::printf("document %s: %s pages, view %s\n%s\n", text_of(parsed, "document").c_str(),
                text_of(parsed, "pages").c_str(), text_of(parsed, "trace").c_str(), url.c_str());
  }
  if (!a.no_browser && !open_browser(url)) {
    std::fprintf(stderr, "custos: no browser could be started ($BROWSER or xdg-open); open the address above once\n");
  }
  return kExitOk;
}

}  // namespace

void add_view_commands(CLI::App& app, Action& action) {
  static ViewArgs a;
  auto* cmd = app.add_subcommand("view", "View a delivered file on this workstation (view only: no saving, printing or copying)");
  cmd->add_option("document", a.id, "The document's id")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--socket", a.socket, "The agent's socket (default $CUSTOS_AGENT_SOCKET or /run/custos-agent/agent.sock)");
  cmd->add_flag("--no-browser", a.no_browser, "Print the one-time address only; open it yourself, once");
  add_format_option(cmd, a.format);
  cmd->callback([&action] { action = [] { return view(a); }; });
}

}  // namespace custos::cli
