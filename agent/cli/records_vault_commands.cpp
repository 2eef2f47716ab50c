// custos records import|list|show|fix|export|screen|suspicious|clear|channel:
// the customer records kept in the vault (docs/records.md, "In the vault").
// `custos records check` (offline) is in records_commands.cpp.
#include <boost/json.hpp>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/platform/json_text.hpp"
#include "custos/platform/url.hpp"
#include "custos/report/csv_writer.hpp"
#include "custos/report/xlsx_writer.hpp"

namespace custos::cli {
namespace json = boost::json;

namespace {

struct RecordsArgs {
  std::filesystem::path file, output;
  std::string template_name, level, purpose = "records", date, through, note, evidence, agent_code, user;
  std::vector<std::string> set;
  long long id = 0, import = 0, after = 0, limit = 0;
  bool problems = false, unmasked = false, overdue = false, all = false;
  Format format = Format::text;
  std::string export_format = "csv";
};

// The value of the first of `names` the record's fields hold.
std::string field_of(const json::value& record, std::initializer_list<const char*> names) {
  const auto* fields = record.is_object() ? record.as_object().if_contains("fields") : nullptr;
  if (fields == nullptr) return {};
  for (const char* name : names) {
    const auto value = text_of(*fields, name);
    if (!value.empty()) return value;
  }
  return {};
}

std::string finding_codes(const json::value& record) {
  const auto* findings = record.is_object() ? record.as_object().if_contains("findings") : nullptr;
  if (findings == nullptr || !findings->is_array()) return {};
  std::string out;
  for (const auto& f : findings->as_array()) {
    if (!out.empty()) out += ",";
    out += text_of(f, "field") + ":" + text_of(f, "code");
  }
  return out;
}

std::vector<std::string> record_row(const json::value& r) {
  return {text_of(r, "id"),
          text_of(r, "import") + ":" + text_of(r, "row"),
          text_of(r, "template"),
          text_of(r, "level"),
          text_of(r, "state"),
          field_of(r, {"name", "owner_name", "sender_name"}),
          field_of(r, {"id_number", "sender_id_number"}),
          field_of(r, {"phone", "sender_phone"}),
          finding_codes(r)};
}

void print_records(const json::value& answer) {
  std::vector<std::vector<std::string>> rows;
  const auto* list = answer.as_object().if_contains("records");
  if (list != nullptr && list->is_array()) {
    for (const auto& r : list->as_array()) rows.push_back(record_row(r));
  }
  print_table({"ID", "IMPORT:ROW", "TEMPLATE", "LEVEL", "STATE", "NAME", "ID NUMBER", "PHONE", "FINDINGS"}, rows);
}

void print_record(const json::value& r) {
  std::cout << "record " << text_of(r, "id") << " (import " << text_of(r, "import") << ", row " << text_of(r, "row")
            << ", version " << text_of(r, "version") << "): " << text_of(r, "state") << ", " << text_of(r, "level")
            << (text_of(r, "masked") == "yes" ? ", masked" : ", UNMASKED") << "\n";
  const auto* fields = r.as_object().if_contains("fields");
  if (fields != nullptr && fields->is_object()) {
    for (const auto& [name, value] : fields->as_object()) {
      std::cout << "  " << std::string(name) << ": " << (value.is_string() ? std::string(value.as_string()) : "")
                << "\n";
    }
  }
  const auto* findings = r.as_object().if_contains("findings");
  if (findings != nullptr && findings->is_array()) {
    for (const auto& f : findings->as_array()) {
      std::cout << "  finding " << text_of(f, "field") << " " << text_of(f, "code") << ": " << text_of(f, "message")
                << "\n";
    }
  }
}

int record_exit(const json::value& r) { return text_of(r, "state") == "ok" ? kExitOk : kExitRefused; }

void print_cases(const json::value& answer) {
  std::vector<std::vector<std::string>> rows;
  const auto* list = answer.as_object().if_contains("cases");
  if (list != nullptr && list->is_array()) {
    for (const auto& c : list->as_array()) {
      std::string state = text_of(c, "state");
      if (text_of(c, "overdue") == "yes") state = "OVERDUE";
      rows.push_back({text_of(c, "id"), text_of(c, "kind"), text_of(c, "value"), text_of(c, "department"),
                      text_of(c, "listed_on"), text_of(c, "due_on"), text_of(c, "agent_code"),
                      text_of(c, "assigned_to"), state, text_of(c, "records")});
    }
  }
  print_table({"CASE", "KIND", "VALUE", "DEPARTMENT", "LISTED", "DUE", "AGENT", "ASSIGNED TO", "STATE", "RECORDS"},
              rows);
}

std::size_t count_of(const json::value& answer, const char* key) {
  const auto* list = answer.is_object() ? answer.as_object().if_contains(key) : nullptr;
  return list != nullptr && list->is_array() ? list->as_array().size() : 0;
}

int run_import(const RecordsArgs& a) {
  auto client = logged_in_client();
  if (!client) return report(client.error(), "records import");
  const std::string target = "/api/v1/records/imports?template=" + url_encode(a.template_name) +
                             "&level=" + url_encode(a.level) + "&filename=" + url_encode(to_printable_text(a.file.filename().string()));
  auto answer = client->upload(target, a.file, "text/csv; charset=utf-8");
  if (!answer) return report(answer.error(), "records import");
  const auto& import = answer->as_object().at("import");
  if (a.format == Format::json) {
    print_json(*answer);
  } else {
    std::cout << "import " << text_of(import, "id") << ": " << text_of(import, "rows") << " row(s) stored ("
              << text_of(import, "level") << "), " << text_of(import, "problems")
              << " kept as problem cases (问题件)\n";
    const auto* findings = answer->as_object().if_contains("findings");
    if (findings != nullptr && findings->is_array()) {
      for (const auto& f : findings->as_array()) {
        std::cout << "  row " << text_of(f, "row") << " " << text_of(f, "field") << " " << text_of(f, "code") << ": "
                  << text_of(f, "message") << "\n";
      }
    }
    if (text_of(import, "problems") != "0") {
      std::cout << "correct them with: custos records list --problems; custos records fix ID --set FIELD=VALUE\n";
    }
  }
  return text_of(import, "problems") == "0" ? kExitOk : kExitRefused;
}

int run_fix(const RecordsArgs& a) {
  json::object set;
  for (const auto& item : a.set) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return report(Error{ErrorCode::invalid_argument, "--set takes FIELD=VALUE, e.g. --set phone=13800138000"},
                    "records fix");
    }
    set[item.substr(0, eq)] = item.substr(eq + 1);
  }
  const json::value body(json::object{{"set", std::move(set)}});
  auto client = logged_in_client();
  if (!client) return report(client.error(), "records fix");
  auto answer = client->call("POST", "/api/v1/records/" + std::to_string(a.id) + "/fix", &body);
  if (!answer) return report(answer.error(), "records fix");
  if (a.format == Format::json) {
    print_json(*answer);
  } else {
    print_record(*answer);
  }
  return record_exit(*answer);
}

