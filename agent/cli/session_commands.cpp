// custos login | logout | whoami
#include <boost/json.hpp>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/platform/fingerprint.hpp"

namespace custos::cli {
namespace json = boost::json;

namespace {

struct LoginArgs {
  std::string server, fingerprint, user;
};

int login(const LoginArgs& args) {
  auto fingerprint = normalize_fingerprint(args.fingerprint);
  if (!fingerprint) return report(fingerprint.error(), "login");
  auto client = vault::VaultClient::create({args.server, *fingerprint, Secret()});
  if (!client) return report(client.error(), "login");
  auto password = read_password("password: ", "CUSTOS_PASSWORD");
  if (!password) return report(password.error(), "login");
  json::object body{{"user", args.user}, {"password", std::string(password->unsafe_view())}};
  const json::value body_value(std::move(body));
  auto result = client->call("POST", "/api/v1/sessions", &body_value);
  if (!result) return report(result.error(), "login");
  SavedSession session{args.server, *fingerprint, args.user, text_of(*result, "expires_at"),
                       Secret::from_string(text_of(*result, "token"))};
  if (auto saved = save_session(session); !saved) return report(saved.error(), "login");
  std::cout << "logged in as " << args.user << " until " << session.expires_at << "\n";
  return kExitOk;
}

int logout() {
  auto client = logged_in_client();
  if (!client) return report(client.error(), "logout");
  auto result = client->call("DELETE", "/api/v1/sessions/current");
  // The local token goes either way: a session the vault no longer knows is
  // as good as ended.
  if (auto forgotten = forget_session(); !forgotten) return report(forgotten.error(), "logout");
  if (!result && result.error().code != ErrorCode::unauthenticated) return report(result.error(), "logout");
  std::cout << "logged out\n";
  return kExitOk;
}

int whoami(Format format) {
  auto client = logged_in_client();
  if (!client) return report(client.error(), "whoami");
  auto result = client->call("GET", "/api/v1/whoami");
  if (!result) return report(result.error(), "whoami");
  if (format == Format::json) {
    print_json(*result);
  } else {
    std::cout << text_of(*result, "name") << " (" << text_of(*result, "display_name") << "), department "
              << text_of(*result, "department") << ", roles " << text_of(*result, "roles") << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_session_commands(CLI::App& app, Action& action) {
  static LoginArgs args;
  auto* login_cmd = app.add_subcommand("login", "Log in to the vault and keep the session token (mode 0600)");
  login_cmd->add_option("--server", args.server, "Vault URL, e.g. https://127.0.0.1:8443")->required();
  login_cmd->add_option("--fingerprint", args.fingerprint, "The vault certificate's SHA256:… fingerprint")->required();
  login_cmd->add_option("--user", args.user, "Your user name")->required();
  login_cmd->footer("The password is read from the terminal, or from CUSTOS_PASSWORD.");
  login_cmd->callback([&action] { action = [] { return login(args); }; });

  auto* logout_cmd = app.add_subcommand("logout", "End the session and forget its token");
  logout_cmd->callback([&action] { action = [] { return logout(); }; });

  static Format format = Format::text;
  auto* who = app.add_subcommand("whoami", "Show who the saved session belongs to");
  add_format_option(who, format);
  who->callback([&action] { action = [] { return whoami(format); }; });
}

}  // namespace custos::cli
