// A reader of the canonical JSON texts of the audit log (entry lines, export
// headers, certificates): a cursor that accepts exactly the bytes the writers
// produce and nothing else. Not a general JSON parser: fixed key order, no
// whitespace, integers without leading zeros, strings in the platform's one
// escaping (internal to custos_auditlog).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custos/merkle/hash.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/error.hpp"

namespace custos::auditlog {

class CanonicalReader {
 public:
  explicit CanonicalReader(std::string_view text) : text_(text) {}

  // Each fails with invalid_argument naming the byte offset.
  Result<void> literal(std::string_view expected);
  // `"key":` (the key as a literal).
  Result<void> key(std::string_view name);
  Result<std::uint64_t> unsigned_integer();
  Result<std::int64_t> signed_integer();
  Result<std::string> string();
  // The same into `out`, reusing its storage.
  Result<void> string_into(std::string& out);
  // The string's value without copying it when it holds no escape (a view
  // into the text); otherwise decoded into `scratch` and viewed there.
  Result<std::string_view> string_view(std::string& scratch);
  // A string of exactly 64 lower-case hex digits.
  Result<merkle::Hash> hash();
  // A string of lower-case hex digits.
  Result<Bytes> hex_string();
  // Consumes `null` and returns true, or returns false without consuming.
  bool null_literal();
  bool peek(char c) const noexcept { return pos_ < text_.size() && text_[pos_] == c; }
  Result<void> end();

  std::size_t position() const noexcept { return pos_; }

 private:
  Error error(std::string_view what) const;

  std::string_view text_;
  std::size_t pos_ = 0;
};

struct ParsedLine;
// Reads one canonical entry object at the reader's position into `into`,
// reusing its strings' storage (entry.cpp).
Result<void> read_entry(CanonicalReader& reader, ParsedLine& into);

// Reads one canonical entry line straight into its leaf bytes (no Entry in
// between: the verifier's hot path), with its seq and recorded leaf hash.
Result<void> read_line_as_leaf(std::string_view line, Bytes& leaf, std::uint64_t& seq,
                               std::optional<merkle::Hash>& recorded);

}  // namespace custos::auditlog
