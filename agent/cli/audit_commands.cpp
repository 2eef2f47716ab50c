// custos audit list: the auditor's view of the audit log, with filters.
// (Export, offline verification and consistency checks come with the
// tamper-evident log.)
#include <boost/json.hpp>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/platform/timestamp.hpp"

namespace custos::cli {

void add_audit_commands(CLI::App& app, Action& action) {
  static std::string user, what, target, outcome, since, until;
  static long long after = 0;
  static int limit = 100;
  static Format format = Format::text;
  auto* audit = app.add_subcommand("audit", "The audit log (auditor)");
  audit->require_subcommand(1);
  auto* list = audit->add_subcommand("list", "List audit events, oldest first");
  list->add_option("--user", user, "Only events of this actor");
  list->add_option("--action", what, "Only this action, e.g. document.content, session.login");
  list->add_option("--target", target, "Only this target, e.g. document:12, user:clerk1");
  list->add_option("--outcome", outcome, "allowed or refused")->check(CLI::IsMember({"allowed", "refused"}));
  list->add_option("--since", since, "From this time: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  list->add_option("--until", until, "Before this time");
  list->add_option("--after", after, "Only events after this sequence number (for paging)")->check(CLI::NonNegativeNumber);
  list->add_option("--limit", limit, "At most this many events (1-10000)")->check(CLI::Range(1, 10000));
  add_format_option(list, format);
  list->callback([&action] {
    action = [] {
      for (const auto* time : {&since, &until}) {
        if (!time->empty()) {
          if (auto parsed = parse_time(*time); !parsed) return report(parsed.error(), "audit list");
        }
      }
      std::string target_url = "/api/v1/audit?limit=" + std::to_string(limit);
      auto add = [&](const char* key, const std::string& value) {
        if (!value.empty()) target_url += std::string("&") + key + "=" + url_encode(value);
      };
      add("actor", user);
      add("action", what);
      add("target", target);
      add("outcome", outcome);
      add("since", since);
      add("until", until);
      if (after > 0) add("after", std::to_string(after));
      return call_vault("audit list", "GET", target_url, nullptr, [](const boost::json::value& r) {
        if (format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& e : r.at("events").as_array()) {
          rows.push_back({text_of(e, "seq"), text_of(e, "time"), text_of(e, "actor"), text_of(e, "source"),
                          text_of(e, "action"), text_of(e, "target"), text_of(e, "outcome"), text_of(e, "reason")});
        }
        print_table({"SEQ", "TIME", "ACTOR", "SOURCE", "ACTION", "TARGET", "OUTCOME", "REASON"}, rows);
      });
    };
  });
}

}  // namespace custos::cli
