// Fuzz target for what the vault reads from its clients: an HTTP request
// (head and body) through Beast's parser with the vault's limits and the
// vault's own reading of the head (request_head.cpp), then through the real
// Api — routing, query parameters, JSON bodies, uploads — into the services
// and a real SQLite store in a temporary folder, made once per process.
//
// The first byte picks who sends it: one of five signed-in users (IT engineer,
// project lead, information clerk, department manager, auditor), an unknown
// token, or whatever Authorization the head itself carries (its low three
// bits); with bit 3 set the request also carries an enrolled workstation
// agent's credential (X-Custos-Agent), unless the head has one of its own,
// which reaches the agent's routes, content through an agent and print runs.
// The rest is the request as it would arrive on the wire.
// No input may crash; every answer must be a JSON object, and an error answer
// must be {"error": {"code", "message", "request_id"}} with a status that is
// not 500 (bad input is the client's fault, never the vault's).
//
// Requests that would end the fuzzing users' sessions (logging out, changing
// or resetting their passwords, disabling them) run as a throwaway user of
// the same role, made for that request; revoking the fuzzing agent revokes a
// throwaway agent, enrolled for that request, instead. VAULT_API_FUZZ_TRACE=1 prints each
// answer's status and its start, to see what a corpus reaches.
#include <signal.h>
#include <unistd.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "custos/platform/password.hpp"
#include "custos/platform/random.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/vault/open_vault.hpp"
#include "custos/vault/request_head.hpp"
#include "custos/vault/vault_home.hpp"

namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using custos::Secret;
using custos::vault::Api;
using custos::vault::ApiRequest;
using custos::vault::ApiResponse;
using custos::vault::RouteKind;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "vault_api fuzz: %s\n", why.c_str());
  std::abort();
}

// Every answer is a JSON object; an error's has the documented shape.
void check(const ApiResponse& response) {
  if (std::getenv("VAULT_API_FUZZ_TRACE")) std::fprintf(stderr, "%u %s\n", response.status, response.body.substr(0, 160).c_str());
  if (response.status == 500) die("500 for client input: " + response.body);
  if (response.content_type != "application/json") return;
  boost::system::error_code ec;
  const auto body = json::parse(response.body, ec);
  if (ec || !body.is_object()) die("answer is not a JSON object: " + response.body);
  if (response.status >= 400) {
    const auto* error = body.as_object().if_contains("error");
    if (error == nullptr || !error->is_object()) die("error answer without \"error\": " + response.body);
    for (const char* key : {"code", "message", "request_id"}) {
      const auto* field = error->as_object().if_contains(key);
      if (field == nullptr || !field->is_string()) die(std::string("error answer without \"") + key + "\"");
    }
  }
}

// The server's upload path: start_upload(), the body, finish_upload().
// Nothing when the upload is refused mid-stream (too large): it is dropped
// unfinished, as when a client is cut off.
std::optional<ApiResponse> stream_upload(Api& api, const ApiRequest& request) {
  auto started = api.start_upload(request);
  if (!started) return Api::error_response(started.error(), request.request_id);
  const auto& body = request.body;
  if (auto wrote = started->upload->write({reinterpret_cast<const std::uint8_t*>(body.data()), body.size()}); !wrote) {
    return std::nullopt;
  }
  return api.finish_upload(*started);
}

ApiRequest json_request(std::string method, std::string path, const std::string& token, json::object body) {
  ApiRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.bearer = Secret::from_string(token);
  request.source = "127.0.0.1";
  request.request_id = custos::random_id();
  request.body = json::serialize(body);
  request.content_type = "application/json";
  return request;
}

struct World {
  std::filesystem::path dir;
  std::unique_ptr<custos::vault::OpenVault> vault;
  static constexpr std::array<const char*, 5> kRoles = {"it_engineer", "project_lead", "info_clerk", "dept_manager",
                                                       "auditor"};
  std::array<std::string, 5> names;
  std::array<std::string, 5> tokens;
  int throwaway = 0;
  std::string enrollment_token;
  std::string agent_name;
  std::string agent_credential;

  Api& api() { return vault->api(); }

  std::string login(const std::string& name, const std::string& password) {
    auto answer = api().handle(json_request("POST", "/api/v1/sessions", "", {{"user", name}, {"password", password}}));
    if (answer.status != 201) die("login of " + name + " failed: " + answer.body);
    return std::string(json::parse(answer.body).at("token").as_string());
  }

  // A new user of `role` in claims, signed in: its token.
  std::string make_user(const std::string& name, const char* role) {
    const std::string password = "fuzz-password-" + name;
    auto answer = api().handle(json_request("POST", "/api/v1/users", tokens[0],
                                            {{"name", name}, {"department", "claims"},
                                             {"roles", json::array{role}}, {"password", password}}));
    if (answer.status != 201) die("creating " + name + " failed: " + answer.body);
    return login(name, password);
  }

  // A newly enrolled agent of claims: its name and credential.
  std::pair<std::string, std::string> enroll() {
    const std::string host = "fuzz-ws-" + std::to_string(++throwaway);
    auto answer = api().handle(json_request("POST", "/api/v1/agents/enroll", "",
                                            {{"token", enrollment_token}, {"hostname", host}, {"machine_id", host}}));
    if (answer.status != 201) die("enrolling an agent failed: " + answer.body);
    const auto body = json::parse(answer.body);
    return {std::string(body.at("agent").at("name").as_string()), std::string(body.at("credential").as_string())};
  }

