// Internal: where each byte of a decoded TOML string value sits in the file,
// so that an error found inside a device rule string is reported at its exact
// line and column, escapes and multi-line strings included.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "custos/policy/diagnostic.hpp"

namespace custos::policy::detail {

class StringMap {
 public:
  // Every byte at `start`, then one column further per byte: for strings
  // that did not come from a file (tests, fuzzing).
  static StringMap identity(std::size_t length, SourcePos start);
  // `value_begin` is toml++'s begin position of the string value (its opening
  // quote), `line_offset` the byte offset in `file_text` where that line
  // starts; `decoded` is the value toml++ produced.
  static StringMap from_toml(std::string_view file_text, std::size_t line_offset, SourcePos value_begin,
                             std::string_view decoded);

  // Position of decoded byte `offset`; offset == size gives the closing quote.
  SourcePos at(std::size_t offset) const noexcept;

 private:
  std::vector<SourcePos> positions_;
};

}  // namespace custos::policy::detail
