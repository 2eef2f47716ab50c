#include "custos/vault/api.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <vector>

#include "api_json.hpp"
#include "api_support.hpp"
#include "agents_api.hpp"
#include "print_api.hpp"
#include "records_api.hpp"

namespace custos::vault {
namespace json = boost::json;
namespace {

using namespace api_support;

constexpr std::string_view kPrefix = "/api/v1/";

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.starts_with(kPrefix)) return out;
  path.remove_prefix(kPrefix.size());
  while (!path.empty()) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// One route: what it is, which action it decides, and how to read its body.
struct Route {
  Action action;
  RouteKind kind;
  std::optional<Id> id;       // the {id} in the path
  std::string_view name;      // the {name} in the path
};

std::optional<Route> match(std::string_view method, std::string_view path) {
  const auto s = segments(path);
  const auto n = s.size();
  auto is = [&](std::initializer_list<std::string_view> expected) {
    if (expected.size() != n) return false;
    std::size_t i = 0;
    for (auto part : expected) {
      if (part != "*" && part != s[i]) return false;
      ++i;
    }
    return true;
  };
  const bool get = method == "GET", post = method == "POST", del = method == "DELETE";
  if (post && is({"sessions"})) return Route{Action::session_login, RouteKind::login, {}, {}};
  if (del && is({"sessions", "current"})) return Route{Action::session_logout, RouteKind::json, {}, {}};
  if (get && is({"whoami"})) return Route{Action::whoami, RouteKind::json, {}, {}};
  if (post && is({"users", "me", "password"})) return Route{Action::password_change, RouteKind::login, {}, {}};
  if (get && is({"users"})) return Route{Action::user_list, RouteKind::json, {}, {}};
  if (post && is({"users"})) return Route{Action::user_create, RouteKind::login, {}, {}};
  if (post && is({"users", "*", "disable"})) return Route{Action::user_disable, RouteKind::json, {}, s[1]};
  if (post && is({"users", "*", "password"})) return Route{Action::user_reset_password, RouteKind::login, {}, s[1]};
  if (get && is({"departments"})) return Route{Action::department_list, RouteKind::json, {}, {}};
  if (post && is({"departments"})) return Route{Action::department_create, RouteKind::json, {}, {}};
  if (get && is({"documents"})) return Route{Action::document_list, RouteKind::json, {}, {}};
  if (post && is({"documents"})) return Route{Action::document_upload, RouteKind::upload, {}, {}};
  if (get && is({"documents", "*"})) return Route{Action::document_show, RouteKind::json, parse_id(s[1]), s[1]};
  if (get && is({"documents", "*", "content"})) {
    return Route{Action::document_content, RouteKind::download, parse_id(s[1]), s[1]};
  }
  if (get && is({"documents", "*", "view-check"})) {
    return Route{Action::document_view_check, RouteKind::json, parse_id(s[1]), s[1]};
  }
  if (post && is({"documents", "*", "grants"})) return Route{Action::grant_create, RouteKind::json, parse_id(s[1]), s[1]};
  if (get && is({"documents", "*", "grants"})) return Route{Action::grant_list, RouteKind::json, parse_id(s[1]), s[1]};
  if (del && is({"grants", "*"})) return Route{Action::grant_revoke, RouteKind::json, parse_id(s[1]), s[1]};
  if (get && is({"grants", "mine"})) return Route{Action::grant_list_mine, RouteKind::json, {}, {}};
  if (get && is({"audit"})) return Route{Action::audit_list, RouteKind::json, {}, {}};
  if (post && is({"policies"})) return Route{Action::policy_apply, RouteKind::json, {}, {}};
  if (get && is({"policies"})) return Route{Action::policy_history, RouteKind::json, {}, {}};
  if (get && is({"policies", "current"})) return Route{Action::policy_show, RouteKind::json, {}, {}};
  if (get && is({"policies", "current", "bundles", "*"})) return Route{Action::policy_bundle, RouteKind::json, {}, s[3]};
  if (post && is({"documents", "*", "destruction-requests"})) {
    return Route{Action::destruction_request, RouteKind::json, parse_id(s[1]), s[1]};
  }
  if (get && is({"destruction-requests"})) return Route{Action::destruction_list, RouteKind::json, {}, {}};
  if (post && is({"destruction-requests", "*", "supervise"})) {
    return Route{Action::document_destroy, RouteKind::json, parse_id(s[1]), s[1]};
  }
  if (post && is({"destruction-requests", "*", "refuse"})) {
    return Route{Action::destruction_refuse, RouteKind::json, parse_id(s[1]), s[1]};
  }
  if (get && is({"log", "head"})) return Route{Action::log_head, RouteKind::json, {}, {}};
  if (get && is({"log", "inclusion"})) return Route{Action::log_proof, RouteKind::json, {}, "inclusion"};
  if (get && is({"log", "consistency"})) return Route{Action::log_proof, RouteKind::json, {}, "consistency"};
  if (get && is({"log", "export"})) return Route{Action::log_entries, RouteKind::json, {}, "export"};
  if (get && is({"log", "entries"})) return Route{Action::log_entries, RouteKind::json, {}, "entries"};
  if (get && is({"log", "certificate"})) return Route{Action::log_proof, RouteKind::json, {}, "certificate"};
  if (post && is({"audit", "hash"})) return Route{Action::audit_hash, RouteKind::json, {}, {}};
  if (get && is({"registers", "lending"})) return Route{Action::register_lending, RouteKind::json, {}, {}};
  if (get && is({"registers", "destruction"})) return Route{Action::register_destruction, RouteKind::json, {}, {}};
  if (post && is({"records", "imports"})) return Route{Action::records_import, RouteKind::bulk, {}, {}};
  if (get && is({"records"})) return Route{Action::records_list, RouteKind::json, {}, {}};
  if (get && is({"records", "export"})) return Route{Action::records_export, RouteKind::json, {}, {}};
  if (post && is({"records", "screen"})) return Route{Action::records_screen, RouteKind::json, {}, {}};
  if (get && is({"records", "suspicious"})) return Route{Action::records_cases, RouteKind::json, {}, {}};
  if (post && is({"records", "suspicious", "*", "clear"})) {
    return Route{Action::records_case_clear, RouteKind::json, parse_id(s[2]), s[2]};
  }
  if (get && is({"records", "channels"})) return Route{Action::records_channel_list, RouteKind::json, {}, {}};
  if (post && is({"records", "channels"})) return Route{Action::records_channel_set, RouteKind::json, {}, {}};
  if (post && is({"agents", "tokens"})) return Route{Action::agent_token_create, RouteKind::json, {}, {}};
  if (post && is({"agents", "enroll"})) return Route{Action::agent_enroll, RouteKind::json, {}, {}};
  if (get && is({"agents"})) return Route{Action::agent_list, RouteKind::json, {}, {}};
  if (get && is({"agents", "*"})) return Route{Action::agent_list, RouteKind::json, {}, s[1]};
  if (get && is({"agents", "*", "events"})) return Route{Action::agent_list, RouteKind::json, {}, s[1]};
  if (post && is({"agents", "*", "revoke"})) return Route{Action::agent_revoke, RouteKind::json, {}, s[1]};
  if (post && is({"agent", "heartbeat"})) return Route{Action::agent_heartbeat, RouteKind::json, {}, {}};
  if (post && is({"agent", "events"})) return Route{Action::agent_events, RouteKind::bulk, {}, {}};
  if (get && is({"agent", "policy"})) return Route{Action::agent_policy, RouteKind::json, {}, {}};
  if (post && is({"documents", "*", "print-requests"})) {
    return Route{Action::print_request, RouteKind::json, parse_id(s[1]), s[1]};
  }
  if (get && is({"print-requests"})) return Route{Action::print_list, RouteKind::json, {}, {}};
  if (get && is({"print-requests", "*"})) return Route{Action::print_list, RouteKind::json, parse_id(s[1]), s[1]};
  if (post && is({"print-requests", "*", "*"})) {
    static const std::array<std::pair<std::string_view, Action>, 8> kVerbs = {{
        {"approve", Action::print_approve}, {"refuse", Action::print_refuse}, {"start", Action::print_start},
        {"complete", Action::print_complete}, {"abort", Action::print_abort}, {"receive", Action::print_receive},
        {"return", Action::print_account}, {"shred", Action::print_account},
    }};
    for (const auto& [verb, action] : kVerbs) {
      if (s[2] == verb) return Route{action, RouteKind::json, parse_id(s[1]), s[2]};
    }
    return std::nullopt;
  }
  if (post && is({"print-trace"})) return Route{Action::print_trace, RouteKind::json, {}, {}};
  if (get && is({"records", "*"})) return Route{Action::records_list, RouteKind::json, parse_id(s[1]), s[1]};
  if (post && is({"records", "*", "fix"})) return Route{Action::records_fix, RouteKind::json, parse_id(s[1]), s[1]};
  return std::nullopt;
}

std::string target_for(const Route& route) {
  switch (route.action) {
    case Action::user_disable:
    case Action::user_reset_password: return "user:" + std::string(route.name);
    case Action::document_show:
    case Action::document_content:
    case Action::document_view_check:
    case Action::grant_create:
    case Action::grant_list:
    case Action::destruction_request: return "document:" + std::string(route.name);
    case Action::document_destroy:
    case Action::destruction_refuse: return "destruction_request:" + std::string(route.name);
    case Action::grant_revoke: return "grant:" + std::string(route.name);
    case Action::policy_bundle: return "department:" + std::string(route.name);
    case Action::records_list:
      if (route.name.empty()) return "records";
      return "record:" + std::string(route.name);
    case Action::records_fix: return "record:" + std::string(route.name);
    case Action::records_case_clear: return "case:" + std::string(route.name);
    case Action::agent_list:
      if (route.name.empty()) return "agents";
      return "agent:" + std::string(route.name);
    case Action::agent_revoke: return "agent:" + std::string(route.name);
    case Action::print_request: return "document:" + std::string(route.name);
    case Action::print_list:
      if (!route.id) return "print_requests";
      return "print_request:" + std::to_string(*route.id);
    case Action::print_approve:
    case Action::print_refuse:
    case Action::print_start:
    case Action::print_complete:
    case Action::print_abort:
    case Action::print_receive:
    case Action::print_account:
      return route.id ? "print_request:" + std::to_string(*route.id) : std::string("print_request");
    default: return std::string(to_string(route.action));
  }
}

// The "reason" of a destruction request or refusal body.
Result<std::string> reason_of(std::string_view text) {
  JsonBody body(text);
  CUSTOS_TRY_VOID(body.valid());
  return body.text("reason");
}

}  // namespace