  World() {
    const std::filesystem::path base = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : std::filesystem::temp_directory_path();
    // Folders of earlier runs that crashed (their process is gone) go first.
    const std::string prefix = "custos-vault-api-fuzz-";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
      const auto name = entry.path().filename().string();
      if (!name.starts_with(prefix)) continue;
      const auto pid = std::atoi(name.c_str() + prefix.size());
      if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) std::filesystem::remove_all(entry.path(), ec);
    }
    dir = base / (prefix + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    custos::vault::InitOptions options;
    options.admin_department = "claims";
    options.admin_password = Secret::from_string("fuzz-admin-password");
    if (auto made = custos::vault::init_vault(dir, std::move(options)); !made) die(made.error().describe());
    custos::vault::VaultConfig config;
    config.data_dir = dir;
    config.auth.cost = custos::password::minimum_for_tests_only();
    auto opened = custos::vault::OpenVault::open(custos::vault::VaultPaths{dir}, config);
    if (!opened) die(opened.error().describe());
    vault = std::move(*opened);
    names[0] = "admin";
    tokens[0] = login("admin", "fuzz-admin-password");
    for (std::size_t i = 1; i < kRoles.size(); ++i) {
      names[i] = std::string("fuzz-") + kRoles[i];
      tokens[i] = make_user(names[i], kRoles[i]);
    }
    // One document to point at (id 1), granted to the clerk for 30 days, so
    // that content and print requests reach past the grant check.
    ApiRequest upload;
    upload.method = "POST";
    upload.path = "/api/v1/documents";
    upload.query = {{"title", "seed"}, {"level", "confidential"}, {"filename", "seed.txt"}};
    upload.bearer = Secret::from_string(tokens[1]);
    upload.request_id = custos::random_id();
    upload.body = "seed document";
    if (auto answer = stream_upload(api(), upload); !answer || answer->status != 201) die("seed upload refused");
    const auto until = custos::format_rfc3339(std::time(nullptr) + 30 * 86400);
    auto granted = api().handle(json_request("POST", "/api/v1/documents/1/grants", tokens[1],
                                             {{"user", names[2]}, {"until", until}}));
    if (granted.status != 201) die("granting the seed document failed: " + granted.body);
    // One enrolled workstation agent of claims; the token enrolls throwaways too.
    auto made = api().handle(json_request("POST", "/api/v1/agents/tokens", tokens[0],
                                          {{"department", "claims"}, {"uses", 10000}}));
    if (made.status != 201) die("making an enrollment token failed: " + made.body);
    enrollment_token = std::string(json::parse(made.body).at("token").as_string());
    std::tie(agent_name, agent_credential) = enroll();
  }
  ~World() {
    vault.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

World& world() {
  static World w;
  return w;
}

// Whether `request` would end its sender's sessions: logging out, changing
// or resetting a password, disabling a user (the router matches paths
// exactly, so the prefixes are enough).
bool ends_sessions(const ApiRequest& request) {
  if (request.method == "DELETE" && request.path.starts_with("/api/v1/sessions")) return true;
  return request.method == "POST" && request.path.starts_with("/api/v1/users/");
}

// Whether `request` would revoke the fuzzing agent.
bool revokes_agent(const ApiRequest& request, const std::string& agent_name) {
  return request.method == "POST" && request.path == "/api/v1/agents/" + agent_name + "/revoke";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto& w = world();
  // 0 and 7: the head's own Authorization (if any); 1–5 a role; 6 an unknown token.
  const unsigned who = data[0] % 8;
  const bool with_agent = (data[0] & 8) != 0;
  const std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);

  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(16 * 1024);
  parser.body_limit(1 << 20);
  boost::system::error_code ec;
  const auto used = parser.put(boost::asio::buffer(wire.data(), wire.size()), ec);
  if (!ec && !parser.is_done() && used == wire.size()) parser.put_eof(ec);
  if (ec || !parser.is_header_done()) return 0;

  ApiRequest request;
  request.source = "127.0.0.1";
  if (auto read = custos::vault::read_request_head(parser.get().base(), request); !read) {
    check(Api::error_response(read.error(), request.request_id));
    return 0;
  }
  request.body = parser.get().body();
  if (who >= 1 && who <= 5) {
    std::string token = w.tokens[who - 1];
    if (ends_sessions(request)) {
      for (const auto& name : w.names) {
        if (request.path.find(name) != std::string::npos) return 0;  // never one of ours
      }
      token = w.make_user("fuzz-tmp-" + std::to_string(++w.throwaway), World::kRoles[who - 1]);
    }
    request.bearer = Secret::from_string(token);
  } else if (who == 6) {
    request.bearer = Secret::from_string("cst_unknownunknownunknownunknownunknownunknow");
  }
  if (with_agent && request.agent_credential.empty()) request.agent_credential = Secret::from_string(w.agent_credential);
  if (revokes_agent(request, w.agent_name)) request.path = "/api/v1/agents/" + w.enroll().first + "/revoke";

  auto& api = w.api();
  switch (api.route(request.method, request.path)) {
    case RouteKind::health:
    case RouteKind::json:
    case RouteKind::login:
    case RouteKind::bulk:
      check(api.handle(request));
      break;
    case RouteKind::upload:
      if (auto answer = stream_upload(api, request)) check(*answer);
      break;
    case RouteKind::download: {
      auto reader = api.start_download(request);
      if (!reader) {
        check(Api::error_response(reader.error(), request.request_id));
        break;
      }
      Secret chunk;
      for (;;) {
        auto more = (*reader)->next(chunk);
        if (!more) die("a stored document failed to decrypt: " + more.error().describe());
        if (!*more) break;
      }
      break;
    }
    case RouteKind::metrics:
    case RouteKind::not_found:
      break;
  }
  return 0;
}
