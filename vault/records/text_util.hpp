// Small text helpers shared by the records sources (internal).
#pragma once

#include <cstdint>
#include <string_view>

namespace custos::records {

// Removes ASCII spaces/tabs and the ideographic space U+3000 (which Chinese
// input methods type) from both ends. Line breaks inside a field stay.
std::string_view trim(std::string_view text) noexcept;

// UTF-8 code points in `text` (continuation bytes don't count).
std::size_t count_code_points(std::string_view text) noexcept;

// ASCII case-insensitive equality.
bool equals_ascii_nocase(std::string_view a, std::string_view b) noexcept;

// FNV-1a, 64 bits: a cheap, stable hash for keys that are not security relevant.
std::uint64_t fnv1a(std::string_view text, std::uint64_t seed = 14695981039346656037ULL) noexcept;

}  // namespace custos::records