unsigned Api::http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return 400;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::permission_denied: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::timeout: return 408;
    case ErrorCode::already_exists:
    case ErrorCode::conflict: return 409;
    case ErrorCode::expired: return 410;
    case ErrorCode::too_large: return 413;
    case ErrorCode::locked: return 423;
    case ErrorCode::unavailable:
    case ErrorCode::io: return 503;
    default: return 500;
  }
}

ApiResponse Api::error_response(const Error& error, const std::string& request_id) {
  json::object body;
  body["error"] = json::object{{"code", to_string(error.code)}, {"message", error.message}, {"request_id", request_id}};
  return json_response(http_status(error.code), std::move(body));
}

RouteKind Api::route(std::string_view method, std::string_view path) const {
  if (path == "/healthz" && method == "GET") return RouteKind::health;
  if (path == "/metrics" && method == "GET") return RouteKind::metrics;
  auto found = match(method, path);
  return found ? found->kind : RouteKind::not_found;
}

Origin Api::origin_of(const ApiRequest& request) const {
  return Origin{request.request_id, request.source, now_seconds(), ""};
}

ApiResponse Api::refuse(const Error& error, const Origin& origin, const Principal* principal, Action action,
                        const std::string& target) {
  // Fail closed: a refusal that cannot be recorded is answered as unavailable.
  if (auto recorded = s_.audit.record(refusal_audit(origin, principal, action, target, error)); !recorded) {
    return error_response(Error{ErrorCode::unavailable, "the audit log cannot be written; nothing was done"},
                          origin.request_id);
  }
  return error_response(error, origin.request_id);
}

