// SuspiciousIndex: finds phone numbers and bank accounts that appear in the
// records of two or more different customers (the T+1 suspicious list).
//
// One customer is one ID number: `add` takes a customer key (IdNumber::key()
// for a valid resident ID; see customer_key_for_text otherwise), so the same
// person on several rows or policies is never suspicious by themselves. A
// value becomes a case as soon as a second customer uses it; the case lists
// every row that carries the value, the first customer's rows included.
//
// Memory: one small entry per distinct value (plus a row list only for
// values seen more than once). Nothing else about a row is kept, which is
// what keeps a streaming check bounded.
//
// Thread-safety: not synchronised; one writer at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace custos::records {

enum class SuspicionKind : std::uint8_t { shared_phone, shared_bank_account };
std::string_view to_string(SuspicionKind kind) noexcept;

struct SuspiciousCase {
  SuspicionKind kind = SuspicionKind::shared_phone;
  std::string value;               // normalised (spaces and hyphens removed), unmasked
  std::vector<std::uint64_t> rows;  // ascending
};

// A customer key for an identity that is not a valid resident ID (another
// document type, or a number that failed validation): a hash of the text,
// kept apart from IdNumber keys by its top bit.
std::uint64_t customer_key_for_text(std::string_view id_type, std::string_view id_text) noexcept;

class SuspiciousIndex {
 public:
  // Records that `customer` uses `value` (phone or account, as typed) on `row`.
  // Rows must be added in ascending order, from 1 up to 2^32 - 1 (the
  // checker refuses longer files). Empty values are ignored.
  void add(SuspicionKind kind, std::string_view value, std::uint64_t customer, std::uint64_t row);

  // The cases found so far, ordered by their first row, phones before
  // accounts on the same row.
  std::vector<SuspiciousCase> cases() const;

  // Distinct values held, and the bytes the index occupies (for benchmarks).
  std::size_t size() const noexcept;
  std::size_t memory_bytes() const noexcept;

 private:
  static constexpr std::uint32_t kNoMore = 0x7FFFFFFF;
  static constexpr std::uint32_t kShared = 0x80000000;
  struct Entry {
    std::uint64_t key;       // packed digits (see suspicious_index.cpp); kEmpty when free
    std::uint64_t customer;
    std::uint32_t first_row;
    std::uint32_t more;      // last link of its later rows (or kNoMore); kShared bit once shared
  };
  // Open addressing with linear probing over 24-byte entries: no node per
  // value, no string per value. Phone and card numbers are digit strings of
  // at most 19 characters, which pack losslessly into 64 bits.
  struct FlatTable {
    std::vector<Entry> slots;
    std::size_t used = 0;
    Entry& find_or_insert(std::uint64_t key, bool& inserted);
    void grow();
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept;
  };

  void update(Entry& entry, bool inserted, std::uint64_t customer, std::uint64_t row);

  FlatTable digits_[2];
  // Values that are not short digit strings (letters, very long numbers):
  // rare, and already findings of their own.
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> others_[2];
  // The second and later rows of each value, as backward-linked lists in
  // one arena: 8 bytes per repeat, no allocation per value.
  struct Link {
    std::uint32_t row;
    std::uint32_t prev;
  };
  std::vector<Link> links_;
};

}  // namespace custos::records
