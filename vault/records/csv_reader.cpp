#include "custos/records/csv_reader.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace custos::records {
namespace {

// Bytes that end an unquoted run. A table lookup per byte keeps the hot
// loop branch-light; most bytes of a records file are ordinary text.
constexpr std::array<bool, 256> make_special() {
  std::array<bool, 256> special{};
  special[static_cast<unsigned char>(',')] = true;
  special[static_cast<unsigned char>('"')] = true;
  special[static_cast<unsigned char>('\r')] = true;
  special[static_cast<unsigned char>('\n')] = true;
  return special;
}
constexpr std::array<bool, 256> kSpecial = make_special();

// Characters, not bytes: UTF-8 continuation bytes (10xxxxxx) don't start one.
std::uint64_t count_chars(const char* p, std::size_t n) noexcept {
  std::uint64_t chars = 0;
  for (std::size_t i = 0; i < n; ++i) chars += (static_cast<unsigned char>(p[i]) & 0xC0) != 0x80;
  return chars;
}

constexpr std::size_t kBomSize = 3;

}  // namespace

CsvReader::CsvReader(ByteSource& source, CsvLimits limits) : source_(source), limits_(limits) {
  limits_.chunk_bytes = std::max<std::size_t>(limits_.chunk_bytes, 1);
  // Room for the byte-order mark check even with one-byte chunks.
  buf_.resize(std::max(limits_.chunk_bytes, kBomSize));
}

std::string_view CsvReader::field(std::size_t i) const noexcept {
  if (i >= ends_.size()) return {};
  const char* base = in_buffer_ ? buf_.data() : record_.data();
  return {base + starts_[i], ends_[i] - starts_[i]};
}

Error CsvReader::error_at(ErrorCode code, std::uint64_t line, std::uint64_t column, std::string_view what) const {
  std::string message = "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
  message += what;
  return Error{code, std::move(message)};
}

Result<bool> CsvReader::refill() {
  if (eof_) return false;
  // The rest of the buffer leaves; remember how many characters of the
  // current line it held so later columns stay right.
  col_count_ += count_chars(buf_.data() + col_pos_, end_ - col_pos_);
  col_pos_ = 0;
  pos_ = end_ = 0;
  auto n = source_.read(std::span<char>(buf_.data(), limits_.chunk_bytes));
  if (!n) return fail(std::move(n).error());
  end_ = std::min(*n, limits_.chunk_bytes);
  if (end_ == 0) eof_ = true;
  return end_ > 0;
}

Result<bool> CsvReader::available() {
  if (pos_ < end_) return true;
  return refill();
}

void CsvReader::on_newline() noexcept {
  ++line_;
  col_pos_ = pos_;
  col_count_ = 0;
}

std::uint64_t CsvReader::column_at(std::size_t pos) noexcept {
  col_count_ += count_chars(buf_.data() + col_pos_, pos - col_pos_);
  col_pos_ = pos;
  return col_count_ + 1;
}

void CsvReader::append(std::size_t from, std::size_t to) { record_.append(buf_.data() + from, to - from); }

// Checked as bytes arrive, so a runaway field (a missing closing quote in a
// huge file) fails at the limit instead of growing the record without bound.
Result<void> CsvReader::check_size(std::uint64_t line, std::uint64_t column) {
  if (record_.size() - field_start_ > limits_.max_field_bytes) {
    return fail(error_at(ErrorCode::too_large, line, column,
                         "a field is longer than " + std::to_string(limits_.max_field_bytes) +
                             " bytes; is a closing quote missing?"));
  }
  if (record_.size() > limits_.max_record_bytes) {
    return fail(error_at(ErrorCode::too_large, record_line_, 1,
                         "the record starting here is longer than " +
                             std::to_string(limits_.max_record_bytes) + " bytes"));
  }
  return ok();
}

Result<void> CsvReader::end_field() {
  if (ends_.size() == limits_.max_fields) {
    return fail(error_at(ErrorCode::too_large, line_, column_at(pos_),
                         "a record has more than " + std::to_string(limits_.max_fields) + " fields"));
  }
  starts_.push_back(field_start_);
  ends_.push_back(record_.size());
  return ok();
}

