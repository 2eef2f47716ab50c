// custos records check: offline checking of customer-record CSV files (no
// vault needed). Exit 0 all good, 1 findings or suspicious cases, 2 bad usage
// or an unreadable file.
#include <cstdio>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/records/checker.hpp"
#include "custos/records/report_format.hpp"

namespace custos::cli {

void add_records_commands(CLI::App& app, Action& action) {
  static std::filesystem::path file;
  static std::string template_name;
  static Format format = Format::text;
  static bool show_values = false;
  auto* records = app.add_subcommand("records", "Customer records");
  records->require_subcommand(1);
  auto* check = records->add_subcommand("check", "Check a CSV file offline: key fields, GB 11643 ID numbers, phones, "
                                                 "bank cards, and customers sharing a phone or account");
  check->add_option("file", file, "The CSV file (UTF-8, with or without BOM)")->required();
  check->add_option("--template", template_name, "insurance, property_owner or courier")->required();
  add_format_option(check, format);
  check->add_flag("--show-values", show_values, "Show shared phone and account numbers unmasked");
  check->footer("Exit codes: 0 all good, 1 findings, 2 bad usage or unreadable file. See docs/records.md.");
  add_records_vault_commands(records, action);
  check->callback([&action] {
    action = [] {
      auto kind = records::parse_template(template_name);
      if (!kind) return report(kind.error(), "records check");
      auto result = records::check_file(file, *kind);
      if (!result) {
        std::fprintf(stderr, "custos: records check failed: %s\n", result.error().message.c_str());
        return records::exit_code(result);
      }
      const records::RenderOptions options{show_values};
      if (format == Format::json) {
        records::write_json(std::cout, *result, options);
      } else {
        records::write_text(std::cout, *result, options);
      }
      return records::exit_code(result);
    };
  });
}

}  // namespace custos::cli
