// custos: the command of IT engineers, project leads, information clerks,
// managers and auditors. It speaks HTTPS to the vault; every decision is the
// vault's. Exit codes: 0 success, 1 refused or findings, 2 bad usage or input.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli_context.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace custos::cli;
  ::umask(077);
  try {
    if (auto ready = custos::init_crypto(); !ready) return report(ready.error(), "start");
    CLI::App app{"custos — the Custos command (vault, documents, grants, records, policies, audit, destruction, registers)"};
    app.require_subcommand(1);
    app.footer("Exit codes: 0 success, 1 refused or findings, 2 bad usage or input.");
    Action action;
    add_session_commands(app, action);
    add_directory_commands(app, action);
    add_document_commands(app, action);
    add_records_commands(app, action);
    add_agent_commands(app, action);
    add_policy_commands(app, action);
    add_audit_commands(app, action);
    add_destroy_commands(app, action);
    add_register_commands(app, action);
    add_view_commands(app, action);
    add_print_commands(app, action);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      const int code = app.exit(e);
      return code == 0 ? kExitOk : kExitUsage;
    }
    return action ? action() : kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "custos: internal error: %s\n", e.what());
    return kExitRefused;
  }
}
