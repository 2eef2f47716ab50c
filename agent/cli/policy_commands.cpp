// custos policy check | test | diff — the IT engineer's offline tools for
// department policies (docs/policy.md), no vault needed — and apply | show |
// history, which talk to the vault.
#include <cstdio>
#include <variant>
#include <iostream>

#include <boost/json.hpp>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/platform/files.hpp"
#include "custos/policy/decision_format.hpp"
#include "custos/policy/device_json.hpp"
#include "custos/policy/diff.hpp"
#include "custos/policy/evaluator.hpp"
#include "custos/policy/parser.hpp"

namespace custos::cli {
namespace {

// Parses a policy file, printing its diagnostics to stderr; the policy, or
// the exit code to return.
std::variant<policy::Policy, int> load_policy(const std::filesystem::path& file) {
  auto report = policy::check_file(file);
  std::fputs(report.format().c_str(), stderr);
  if (!report.ok || !report.policy) return report.exit_code() == 0 ? kExitUsage : report.exit_code();
  return std::move(*report.policy);
}

}  // namespace

void add_policy_commands(CLI::App& app, Action& action) {
  static std::filesystem::path file, other;
  static std::string device, department;
  static Format format = Format::text;
  auto* policy_cmd = app.add_subcommand("policy", "Department policies: offline checks and dry runs; apply, show, history on the vault");
  policy_cmd->require_subcommand(1);

  auto* check = policy_cmd->add_subcommand("check", "Check a policy file: errors as FILE:LINE:COLUMN (exit 2), "
                                                    "warnings (exit 0)");
  check->add_option("file", file, "The policy file (TOML)")->required();
  check->callback([&action] {
    action = [] {
      auto report = policy::check_file(file);
      std::fputs(report.format().c_str(), stdout);
      if (report.ok) std::printf("%s: ok\n", file.c_str());
      return report.exit_code();
    };
  });

  auto* test = policy_cmd->add_subcommand("test", "What a device would get, per interface, and which rule decided");
  test->add_option("file", file, "The policy file (TOML)")->required();
  test->add_option("--device", device, "The device as JSON, or @FILE holding it (see docs/policy.md)")->required();
  test->add_option("--department", department, "The department whose rules apply")->required();
  add_format_option(test, format);
  test->callback([&action] {
    action = [] {
      auto loaded = load_policy(file);
      if (auto* code = std::get_if<int>(&loaded)) return *code;
      std::string json = device;
      if (json.starts_with('@')) {
        auto text = files::read_text(json.substr(1));
        if (!text) return report(Error{ErrorCode::invalid_argument, text.error().message}, "policy test");
        json = std::move(*text);
      }
      auto parsed = policy::parse_device_json(json);
      if (!parsed) return report(parsed.error(), "policy test");
      const auto compiled = policy::CompiledPolicy::compile(std::get<policy::Policy>(loaded));
      if (!compiled.department_index(department)) {
        return report(Error{ErrorCode::invalid_argument, "the policy has no department '" + department + "'"},
                      "policy test");
      }
      const auto decision = compiled.decide_device(department, *parsed);
      std::cout << (format == Format::json ? policy::format_decision_json(decision) + "\n"
                                           : policy::format_decision_text(decision));
      return kExitOk;
    };
  });

  auto* diff = policy_cmd->add_subcommand("diff", "What changes between two policy files (exit 1 when they differ)");
  diff->add_option("old", file, "The policy in force")->required();
  diff->add_option("new", other, "The proposed policy")->required();
  add_format_option(diff, format);
  diff->callback([&action] {
    action = [] {
      auto before = load_policy(file);
      if (auto* code = std::get_if<int>(&before)) return *code;
      auto after = load_policy(other);
      if (auto* code = std::get_if<int>(&after)) return *code;
      const auto changes = policy::diff_policies(std::get<policy::Policy>(before), std::get<policy::Policy>(after));
      std::cout << (format == Format::json ? policy::format_diff_json(changes) + "\n" : policy::format_diff_text(changes));
      return changes.empty() ? kExitOk : kExitRefused;
    };
  });

  // --- with the vault
  auto* apply = policy_cmd->add_subcommand("apply", "Check, version and sign a policy file on the vault (IT engineer)");
  apply->add_option("file", file, "The policy file (TOML)")->required();
  apply->callback([&action] {
    action = [] {
      auto source = files::read_text(file);
      if (!source) return report(Error{ErrorCode::invalid_argument, source.error().message}, "policy apply");
      // Check locally first: the same checker, and positions in the user's own file.
      auto local = policy::parse_policy(*source, file.string());
      std::fputs(local.format().c_str(), stderr);
      if (!local.ok) return local.exit_code();
      const boost::json::value body(boost::json::object{{"source", *source}, {"file", file.filename().string()}});
      return call_vault("policy apply", "POST", "/api/v1/policies", &body, [](const boost::json::value& r) {
        std::cout << "applied as version " << text_of(r, "version") << ", signed for departments "
                  << text_of(r, "departments") << "\n";
      });
    };
  });

  auto* show = policy_cmd->add_subcommand("show", "Show the policy in force (canonical form)");
  show->add_option("--department", department, "Only this department");
  add_format_option(show, format);
  show->callback([&action] {
    action = [] {
      std::string target = "/api/v1/policies/current";
      if (!department.empty()) target += "?department=" + vault::url_encode(department);
      return call_vault("policy show", "GET", target, nullptr, [](const boost::json::value& r) {
        if (format == Format::json) return print_json(r);
        std::cout << "# version " << text_of(r, "version") << " (" << text_of(r, "file") << "), applied by "
                  << text_of(r, "applied_by") << " at " << text_of(r, "applied_at") << "\n"
                  << text_of(r, "policy");
      });
    };
  });

  auto* history = policy_cmd->add_subcommand("history", "List every applied version");
  add_format_option(history, format);
  history->callback([&action] {
    action = [] {
      return call_vault("policy history", "GET", "/api/v1/policies", nullptr, [](const boost::json::value& r) {
        if (format == Format::json) return print_json(r);
        std::vector<std::vector<std::string>> rows;
        for (const auto& v : r.at("versions").as_array()) {
          rows.push_back({text_of(v, "version"), text_of(v, "file"), text_of(v, "applied_by"), text_of(v, "applied_at"),
                          text_of(v, "sha256").substr(0, 16)});
        }
        print_table({"VERSION", "FILE", "APPLIED BY", "APPLIED AT", "SHA-256"}, rows);
      });
    };
  });
}

}  // namespace custos::cli
