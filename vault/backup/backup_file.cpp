#include "custos/vault/backup_file.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "custos/platform/hash.hpp"
#include "custos/platform/secretstream.hpp"

namespace custos::vault::backup {
namespace {

constexpr std::string_view kKeyLabel = "custos vault backup key v1";
constexpr std::string_view kKeyIdLabel = "custos vault backup key id v1";
constexpr std::size_t kMaxSealed = secretstream::kChunkSize + secretstream::kChunkOverhead;

void put_u32(Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}
void put_u64(Bytes& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}
std::uint64_t get_u64(const std::uint8_t* in) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | in[i];
  return value;
}
std::uint32_t get_u32(const std::uint8_t* in) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | in[i];
  return value;
}

Bytes prefix_of(const Secret& backup_key) {
  Bytes prefix(kMagic.begin(), kMagic.end());
  put_u32(prefix, kVersion);
  const auto id = key_id(backup_key);
  prefix.insert(prefix.end(), id.begin(), id.end());
  return prefix;
}

// Reads exactly out.size() bytes; `false` when the file ended first.
Result<bool> read_exact(const Source& source, std::span<std::uint8_t> out) {
  std::size_t got = 0;
  while (got < out.size()) {
    auto n = source(out.subspan(got));
    if (!n) return fail(n.error());
    if (*n == 0) return false;
    got += *n;
  }
  return true;
}

}  // namespace

Secret derive_backup_key(const Secret& vault_key) {
  const auto digest = hmac_sha256(vault_key, as_bytes(kKeyLabel));
  return Secret::from_bytes(digest);
}

Bytes key_id(const Secret& backup_key) {
  const auto digest = hmac_sha256(backup_key, as_bytes(kKeyIdLabel));
  return Bytes(digest.begin(), digest.begin() + kKeyIdSize);
}

// ---- Writer ----------------------------------------------------------------

struct Writer::State {
  secretstream::Encryptor encryptor;
  Sink sink;
  Bytes plain;   // up to kChunkSize bytes not sealed yet
  Bytes sealed;  // length prefix + sealed message
  std::uint64_t remaining = 0;  // bytes the current record still expects
  std::int64_t last_blob = 0;
  std::uint64_t blobs = 0;
  bool database_written = false;
  bool finished = false;

  Result<void> seal(bool last) {
    Bytes message;
    CUSTOS_TRY_VOID(encryptor.push(plain, last, message));
    sealed.clear();
    put_u32(sealed, static_cast<std::uint32_t>(message.size()));
    sealed.insert(sealed.end(), message.begin(), message.end());
    plain.clear();
    return sink(sealed);
  }

  Result<void> append(std::span<const std::uint8_t> bytes) {
    while (!bytes.empty()) {
      const auto room = secretstream::kChunkSize - plain.size();
      const auto take = std::min(room, bytes.size());
      plain.insert(plain.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
      bytes = bytes.subspan(take);
      // A full chunk is sealed only once more bytes come, so that finish()
      // always has a (possibly short) last message to tag FINAL.
      if (plain.size() == secretstream::kChunkSize && !bytes.empty()) CUSTOS_TRY_VOID(seal(false));
    }
    if (plain.size() == secretstream::kChunkSize) {
      // Keep the invariant "plain is never full when a record starts".
      CUSTOS_TRY_VOID(seal(false));
    }
    return ok();
  }
};

Writer::Writer(std::unique_ptr<State> state) : state_(std::move(state)) {}
Writer::Writer(Writer&&) noexcept = default;
Writer& Writer::operator=(Writer&&) noexcept = default;
Writer::~Writer() = default;

Result<Writer> Writer::create(const Secret& backup_key, Sink sink) {
  auto prefix = prefix_of(backup_key);
  auto encryptor = secretstream::Encryptor::create(backup_key, prefix);
  if (!encryptor) return fail(encryptor.error());
  Bytes head = prefix;
  head.insert(head.end(), encryptor->header().begin(), encryptor->header().end());
  CUSTOS_TRY_VOID(sink(head));
  auto state = std::make_unique<State>(State{std::move(*encryptor), std::move(sink), {}, {}, 0, 0, 0, false, false});
  state->plain.reserve(secretstream::kChunkSize);
  return Writer(std::move(state));
}

Result<void> Writer::begin_database(std::uint64_t size) {
  auto& s = *state_;
  if (s.database_written || s.finished || s.remaining != 0) {
    return fail(ErrorCode::internal, "backup: the database record comes once, first");
  }
  s.database_written = true;
  s.remaining = size;
  Bytes record{'D'};
  put_u64(record, size);
  return s.append(record);
}

Result<void> Writer::begin_blob(std::int64_t id, std::uint64_t size) {
  auto& s = *state_;
  if (!s.database_written || s.finished || s.remaining != 0 || id <= s.last_blob) {
    return fail(ErrorCode::internal, "backup: blob records follow the database, in increasing order");
  }
  s.last_blob = id;
  ++s.blobs;
  s.remaining = size;
  Bytes record{'B'};
  put_u64(record, static_cast<std::uint64_t>(id));
  put_u64(record, size);
  return s.append(record);
}

Result<void> Writer::data(std::span<const std::uint8_t> bytes) {
  auto& s = *state_;
  if (bytes.size() > s.remaining) return fail(ErrorCode::internal, "backup: more bytes than the record announced");
  s.remaining -= bytes.size();
  return s.append(bytes);
}

Result<void> Writer::finish() {
  auto& s = *state_;
  if (!s.database_written || s.finished || s.remaining != 0) {
    return fail(ErrorCode::internal, "backup: finished before every record was complete");
  }
  Bytes record{'E'};
  put_u64(record, s.blobs);
  s.plain.insert(s.plain.end(), record.begin(), record.end());  // never overflows: plain is not full
  if (s.plain.size() > secretstream::kChunkSize) {
    Bytes rest(s.plain.begin() + static_cast<std::ptrdiff_t>(secretstream::kChunkSize), s.plain.end());
    s.plain.resize(secretstream::kChunkSize);
    CUSTOS_TRY_VOID(s.seal(false));
    s.plain = std::move(rest);
  }
  s.finished = true;
  return s.seal(true);
}

// ---- Reader ----------------------------------------------------------------

namespace {

// Parses the plaintext records as their bytes arrive, message by message.
class RecordParser {
 public:
  explicit RecordParser(const Visitor& visitor) : visitor_(visitor) {}