bool CsvReader::read_simple_line() {
  // Most records of a real file are one line that lies wholly in the
  // buffer, with at most plain quoted fields ("a, b") in it: find its end
  // with memchr (vectorised in libc) and cut it at the commas, leaving each
  // field a view into the buffer — no copy at all. Anything unusual — a
  // doubled quote, a quote that spans lines, a lone CR, a limit reached, a
  // line that runs past the buffer — returns false before any state
  // changes, and the byte-wise path handles it (and reports its errors with
  // positions).
  const char* const base = buf_.data();
  const char* const begin = base + pos_;
  const auto* nl = static_cast<const char*>(std::memchr(begin, '\n', end_ - pos_));
  if (nl == nullptr) return false;
  const std::size_t len = static_cast<std::size_t>(nl - begin);
  if (len > limits_.max_record_bytes) return false;
  const char* const e = len > 0 && begin[len - 1] == '\r' ? nl - 1 : nl;
  if (std::memchr(begin, '\r', static_cast<std::size_t>(e - begin)) != nullptr) return false;

  starts_.clear();
  ends_.clear();
  const char* p = begin;
  for (;;) {
    const char* field_begin = p;
    const char* field_end = nullptr;
    if (p < e && *p == '"') {
      const auto* q = static_cast<const char*>(std::memchr(p + 1, '"', static_cast<std::size_t>(e - p - 1)));
      if (q == nullptr || (q + 1 < e && q[1] != ',')) return false;
      field_begin = p + 1;
      field_end = q;
      p = q + 1;
    } else {
      const auto* comma = static_cast<const char*>(std::memchr(p, ',', static_cast<std::size_t>(e - p)));
      field_end = comma == nullptr ? e : comma;
      if (std::memchr(p, '"', static_cast<std::size_t>(field_end - p)) != nullptr) return false;
      p = field_end;
    }
    if (static_cast<std::size_t>(field_end - field_begin) > limits_.max_field_bytes ||
        ends_.size() == limits_.max_fields) {
      return false;
    }
    starts_.push_back(static_cast<std::size_t>(field_begin - base));
    ends_.push_back(static_cast<std::size_t>(field_end - base));
    if (p == e) break;
    ++p;  // the comma
  }
  in_buffer_ = true;
  record_line_ = line_;
  pos_ += len + 1;
  on_newline();
  return true;
}

Result<void> CsvReader::read_unquoted() {
  for (;;) {
    auto more = available();
    if (!more) return fail(std::move(more).error());
    if (!*more) return ok();
    std::size_t p = pos_;
    while (p < end_ && !kSpecial[static_cast<unsigned char>(buf_[p])]) ++p;
    append(pos_, p);
    pos_ = p;
    CUSTOS_TRY_VOID(check_size(line_, column_at(pos_)));
    if (p < end_) {
      if (buf_[p] != '"') return ok();  // a separator ends the field
      return fail(error_at(ErrorCode::invalid_argument, line_, column_at(p),
                           "a quote inside an unquoted field; enclose the whole field in quotes "
                           "and write the quote twice (\"\")"));
    }
  }
}

Result<void> CsvReader::read_quoted() {
  const std::uint64_t open_line = line_;
  const std::uint64_t open_column = column_at(pos_);
  ++pos_;  // the opening quote
  for (;;) {
    auto more = available();
    if (!more) return fail(std::move(more).error());
    if (!*more) {
      return fail(error_at(ErrorCode::invalid_argument, open_line, open_column,
                           "unterminated quoted field: the quote opened here is never closed; "
                           "add the closing quote or remove this one"));
    }
    std::size_t p = pos_;
    while (p < end_ && buf_[p] != '"' && buf_[p] != '\n') ++p;
    append(pos_, p);
    pos_ = p;
    CUSTOS_TRY_VOID(check_size(open_line, open_column));
    if (p == end_) continue;
    if (buf_[p] == '\n') {  // a line break inside the field is data
      append(p, p + 1);
      ++pos_;
      on_newline();
      continue;
    }
    ++pos_;  // a quote: doubled ("") is data, single closes the field
    auto next = available();
    if (!next) return fail(std::move(next).error());
    if (*next && buf_[pos_] == '"') {
      append(pos_, pos_ + 1);
      ++pos_;
      continue;
    }
    if (*next && buf_[pos_] != ',' && buf_[pos_] != '\r' && buf_[pos_] != '\n') {
      return fail(error_at(ErrorCode::invalid_argument, line_, column_at(pos_),
                           "text after the closing quote of a field; quote the whole field and "
                           "write quotes inside it twice (\"\")"));
    }
    return ok();
  }
}