Result<Agent> Api::authenticate_agent(const ApiRequest& request, const Origin& origin, const Principal* principal,
                                     Action action, const std::string& target) {
  auto agent = [&]() -> Result<Agent> {
    if (request.agent_credential.empty()) {
      return fail(ErrorCode::unauthenticated,
                  "this needs an enrolled workstation's agent (custos view on an enrolled workstation)");
    }
    return s_.agents.authenticate(request.agent_credential);
  }();
  if (!agent) CUSTOS_TRY_VOID(s_.audit.record(refusal_audit(origin, principal, action, target, agent.error())));
  return agent;
}

Result<Principal> Api::authenticate(const ApiRequest& request, const Origin& origin, Action action,
                                    const std::string& target) {
  if (request.bearer.empty()) {
    Error error{ErrorCode::unauthenticated, "log in first (custos login)"};
    CUSTOS_TRY_VOID(s_.audit.record(refusal_audit(origin, nullptr, action, target, error)));
    return fail(std::move(error));
  }
  auto principal = s_.auth.authenticate(request.bearer, origin);
  if (!principal) {
    CUSTOS_TRY_VOID(s_.audit.record(refusal_audit(origin, nullptr, action, target, principal.error())));
  }
  return principal;
}

ApiResponse Api::handle(const ApiRequest& request) {
  if (request.path == "/healthz") return json_response(200, json::object{{"status", "ok"}});
  const auto origin = origin_of(request);
  const auto route = match(request.method, request.path);
  if (!route) {
    return error_response(Error{ErrorCode::not_found, "no such API endpoint: " + request.method + " " + request.path},
                          request.request_id);
  }
  const auto target = target_for(*route);

  if (route->action == Action::session_login) {
    JsonBody body(request.body);
    auto fields = [&]() -> Result<LoginResult> {
      CUSTOS_TRY_VOID(body.valid());
      auto name = body.text("user");
      if (!name) return fail(name.error());
      auto password = body.secret("password");
      if (!password) return fail(password.error());
      return s_.auth.login(*name, *password, origin);
    }();
    if (!fields) {
      // Malformed bodies reach no login check, so they are recorded here.
      if (fields.error().code == ErrorCode::invalid_argument) {
        return refuse(fields.error(), origin, nullptr, route->action, target);
      }
      return error_response(fields.error(), request.request_id);
    }
    json::object out;
    out["token"] = std::string(fields->token.unsafe_view());
    out["expires_at"] = format_rfc3339(fields->session.expires_at);
    out["idle_timeout_seconds"] = s_.auth.policy().idle_seconds;
    out["user"] = api_json::user(fields->user);
    return json_response(201, std::move(out));
  }

  if (route->action == Action::agent_enroll) {
    auto enrolled = handle_enroll(s_.agents, s_.policies.public_key(), request, origin);
    if (!enrolled) return refuse(enrolled.error(), origin, nullptr, route->action, target);
    return std::move(*enrolled);
  }
  if (route->action == Action::agent_heartbeat || route->action == Action::agent_events ||
      route->action == Action::agent_policy) {
    auto agent = authenticate_agent(request, origin, nullptr, route->action, target);
    if (!agent) return error_response(agent.error(), request.request_id);
    Origin from_agent = origin;
    from_agent.agent_id = agent->name;
    auto answer = handle_agent_call(s_.agents, route->action, *agent, request, from_agent);
    if (!answer) return refuse(answer.error(), from_agent, nullptr, route->action, "agent:" + agent->name);
    return std::move(*answer);
  }

  auto principal = authenticate(request, origin, route->action, target);
  if (!principal) return error_response(principal.error(), request.request_id);

  // A print run comes from the requester's session through an enrolled
  // workstation's agent: both are needed, as for content.
  if (route->action == Action::print_start || route->action == Action::print_complete ||
      route->action == Action::print_abort) {
    auto agent = authenticate_agent(request, origin, &*principal, route->action, target);
    if (!agent) return error_response(agent.error(), request.request_id);
    Origin from_agent = origin;
    from_agent.agent_id = agent->name;
    auto answer = handle_print(s_.prints, route->action, route->id, route->name, &*agent, request, *principal,
                               from_agent);
    if (!answer) return refuse(answer.error(), from_agent, &*principal, route->action, target);
    return std::move(*answer);
  }

  auto result = [&]() -> Result<ApiResponse> {
    switch (route->action) {
      case Action::session_logout: {
        CUSTOS_TRY_VOID(s_.auth.logout(*principal, origin));
        return json_response(200, json::object{{"logged_out", true}});
      }
      case Action::whoami: {
        CUSTOS_TRY_VOID(s_.audit.record(make_audit(origin, &*principal, Action::whoami, "user:" + principal->user.name,
                                                   Outcome::allowed, "ok")));
        return json_response(200, api_json::user(principal->user));
      }
      case Action::password_change: {
        JsonBody body(request.body);
        CUSTOS_TRY_VOID(body.valid());
        auto old_password = body.secret("old_password");
        if (!old_password) return fail(old_password.error());
        auto new_password = body.secret("new_password");
        if (!new_password) return fail(new_password.error());
        CUSTOS_TRY_VOID(s_.auth.change_password(*principal, *old_password, *new_password, origin));
        return json_response(200, json::object{{"changed", true}, {"sessions_ended", true}});
      }
      case Action::user_list: {
        auto users = s_.directory.list_users(*principal, origin);
        if (!users) return fail(users.error());
        return json_response(200, json::object{{"users", array_of(*users, api_json::user)}});
      }
      case Action::user_create: {
        JsonBody body(request.body);
        CUSTOS_TRY_VOID(body.valid());
        NewUser user;
        auto name = body.text("name");
        if (!name) return fail(name.error());
        user.name = *name;
        user.display_name = body.text("display_name", false).value_or("");
        auto dept = body.text("department");
        if (!dept) return fail(dept.error());
        user.department = *dept;
        const auto* roles = body.find("roles");
        if (roles == nullptr || !roles->is_array()) {
          return fail(ErrorCode::invalid_argument, "\"roles\" must be an array of role names");
        }
        for (const auto& role : roles->as_array()) {
          const auto parsed = role.is_string() ? role_from_string(std::string_view(role.as_string())) : Role::unknown;
          if (parsed == Role::unknown) {
            return fail(ErrorCode::invalid_argument, "unknown role; roles are it_engineer, project_lead, info_clerk, "
                                                     "dept_manager, general_manager, auditor");
          }
          user.roles.add(parsed);
        }
        auto password = body.secret("password", false);
        if (!password) return fail(password.error());
        if (!password->empty()) user.password = std::move(*password);
        auto created = s_.directory.create_user(*principal, std::move(user), origin);
        if (!created) return fail(created.error());
        json::object out{{"user", api_json::user(created->user)}};
        if (created->generated_password) {
          out["generated_password"] = std::string(created->generated_password->unsafe_view());
        }
        return json_response(201, std::move(out));
      }
      case Action::user_disable: {
        auto user = s_.directory.disable_user(*principal, route->name, origin);
        if (!user) return fail(user.error());
        return json_response(200, api_json::user(*user));
      }
      case Action::user_reset_password: {
        JsonBody body(request.body.empty() ? std::string_view("{}") : std::string_view(request.body));
        CUSTOS_TRY_VOID(body.valid());
        auto password = body.secret("password", false);
        if (!password) return fail(password.error());
        std::optional<Secret> chosen;
        if (!password->empty()) chosen = std::move(*password);
        auto generated = s_.directory.reset_password(*principal, route->name, std::move(chosen), origin);
        if (!generated) return fail(generated.error());
        json::object out{{"reset", true}};
        if (*generated) out["generated_password"] = std::string((*generated)->unsafe_view());
        return json_response(200, std::move(out));
      }
      case Action::department_list: {
        auto list = s_.directory.list_departments(*principal, origin);
        if (!list) return fail(list.error());
        return json_response(200, json::object{{"departments", array_of(*list, api_json::department)}});
      }
      case Action::department_create: {
        JsonBody body(request.body);
        CUSTOS_TRY_VOID(body.valid());
        auto name = body.text("name");
        if (!name) return fail(name.error());
        auto made = s_.directory.create_department(*principal, *name, origin);
        if (!made) return fail(made.error());
        return json_response(201, api_json::department(*made));
      }
      case Action::document_list: {
        auto docs = s_.documents.list(*principal, origin);
        if (!docs) return fail(docs.error());
        return json_response(200, json::object{{"documents", array_of(*docs, api_json::document)}});
      }
      case Action::document_show: {
        if (!route->id) return fail(ErrorCode::invalid_argument, "a document id is a positive number");
        auto doc = s_.documents.show(*principal, *route->id, origin);
        if (!doc) return fail(doc.error());
        return json_response(200, api_json::document(*doc));
      }
      case Action::document_view_check: {
        // Like the content: the user's session and an enrolled agent.
        auto agent = authenticate_agent(request, origin, &*principal, route->action, target);
        if (!agent) return fail(agent.error());
        if (!route->id) return fail(ErrorCode::invalid_argument, "a document id is a positive number");
        auto grant = s_.documents.check_view(*principal, *route->id, origin, agent->department);
        if (!grant) return fail(grant.error());
        return json_response(200, json::object{{"document", *route->id},
                                               {"grant", grant->id},
                                               {"expires_at", format_rfc3339(grant->expires_at)}});
      }
      case Action::grant_create: {
        if (!route->id) return fail(ErrorCode::invalid_argument, "a document id is a positive number");
        JsonBody body(request.body);
        CUSTOS_TRY_VOID(body.valid());
        auto user = body.text("user");
        if (!user) return fail(user.error());
        auto until_text = body.text("until");
        if (!until_text) return fail(until_text.error());
        auto until = parse_time(*until_text);
        if (!until) return fail(until.error());
        auto made = s_.grants.grant(*principal, *route->id, *user, *until, origin);
        if (!made) return fail(made.error());
        return json_response(201, api_json::grant(*made, origin.now));
      }
      case Action::grant_list: {
        if (!route->id) return fail(ErrorCode::invalid_argument, "a document id is a positive number");
        auto list = s_.grants.of_document(*principal, *route->id, origin);
        if (!list) return fail(list.error());
        return json_response(200, json::object{{"grants", array_of(*list, [&](const Grant& g) {
                                                  return api_json::grant(g, origin.now);
                                                })}});
      }
      case Action::grant_revoke: {
        if (!route->id) return fail(ErrorCode::invalid_argument, "a grant id is a positive number");
        auto revoked = s_.grants.revoke(*principal, *route->id, origin);
        if (!revoked) return fail(revoked.error());
        return json_response(200, api_json::grant(*revoked, origin.now));
      }
      case Action::grant_list_mine: {
        auto list = s_.grants.mine(*principal, origin);
        if (!list) return fail(list.error());
        return json_response(200, json::object{{"grants", array_of(*list, [&](const Grant& g) {
                                                  return api_json::grant(g, origin.now);
                                                })}});
      }
      case Action::audit_list: {
        AuditQuery query;
        auto text = [&](const char* key) { return query_text(request, key); };
        query.actor = text("actor");
        query.action = text("action");
        query.target = text("target");
        if (auto outcome = text("outcome")) {
          if (*outcome != "allowed" && *outcome != "refused") {
            return fail(ErrorCode::invalid_argument, "outcome is allowed or refused");
          }
          query.outcome = *outcome == "allowed" ? Outcome::allowed : Outcome::refused;
        }
        for (auto [key, slot] : {std::pair{"since", &query.since}, std::pair{"until", &query.until}}) {
          if (auto value = text(key)) {
            auto parsed = parse_time(*value);
            if (!parsed) return fail(parsed.error());
            *slot = *parsed;
          }
        }
        if (auto after = text("after")) {
          auto parsed = parse_id(*after);
          if (!parsed) return fail(ErrorCode::invalid_argument, "after is a positive sequence number");
          query.after_seq = *parsed;
        }
        if (auto limit = text("limit")) {
          auto parsed = parse_id(*limit);
          if (!parsed || *parsed > 10000) return fail(ErrorCode::invalid_argument, "limit is 1 to 10000");
          query.limit = static_cast<int>(*parsed);
        }
        auto records = list_audit(s_.store, s_.audit, *principal, query, origin);
        if (!records) return fail(records.error());
        return json_response(200, json::object{{"events", array_of(*records, api_json::audit)}});
      }
      case Action::policy_apply: {
        JsonBody body(request.body);
        CUSTOS_TRY_VOID(body.valid());
        auto source = body.text("source");
        if (!source) return fail(source.error());
        const auto file = body.text("file", false).value_or("");
        auto applied = s_.policies.apply(*principal, *source, file, origin);
        if (!applied) return fail(applied.error());
        json::array departments;
        for (const auto& d : applied->departments) departments.emplace_back(d);
        return json_response(201, json::object{{"version", applied->record.version},
                                               {"sha256", applied->record.source_sha256},
                                               {"applied_at", format_rfc3339(applied->record.applied_at)},
                                               {"departments", std::move(departments)},
                                               {"warnings", applied->warnings}});
      }
      case Action::policy_show: {
        auto shown = s_.policies.current(*principal, query_text(request, "department"), origin);
        if (!shown) return fail(shown.error());
        return json_response(200, json::object{{"version", shown->record.version},
                                               {"file", shown->record.file_name},
                                               {"sha256", shown->record.source_sha256},
                                               {"applied_by", shown->record.applied_by_name},
                                               {"applied_at", format_rfc3339(shown->record.applied_at)},
                                               {"policy", shown->canonical}});
      }
      case Action::policy_history: {
        auto list = s_.policies.history(*principal, origin);
        if (!list) return fail(list.error());
        return json_response(200, json::object{{"versions", array_of(*list, [](const PolicyRecord& p) {
                                                  return json::object{{"version", p.version},
                                                                      {"file", p.file_name},
                                                                      {"sha256", p.source_sha256},
                                                                      {"applied_by", p.applied_by_name},
                                                                      {"applied_at", format_rfc3339(p.applied_at)}};
                                                })}});
      }
      case Action::policy_bundle: {
        auto department = url_decode(route->name, false);
        if (!department) return fail(department.error());
        auto bundle = s_.policies.bundle(*principal, *department, origin);
        if (!bundle) return fail(bundle.error());
        return json_response(200, json::object{{"department", *department}, {"bundle", *bundle}});
      }
      case Action::destruction_request: {
        if (!route->id) return fail(ErrorCode::invalid_argument, "a document id is a positive number");
        auto reason = reason_of(request.body);
        if (!reason) return fail(reason.error());
        auto made = s_.destruction.request(*principal, *route->id, *reason, origin);
        if (!made) return fail(made.error());
        return json_response(201, api_json::destruction_request(*made));
      }
      case Action::destruction_list: {
        std::optional<DestructionState> state;
        if (auto found = request.query.find("state"); found != request.query.end() && !found->second.empty()) {
          state = destruction_state_from_string(found->second);
          if (*state == DestructionState::unknown) {
            return fail(ErrorCode::invalid_argument, "state is pending, supervised or refused");
          }
        }
        auto list = s_.destruction.list(*principal, state, origin);
        if (!list) return fail(list.error());
        return json_response(200, json::object{{"requests", array_of(*list, api_json::destruction_request)}});
      }
      case Action::document_destroy: {
        if (!route->id) return fail(ErrorCode::invalid_argument, "a destruction request id is a positive number");
        auto record = s_.destruction.supervise(*principal, *route->id, origin);
        if (!record) return fail(record.error());
        auto body = api_json::destruction_record(*record);
        // The destruction stands whether or not the certificate can be made
        // now; an auditor can fetch it later (GET /api/v1/log/certificate).
        if (auto certificate = s_.log.certificate(static_cast<std::uint64_t>(record->seq)); certificate) {
          body["certificate"] = auditlog::to_certificate_text(*certificate);
        } else {
          body["certificate_error"] = certificate.error().message;
        }
        return json_response(200, std::move(body));
      }
      case Action::destruction_refuse: {
        if (!route->id) return fail(ErrorCode::invalid_argument, "a destruction request id is a positive number");
        auto reason = reason_of(request.body);
        if (!reason) return fail(reason.error());
        auto refused = s_.destruction.refuse(*principal, *route->id, *reason, origin);
        if (!refused) return fail(refused.error());
        return json_response(200, api_json::destruction_request(*refused));
      }
      case Action::log_head: {
        auto head = s_.log.latest_head(*principal, origin);
        if (!head) return fail(head.error());
        auto body = api_json::tree_head(*head);
        body["public_key"] = s_.log.public_key();
        return json_response(200, std::move(body));
      }
      case Action::log_proof: {
        const auto count = [&](const char* key) { return query_count(request, key); };
        if (route->name == "certificate") {
          auto seq = count("seq");
          if (!seq) return fail(ErrorCode::invalid_argument, "give seq, the destruction's log entry");
          auto certificate = s_.log.certificate_for(*principal, *seq, origin);
          if (!certificate) return fail(certificate.error());
          return json_response(200, json::object{{"certificate", auditlog::to_certificate_text(*certificate)}});
        }
        if (route->name == "inclusion") {
          auto seq = count("seq");
          auto size = count("size");
          if (!seq || !size) return fail(ErrorCode::invalid_argument, "give seq and size (a signed head's size)");
          auto proof = s_.log.inclusion(*principal, *seq, *size, origin);
          if (!proof) return fail(proof.error());
          return json_response(200, json::object{{"seq", proof->leaf_index + 1},
                                                 {"tree_size", proof->tree_size},
                                                 {"path", api_json::hashes(proof->path)}});
        }
        auto from = count("from");
        auto to = count("to");
        if (!from || !to) return fail(ErrorCode::invalid_argument, "give from and to (two signed heads' sizes)");
        auto proof = s_.log.consistency(*principal, *from, *to, origin);
        if (!proof) return fail(proof.error());
        return json_response(200, json::object{{"old_size", proof->old_size},
                                               {"new_size", proof->new_size},
                                               {"path", api_json::hashes(proof->path)}});
      }
      case Action::log_entries: {
        if (route->name == "export") {
          std::optional<UnixSeconds> since, until;
          for (auto [key, slot] : {std::pair{"since", &since}, std::pair{"until", &until}}) {
            if (auto found = request.query.find(key); found != request.query.end() && !found->second.empty()) {
              auto parsed = parse_time(found->second);
              if (!parsed) return fail(parsed.error());
              *slot = *parsed;
            }
          }
          auto plan = s_.log.plan_export(*principal, since, until, origin);
          if (!plan) return fail(plan.error());
          return json_response(200, api_json::export_plan(*plan, s_.log.log_id()));
        }
        auto start = query_count(request, "start");
        auto end = query_count(request, "end");
        if (!start || !end) return fail(ErrorCode::invalid_argument, "give start and end (log positions)");
        auto page = s_.log.entries(*principal, *start, *end, origin);
        if (!page) return fail(page.error());
        return json_response(200, api_json::entries_page(*page));
      }
      case Action::audit_hash: {
        JsonBody body(request.body);
        CUSTOS_TRY_VOID(body.valid());
        auto value = body.text("value");
        if (!value) return fail(value.error());
        auto hash = s_.log.identifier_hash(*principal, *value, origin);
        if (!hash) return fail(hash.error());
        return json_response(200, json::object{{"hash", *hash}});
      }
      case Action::register_lending:
      case Action::register_destruction: {
        const auto month = query_text(request, "month");
        if (!month) return fail(ErrorCode::invalid_argument, "name the month: ?month=YYYY-MM");
        const auto department = query_text(request, "department");
        if (route->action == Action::register_lending) {
          auto lending = s_.registers.lending(*principal, *month, department, origin);
          if (!lending) return fail(lending.error());
          return json_response(200, api_json::lending_register(*lending));
        }
        auto destruction = s_.registers.destruction(*principal, *month, department, origin);
        if (!destruction) return fail(destruction.error());
        return json_response(200, api_json::destruction_register(*destruction));
      }
      case Action::records_import:
      case Action::records_list:
      case Action::records_fix:
      case Action::records_export:
      case Action::records_screen:
      case Action::records_cases:
      case Action::records_case_clear:
      case Action::records_channel_set:
      case Action::records_channel_list:
        return handle_records(s_.records, route->action, route->id, route->name, request, *principal, origin);
      case Action::agent_token_create:
      case Action::agent_list:
      case Action::agent_revoke:
        return handle_agents(s_.agents, route->action, route->name, request, *principal, origin);
      case Action::print_request:
      case Action::print_list:
      case Action::print_approve:
      case Action::print_refuse:
      case Action::print_receive:
      case Action::print_account:
      case Action::print_trace:
        return handle_print(s_.prints, route->action, route->id, route->name, nullptr, request, *principal, origin);
      default:
        return fail(ErrorCode::not_found, "no such API endpoint");
    }
  }();
  if (!result) return refuse(result.error(), origin, &*principal, route->action, target);
  return std::move(*result);
}

