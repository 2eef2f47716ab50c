// Rendering a records Report for people (text) and programs (JSON).
//
// JSON (one object, keys in this order; docs/records.md shows an example):
//   {"rows": N,
//    "findings": [{"row": R, "field": "...", "code": "...", "message": "..."}],
//    "suspicious": [{"kind": "shared_phone"|"shared_bank_account", "value": "...", "rows": [R, ...]}]}
// plus "findings_dropped": N after "findings" only when findings were
// dropped over CheckOptions::max_findings. Strings are escaped per RFC 8259;
// bytes that are not UTF-8 become U+FFFD, so the output is always valid JSON.
//
// Text: one line per finding ("row 3 (line 4) id_number id_checksum: …"),
// one per suspicious case, then a summary line.
//
// Suspicious values are masked (masking.hpp) unless `full_values` is set —
// to be set only for a user whose role and grant allow the full view.
//
// Thread-safety: pure functions over a Report.
#pragma once

#include "custos/platform/json_text.hpp"

#include <ostream>
#include <string>

#include "custos/records/checker.hpp"

namespace custos::records {

struct RenderOptions {
  bool full_values = false;  // show phone and account numbers unmasked
};

void write_json(std::ostream& out, const Report& report, const RenderOptions& options = {});
void write_text(std::ostream& out, const Report& report, const RenderOptions& options = {});
std::string to_json(const Report& report, const RenderOptions& options = {});

// The platform's JSON string writer (custos/platform/json_text.hpp).
using ::custos::append_json_string;

}  // namespace custos::records