  Result<void> feed(std::span<const std::uint8_t> bytes) {
    while (!bytes.empty()) {
      if (ended_) return fail(ErrorCode::corrupt, "backup: bytes after the end record");
      if (remaining_ > 0) {
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
        CUSTOS_TRY_VOID(visitor_.data(bytes.first(take)));
        remaining_ -= take;
        bytes = bytes.subspan(take);
        continue;
      }
      if (head_size_ == 0) {
        kind_ = bytes[0];
        bytes = bytes.subspan(1);
        switch (kind_) {
          case 'D':
          case 'E': need_ = 8; break;
          case 'B': need_ = 16; break;
          default: return fail(ErrorCode::corrupt, "backup: unknown record kind");
        }
        head_size_ = 1;
        filled_ = 0;
        continue;
      }
      const auto take = std::min(need_ - filled_, bytes.size());
      std::memcpy(head_.data() + filled_, bytes.data(), take);
      filled_ += take;
      bytes = bytes.subspan(take);
      if (filled_ == need_) CUSTOS_TRY_VOID(complete_head());
    }
    return ok();
  }

  bool ended() const { return ended_; }

 private:
  Result<void> complete_head() {
    head_size_ = 0;
    if (kind_ == 'D') {
      if (database_seen_) return fail(ErrorCode::corrupt, "backup: a second database record");
      database_seen_ = true;
      remaining_ = get_u64(head_.data());
      return visitor_.database(remaining_);
    }
    if (!database_seen_) return fail(ErrorCode::corrupt, "backup: the database record is missing");
    if (kind_ == 'B') {
      const auto id = get_u64(head_.data());
      if (id == 0 || id > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
          static_cast<std::int64_t>(id) <= last_blob_) {
        return fail(ErrorCode::corrupt, "backup: blob ids out of order");
      }
      last_blob_ = static_cast<std::int64_t>(id);
      ++blobs_;
      remaining_ = get_u64(head_.data() + 8);
      return visitor_.blob(last_blob_, remaining_);
    }
    if (get_u64(head_.data()) != blobs_) return fail(ErrorCode::corrupt, "backup: the end record counts other blobs");
    ended_ = true;
    return visitor_.end(blobs_);
  }

  const Visitor& visitor_;
  std::array<std::uint8_t, 16> head_{};
  std::size_t need_ = 0, filled_ = 0, head_size_ = 0;
  std::uint8_t kind_ = 0;
  std::uint64_t remaining_ = 0, blobs_ = 0;
  std::int64_t last_blob_ = 0;
  bool database_seen_ = false, ended_ = false;
};

}  // namespace

Result<void> read(const Secret& backup_key, const Source& source, const Visitor& visitor) {
  Bytes head(kPrefixSize + secretstream::kHeaderSize);
  auto got = read_exact(source, head);
  if (!got) return fail(got.error());
  if (!*got || !std::equal(kMagic.begin(), kMagic.end(), head.begin())) {
    return fail(ErrorCode::invalid_argument, "not a Custos vault backup file");
  }
  if (get_u32(head.data() + kMagic.size()) != kVersion) {
    return fail(ErrorCode::invalid_argument, "a backup file of another format version");
  }
  const Bytes prefix(head.begin(), head.begin() + kPrefixSize);
  const auto expected_id = key_id(backup_key);
  if (!std::equal(expected_id.begin(), expected_id.end(), prefix.begin() + kMagic.size() + 4)) {
    return fail(ErrorCode::crypto, "the backup was sealed under another vault key than the one given");
  }
  auto decryptor = secretstream::Decryptor::create(
      backup_key, std::span<const std::uint8_t>(head).subspan(kPrefixSize), prefix);
  if (!decryptor) return fail(decryptor.error());
  RecordParser parser(visitor);
  Bytes sealed;
  Secret plain(0);
  std::array<std::uint8_t, 4> length{};
  while (!decryptor->finished()) {
    auto more = read_exact(source, length);
    if (!more) return fail(more.error());
    if (!*more) return fail(ErrorCode::corrupt, "backup: the file ends before its last message (truncated)");
    const auto size = get_u32(length.data());
    if (size < secretstream::kChunkOverhead || size > kMaxSealed) {
      return fail(ErrorCode::corrupt, "backup: a message of impossible size");
    }
    sealed.resize(size);
    more = read_exact(source, sealed);
    if (!more) return fail(more.error());
    if (!*more) return fail(ErrorCode::corrupt, "backup: the file ends inside a message (truncated)");
    CUSTOS_TRY_VOID(decryptor->pull(sealed, plain));
    CUSTOS_TRY_VOID(parser.feed(plain.unsafe_bytes()));
  }
  if (!parser.ended()) return fail(ErrorCode::corrupt, "backup: the records end before the end record");
  std::array<std::uint8_t, 1> extra{};
  auto after = source(extra);
  if (!after) return fail(after.error());
  if (*after != 0) return fail(ErrorCode::corrupt, "backup: bytes after the last message");
  return ok();
}

}  // namespace custos::vault::backup
