#include "custos/records/report_format.hpp"

#include <sstream>

#include "custos/records/csv_reader.hpp"
#include "custos/records/masking.hpp"

namespace custos::records {
namespace {

std::string shown_value(const SuspiciousCase& c, const RenderOptions& options) {
  if (options.full_values) return c.value;
  return c.kind == SuspicionKind::shared_phone ? mask_phone(c.value) : mask_bank_card(c.value);
}

}  // namespace

void write_json(std::ostream& out, const Report& report, const RenderOptions& options) {
  // Built piecewise into one buffer that is flushed every few hundred KiB,
  // so a report with many findings neither costs a stream call per token
  // nor doubles its memory in one big string.
  std::string buf;
  const auto flush_if_big = [&] {
    if (buf.size() >= 256 * 1024) {
      out << buf;
      buf.clear();
    }
  };
  buf += "{\"rows\": " + std::to_string(report.rows) + ", \"findings\": [";
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const Finding& f = report.findings[i];
    buf += i == 0 ? "{\"row\": " : ", {\"row\": ";
    buf += std::to_string(f.row);
    buf += ", \"field\": ";
    append_json_string(buf, f.field);
    buf += ", \"code\": ";
    append_json_string(buf, to_string(f.code));
    buf += ", \"message\": ";
    append_json_string(buf, f.message);
    buf += "}";
    flush_if_big();
  }
  buf += "]";
  if (report.findings_dropped > 0) buf += ", \"findings_dropped\": " + std::to_string(report.findings_dropped);
  buf += ", \"suspicious\": [";
  for (std::size_t i = 0; i < report.suspicious.size(); ++i) {
    const SuspiciousCase& c = report.suspicious[i];
    buf += i == 0 ? "{\"kind\": " : ", {\"kind\": ";
    append_json_string(buf, to_string(c.kind));
    buf += ", \"value\": ";
    append_json_string(buf, shown_value(c, options));
    buf += ", \"rows\": [";
    for (std::size_t k = 0; k < c.rows.size(); ++k) {
      if (k > 0) buf += ", ";
      buf += std::to_string(c.rows[k]);
    }
    buf += "]}";
    flush_if_big();
  }
  buf += "]}\n";
  out << buf;
}

std::string to_json(const Report& report, const RenderOptions& options) {
  std::ostringstream out;
  write_json(out, report, options);
  return std::move(out).str();
}

void write_text(std::ostream& out, const Report& report, const RenderOptions& options) {
  if (!report.ignored_columns.empty()) {
    out << "note: columns the " << to_string(report.template_kind) << " template does not use were ignored:";
    for (const auto& name : report.ignored_columns) out << ' ' << name;
    out << '\n';
  }
  for (const Finding& f : report.findings) {
    out << "row " << f.row << " (line " << f.line << ") " << f.field << ' ' << to_string(f.code) << ": "
        << f.message << '\n';
  }
  if (report.findings_dropped > 0) {
    out << "… " << report.findings_dropped << " more findings not listed (over the limit)\n";
  }
  for (const SuspiciousCase& c : report.suspicious) {
    out << "suspicious " << to_string(c.kind) << ' ' << shown_value(c, options) << ": rows";
    for (std::size_t k = 0; k < c.rows.size(); ++k) out << (k == 0 ? " " : ", ") << c.rows[k];
    out << '\n';
  }
  const std::uint64_t findings = report.findings.size() + report.findings_dropped;
  out << report.rows << (report.rows == 1 ? " row" : " rows") << " checked: " << findings
      << (findings == 1 ? " finding, " : " findings, ") << report.suspicious.size()
      << (report.suspicious.size() == 1 ? " suspicious case\n" : " suspicious cases\n");
}

}  // namespace custos::records
