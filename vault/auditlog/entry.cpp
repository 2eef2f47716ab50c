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

namespace {

// Reads a canonical entry object and hands each field to `sink`, texts in
// the order they have in the leaf (request_id, actor, source, action,
// target, reason, detail — which is also their order in the line).
template <class Sink>
Result<void> read_fields(CanonicalReader& r, Sink& sink, std::string& scratch) {
  const auto text = [&](std::string_view key) -> Result<void> {
    CUSTOS_TRY_VOID(r.literal(","));
    CUSTOS_TRY_VOID(r.key(key));
    auto value = r.string_view(scratch);
    if (!value) return fail(value.error());
    return sink.text(*value);
  };
  CUSTOS_TRY_VOID(r.literal("{"));
  CUSTOS_TRY_VOID(r.key("seq"));
  auto seq = r.unsigned_integer();
  if (!seq) return fail(seq.error());
  if (*seq == 0) return fail(ErrorCode::invalid_argument, "an audit entry's seq starts at 1");
  sink.seq(*seq);
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("time"));
  auto time = r.signed_integer();
  if (!time) return fail(time.error());
  sink.time(*time);
  CUSTOS_TRY_VOID(text("request_id"));
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("actor_id"));
  std::uint64_t actor_id = 0;
  if (!r.null_literal()) {
    auto id = r.unsigned_integer();
    if (!id) return fail(id.error());
    if (*id == 0) return fail(ErrorCode::invalid_argument, "actor_id 0 is written as null");
    actor_id = *id;
  }
  sink.actor_id(actor_id);
  CUSTOS_TRY_VOID(text("actor"));
  CUSTOS_TRY_VOID(text("source"));
  CUSTOS_TRY_VOID(text("action"));
  CUSTOS_TRY_VOID(text("target"));
  CUSTOS_TRY_VOID(r.literal(","));
  CUSTOS_TRY_VOID(r.key("outcome"));
  if (r.peek('"') && r.literal("\"allowed\"")) {
    sink.allowed(true);
  } else if (r.literal("\"refused\"")) {
    sink.allowed(false);
  } else {
    return fail(ErrorCode::invalid_argument, "outcome is \"allowed\" or \"refused\"");
  }
  CUSTOS_TRY_VOID(text("reason"));
  CUSTOS_TRY_VOID(text("detail"));
  if (r.peek(',')) {
    CUSTOS_TRY_VOID(r.literal(","));
    CUSTOS_TRY_VOID(r.key("leaf_hash"));
    auto hash = r.hash();
    if (!hash) return fail(hash.error());
    sink.leaf_hash(*hash);
  }
  return r.literal("}");
}

// Fills an Entry.
class EntrySink {
 public:
  explicit EntrySink(ParsedLine& parsed) : parsed_(parsed) { parsed_.leaf_hash.reset(); }
  void seq(std::uint64_t value) { parsed_.entry.seq = value; }
  void time(std::int64_t value) { parsed_.entry.time = value; }
  void actor_id(std::uint64_t value) { parsed_.entry.actor_id = value; }
  void allowed(bool value) { parsed_.entry.allowed = value; }
  void leaf_hash(const merkle::Hash& hash) { parsed_.leaf_hash = hash; }
  Result<void> text(std::string_view value) {
    *text_fields(parsed_.entry)[next_++] = value;
    return ok();
  }

 private:
  ParsedLine& parsed_;
  std::size_t next_ = 0;
};

// Writes the leaf bytes directly: the fixed part first (filled in as the
// fields arrive), then each text as it is read.
class LeafSink {
 public:
  static constexpr std::size_t kFixed = kLeafDomain.size() + 8 * 3 + 1;
  LeafSink(Bytes& out, std::optional<merkle::Hash>& recorded) : out_(out), recorded_(recorded) {
    out_.resize(kFixed);
    std::memcpy(out_.data(), kLeafDomain.data(), kLeafDomain.size());
    recorded_.reset();
  }
  void seq(std::uint64_t value) { put_u64(out_.data() + kLeafDomain.size(), value); }
  void time(std::int64_t value) { put_u64(out_.data() + kLeafDomain.size() + 8, static_cast<std::uint64_t>(value)); }
  void actor_id(std::uint64_t value) { put_u64(out_.data() + kLeafDomain.size() + 16, value); }
  void allowed(bool value) { out_[kFixed - 1] = value ? 1 : 0; }
  void leaf_hash(const merkle::Hash& hash) { recorded_ = hash; }
  Result<void> text(std::string_view value) {
    const auto at = out_.size();
    if (at + 4 + value.size() > kMaxEntryBytes) return fail(ErrorCode::too_large, "an audit entry is larger than 1 MiB");
    out_.resize(at + 4 + value.size());
    put_text(out_.data() + at, value);
    return ok();
  }

 private:
  Bytes& out_;
  std::optional<merkle::Hash>& recorded_;
};

}  // namespace

Result<Bytes> encode_leaf(const Entry& entry) {
  if (entry.seq == 0) return fail(ErrorCode::invalid_argument, "an audit entry's seq starts at 1");
  Bytes out;
  std::optional<merkle::Hash> unused;
  LeafSink sink(out, unused);
  sink.seq(entry.seq);
  sink.time(entry.time);
  sink.actor_id(entry.actor_id);
  sink.allowed(entry.allowed);
  for (const auto* field : text_fields(entry)) {
    if (!is_valid_utf8(*field)) return fail(ErrorCode::invalid_argument, "an audit entry field is not UTF-8");
    CUSTOS_TRY_VOID(sink.text(*field));
  }
  return out;
}

Result<void> read_entry(CanonicalReader& r, ParsedLine& parsed) {
  EntrySink sink(parsed);
  std::string scratch;
  return read_fields(r, sink, scratch);
}

Result<void> read_line_as_leaf(std::string_view line, Bytes& leaf, std::uint64_t& seq,
                               std::optional<merkle::Hash>& recorded) {
  CanonicalReader r(line);
  LeafSink sink(leaf, recorded);
  thread_local std::string scratch;
  CUSTOS_TRY_VOID(read_fields(r, sink, scratch));
  CUSTOS_TRY_VOID(r.end());
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | leaf[kLeafDomain.size() + i];
  seq = value;
  return ok();
}

Result<ParsedLine> parse_json_line(std::string_view line) {
  CanonicalReader r(line);
  ParsedLine parsed;
  CUSTOS_TRY_VOID(read_entry(r, parsed));
  CUSTOS_TRY_VOID(r.end());
  return parsed;
}

}  // namespace custos::auditlog