Result<bool> CsvReader::read_record() {
  // Skip empty lines: they are not records.
  for (;;) {
    auto more = available();
    if (!more) return fail(std::move(more).error());
    if (!*more) return false;
    const char c = buf_[pos_];
    if (c != '\n' && c != '\r') break;
    ++pos_;
    if (c == '\r') {
      auto lf = available();
      if (!lf) return fail(std::move(lf).error());
      if (*lf && buf_[pos_] == '\n') ++pos_;
    }
    on_newline();
  }

  if (read_simple_line()) return true;
  in_buffer_ = false;
  record_.clear();
  starts_.clear();
  ends_.clear();
  record_line_ = line_;
  for (;;) {
    field_start_ = record_.size();
    auto more = available();
    if (!more) return fail(std::move(more).error());
    auto read = (*more && buf_[pos_] == '"') ? read_quoted() : read_unquoted();
    if (!read) return fail(std::move(read).error());
    CUSTOS_TRY_VOID(end_field());

    auto after = available();
    if (!after) return fail(std::move(after).error());
    if (!*after) return true;  // the last record had no final line break
    const char c = buf_[pos_++];
    if (c == ',') continue;
    if (c == '\r') {
      auto lf = available();
      if (!lf) return fail(std::move(lf).error());
      if (*lf && buf_[pos_] == '\n') ++pos_;
    }
    on_newline();
    return true;
  }
}

Result<void> CsvReader::check_utf8() const {
  if (!limits_.require_utf8) return ok();
  std::size_t bad = 0;
  std::size_t field = 0;
  if (in_buffer_) {
    // One pass over the line: the separators and quotes between its fields
    // are ASCII, so no character can straddle two fields unnoticed.
    const std::size_t from = starts_.front();
    if (is_valid_utf8(std::string_view(buf_.data() + from, ends_.back() - from), &bad)) return ok();
    bad += from;
    while (field < ends_.size() && ends_[field] <= bad) ++field;
  } else {
    // The slow path stores fields back to back, where the halves of a
    // character split by a comma would meet again: check each field alone.
    while (field < ends_.size() && is_valid_utf8(this->field(field))) ++field;
    if (field == ends_.size()) return ok();
  }
  return fail(ErrorCode::invalid_argument,
              "line " + std::to_string(record_line_) + ", field " + std::to_string(field + 1) +
                  ": the text is not UTF-8 (perhaps a GBK export); save the file as \"CSV UTF-8\" "
                  "and check again");
}

Result<bool> CsvReader::next() {
  if (failed_) return fail(*failed_);
  if (!started_) {
    started_ = true;
    // Gather the first three bytes (sources may hand out one at a time) to
    // recognise a byte-order mark; Excel's "CSV UTF-8" always writes one.
    while (end_ < kBomSize && !eof_) {
      auto n = source_.read(std::span<char>(buf_.data() + end_, std::min(limits_.chunk_bytes, buf_.size() - end_)));
      if (!n) {
        failed_ = n.error();
        return fail(std::move(n).error());
      }
      if (*n == 0) eof_ = true;
      end_ += *n;
    }
    if (end_ >= kBomSize && std::memcmp(buf_.data(), "\xEF\xBB\xBF", kBomSize) == 0) pos_ = col_pos_ = kBomSize;
  }
  auto record = read_record();
  if (record && *record) {
    if (auto utf8 = check_utf8(); !utf8) record = fail(std::move(utf8).error());
  }
  if (!record) failed_ = record.error();
  return record;
}

}  // namespace custos::records
