// custos register lending|destruction: the registers of the confidentiality
// rules (借阅、销毁记录表) as a terminal table, the vault's JSON, CSV or XLSX.
// Every register command shares the output options and emit_register();
// each adds only its query and how a row of the vault's answer reads.
#include <algorithm>
#include <boost/json.hpp>
#include <iostream>

#include "cli_context.hpp"
#include "commands.hpp"
#include "custos/platform/timestamp.hpp"
#include "custos/report/csv_writer.hpp"
#include "custos/report/xlsx_writer.hpp"

namespace custos::cli {
namespace json = boost::json;

namespace {

enum class RegisterFormat { text, json, csv, xlsx };

struct RegisterOutput {
  RegisterFormat format = RegisterFormat::text;
  std::filesystem::path file;
};

void add_register_output_options(CLI::App* command, RegisterOutput& out) {
  command
      ->add_option("--format", out.format, "text (a table), json (the vault's answer), csv or xlsx")
      ->transform(CLI::CheckedTransformer(std::map<std::string, RegisterFormat>{{"text", RegisterFormat::text},
                                                                                {"json", RegisterFormat::json},
                                                                                {"csv", RegisterFormat::csv},
                                                                                {"xlsx", RegisterFormat::xlsx}}))
      ->option_text("text|json|csv|xlsx");
  command->add_option("--output", out.file,
                      "File for csv or xlsx (csv default: standard output; xlsx default: NAME-YYYY-MM.xlsx here)");
}

// Shows one register: `answer` as is for json, else `table` as text, CSV or
// XLSX. `stem` names the default XLSX file, `sheet` its worksheet.
int emit_register(const RegisterOutput& out, const json::value& answer, const report::Table& table,
                  const std::string& stem, const std::string& sheet, std::string_view what) {
  switch (out.format) {
    case RegisterFormat::json: print_json(answer); return kExitOk;
    case RegisterFormat::text: print_table(table.headings, table.rows); return kExitOk;
    case RegisterFormat::csv: {
      if (!out.file.empty()) break;
      auto csv = report::to_csv(table);
      if (!csv) return report(csv.error(), what);
      std::cout << *csv << std::flush;
      return std::cout ? kExitOk : report(Error{ErrorCode::io, "cannot write to standard output"}, what);
    }
    case RegisterFormat::xlsx: break;
  }
  const auto file = out.file.empty() ? std::filesystem::path(stem + ".xlsx") : out.file;
  auto written = out.format == RegisterFormat::csv ? report::write_csv(table, file)
                                                   : report::write_xlsx(table, file, {sheet});
  if (!written) return report(written.error(), what);
  std::cout << "wrote " << table.rows.size() << " row(s) to " << file.string() << "\n";
  return kExitOk;
}

// The vault's RFC 3339 time as a register shows it: "2026-11-03 09:15:00"
// (UTC, which the heading of the column says).
std::string register_time(const std::string& rfc3339) {
  if (rfc3339.empty()) return {};
  auto parsed = parse_time(rfc3339);
  if (!parsed) return rfc3339;
  auto text = format_rfc3339(*parsed);
  text[10] = ' ';
  text.pop_back();
  return text;
}

std::string level_in_chinese(const std::string& level) {
  if (level == "secret") return "秘密";
  if (level == "confidential") return "机密";
  if (level == "top_secret") return "绝密";
  return level;
}

std::string status_in_chinese(const std::string& status) {
  if (status == "live") return "有效";
  if (status == "revoked") return "已撤销";
  if (status == "expired") return "已到期";
  return status;
}

std::string state_in_chinese(const std::string& state) {
  if (state == "supervised") return "已销毁";
  if (state == "refused") return "已拒绝";
  if (state == "pending") return "待处理";
  return state;
}

std::string method_in_chinese(const std::string& method) {
  if (method == "crypto-shred") return "密钥销毁";
  if (method == "paper-shred") return "纸质粉碎";
  return method;
}

// The copy events of `kind` of a printout: their times (each with its
// copies) and who recorded them, each list joined for one cell.
struct EventCells {
  std::string times, names;
};
EventCells event_cells(const json::value& printout, std::string_view kind) {
  EventCells cells;
  const auto* events = printout.as_object().if_contains("copy_events");
  if (events == nullptr || !events->is_array()) return cells;
  std::vector<std::string> names;
  for (const auto& e : events->as_array()) {
    if (text_of(e, "kind") != kind) continue;
    if (!cells.times.empty()) cells.times += "；";
    cells.times += register_time(text_of(e, "recorded_at")) + "（" + text_of(e, "copies") + " 份）";
    auto name = text_of(e, "recorded_by");
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    cells.names += (names.empty() ? "" : "、") + name;
    names.push_back(std::move(name));
  }
  return cells;
}

// The lending register (借阅记录表): one row per grant of the month. No
// document titles: the vault does not send them (they can name customers).
report::Table lending_table(const json::value& answer) {
  report::Table table{{"序号", "文件编号", "密级", "部门", "借阅人", "批准人", "借阅时间 (UTC)", "到期时间 (UTC)",
                       "归还/撤销时间 (UTC)", "撤销人", "状态", "查看次数"},
                      {},
                      {0, 1, 11}};
  const auto* rows = answer.is_object() ? answer.as_object().if_contains("rows") : nullptr;
  if (rows == nullptr || !rows->is_array()) return table;
  for (const auto& row : rows->as_array()) {
    table.rows.push_back({std::to_string(table.rows.size() + 1), text_of(row, "document_id"),
                          level_in_chinese(text_of(row, "level")), text_of(row, "department"), text_of(row, "grantee"),
                          text_of(row, "granted_by"), register_time(text_of(row, "granted_at")),
                          register_time(text_of(row, "expires_at")), register_time(text_of(row, "revoked_at")),
                          text_of(row, "revoked_by"), status_in_chinese(text_of(row, "status")),
                          text_of(row, "views")});
  }
  // Paper lent: each controlled printout of the month, its copies and how
  // many are back (借阅人 is the receiver; 到期时间 the end of the period of
  // use; 归还时间 each return with its copies, 撤销人 who took them back).
  const auto* printouts = answer.as_object().if_contains("printouts");
  if (printouts == nullptr || !printouts->is_array()) return table;
  for (const auto& p : printouts->as_array()) {
    const auto returns = event_cells(p, "returned");
    const auto received = register_time(text_of(p, "received_at"));
    table.rows.push_back({std::to_string(table.rows.size() + 1), text_of(p, "document_id"),
                          level_in_chinese(text_of(p, "level")), text_of(p, "department"), text_of(p, "requested_by"),
                          text_of(p, "decided_by"), register_time(text_of(p, "printed_at")),
                          register_time(text_of(p, "valid_until")), returns.times, returns.names,
                          "纸质 PR-" + text_of(p, "id") + " " + text_of(p, "copies") + " 份：" +
                              (received.empty() ? "未签收" : "签收 " + received) + "；归还 " +
                              text_of(p, "returned") + "，销毁 " + text_of(p, "shredded") + "，未还 " +
                              text_of(p, "outstanding"),
                          ""});
  }
  return table;
}

// The destruction register (销毁记录表): one row per destruction request
// decided in the month, or made in it and still pending, then one per
// shredding of printed copies recorded in the month. No titles: a
// destroyed document keeps only a keyed hash of its title.
report::Table destruction_table(const json::value& answer) {
  report::Table table{{"序号", "申请编号", "文件编号", "密级", "部门", "申请人", "申请时间 (UTC)", "申请理由", "监销人",
                       "处理时间 (UTC)", "结果", "拒绝理由", "销毁方式", "日志序号"},
                      {},
                      {0, 1, 2, 13}};
  const auto* rows = answer.is_object() ? answer.as_object().if_contains("rows") : nullptr;
  if (rows == nullptr || !rows->is_array()) return table;
  for (const auto& row : rows->as_array()) {
    const auto state = text_of(row, "state");
    const bool refused = state == "refused";
    table.rows.push_back({std::to_string(table.rows.size() + 1), text_of(row, "id"), text_of(row, "document_id"),
                          level_in_chinese(text_of(row, "level")), text_of(row, "department"),
                          text_of(row, "requested_by"), register_time(text_of(row, "requested_at")),
                          text_of(row, "reason"), text_of(row, "decided_by"),
                          register_time(text_of(row, "decided_at")), state_in_chinese(state),
                          refused ? text_of(row, "decision_reason") : std::string(),
                          method_in_chinese(text_of(row, "method")), text_of(row, "seq")});
  }
  // Paper shredded: each shredding of printed copies recorded in the month
  // (申请编号 the print request; 申请人 the receiver who held the copies;
  // 监销人 the department manager who recorded it; no application time).
  const auto* paper = answer.as_object().if_contains("shredded_copies");
  if (paper == nullptr || !paper->is_array()) return table;
  for (const auto& e : paper->as_array()) {
    table.rows.push_back({std::to_string(table.rows.size() + 1), "PR-" + text_of(e, "print_request_id"),
                          text_of(e, "document_id"), level_in_chinese(text_of(e, "level")), text_of(e, "department"),
                          text_of(e, "requested_by"), "", text_of(e, "reason"), text_of(e, "recorded_by"),
                          register_time(text_of(e, "recorded_at")), "已销毁 " + text_of(e, "copies") + " 份", "",
                          method_in_chinese(text_of(e, "method")), text_of(e, "seq")});
  }
  return table;
}

// One register command: which register, how its rows read, what to call
// its file and worksheet.
struct RegisterKind {
  std::string_view what;     // "register lending", for errors
  std::string_view path;     // under /api/v1/registers/
  std::string_view sheet;    // the worksheet's name before the month
  report::Table (*table)(const json::value& answer);
};

struct RegisterArgs {
  std::string month, department;
  RegisterOutput out;
};

int run_register(const RegisterKind& kind, const RegisterArgs& a) {
  auto month = parse_month(a.month);
  if (!month) return report(month.error(), kind.what);
  if (!a.out.file.empty() && (a.out.format == RegisterFormat::text || a.out.format == RegisterFormat::json)) {
    return report(Error{ErrorCode::invalid_argument, "--output is for --format csv or xlsx"}, kind.what);
  }
  auto client = logged_in_client();
  if (!client) return report(client.error(), kind.what);
  std::string target = "/api/v1/registers/" + std::string(kind.path) + "?month=" + month->text();
  if (!a.department.empty()) target += "&department=" + url_encode(a.department);
  auto answer = client->call("GET", target);
  if (!answer) return report(answer.error(), kind.what);
  return emit_register(a.out, *answer, kind.table(*answer), std::string(kind.path) + "-" + month->text(),
                       std::string(kind.sheet) + " " + month->text(), kind.what);
}

// Adds `register NAME` with the options every register shares.
void add_register(CLI::App* reg, Action& action, const RegisterKind& kind, RegisterArgs& args,
                  const std::string& description, const std::string& footer) {
  auto* command = reg->add_subcommand(std::string(kind.path), description);
  command->add_option("--month", args.month, "The month, YYYY-MM (UTC)")->required();
  command->add_option("--department", args.department, "Only this department (auditors; others always get their own)");
  add_register_output_options(command, args.out);
  command->footer(footer);
  command->callback([&action, &kind, &args] { action = [&kind, &args] { return run_register(kind, args); }; });
}

}  // namespace

void add_register_commands(CLI::App& app, Action& action) {
  static const RegisterKind lending{"register lending", "lending", "借阅记录", lending_table};
  static const RegisterKind destruction{"register destruction", "destruction", "销毁记录", destruction_table};
  static RegisterArgs lending_args, destruction_args;
  auto* reg = app.add_subcommand("register", "Registers of lending and destruction (auditor, managers, leads)");
  reg->require_subcommand(1);
  add_register(reg, action, lending, lending_args, "The lending register (借阅记录表): every view grant of one month",
               "A grant belongs to the UTC month it was created in; a printout (状态 纸质 PR-N) to the month it was "
               "printed in, with every return of its copies (归还时间) whenever recorded. No document titles are "
               "shown.");
  add_register(reg, action, destruction, destruction_args,
               "The destruction register (销毁记录表): every destruction request decided in one month, those "
               "made in it still pending, and the printed copies shredded in it",
               "A request belongs to the UTC month it was decided in (pending ones: made in); a shredding of "
               "printed copies (申请编号 PR-N, 销毁方式 纸质粉碎) to the month it was recorded in. No document titles "
               "are shown. 日志序号 is the log entry: of a document's destruction, custos destroy certificate SEQ; "
               "of paper shredded, its print.account entry (custos audit list).");
}

}  // namespace custos::cli
