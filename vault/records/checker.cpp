// check(): the streaming loop around RecordChecker. One record is in memory
// at a time; findings go straight into the report.
#include "custos/records/checker.hpp"

#include "text_util.hpp"

namespace custos::records {
namespace {

void collect_cells(const CsvReader& reader, std::vector<std::string_view>& cells) {
  cells.clear();
  for (std::size_t i = 0; i < reader.field_count(); ++i) cells.push_back(reader.field(i));
}

// A row of empty cells is what spreadsheets leave below the data when rows
// were deleted; it is not a record and gets no row number.
bool all_blank(const std::vector<std::string_view>& cells) noexcept {
  for (const auto cell : cells) {
    if (!trim(cell).empty()) return false;
  }
  return true;
}

}  // namespace

Result<Report> check(ByteSource& source, TemplateKind kind, const CheckOptions& options, RowObserver* observer) {
  const Date today = options.today.value_or(today_local());
  CsvReader reader(source, options.csv);
  std::vector<std::string_view> cells;

  auto header = reader.next();
  if (!header) return fail(std::move(header).error());
  if (!*header) {
    return fail(ErrorCode::invalid_argument, "the file is empty; its first line must be the header of the " +
                                                 std::string(to_string(kind)) + " template");
  }
  collect_cells(reader, cells);
  auto checker = RecordChecker::create(kind, cells, today);
  if (!checker) return fail(std::move(checker).error());

  Report report;
  report.template_kind = kind;
  report.ignored_columns = checker->header().ignored();
  for (;;) {
    auto more = reader.next();
    if (!more) return fail(std::move(more).error());
    if (!*more) break;
    collect_cells(reader, cells);
    if (all_blank(cells)) continue;
    if (report.rows == UINT32_MAX) {
      // The suspicious index stores rows in 32 bits to stay small.
      return fail(ErrorCode::too_large, "more than 4,294,967,295 rows; split the file and check the parts");
    }
    ++report.rows;
    const auto before = report.findings.size();
    checker->check_row(report.rows, reader.record_line(), cells, report.findings);
    if (observer != nullptr) {
      CUSTOS_TRY_VOID(observer->row(checker->header(), report.rows, cells,
                                    std::span<const Finding>(report.findings).subspan(before), checker->last_keys()));
    }
    if (report.findings.size() > options.max_findings) {
      report.findings_dropped += report.findings.size() - options.max_findings;
      report.findings.resize(options.max_findings);
    }
  }
  report.suspicious = checker->index().cases();
  return report;
}

Result<Report> check(std::istream& in, TemplateKind kind, const CheckOptions& options) {
  auto source = source_from_istream(in);
  return check(*source, kind, options);
}

Result<Report> check_file(const std::filesystem::path& path, TemplateKind kind, const CheckOptions& options) {
  auto source = open_file_source(path);
  if (!source) return fail(std::move(source).error());
  auto report = check(**source, kind, options);
  if (!report) {
    // "insurance.csv: line 4, column 9: …" — the file, then where in it.
    Error error = std::move(report).error();
    error.message = path.string() + ": " + error.message;
    return fail(std::move(error));
  }
  return report;
}

int exit_code(const Result<Report>& result) noexcept {
  if (!result) return 2;
  const Report& r = *result;
  return r.findings.empty() && r.findings_dropped == 0 && r.suspicious.empty() ? 0 : 1;
}

}  // namespace custos::records
