#include "agents_api.hpp"

#include "api_support.hpp"

namespace custos::vault {
namespace {

using namespace api_support;

json::object agent_json(const Agent& a, AgentState state) {
  json::value revoked_by = nullptr;
  if (a.revoked_at) revoked_by = json::value(a.revoked_by_name);
  return json::object{{"id", a.id},
                      {"name", a.name},
                      {"hostname", a.hostname},
                      {"machine_id", a.machine_id},
                      {"department", a.department},
                      {"state", to_string(state)},
                      {"enrolled_at", format_rfc3339(a.enrolled_at)},
                      {"last_seen_at", time_or_null(a.last_seen_at)},
                      {"last_source", a.last_source},
                      {"policy_version", a.policy_version},
                      {"outbox_depth", a.outbox_depth},
                      {"agent_version", a.agent_version},
                      {"silent_since", time_or_null(a.silent_since)},
                      {"revoked_at", time_or_null(a.revoked_at)},
                      {"revoked_by", std::move(revoked_by)},
                      {"last_event_seq", a.last_event_seq},
                      {"events", a.events}};
}

json::object event_json(const AgentEvent& e) {
  boost::system::error_code ec;
  auto detail = json::parse(e.detail, ec);
  if (ec) detail = json::value(e.detail);
  return json::object{{"seq", e.seq},
                      {"time", format_rfc3339(e.time)},
                      {"kind", e.kind},
                      {"severity", e.severity},
                      {"detail", std::move(detail)},
                      {"received_at", format_rfc3339(e.received_at)}};
}

// An integer member of a JSON object; `fallback` when absent.
Result<std::int64_t> integer(const json::value* v, const char* key, std::int64_t fallback) {
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_int64() && !v->is_uint64()) {
    return fail(ErrorCode::invalid_argument, std::string("\"") + key + "\" must be a whole number");
  }
  return v->to_number<std::int64_t>();
}

}  // namespace

Result<ApiResponse> handle_agents(AgentService& agents, Action action, std::string_view name,
                                  const ApiRequest& request, const Principal& principal, const Origin& origin) {
  switch (action) {
    case Action::agent_token_create: {
      JsonBody body(request.body);
      CUSTOS_TRY_VOID(body.valid());
      auto department = body.text("department");
      if (!department) return fail(department.error());
      auto ttl = integer(body.find("ttl_seconds"), "ttl_seconds", 3600);
      if (!ttl) return fail(ttl.error());
      auto uses = integer(body.find("uses"), "uses", 1);
      if (!uses) return fail(uses.error());
      auto made = agents.create_token(principal, *department, *ttl, *uses, origin);
      if (!made) return fail(made.error());
      return json_response(201, json::object{{"token", std::string(made->token.unsafe_view())},
                                             {"department", made->stored.department},
                                             {"expires_at", format_rfc3339(made->stored.expires_at)},
                                             {"uses", made->stored.uses_left}});
    }
    case Action::agent_list: {
      if (name.empty()) {
        auto list = agents.list(principal, origin);
        if (!list) return fail(list.error());
        json::array out;
        for (const auto& a : *list) out.emplace_back(agent_json(a, agents.state_of(a, origin.now)));
        return json_response(200, json::object{{"agents", std::move(out)}});
      }
      if (request.path.ends_with("/events")) {
        const auto after = query_count(request, "after").value_or(0);
        const auto limit = query_count(request, "limit").value_or(1000);
        auto list = agents.events(principal, name, static_cast<std::int64_t>(after), static_cast<std::size_t>(limit),
                                  origin);
        if (!list) return fail(list.error());
        return json_response(200, json::object{{"events", array_of(*list, event_json)}});
      }
      auto agent = agents.show(principal, name, origin);
      if (!agent) return fail(agent.error());
      return json_response(200, agent_json(*agent, agents.state_of(*agent, origin.now)));
    }
    case Action::agent_revoke: {
      auto agent = agents.revoke(principal, name, origin);
      if (!agent) return fail(agent.error());
      return json_response(200, agent_json(*agent, agents.state_of(*agent, origin.now)));
    }
    default:
      return fail(ErrorCode::not_found, "no such API endpoint");
  }
}

