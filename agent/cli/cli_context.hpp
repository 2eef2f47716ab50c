// What every `custos` subcommand shares: the saved login, the output format,
// how errors become one line and an exit code, and the vault client.
//
// Exit codes (stable interface): 0 success; 1 the vault refused or found
// something; 2 bad usage or bad input.
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "custos/platform/secret.hpp"
#include "custos/vault/client.hpp"

namespace custos::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;

// The saved login: ~/.config/custos/session.json (or $CUSTOS_CONFIG_DIR),
// folder 0700, file 0600.
struct SavedSession {
  std::string server;
  std::string fingerprint;
  std::string user;
  std::string expires_at;
  Secret token;
};

std::filesystem::path config_dir();
Result<SavedSession> load_session();
Result<void> save_session(const SavedSession& session);
Result<void> forget_session();

// A client for the saved login (fails with a hint to log in when there is none).
Result<vault::VaultClient> logged_in_client();

enum class Format { text, json };

// Prints "custos: <what failed>: <message>" and returns the exit code.
int report(const Error& error, std::string_view what);

// The local agent's socket: `given` (--socket), else $CUSTOS_AGENT_SOCKET,
// else the default of /etc/custos/agent.toml.
std::string agent_socket(const std::string& given);
// Reads a password: from `env` when set, else from the terminal without echo,
// else one line of standard input.
Result<Secret> read_password(const char* prompt, const char* env);

void print_json(const boost::json::value& value);
// A plain text table with a header row.
void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// Runs one JSON call with the saved session and hands the answer to `show`.
template <class Show>
int call_vault(std::string_view what, std::string_view method, const std::string& target,
               const boost::json::value* body, Show show) {
  auto client = logged_in_client();
  if (!client) return report(client.error(), what);
  auto result = client->call(method, target, body);
  if (!result) return report(result.error(), what);
  show(*result);
  return kExitOk;
}

// Field accessors that tolerate missing keys (the vault is a trusted peer,
// but an older one may lack newer fields).
std::string text_of(const boost::json::value& object, const char* key);

}  // namespace custos::cli
