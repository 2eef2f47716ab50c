// The `custos` subcommands, one registration function per group. Each
// registers its CLI11 subcommands and, when one is parsed, stores the action
// to run in `action`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace custos::cli {

using Action = std::function<int()>;
enum class Format;

// Adds "--format text|json" to a command that lists or reports.
void add_format_option(CLI::App* command, Format& format);

void add_session_commands(CLI::App& app, Action& action);
void add_directory_commands(CLI::App& app, Action& action);
void add_document_commands(CLI::App& app, Action& action);
void add_records_commands(CLI::App& app, Action& action);
// The vault side of `custos records` (import, list, fix, …), under `records`.
void add_records_vault_commands(CLI::App* records, Action& action);
void add_policy_commands(CLI::App& app, Action& action);
void add_audit_commands(CLI::App& app, Action& action);
void add_destroy_commands(CLI::App& app, Action& action);
void add_register_commands(CLI::App& app, Action& action);
void add_agent_commands(CLI::App& app, Action& action);
void add_view_commands(CLI::App& app, Action& action);
void add_print_commands(CLI::App& app, Action& action);

}  // namespace custos::cli
