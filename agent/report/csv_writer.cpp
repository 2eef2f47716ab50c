#include "custos/report/csv_writer.hpp"

#include "custos/platform/files.hpp"

namespace custos::report {
namespace {

// The characters a spreadsheet treats as the start of a formula (or, for
// tab and CR, strips before looking for one).
bool starts_formula(std::string_view cell) {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r': return true;
    default: return false;
  }
}

void append_record(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(cells[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string csv_field(std::string_view cell) {
  std::string text;
  text.reserve(cell.size() + 3);
  if (starts_formula(cell)) text += '\'';
  text += cell;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

Result<std::string> to_csv(const Table& table) {
  CUSTOS_TRY_VOID(check_shape(table));
  std::string out(kUtf8Bom);
  append_record(out, table.headings);
  for (const auto& row : table.rows) append_record(out, row);
  return out;
}

Result<void> write_csv(const Table& table, const std::filesystem::path& path) {
  auto text = to_csv(table);
  if (!text) return fail(text.error());
  return files::write_atomic(path, *text, kReportFileMode);
}

}  // namespace custos::report
