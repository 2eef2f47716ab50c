// Fuzzes the customer-records CSV path end to end: the streaming reader
// (with a chunk size chosen by the input, so records straddle chunk
// boundaries at every offset), the header mapping and row checks of each
// template, and both renderings of the report, whose JSON must stay valid
// UTF-8.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "custos/records/checker.hpp"
#include "custos/records/csv_reader.hpp"
#include "custos/records/id_number.hpp"
#include "custos/records/masking.hpp"
#include "custos/records/report_format.hpp"

namespace {

using namespace custos::records;

void read_raw(std::string_view bytes, CsvLimits limits) {
  auto source = source_from_memory(bytes);
  CsvReader reader(*source, limits);
  for (int guard = 0; guard < 1'000'000; ++guard) {
    auto more = reader.next();
    if (!more) {
      // A failed reader stays failed with the same message.
      if (reader.next().error().message != more.error().message) std::abort();
      return;
    }
    if (!*more) return;
    for (std::size_t i = 0; i < reader.field_count(); ++i) {
      if (limits.require_utf8 && !is_valid_utf8(reader.field(i))) std::abort();
      if (reader.field(i).size() > limits.max_field_bytes) std::abort();
    }
  }
  std::abort();  // more records than bytes: the reader is not advancing
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // First byte: knobs. The rest: the file.
  const std::uint8_t knobs = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  CsvLimits limits;
  limits.chunk_bytes = 1 + (knobs & 0x0F) * 3;
  limits.max_field_bytes = 256;
  limits.max_record_bytes = 1024;
  limits.max_fields = 64;
  limits.require_utf8 = (knobs & 0x10) == 0;
  read_raw(bytes, limits);

  CheckOptions options;
  options.today = *Date::from_ymd(2025, 6, 1);
  options.csv = limits;
  options.max_findings = 1000;
  const auto kind = static_cast<TemplateKind>((knobs >> 5) % 3);
  auto source = source_from_memory(bytes);
  const auto report = check(*source, kind, options);
  if (report) {
    std::ostringstream text;
    write_text(text, *report);
    const std::string json = to_json(*report, RenderOptions{.full_values = (knobs & 0x80) != 0});
    if (!is_valid_utf8(json)) std::abort();
    for (const auto& c : report->suspicious) {
      if (c.rows.size() < 2) std::abort();
    }
    if (exit_code(report) == 2) std::abort();
  } else if (exit_code(report) != 2) {
    std::abort();
  }

  // The validators alone, on the raw bytes.
  (void)IdNumber::parse(bytes.substr(0, 20), *options.today);
  (void)mask_id_number(bytes.substr(0, 40));
  return 0;
}