int run_export(const RecordsArgs& a) {
  if (a.export_format == "xlsx" && a.output.empty()) {
    return report(Error{ErrorCode::invalid_argument, "--format xlsx needs --output FILE.xlsx"}, "records export");
  }
  auto client = logged_in_client();
  if (!client) return report(client.error(), "records export");
  auto answer = client->call("GET", "/api/v1/records/export?template=" + url_encode(a.template_name) +
                                        "&purpose=" + url_encode(a.purpose));
  if (!answer) return report(answer.error(), "records export");
  if (a.export_format == "json") {
    print_json(*answer);
    return kExitOk;
  }
  report::Table table;
  for (const auto& c : answer->as_object().at("columns").as_array()) table.headings.emplace_back(c.as_string());
  for (const auto& row : answer->as_object().at("rows").as_array()) {
    std::vector<std::string> cells;
    for (const auto& cell : row.as_array()) cells.emplace_back(cell.as_string());
    table.rows.push_back(std::move(cells));
  }
  table.number_columns = {0};
  if (a.output.empty()) {
    auto csv = report::to_csv(table);
    if (!csv) return report(csv.error(), "records export");
    std::cout << *csv << std::flush;
    return std::cout ? kExitOk : report(Error{ErrorCode::io, "cannot write to standard output"}, "records export");
  }
  auto written = a.export_format == "xlsx" ? report::write_xlsx(table, a.output, {"records"})
                                           : report::write_csv(table, a.output);
  if (!written) return report(written.error(), "records export");
  std::cout << "wrote " << table.rows.size() << " record(s), masked, to " << a.output.string() << "\n";
  return kExitOk;
}

}  // namespace