Result<Api::UploadStart> Api::start_upload(const ApiRequest& request) {
  const auto origin = origin_of(request);
  auto principal = authenticate(request, origin, Action::document_upload, "documents");
  if (!principal) return fail(principal.error());
  auto started = [&]() -> Result<std::unique_ptr<Upload>> {
    auto param = [&](const char* key) {
      auto found = request.query.find(key);
      return found == request.query.end() ? std::string() : found->second;
    };
    NewDocument doc;
    doc.title = param("title");
    const auto level = param("level");
    doc.level = level_from_string(level);
    doc.department = param("department");
    doc.filename = param("filename");
    if (!request.content_type.empty()) doc.content_type = request.content_type;
    return s_.documents.begin_upload(*principal, std::move(doc), origin);
  }();
  if (!started) {
    CUSTOS_TRY_VOID(s_.audit.record(refusal_audit(origin, &*principal, Action::document_upload, "documents", started.error())));
    return fail(started.error());
  }
  return UploadStart{std::move(*started), origin, std::move(*principal)};
}

ApiResponse Api::finish_upload(UploadStart& start) {
  start.origin.now = now_seconds();
  auto doc = start.upload->finish(start.origin);
  // finish() audits both outcomes (a failed finish removes the upload and
  // records why).
  if (!doc) return error_response(doc.error(), start.origin.request_id);
  return json_response(201, api_json::document(*doc));
}

