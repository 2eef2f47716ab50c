// custos agent token|list|show|events|revoke: the IT engineer's side of
// workstation agents (docs/agent.md). The workstation's side is the
// custos-agent program.
#include <boost/json.hpp>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"

namespace custos::cli {
namespace json = boost::json;

namespace {

struct AgentArgs {
  std::string department, name;
  std::string ttl = "1h";
  long long uses = 1, after = 0;
  Format format = Format::text;
};

// "90s", "30m", "1h", "7d" → seconds; 0 when malformed.
long long parse_duration(const std::string& text) {
  if (text.size() < 2) return 0;
  long long n = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || n > 100000000) return 0;
    n = n * 10 + (text[i] - '0');
  }
  switch (text.back()) {
    case 's': return n;
    case 'm': return n * 60;
    case 'h': return n * 3600;
    case 'd': return n * 86400;
    default: return 0;
  }
}

std::vector<std::string> agent_row(const json::value& a) {
  return {text_of(a, "name"), text_of(a, "hostname"), text_of(a, "department"), text_of(a, "state"),
          text_of(a, "last_seen_at"), text_of(a, "policy_version"), text_of(a, "outbox_depth"),
          text_of(a, "events")};
}

const std::vector<std::string> kAgentHeader = {"AGENT", "HOST", "DEPARTMENT", "STATE", "LAST SEEN", "POLICY",
                                               "OUTBOX", "EVENTS"};

}  // namespace

void add_agent_commands(CLI::App& app, Action& action) {
  static AgentArgs a;
  auto* agent = app.add_subcommand("agent", "Workstation agents: enrollment tokens, list, revoke (IT engineer)");
  agent->require_subcommand(1);

  auto* token = agent->add_subcommand("token", "Make an enrollment token for a department's workstations");
  token->add_option("--department", a.department, "The department the workstations belong to")->required();
  token->add_option("--ttl", a.ttl, "How long the token is valid: 30m, 1h, 7d (at most 30d)")->capture_default_str();
  token->add_option("--uses", a.uses, "How many workstations may enroll with it (a rollout token: more than 1)")
      ->capture_default_str();
  add_format_option(token, a.format);
  token->footer("The token is shown once. On the workstation: custos-agent enroll --server URL --fingerprint SHA256:… "
                "--token TOKEN");
  token->callback([&action] {
    action = [] {
      const auto seconds = parse_duration(a.ttl);
      if (seconds <= 0) {
        return report(Error{ErrorCode::invalid_argument, "--ttl is a number with s, m, h or d, e.g. 1h"}, "agent token");
      }
      const json::value body(json::object{{"department", a.department}, {"ttl_seconds", seconds}, {"uses", a.uses}});
      return call_vault("agent token", "POST", "/api/v1/agents/tokens", &body, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        std::cout << text_of(r, "token") << "\n";
        std::cerr << "enrollment token for " << text_of(r, "department") << ", valid until "
                  << text_of(r, "expires_at") << " for " << text_of(r, "uses") << " workstation(s); shown once\n";
      });
    };
  });

  auto* list = agent->add_subcommand("list", "List enrolled agents; a silent or revoked one says so");
  add_format_option(list, a.format);
  list->callback([&action] {
    action = [] {
      return call_vault("agent list", "GET", "/api/v1/agents", nullptr, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& item : r.as_object().at("agents").as_array()) rows.push_back(agent_row(item));
        print_table(kAgentHeader, rows);
      });
    };
  });

  auto* show = agent->add_subcommand("show", "Show one agent");
  show->add_option("name", a.name, "The agent's name (agent-N)")->required();
  add_format_option(show, a.format);
  show->callback([&action] {
    action = [] {
      return call_vault("agent show", "GET", "/api/v1/agents/" + url_encode(a.name), nullptr,
                        [](const json::value& r) {
                          if (a.format == Format::json) return print_json(r);
                          print_table(kAgentHeader, {agent_row(r)});
                        });
    };
  });

  auto* events = agent->add_subcommand("events", "An agent's events, oldest first");
  events->add_option("name", a.name, "The agent's name (agent-N)")->required();
  events->add_option("--after", a.after, "Only events with a higher sequence");
  add_format_option(events, a.format);
  events->callback([&action] {
    action = [] {
      return call_vault("agent events", "GET",
                        "/api/v1/agents/" + url_encode(a.name) + "/events?after=" + std::to_string(a.after), nullptr,
                        [](const json::value& r) {
                          if (a.format == Format::json) return print_json(r);
                          std::vector<std::vector<std::string>> rows;
                          for (const auto& e : r.as_object().at("events").as_array()) {
                            rows.push_back({text_of(e, "seq"), text_of(e, "time"), text_of(e, "severity"),
                                            text_of(e, "kind"), json::serialize(e.as_object().at("detail"))});
                          }
                          print_table({"SEQ", "TIME", "SEVERITY", "KIND", "DETAIL"}, rows);
                        });
    };
  });

  auto* revoke = agent->add_subcommand("revoke", "Revoke an agent: its next request is refused");
  revoke->add_option("name", a.name, "The agent's name (agent-N)")->required();
  revoke->callback([&action] {
    action = [] {
      return call_vault("agent revoke", "POST", "/api/v1/agents/" + url_encode(a.name) + "/revoke", nullptr,
                        [](const json::value& r) { std::cout << text_of(r, "name") << " revoked\n"; });
    };
  });
}

}  // namespace custos::cli