void add_records_vault_commands(CLI::App* records, Action& action) {
  static RecordsArgs a;

  auto* import = records->add_subcommand("import", "Store a CSV of customer records in the vault (information clerk); "
                                                   "rows failing a check are kept as problem cases");
  import->add_option("file", a.file, "The CSV file (UTF-8, with or without BOM)")->required()->check(CLI::ExistingFile);
  import->add_option("--template", a.template_name, "insurance, property_owner or courier")->required();
  import->add_option("--level", a.level, "secret, confidential or top_secret")
      ->required()->check(CLI::IsMember({"secret", "confidential", "top_secret"}));
  add_format_option(import, a.format);
  import->footer("Exit codes: 0 every row passed, 1 some rows are problem cases (all rows are stored), 2 bad usage.");
  import->callback([&action] { action = [] { return run_import(a); }; });

  auto* list = records->add_subcommand("list", "List your department's records, masked");
  list->add_flag("--problems", a.problems, "Only problem cases (问题件)");
  list->add_option("--import", a.import, "Only the records of this import");
  list->add_option("--after", a.after, "Records with ids above this (paging)");
  list->add_option("--limit", a.limit, "At most this many (1–1000, default 1000)");
  list->add_flag("--unmasked", a.unmasked, "Show ID, phone and card numbers in full (clerks of the department; audited)");
  add_format_option(list, a.format);
  list->callback([&action] {
    action = [] {
      std::string target = "/api/v1/records?problems=" + std::string(a.problems ? "1" : "0");
      if (a.import > 0) target += "&import=" + std::to_string(a.import);
      if (a.after > 0) target += "&after=" + std::to_string(a.after);
      if (a.limit > 0) target += "&limit=" + std::to_string(a.limit);
      if (a.unmasked) target += "&unmasked=1";
      return call_vault("records list", "GET", target, nullptr, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        print_records(r);
      });
    };
  });

  auto* show = records->add_subcommand("show", "Show one record, masked");
  show->add_option("id", a.id, "The record's id")->required();
  show->add_flag("--unmasked", a.unmasked, "Show ID, phone and card numbers in full (clerks of the department; audited)");
  add_format_option(show, a.format);
  show->callback([&action] {
    action = [] {
      return call_vault("records show", "GET",
                        "/api/v1/records/" + std::to_string(a.id) + (a.unmasked ? "?unmasked=1" : ""), nullptr,
                        [](const json::value& r) {
                          if (a.format == Format::json) return print_json(r);
                          print_record(r);
                        });
    };
  });

  auto* fix = records->add_subcommand("fix", "Correct fields of a record; it is checked again (information clerk)");
  fix->add_option("id", a.id, "The record's id")->required();
  fix->add_option("--set", a.set, "FIELD=VALUE, with the template's column name (repeatable)")->required();
  add_format_option(fix, a.format);
  fix->footer("Exit codes: 0 the record now passes every check, 1 it still has findings (shown), 2 bad usage.");
  fix->callback([&action] { action = [] { return run_fix(a); }; });

  auto* exp = records->add_subcommand("export", "Export your department's records of one template, masked");
  exp->add_option("--template", a.template_name, "insurance, property_owner or courier")->required();
  exp->add_option("--purpose", a.purpose, "records (every column) or other (no phone or employer columns)")
      ->check(CLI::IsMember({"records", "other"}))->capture_default_str();
  exp->add_option("--format", a.export_format, "csv, xlsx or json")
      ->check(CLI::IsMember({"csv", "xlsx", "json"}))->capture_default_str();
  exp->add_option("--output", a.output, "File to write (csv default: standard output)");
  exp->callback([&action] { action = [] { return run_export(a); }; });

  auto* screen = records->add_subcommand("screen", "Screen the entries not yet screened now, up to today "
                                                   "(managers; the daily job does it for yesterday's)");
  screen->add_option("--through", a.through, "Only entries up to this day, YYYY-MM-DD");
  add_format_option(screen, a.format);
  screen->callback([&action] {
    action = [] {
      json::object body;
      if (!a.through.empty()) body["through"] = a.through;
      const json::value value(std::move(body));
      return call_vault("records screen", "POST", "/api/v1/records/screen", &value, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        std::cout << "screened " << text_of(r, "screened") << " record(s) entered up to " << text_of(r, "through_day")
                  << ": " << count_of(r, "new_cases") << " new suspicious case(s), " << count_of(r, "joined_cases")
                  << " open case(s) with new records, " << count_of(r, "overdue_raised") << " newly overdue\n";
      });
    };
  });

  auto* suspicious = records->add_subcommand("suspicious", "The T+1 list: customers sharing a phone or bank account");
  suspicious->add_option("--date", a.date, "The list of this day, YYYY-MM-DD (open and cleared)");
  suspicious->add_flag("--overdue", a.overdue, "Only open cases past their due day");
  suspicious->add_flag("--all", a.all, "Every case, open or cleared");
  add_format_option(suspicious, a.format);
  suspicious->footer("Without options: every open case. Exit 1 when --overdue lists any case.");
  suspicious->callback([&action] {
    action = [] {
      std::string target = "/api/v1/records/suspicious";
      if (!a.date.empty()) {
        target += "?date=" + url_encode(a.date);
      } else if (a.overdue) {
        target += "?overdue=1";
      } else if (a.all) {
        target += "?all=1";
      }
      std::size_t listed = 0;
      const int code = call_vault("records suspicious", "GET", target, nullptr, [&listed](const json::value& r) {
        listed = count_of(r, "cases");
        if (a.format == Format::json) return print_json(r);
        print_cases(r);
      });
      return code == kExitOk && a.overdue && listed > 0 ? kExitRefused : code;
    };
  });

  auto* clear = records->add_subcommand("clear", "Clear a suspicious case with a note and an evidence reference "
                                                 "(its assignee or the department's manager)");
  clear->add_option("case", a.id, "The case's id")->required();
  clear->add_option("--note", a.note, "What was found")->required();
  clear->add_option("--evidence", a.evidence, "Where the evidence is (call record, document number)")->required();
  add_format_option(clear, a.format);
  clear->callback([&action] {
    action = [] {
      const json::value body(json::object{{"note", a.note}, {"evidence", a.evidence}});
      return call_vault("records clear", "POST", "/api/v1/records/suspicious/" + std::to_string(a.id) + "/clear",
                        &body, [](const json::value& r) {
                          if (a.format == Format::json) return print_json(r);
                          std::cout << "case " << text_of(r, "id") << " cleared by " << text_of(r, "cleared_by")
                                    << " (due " << text_of(r, "due_on") << ")\n";
                        });
    };
  });

  auto* channel = records->add_subcommand("channel", "Who handles the suspicious cases of an agent code");
  channel->require_subcommand(1);
  auto* channel_set = channel->add_subcommand("set", "Assign an agent code's cases to a user (managers)");
  channel_set->add_option("agent_code", a.agent_code, "The agent code (业务员代码)")->required();
  channel_set->add_option("user", a.user, "The user who handles its cases")->required();
  channel_set->callback([&action] {
    action = [] {
      const json::value body(json::object{{"agent_code", a.agent_code}, {"user", a.user}});
      return call_vault("records channel set", "POST", "/api/v1/records/channels", &body, [](const json::value& r) {
        std::cout << "agent code " << text_of(r, "agent_code") << " → " << text_of(r, "user") << "\n";
      });
    };
  });
  auto* channel_list = channel->add_subcommand("list", "List agent codes and who handles them");
  add_format_option(channel_list, a.format);
  channel_list->callback([&action] {
    action = [] {
      return call_vault("records channel list", "GET", "/api/v1/records/channels", nullptr, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : r.as_object().at("channels").as_array()) {
          rows.push_back({text_of(c, "agent_code"), text_of(c, "user"), text_of(c, "set_at")});
        }
        print_table({"AGENT CODE", "USER", "SET AT"}, rows);
      });
    };
  });
}

}  // namespace custos::cli