Result<std::unique_ptr<ContentReader>> Api::start_download(const ApiRequest& request) {
  auto origin = origin_of(request);
  const auto route = match(request.method, request.path);
  const auto target = route ? target_for(*route) : std::string("document");
  auto principal = authenticate(request, origin, Action::document_content, target);
  if (!principal) return fail(principal.error());
  // Content leaves only to a user's session together with an enrolled,
  // unrevoked agent's credential (design: security model).
  auto agent = authenticate_agent(request, origin, &*principal, Action::document_content, target);
  if (!agent) return fail(agent.error());
  origin.agent_id = agent->name;
  auto reader = [&]() -> Result<std::unique_ptr<ContentReader>> {
    if (!route || !route->id) return fail(ErrorCode::invalid_argument, "a document id is a positive number");
    auto purpose = ContentPurpose::read;
    if (const auto asked = query_text(request, "purpose"); asked) {
      if (*asked != "print-preview") {
        return fail(ErrorCode::invalid_argument, "purpose is print-preview or absent");
      }
      purpose = ContentPurpose::print_preview;
    }
    return s_.documents.open_content(*principal, *route->id, origin, agent->department, purpose);
  }();
  if (!reader) {
    CUSTOS_TRY_VOID(s_.audit.record(refusal_audit(origin, &*principal, Action::document_content, target, reader.error())));
  }
  return reader;
}

}  // namespace custos::vault
