#include "custos/records/suspicious_index.hpp"

#include <algorithm>
#include <array>

#include "custos/records/contact_validators.hpp"
#include "text_util.hpp"

namespace custos::records {
namespace {

constexpr std::uint64_t kEmpty = UINT64_MAX;
constexpr std::size_t kMaxPackedDigits = 19;

// Digit strings of length 1..19 map one-to-one onto integers: all strings
// of length L come after all shorter ones, kBase[L] = 10 + 100 + … + 10^(L-1).
// The largest key, kBase[19] + 10^19 - 1 ≈ 1.11e19, stays below 2^64 - 1,
// which therefore marks a free slot. Leading zeros are kept ("0123" ≠ "123").
constexpr std::array<std::uint64_t, kMaxPackedDigits + 2> make_bases() {
  std::array<std::uint64_t, kMaxPackedDigits + 2> base{};
  std::uint64_t power = 10;
  base[1] = 0;
  for (std::size_t len = 2; len <= kMaxPackedDigits + 1; ++len) {
    base[len] = base[len - 1] + power;
    if (len <= kMaxPackedDigits) power *= 10;
  }
  return base;
}
constexpr auto kBase = make_bases();

std::optional<std::uint64_t> pack_digits(std::string_view digits) noexcept {
  if (digits.empty() || digits.size() > kMaxPackedDigits) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return kBase[digits.size()] + value;
}

std::string unpack_digits(std::uint64_t key) {
  std::size_t len = 1;
  while (len < kMaxPackedDigits && key >= kBase[len + 1]) ++len;
  std::uint64_t value = key - kBase[len];
  std::string out(len, '0');
  for (std::size_t i = len; i-- > 0;) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out;
}

std::size_t slot_of(std::uint64_t key, std::size_t mask) noexcept {
  // Fibonacci hashing: phone numbers are sequential in their low digits, so
  // multiply to spread them and take the high bits.
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 20) & mask;
}

}  // namespace

std::string_view to_string(SuspicionKind kind) noexcept {
  switch (kind) {
    case SuspicionKind::shared_phone: return "shared_phone";
    case SuspicionKind::shared_bank_account: return "shared_bank_account";
  }
  return "unknown";
}

std::uint64_t customer_key_for_text(std::string_view id_type, std::string_view id_text) noexcept {
  // A collision between two such hashes could hide one case among records
  // whose identity is already reported as broken; that is acceptable, and
  // it keeps the index free of customer strings.
  const std::uint64_t h = fnv1a(id_text, fnv1a(id_type) ^ 0x9E3779B97F4A7C15ULL);
  return h | (1ULL << 63);
}

std::size_t SuspiciousIndex::Hash::operator()(std::string_view s) const noexcept {
  return static_cast<std::size_t>(fnv1a(s));
}

void SuspiciousIndex::FlatTable::grow() {
  std::vector<Entry> old = std::move(slots);
  slots.assign(old.empty() ? 1024 : old.size() * 2, Entry{kEmpty, 0, 0, kNoMore});
  const std::size_t mask = slots.size() - 1;
  for (const Entry& e : old) {
    if (e.key == kEmpty) continue;
    std::size_t i = slot_of(e.key, mask);
    while (slots[i].key != kEmpty) i = (i + 1) & mask;
    slots[i] = e;
  }
}

SuspiciousIndex::Entry& SuspiciousIndex::FlatTable::find_or_insert(std::uint64_t key, bool& inserted) {
  // Keep the load under 3/4 so probe runs stay short.
  if ((used + 1) * 4 > slots.size() * 3) grow();
  const std::size_t mask = slots.size() - 1;
  std::size_t i = slot_of(key, mask);
  while (slots[i].key != kEmpty && slots[i].key != key) i = (i + 1) & mask;
  inserted = slots[i].key == kEmpty;
  if (inserted) {
    slots[i].key = key;
    ++used;
  }
  return slots[i];
}

void SuspiciousIndex::update(Entry& entry, bool inserted, std::uint64_t customer, std::uint64_t row) {
  const auto row32 = static_cast<std::uint32_t>(row);
  if (inserted) {
    entry.customer = customer;
    entry.first_row = row32;
    entry.more = kNoMore;
    return;
  }
  if (entry.customer != customer) entry.more |= kShared;
  // Past 2^31 - 1 repeats in one file the case is still raised, but its
  // later rows are no longer listed.
  if (links_.size() >= kNoMore) return;
  links_.push_back(Link{row32, entry.more & kNoMore});
  entry.more = (entry.more & kShared) | static_cast<std::uint32_t>(links_.size() - 1);
}

void SuspiciousIndex::add(SuspicionKind kind, std::string_view value, std::uint64_t customer, std::uint64_t row) {
  // "138 0013 8000" and "13800138000" are the same phone.
  const auto compact = CompactNumber::from(value);
  const std::string_view text = compact ? compact->view() : value;
  if (text.empty()) return;
  const auto k = static_cast<std::size_t>(kind);
  bool inserted = false;
  if (const auto key = pack_digits(text)) {
    Entry& entry = digits_[k].find_or_insert(*key, inserted);
    update(entry, inserted, customer, row);
    return;
  }
  auto it = others_[k].find(text);
  inserted = it == others_[k].end();
  if (inserted) it = others_[k].emplace(std::string(text), Entry{}).first;
  update(it->second, inserted, customer, row);
}

std::vector<SuspiciousCase> SuspiciousIndex::cases() const {
  std::vector<SuspiciousCase> out;
  const auto emit = [&](std::size_t k, const Entry& e, std::string value) {
    if ((e.more & kShared) == 0) return;
    SuspiciousCase c{static_cast<SuspicionKind>(k), std::move(value), {}};
    for (std::uint32_t link = e.more & kNoMore; link != kNoMore; link = links_[link].prev) {
      c.rows.push_back(links_[link].row);
    }
    c.rows.push_back(e.first_row);
    std::reverse(c.rows.begin(), c.rows.end());
    // A value used twice on one row must not list that row twice.
    c.rows.erase(std::unique(c.rows.begin(), c.rows.end()), c.rows.end());
    out.push_back(std::move(c));
  };
  for (std::size_t k = 0; k < 2; ++k) {
    for (const Entry& e : digits_[k].slots) {
      if (e.key != kEmpty && (e.more & kShared) != 0) emit(k, e, unpack_digits(e.key));
    }
    for (const auto& [value, e] : others_[k]) emit(k, e, value);
  }
  std::sort(out.begin(), out.end(), [](const SuspiciousCase& a, const SuspiciousCase& b) {
    if (a.rows.front() != b.rows.front()) return a.rows.front() < b.rows.front();
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.value < b.value;
  });
  return out;
}

std::size_t SuspiciousIndex::size() const noexcept {
  return digits_[0].used + digits_[1].used + others_[0].size() + others_[1].size();
}

std::size_t SuspiciousIndex::memory_bytes() const noexcept {
  std::size_t bytes = (digits_[0].slots.capacity() + digits_[1].slots.capacity()) * sizeof(Entry);
  bytes += links_.capacity() * sizeof(Link);
  // Node-based map: value, entry, string and bookkeeping, roughly.
  bytes += (others_[0].size() + others_[1].size()) * (sizeof(Entry) + 64);
  return bytes;
}

}  // namespace custos::records
