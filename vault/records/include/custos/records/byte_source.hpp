// ByteSource: where the CSV reader pulls its bytes from, a chunk at a time.
//
// The seam lets the same reader stream a file from disk (without holding it
// in memory), a std::istream (standard input), or a buffer (tests, fuzzing),
// and lets tests inject read failures.
//
// Thread-safety: a source is used by one reader on one thread at a time.
#pragma once

#include <cstddef>
#include <filesystem>
#include <istream>
#include <memory>
#include <span>
#include <string_view>

#include "custos/platform/error.hpp"

namespace custos::records {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `buffer.size()` bytes into `buffer`; 0 means end of input.
  // Fails with `io` when the underlying read fails.
  virtual Result<std::size_t> read(std::span<char> buffer) = 0;
};

// Reads an open stream; the stream must outlive the source.
std::unique_ptr<ByteSource> source_from_istream(std::istream& in);

// Reads a buffer; the bytes must outlive the source.
std::unique_ptr<ByteSource> source_from_memory(std::string_view bytes);

// Opens a file (or a pipe such as /dev/stdin) for reading. Fails with not_found when it does not
// exist, invalid_argument when it is a folder, io otherwise.
Result<std::unique_ptr<ByteSource>> open_file_source(const std::filesystem::path& path);

}  // namespace custos::records
