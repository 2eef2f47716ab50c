#include "custos/auditlog/entry.hpp"

#include <cstring>

#include "canonical_reader.hpp"
#include "custos/platform/json_text.hpp"

namespace custos::auditlog {
namespace {

// Writes big-endian integers and length-prefixed text at `at`, advancing it.
std::uint8_t* put_u64(std::uint8_t* at, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) *at++ = static_cast<std::uint8_t>(value >> shift);
  return at;
}

std::uint8_t* put_text(std::uint8_t* at, std::string_view text) {
  const auto size = static_cast<std::uint32_t>(text.size());
  for (int shift = 24; shift >= 0; shift -= 8) *at++ = static_cast<std::uint8_t>(size >> shift);
  if (!text.empty()) std::memcpy(at, text.data(), text.size());
  return at + text.size();
}

// The text fields in leaf order.
template <class E>
auto text_fields(E& e) {
  return std::array{&e.request_id, &e.actor, &e.source, &e.action, &e.target, &e.reason, &e.detail};
}

class LeafReader {
 public:
  explicit LeafReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  bool u64(std::uint64_t& value) {
    if (bytes_.size() - pos_ < 8) return false;
    value = 0;
    for (int i = 0; i < 8; ++i) value = (value << 8) | bytes_[pos_++];
    return true;
  }
  bool u8(std::uint8_t& value) {
    if (pos_ >= bytes_.size()) return false;
    value = bytes_[pos_++];
    return true;
  }
  bool text(std::string& value) {
    if (bytes_.size() - pos_ < 4) return false;
    std::uint32_t size = 0;
    for (int i = 0; i < 4; ++i) size = (size << 8) | bytes_[pos_++];
    if (bytes_.size() - pos_ < size) return false;
    value.assign(reinterpret_cast<const char*>(bytes_.data() + pos_), size);
    pos_ += size;
    return is_valid_utf8(value);
  }
  bool done() const { return pos_ == bytes_.size(); }
  bool prefix(std::string_view expected) {
    if (as_text(bytes_).substr(0, expected.size()) != expected) return false;
    pos_ = expected.size();
    return true;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<Bytes> encode_leaf(const Entry& entry) {
  Bytes out;
  CUSTOS_TRY_VOID(encode_leaf_into(entry, out));
  return out;
}

Result<void> encode_leaf_into(const Entry& entry, Bytes& out) {
  for (const auto* field : text_fields(entry)) {
    if (!is_valid_utf8(*field)) return fail(ErrorCode::invalid_argument, "an audit entry field is not UTF-8");
  }
  return encode_checked_leaf(entry, out);
}

Result<void> encode_checked_leaf(const Entry& entry, Bytes& out) {
  if (entry.seq == 0) return fail(ErrorCode::invalid_argument, "an audit entry's seq starts at 1");
  std::size_t size = kLeafDomain.size() + 8 * 3 + 1;
  for (const auto* field : text_fields(entry)) size += 4 + field->size();
  if (size > kMaxEntryBytes) return fail(ErrorCode::too_large, "an audit entry is larger than 1 MiB");
  out.resize(size);
  auto* at = out.data();
  std::memcpy(at, kLeafDomain.data(), kLeafDomain.size());
  at = put_u64(at + kLeafDomain.size(), entry.seq);
  at = put_u64(at, static_cast<std::uint64_t>(entry.time));
  at = put_u64(at, entry.actor_id);
  *at++ = entry.allowed ? 1 : 0;
  for (const auto* field : text_fields(entry)) at = put_text(at, *field);
  return ok();
}

Result<Entry> decode_leaf(std::span<const std::uint8_t> bytes) {
  const auto bad = [] { return fail(ErrorCode::invalid_argument, "not a canonical audit leaf"); };
  if (bytes.size() > kMaxEntryBytes) return bad();
  LeafReader reader(bytes);
  Entry entry;
  std::uint64_t time = 0;
  std::uint8_t outcome = 0;
  if (!reader.prefix(kLeafDomain) || !reader.u64(entry.seq) || !reader.u64(time) || !reader.u64(entry.actor_id) ||
      !reader.u8(outcome) || outcome > 1 || entry.seq == 0) {
    return bad();
  }
  entry.time = static_cast<std::int64_t>(time);
  entry.allowed = outcome == 1;
  for (auto* field : text_fields(entry)) {
    if (!reader.text(*field)) return bad();
  }
  if (!reader.done()) return bad();
  return entry;
}

Result<merkle::Hash> entry_leaf_hash(const Entry& entry) {
  auto leaf = encode_leaf(entry);
  if (!leaf) return fail(leaf.error());
  return merkle::leaf_hash(*leaf);
}

std::string to_json_line(const Entry& entry, const merkle::Hash* leaf_hash) {
  std::string out;
  out.reserve(160 + entry.detail.size() + entry.request_id.size() + entry.target.size());
  const auto text = [&out](std::string_view key, std::string_view value) {
    out += ",\"";
    out += key;
    out += "\":";
    append_json_string(out, value);
  };
  out += "{\"seq\":" + std::to_string(entry.seq);
  out += ",\"time\":" + std::to_string(entry.time);
  text("request_id", entry.request_id);
  out += ",\"actor_id\":";
  out += entry.actor_id == 0 ? std::string("null") : std::to_string(entry.actor_id);
  text("actor", entry.actor);
  text("source", entry.source);
  text("action", entry.action);
  text("target", entry.target);
  text("outcome", entry.allowed ? "allowed" : "refused");
  text("reason", entry.reason);
  text("detail", entry.detail);
  if (leaf_hash != nullptr) text("leaf_hash", hex_encode(*leaf_hash));
  out += '}';
  return out;
}

Result<void> read_entry(CanonicalReader& r, ParsedLine& parsed) {
  Entry& e = parsed.entry;
  e.actor_id = 0;
  parsed.leaf_hash.reset();
  const auto text = [&r](std::string_view key, std::string& into) -> Result<void> {
    CUSTOS_TRY_VOID(r.literal(","));
    CUSTOS_TRY_VOID(r.key(key));
    return r.string_into(into);
  };
  CUSTOS_TRY_VOID(r.literal("{"));
  CUSTOS_TRY_VOID(r.key("seq"));
  auto seq = r.unsigned_integer();
  if (!seq) return fail(seq.error());
  if (*seq == 0) return fail(ErrorCode::invalid_argument, "an audit entry's seq starts at 1");
  e.seq = *seq;
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("time"));
  auto time = r.signed_integer();
  if (!time) return fail(time.error());
  e.time = *time;
  CUSTOS_TRY_VOID(text("request_id", e.request_id));
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("actor_id"));
  if (!r.null_literal()) {
    auto id = r.unsigned_integer();
    if (!id) return fail(id.error());
    if (*id == 0) return fail(ErrorCode::invalid_argument, "actor_id 0 is written as null");
    e.actor_id = *id;
  }
  CUSTOS_TRY_VOID(text("actor", e.actor));
  CUSTOS_TRY_VOID(text("source", e.source));
  CUSTOS_TRY_VOID(text("action", e.action));
  CUSTOS_TRY_VOID(text("target", e.target));
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("outcome"));
  if (r.peek('"') && r.literal("\"allowed\"")) {
    e.allowed = true;
  } else if (r.literal("\"refused\"")) {
    e.allowed = false;
  } else {
    return fail(ErrorCode::invalid_argument, "outcome is \"allowed\" or \"refused\"");
  }
  CUSTOS_TRY_VOID(text("reason", e.reason));
  CUSTOS_TRY_VOID(text("detail", e.detail));
  if (r.peek(',')) {
    CUSTOS_TRY_VOID(r.literal(","));
    CUSTOS_TRY_VOID(r.key("leaf_hash"));
    auto hash = r.hash();
    if (!hash) return fail(hash.error());
    parsed.leaf_hash = *hash;
  }
  CUSTOS_TRY_VOID(r.literal("}"));
  return ok();
}

Result<void> parse_json_line_into(std::string_view line, ParsedLine& into) {
  CanonicalReader r(line);
  CUSTOS_TRY_VOID(read_entry(r, into));
  return r.end();
}

Result<ParsedLine> parse_json_line(std::string_view line) {
  ParsedLine parsed;
  CUSTOS_TRY_VOID(parse_json_line_into(line, parsed));
  return parsed;
}

}  // namespace custos::auditlog
