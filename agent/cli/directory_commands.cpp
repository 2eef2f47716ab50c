// custos user add|list|disable|passwd, custos dept add|list
#include <boost/json.hpp>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"

namespace custos::cli {
namespace json = boost::json;

void add_format_option(CLI::App* command, Format& format) {
  command->add_option("--format", format, "Output format: text or json")
      ->transform(CLI::CheckedTransformer(std::map<std::string, Format>{{"text", Format::text}, {"json", Format::json}}));
}

namespace {

struct UserArgs {
  std::string name, display_name, department;
  std::vector<std::string> roles;
  bool ask_password = false;
  Format format = Format::text;
};

}  // namespace

void add_directory_commands(CLI::App& app, Action& action) {
  static UserArgs a;
  auto* user = app.add_subcommand("user", "Manage users (IT engineer)");
  user->require_subcommand(1);

  auto* add = user->add_subcommand("add", "Create a user; prints a generated password once unless --password");
  add->add_option("name", a.name, "Login name: a-z, 0-9, '.', '_', '-'")->required();
  add->add_option("--department", a.department, "The user's department")->required();
  add->add_option("--role", a.roles, "A role (repeatable): it_engineer, project_lead, info_clerk, dept_manager, "
                                     "general_manager, auditor")->required();
  add->add_option("--display-name", a.display_name, "Full name shown in lists and watermarks");
  add->add_flag("--password", a.ask_password, "Ask for the password (or take CUSTOS_NEW_PASSWORD) instead of generating one");
  add->callback([&action] {
    action = [] {
      json::object body{{"name", a.name}, {"department", a.department}, {"display_name", a.display_name}};
      json::array roles;
      for (const auto& r : a.roles) roles.emplace_back(r);
      body["roles"] = std::move(roles);
      if (a.ask_password) {
        auto password = read_password("new user's password: ", "CUSTOS_NEW_PASSWORD");
        if (!password) return report(password.error(), "user add");
        body["password"] = std::string(password->unsafe_view());
      }
      const json::value value(std::move(body));
      return call_vault("user add", "POST", "/api/v1/users", &value, [](const json::value& r) {
        std::cout << "created user " << text_of(r.at("user"), "name") << "\n";
        if (auto generated = text_of(r, "generated_password"); !generated.empty()) {
          std::cout << "password (shown once): " << generated << "\n";
        }
      });
    };
  });

  auto* list = user->add_subcommand("list", "List users");
  add_format_option(list, a.format);
  list->callback([&action] {
    action = [] {
      return call_vault("user list", "GET", "/api/v1/users", nullptr, [](const json::value& r) {
        if (a.format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& u : r.at("users").as_array()) {
          rows.push_back({text_of(u, "name"), text_of(u, "display_name"), text_of(u, "department"),
                          text_of(u, "roles"), text_of(u, "disabled") == "yes" ? "disabled" : "active"});
        }
        print_table({"NAME", "DISPLAY NAME", "DEPARTMENT", "ROLES", "STATE"}, rows);
      });
    };
  });

  auto* disable = user->add_subcommand("disable", "Disable a user and end all their sessions");
  disable->add_option("name", a.name, "Login name")->required();
  disable->callback([&action] {
    action = [] {
      return call_vault("user disable", "POST", "/api/v1/users/" + vault::url_encode(a.name) + "/disable", nullptr,
                  [](const json::value& r) { std::cout << "disabled " << text_of(r, "name") << "\n"; });
    };
  });

  auto* passwd = user->add_subcommand("passwd", "Change your password, or (IT engineer) reset another user's");
  passwd->add_option("name", a.name, "The user to reset (omit to change your own)");
  passwd->callback([&action] {
    action = [] {
      if (a.name.empty()) {
        auto old_password = read_password("current password: ", "CUSTOS_PASSWORD");
        if (!old_password) return report(old_password.error(), "passwd");
        auto new_password = read_password("new password: ", "CUSTOS_NEW_PASSWORD");
        if (!new_password) return report(new_password.error(), "passwd");
        const json::value body(json::object{{"old_password", std::string(old_password->unsafe_view())},
                                            {"new_password", std::string(new_password->unsafe_view())}});
        const int code = call_vault("passwd", "POST", "/api/v1/users/me/password", &body, [](const json::value&) {
          std::cout << "password changed; every session ended — log in again\n";
        });
        if (code == kExitOk) (void)forget_session();
        return code;
      }
      const json::value body(json::object{});
      return call_vault("passwd", "POST", "/api/v1/users/" + vault::url_encode(a.name) + "/password", &body,
                  [](const json::value& r) {
                    std::cout << "password reset; the user's sessions ended\n";
                    if (auto generated = text_of(r, "generated_password"); !generated.empty()) {
                      std::cout << "new password (shown once): " << generated << "\n";
                    }
                  });
    };
  });

  static std::string dept_name;
  static Format dept_format = Format::text;
  auto* dept = app.add_subcommand("dept", "Manage departments");
  dept->require_subcommand(1);
  auto* dept_add = dept->add_subcommand("add", "Create a department (IT engineer)");
  dept_add->add_option("name", dept_name, "Department name")->required();
  dept_add->callback([&action] {
    action = [] {
      const json::value body(json::object{{"name", dept_name}});
      return call_vault("dept add", "POST", "/api/v1/departments", &body,
                  [](const json::value& r) { std::cout << "created department " << text_of(r, "name") << "\n"; });
    };
  });
  auto* dept_list = dept->add_subcommand("list", "List departments");
  add_format_option(dept_list, dept_format);
  dept_list->callback([&action] {
    action = [] {
      return call_vault("dept list", "GET", "/api/v1/departments", nullptr, [](const json::value& r) {
        if (dept_format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& d : r.at("departments").as_array()) {
          rows.push_back({text_of(d, "id"), text_of(d, "name"), text_of(d, "created_at")});
        }
        print_table({"ID", "NAME", "CREATED"}, rows);
      });
    };
  });
}

}  // namespace custos::cli