Result<ApiResponse> handle_enroll(AgentService& agents, std::string_view policy_public_key,
                                  const ApiRequest& request, const Origin& origin) {
  JsonBody body(request.body);
  CUSTOS_TRY_VOID(body.valid());
  auto token = body.secret("token");
  if (!token) return fail(token.error());
  auto hostname = body.text("hostname");
  if (!hostname) return fail(hostname.error());
  auto machine_id = body.text("machine_id");
  if (!machine_id) return fail(machine_id.error());
  auto enrolled = agents.enroll(*token, *hostname, *machine_id, origin);
  if (!enrolled) return fail(enrolled.error());
  return json_response(201, json::object{{"agent", agent_json(enrolled->agent, AgentState::never_seen)},
                                         {"credential", std::string(enrolled->credential.unsafe_view())},
                                         {"heartbeat_seconds", agents.options().heartbeat_seconds},
                                         {"policy_public_key", policy_public_key}});
}

Result<ApiResponse> handle_agent_call(AgentService& agents, Action action, const Agent& agent,
                                      const ApiRequest& request, const Origin& origin) {
  switch (action) {
    case Action::agent_heartbeat: {
      JsonBody body(request.body.empty() ? std::string_view("{}") : std::string_view(request.body));
      CUSTOS_TRY_VOID(body.valid());
      AgentStatus status;
      status.machine_id = body.text("machine_id", false).value_or("");
      status.agent_version = body.text("agent_version", false).value_or("");
      auto policy = integer(body.find("policy_version"), "policy_version", 0);
      if (!policy) return fail(policy.error());
      auto depth = integer(body.find("outbox_depth"), "outbox_depth", 0);
      if (!depth) return fail(depth.error());
      status.policy_version = *policy;
      status.outbox_depth = *depth;
      auto answer = agents.heartbeat(agent, status, origin);
      if (!answer) return fail(answer.error());
      return json_response(200, json::object{{"agent", agent.name},
                                             {"policy_version", answer->policy_version},
                                             {"heartbeat_seconds", answer->heartbeat_seconds}});
    }
    case Action::agent_events: {
      JsonBody body(request.body);
      CUSTOS_TRY_VOID(body.valid());
      const auto* list = body.find("events");
      if (list == nullptr || !list->is_array()) return fail(ErrorCode::invalid_argument, "the body needs \"events\": [...]");
      std::vector<AgentEvent> events;
      events.reserve(list->as_array().size());
      for (const auto& item : list->as_array()) {
        if (!item.is_object()) return fail(ErrorCode::invalid_argument, "each event is an object");
        const auto& o = item.as_object();
        AgentEvent e;
        auto seq = integer(o.if_contains("seq"), "seq", 0);
        if (!seq) return fail(seq.error());
        e.seq = *seq;
        const auto* time = o.if_contains("time");
        if (time == nullptr || !time->is_string()) return fail(ErrorCode::invalid_argument, "each event needs \"time\"");
        auto when = parse_time(std::string_view(time->as_string()));
        if (!when) return fail(when.error());
        e.time = *when;
        const auto* kind = o.if_contains("kind");
        const auto* severity = o.if_contains("severity");
        if (kind == nullptr || !kind->is_string() || severity == nullptr || !severity->is_string()) {
          return fail(ErrorCode::invalid_argument, "each event needs \"kind\" and \"severity\" strings");
        }
        e.kind = std::string(kind->as_string());
        e.severity = std::string(severity->as_string());
        const auto* detail = o.if_contains("detail");
        e.detail = detail == nullptr ? std::string("{}") : json::serialize(*detail);
        events.push_back(std::move(e));
      }
      auto result = agents.accept_events(agent, std::move(events), origin);
      if (!result) return fail(result.error());
      json::array acked;
      for (const auto seq : result->acknowledged) acked.emplace_back(seq);
      return json_response(200, json::object{{"stored", result->stored},
                                             {"duplicates", result->duplicates},
                                             {"acknowledged", std::move(acked)}});
    }
    case Action::agent_policy: {
      auto found = agents.policy(agent, origin);
      if (!found) return fail(found.error());
      return json_response(200, json::object{{"version", found->first}, {"bundle", found->second}});
    }
    default:
      return fail(ErrorCode::not_found, "no such API endpoint");
  }
}

}  // namespace custos::vault
