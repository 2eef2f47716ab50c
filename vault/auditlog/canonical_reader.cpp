#include "canonical_reader.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "custos/platform/json_text.hpp"

namespace custos::auditlog {

Error CanonicalReader::error(std::string_view what) const {
  return Error{ErrorCode::invalid_argument, std::string(what) + " at byte " + std::to_string(pos_)};
}

Result<void> CanonicalReader::literal(std::string_view expected) {
  if (text_.substr(pos_, expected.size()) != expected) {
    return std::unexpected(error("expected " + std::string(expected)));
  }
  pos_ += expected.size();
  return ok();
}

Result<void> CanonicalReader::key(std::string_view name) {
  if (pos_ >= text_.size() || text_[pos_] != '"' || text_.substr(pos_ + 1, name.size()) != name ||
      text_.substr(pos_ + 1 + name.size(), 2) != "\":") {
    return std::unexpected(error("expected the key \"" + std::string(name) + "\""));
  }
  pos_ += name.size() + 3;
  return ok();
}

Result<std::uint64_t> CanonicalReader::unsigned_integer() {
  const auto begin = pos_;
  std::uint64_t value = 0;
  while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
    const auto digit = static_cast<std::uint64_t>(text_[pos_] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
      return std::unexpected(error("integer out of range"));
    }
    value = value * 10 + digit;
    ++pos_;
  }
  if (pos_ == begin) return std::unexpected(error("expected an integer"));
  if (text_[begin] == '0' && pos_ - begin > 1) {
    pos_ = begin;
    return std::unexpected(error("integer with a leading zero"));
  }
  return value;
}

Result<std::int64_t> CanonicalReader::signed_integer() {
  const bool negative = peek('-');
  if (negative) ++pos_;
  const auto begin = pos_;
  auto magnitude = unsigned_integer();
  if (!magnitude) return std::unexpected(magnitude.error());
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative && *magnitude == 0) {
    pos_ = begin;
    return std::unexpected(error("negative zero"));
  }
  if (*magnitude > kMax + (negative ? 1 : 0)) return std::unexpected(error("integer out of range"));
  if (negative) return static_cast<std::int64_t>(~*magnitude + 1);
  return static_cast<std::int64_t>(*magnitude);
}

Result<std::string> CanonicalReader::string() {
  std::string value;
  CUSTOS_TRY_VOID(string_into(value));
  return value;
}

Result<void> CanonicalReader::string_into(std::string& value) {
  auto view = string_view(value);
  if (!view) return std::unexpected(view.error());
  if (view->data() != value.data()) value.assign(*view);
  return ok();
}

Result<std::string_view> CanonicalReader::string_view(std::string& value) {
  const auto begin = pos_;
  if (!peek('"')) return std::unexpected(error("expected a string"));
  ++pos_;
  // The common case, in one pass: no escape and no control character. Such a
  // string is canonical exactly when it is valid UTF-8 (checked only when a
  // byte above 0x7F was seen).
  bool high = false;
  std::size_t i = pos_;
  for (; i < text_.size(); ++i) {
    const auto c = static_cast<unsigned char>(text_[i]);
    if (c == '"' || c == '\\' || c < 0x20) break;
    high |= c >= 0x80;
  }
  if (i < text_.size() && text_[i] == '"') {
    const auto plain = text_.substr(pos_, i - pos_);
    if (high && !is_valid_utf8(plain)) {
      pos_ = begin;
      return std::unexpected(error("string that is not in canonical form"));
    }
    pos_ = i + 1;
    return plain;
  }
  value.assign(text_.substr(pos_, i - pos_));
  pos_ = i;
  for (;;) {
    if (pos_ >= text_.size()) return std::unexpected(error("unterminated string"));
    const char c = text_[pos_];
    if (c == '"') break;
    if (c != '\\') {
      value.push_back(c);
      ++pos_;
      continue;
    }
    if (pos_ + 1 >= text_.size()) return std::unexpected(error("unterminated escape"));
    switch (text_[pos_ + 1]) {
      case '"': value.push_back('"'); pos_ += 2; break;
      case '\\': value.push_back('\\'); pos_ += 2; break;
      case 'n': value.push_back('\n'); pos_ += 2; break;
      case 'r': value.push_back('\r'); pos_ += 2; break;
      case 't': value.push_back('\t'); pos_ += 2; break;
      case 'b': value.push_back('\b'); pos_ += 2; break;
      case 'f': value.push_back('\f'); pos_ += 2; break;
      case 'u': {
        // Only \u00xx for control characters is canonical; the comparison
        // below refuses every other use.
        const auto digits = text_.substr(pos_ + 2, 4);
        auto decoded = digits.size() == 4 && digits.starts_with("00") ? hex_decode(digits.substr(2)) : Result<Bytes>();
        if (digits.size() != 4 || !digits.starts_with("00") || !decoded || decoded->size() != 1) {
          return std::unexpected(error("escape that is not canonical"));
        }
        value.push_back(static_cast<char>((*decoded)[0]));
        pos_ += 6;
        break;
      }
      default:
        return std::unexpected(error("unknown escape"));
    }
  }
  ++pos_;  // the closing quote
  // One text, one form: the value written back must give these very bytes.
  std::string rewritten;
  rewritten.reserve(pos_ - begin);
  append_json_string(rewritten, value);
  if (rewritten != text_.substr(begin, pos_ - begin) || !is_valid_utf8(value)) {
    pos_ = begin;
    return std::unexpected(error("string that is not in canonical form"));
  }
  return std::string_view(value);
}

Result<Bytes> CanonicalReader::hex_string() {
  const auto begin = pos_;
  auto text = string();
  if (!text) return std::unexpected(text.error());
  auto bytes = hex_decode(*text);
  if (!bytes || hex_encode(*bytes) != *text) {
    pos_ = begin;
    return std::unexpected(error("expected lower-case hex"));
  }
  return bytes;
}

Result<merkle::Hash> CanonicalReader::hash() {
  // "<64 lower-case hex digits>", read in place (an export has one per entry).
  static constexpr auto kNibble = [] {
    std::array<std::int8_t, 256> table{};
    table.fill(-1);
    for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
    return table;
  }();
  const auto nibble = [](char c) -> int { return kNibble[static_cast<unsigned char>(c)]; };
  merkle::Hash out{};
  if (text_.size() - pos_ < 66 || text_[pos_] != '"' || text_[pos_ + 65] != '"') {
    return std::unexpected(error("expected a 32-byte hash in hex"));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = nibble(text_[pos_ + 1 + 2 * i]);
    const int low = nibble(text_[pos_ + 2 + 2 * i]);
    if (high < 0 || low < 0) return std::unexpected(error("expected a 32-byte hash in lower-case hex"));
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  pos_ += 66;
  return out;
}

bool CanonicalReader::null_literal() {
  if (text_.substr(pos_, 4) != "null") return false;
  pos_ += 4;
  return true;
}

Result<void> CanonicalReader::end() {
  if (pos_ != text_.size()) return std::unexpected(error("unexpected text after the end"));
  return ok();
}

}  // namespace custos::auditlog
