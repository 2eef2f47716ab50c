#include "custos/report/xlsx_writer.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

#include "custos/platform/files.hpp"

namespace custos::report {
namespace {


// A folder of our own beside the destination (same file system, so the
// finished file can be renamed into place; mode 0700, so nobody can swap the
// file libxlsxwriter opens by name). Removed with whatever is left in it.
class ScratchFolder {
 public:
  static Result<ScratchFolder> create(const std::filesystem::path& beside) {
    const auto folder = beside.has_parent_path() ? beside.parent_path() : std::filesystem::path(".");
    std::string pattern = (folder / ".custos-report-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return fail(ErrorCode::io, "cannot write in " + folder.string() + ": " + std::strerror(errno));
    }
    return ScratchFolder(pattern);
  }
  ScratchFolder(ScratchFolder&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScratchFolder& operator=(ScratchFolder&&) = delete;
  ~ScratchFolder() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchFolder(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// The workbook, closed (and freed) exactly once.
struct WorkbookCloser {
  void operator()(lxw_workbook* workbook) const { workbook_close(workbook); }
};
using Workbook = std::unique_ptr<lxw_workbook, WorkbookCloser>;

// libxlsxwriter's errors as ours: a cell too long for Excel is bad input,
// a file it cannot create or finish is the file system's, the rest would
// be a bug on our side (we check what it checks first).
Result<void> check(lxw_error error, const char* what) {
  if (error == LXW_NO_ERROR) return ok();
  ErrorCode code = ErrorCode::internal;
  switch (error) {
    case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED: code = ErrorCode::invalid_argument; break;
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_PARAMETER_ERROR:
    case LXW_ERROR_ZIP_BAD_ZIP_FILE:
    case LXW_ERROR_ZIP_INTERNAL_ERROR:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE: code = ErrorCode::io; break;
    default: break;
  }
  return fail(code, std::string("the spreadsheet writer cannot ") + what + ": " + lxw_strerror(error));
}

std::optional<double> whole_number(const std::string& cell) {
  long long value = 0;
  const auto* end = cell.data() + cell.size();
  const auto [stop, ec] = std::from_chars(cell.data(), end, value);
  if (cell.empty() || ec != std::errc() || stop != end) return std::nullopt;
  return static_cast<double>(value);
}

Result<void> fill(lxw_workbook* workbook, const Table& table, const XlsxOptions& options) {
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, options.sheet_name.c_str());
  if (sheet == nullptr) return fail(ErrorCode::internal, "the spreadsheet writer refused the sheet name");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);

  const auto columns = table.headings.size();
  std::vector<bool> numeric(columns, false);
  for (const auto column : table.number_columns) numeric[column] = true;
  std::vector<std::size_t> widths(columns, 0);
  for (std::size_t c = 0; c < columns; ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    CUSTOS_TRY_VOID(check(worksheet_write_string(sheet, 0, col, table.headings[c].c_str(), bold), "write a heading"));
    widths[c] = display_width(table.headings[c]);
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto row = static_cast<lxw_row_t>(r + 1);
    for (std::size_t c = 0; c < columns; ++c) {
      const auto& cell = table.rows[r][c];
      if (cell.empty()) continue;
      const auto col = static_cast<lxw_col_t>(c);
      const auto number = numeric[c] ? whole_number(cell) : std::nullopt;
      CUSTOS_TRY_VOID(check(number ? worksheet_write_number(sheet, row, col, *number, nullptr)
                                   : worksheet_write_string(sheet, row, col, cell.c_str(), nullptr),
                            "write a cell"));
      widths[c] = std::max(widths[c], display_width(cell));
    }
  }
  // Room for the bold heading and the autofilter's button.
  for (std::size_t c = 0; c < columns; ++c) {
    const double width = std::min(static_cast<double>(widths[c]) + 4, kMaxColumnWidth);
    const auto col = static_cast<lxw_col_t>(c);
    CUSTOS_TRY_VOID(check(worksheet_set_column(sheet, col, col, width, nullptr), "set a column width"));
  }
  worksheet_freeze_panes(sheet, 1, 0);
  const auto last_column = static_cast<lxw_col_t>(columns - 1);
  CUSTOS_TRY_VOID(check(worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(table.rows.size()), last_column),
                        "add the filter"));
  return ok();
}

}  // namespace

Result<void> check_sheet_name(std::string_view name) {
  // Excel counts characters (UTF-16 units; every character of ours is one).
  std::size_t characters = 0;
  for (const unsigned char c : name) characters += (c & 0xC0) != 0x80 ? 1 : 0;
  if (characters == 0 || characters > 31) {
    return fail(ErrorCode::invalid_argument, "a sheet name has 1 to 31 characters");
  }
  if (name.find_first_of("[]:*?/\\") != std::string_view::npos) {
    return fail(ErrorCode::invalid_argument, "a sheet name may not contain [ ] : * ? / \\");
  }
  if (name.front() == '\'' || name.back() == '\'') {
    return fail(ErrorCode::invalid_argument, "a sheet name may not begin or end with an apostrophe");
  }
  return ok();
}

Result<void> write_xlsx(const Table& table, const std::filesystem::path& path, const XlsxOptions& options) {
  CUSTOS_TRY_VOID(check_shape(table));
  CUSTOS_TRY_VOID(check_sheet_name(options.sheet_name));
  if (table.rows.size() >= LXW_ROW_MAX || table.headings.size() > LXW_COL_MAX) {
    return fail(ErrorCode::too_large, "a worksheet holds at most " + std::to_string(LXW_ROW_MAX - 1) + " rows and " +
                                          std::to_string(LXW_COL_MAX) + " columns");
  }
  auto scratch = ScratchFolder::create(path);
  if (!scratch) return fail(scratch.error());
  const auto temp = scratch->path() / "report.xlsx";
  // libxlsxwriter's own temporary files go to the scratch folder too.
  std::string tmpdir = scratch->path().string();
  lxw_workbook_options workbook_options{};
  workbook_options.tmpdir = tmpdir.data();
  Workbook workbook(workbook_new_opt(temp.c_str(), &workbook_options));
  if (!workbook) return fail(ErrorCode::io, "cannot create a spreadsheet in " + scratch->path().string());
  CUSTOS_TRY_VOID(fill(workbook.get(), table, options));
  // Closing is what writes the file.
  CUSTOS_TRY_VOID(check(workbook_close(workbook.release()), "write the file"));
  return files::replace_with(temp, path, kReportFileMode);
}

}  // namespace custos::report
