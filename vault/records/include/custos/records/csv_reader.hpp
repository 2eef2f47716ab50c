// CsvReader: a streaming RFC 4180 reader.
//
// Reads records one at a time from a ByteSource through a fixed-size chunk
// buffer, so memory use is bounded by the limits below whatever the size of
// the file. It accepts:
//   - fields separated by commas, records ended by CRLF, LF or a lone CR;
//   - quoted fields ("…") containing commas, line breaks and doubled quotes ("");
//   - UTF-8 text, with or without a leading byte-order mark (EF BB BF), which
//     is skipped;
//   - a last record with or without a final line break.
// Empty lines (no character between two line breaks) are skipped: they are
// not records. A record may have any number of fields; the caller decides
// what a short or long record means.
//
// Malformed input is an Error, never a crash. Its message starts
// "line L, column C:" (column counted in characters of that line, from 1)
// and says what to do:
//   invalid_argument — a quote that is never closed; a quote inside an
//                      unquoted field; text after a closing quote; bytes that
//                      are not UTF-8 (typically a GBK-encoded export)
//   too_large        — a field, record or field count over the limits
//   io / others      — passed on from the ByteSource
// After an error the reader stays failed; `next` returns the same error.
//
// Thread-safety: one reader, one thread. Field views stay valid until the
// next call to `next`.
#pragma once

#include "custos/platform/json_text.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/platform/error.hpp"
#include "custos/records/byte_source.hpp"

namespace custos::records {

struct CsvLimits {
  // Longest field in bytes (after removing quotes). Default 64 KiB.
  std::size_t max_field_bytes = 64 * 1024;
  // Longest record in bytes, all fields together. Default 1 MiB.
  std::size_t max_record_bytes = 1024 * 1024;
  // Most fields in one record. Default 1024.
  std::size_t max_fields = 1024;
  // Bytes requested from the source per read. Default 256 KiB; tests use
  // tiny chunks to exercise records that straddle chunk boundaries.
  std::size_t chunk_bytes = 256 * 1024;
  // Reject bytes that are not well-formed UTF-8. Default on.
  bool require_utf8 = true;
};

class CsvReader {
 public:
  explicit CsvReader(ByteSource& source, CsvLimits limits = {});

  // Reads the next record: true when one was read, false at the end of input.
  Result<bool> next();

  std::size_t field_count() const noexcept { return ends_.size(); }
  // The i-th field of the current record; "" when i >= field_count().
  std::string_view field(std::size_t i) const noexcept;
  // The physical line (from 1) where the current record starts.
  std::uint64_t record_line() const noexcept { return record_line_; }

 private:
  Result<bool> read_record();
  bool read_simple_line();  // the fast path; false leaves the state untouched
  Result<void> read_unquoted();
  Result<void> read_quoted();
  Result<void> end_field();
  Result<void> check_size(std::uint64_t line, std::uint64_t column);
  Result<void> check_utf8() const;
  Result<bool> refill();
  Result<bool> available();  // true when a byte is at pos_ (refilling if needed)
  void append(std::size_t from, std::size_t to);
  void on_newline() noexcept;
  std::uint64_t column_at(std::size_t pos) noexcept;
  Error error_at(ErrorCode code, std::uint64_t line, std::uint64_t column, std::string_view what) const;

  ByteSource& source_;
  CsvLimits limits_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;
  std::optional<Error> failed_;

  // The current record: each field's [start, end) offsets.
  // in_buffer_: the fields are views into buf_ (fast path), else into record_.
  std::string record_;
  bool in_buffer_ = false;
  std::vector<std::size_t> starts_;
  std::vector<std::size_t> ends_;
  std::size_t field_start_ = 0;
  std::uint64_t record_line_ = 0;

  // Position tracking: the current line, and a memo of how many characters
  // of it lie before buf_[col_pos_], so columns cost O(1) amortised.
  std::uint64_t line_ = 1;
  std::size_t col_pos_ = 0;
  std::uint64_t col_count_ = 0;
};

// The platform's UTF-8 check (custos/platform/json_text.hpp).
using ::custos::is_valid_utf8;

}  // namespace custos::records
