#include "cli_context.hpp"

#include <termios.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "custos/platform/files.hpp"
#include "custos/platform/json_text.hpp"
#include "custos/report/table.hpp"

namespace custos::cli {
namespace json = boost::json;

std::filesystem::path config_dir() {
  if (const char* dir = std::getenv("CUSTOS_CONFIG_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "custos";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : ".") / ".config" / "custos";
}

Result<SavedSession> load_session() {
  const auto path = config_dir() / "session.json";
  auto text = files::read_secret(path);
  if (!text) {
    if (text.error().code == ErrorCode::not_found) {
      return fail(ErrorCode::unauthenticated, "not logged in; run 'custos login --server URL --fingerprint SHA256:… --user NAME'");
    }
    return fail(text.error());
  }
  boost::system::error_code ec;
  const auto value = json::parse(text->unsafe_view(), ec);
  if (ec || !value.is_object()) {
    return fail(ErrorCode::corrupt, path.string() + " is damaged; run 'custos login' again");
  }
  SavedSession session;
  session.server = text_of(value, "server");
  session.fingerprint = text_of(value, "fingerprint");
  session.user = text_of(value, "user");
  session.expires_at = text_of(value, "expires_at");
  session.token = Secret::from_string(text_of(value, "token"));
  return session;
}

Result<void> save_session(const SavedSession& session) {
  CUSTOS_TRY_VOID(files::make_private_dir(config_dir()));
  json::object o{{"server", session.server},
                 {"fingerprint", session.fingerprint},
                 {"user", session.user},
                 {"expires_at", session.expires_at},
                 {"token", std::string(session.token.unsafe_view())}};
  auto text = json::serialize(o);
  auto written = files::write_atomic(config_dir() / "session.json", text, 0600);
  std::fill(text.begin(), text.end(), '\0');
  return written;
}

Result<void> forget_session() {
  std::error_code ec;
  std::filesystem::remove(config_dir() / "session.json", ec);
  if (ec) return fail(ErrorCode::io, "cannot remove the saved session: " + ec.message());
  return ok();
}

Result<vault::VaultClient> logged_in_client() {
  auto session = load_session();
  if (!session) return fail(session.error());
  return vault::VaultClient::create({session->server, session->fingerprint, std::move(session->token)});
}

std::string agent_socket(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("CUSTOS_AGENT_SOCKET"); env != nullptr && *env != '\0') return env;
  return "/run/custos-agent/agent.sock";
}

int report(const Error& error, std::string_view what) {
  std::string hint;
  if (error.code == ErrorCode::unauthenticated && what != "login" &&
      error.message.find("log in") == std::string::npos) {
    hint = " (log in again: custos login)";
  }
  // The message may come from the vault: no control character of it reaches the terminal.
  std::fprintf(stderr, "custos: %.*s failed: %s%s\n", static_cast<int>(what.size()), what.data(),
               to_terminal_text(error.message).c_str(), hint.c_str());
  return error.code == ErrorCode::invalid_argument ? kExitUsage : kExitRefused;
}

Result<Secret> read_password(const char* prompt, const char* env) {
  if (env != nullptr) {
    if (const char* given = std::getenv(env); given != nullptr && *given != '\0') return Secret::from_string(given);
  }
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  Secret buffer(1024);
  std::size_t length = 0;
  auto bytes = buffer.unsafe_bytes();
  for (;;) {
    char c = 0;
    const auto got = ::read(STDIN_FILENO, &c, 1);
    if (got <= 0 || c == '\n') break;
    if (length < bytes.size()) bytes[length++] = static_cast<std::uint8_t>(c);
  }
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fprintf(stderr, "\n");
  }
  if (length == 0) return fail(ErrorCode::invalid_argument, "no password given");
  return Secret::from_bytes(bytes.first(length));
}

void print_json(const json::value& value) { std::cout << json::serialize(value) << "\n"; }

void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  // Terminal columns: two for the Chinese characters of titles and names.
  const auto width = [](const std::string& s) { return report::display_width(s); };
  std::vector<std::size_t> widths(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) widths[i] = width(header[i]);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(widths[i] - width(cells[i]) + 2, ' ');
    }
    std::cout << out << "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
}

std::string text_of(const json::value& object, const char* key) {
  if (!object.is_object()) return {};
  const auto* v = object.as_object().if_contains(key);
  if (v == nullptr || v->is_null()) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_bool()) return v->as_bool() ? "yes" : "no";
  if (v->is_array()) {
    std::string out;
    for (const auto& item : v->as_array()) {
      if (!out.empty()) out += ",";
      out += item.is_string() ? std::string(item.as_string()) : json::serialize(item);
    }
    return out;
  }
  return json::serialize(*v);
}

}  // namespace custos::cli
