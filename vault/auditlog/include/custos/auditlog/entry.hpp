// One entry of the audit log: the fields of an audit record, its canonical
// leaf bytes (what the Merkle tree hashes) and its canonical JSON line (what
// exports and certificates carry). docs/audit-log.md specifies both, so a
// third party can re-implement the verifier from the text alone.
//
// Leaf bytes ("custos-audit-v1" encoding), all integers big-endian:
//   "custos-audit-v1" 0x00   16 bytes, domain separation
//   seq                      8 bytes unsigned (1, 2, 3, …; leaf index = seq − 1)
//   time                     8 bytes signed, Unix seconds
//   actor_id                 8 bytes unsigned, 0 when no user was authenticated
//   outcome                  1 byte: 0 refused, 1 allowed
//   request_id, actor, source, action, target, reason, detail
//                            each a 4-byte length, then that many UTF-8 bytes
// The seq inside the leaf binds every entry to its position: an entry moved,
// dropped or duplicated no longer hashes to the leaf at that index.
//
// JSON line: exactly
//   {"seq":N,"time":N,"request_id":S,"actor_id":N|null,"actor":S,"source":S,
//    "action":S,"target":S,"outcome":"allowed"|"refused","reason":S,"detail":S}
// with no spaces, keys in this order, integers without leading zeros, strings
// escaped by the platform's rule (custos/platform/json_text.hpp). An export
// line adds ,"leaf_hash":"<64 hex>" before the closing brace. The reader
// accepts only this form: any other byte string, even one a JSON library
// would read as the same values, is refused, so one entry has one text.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "custos/merkle/hash.hpp"
#include "custos/platform/encoding.hpp"
#include "custos/platform/error.hpp"

namespace custos::auditlog {

inline constexpr std::string_view kLeafDomain{"custos-audit-v1\0", 16};
// Bounds of a readable entry: a leaf larger than this is refused as corrupt.
inline constexpr std::size_t kMaxEntryBytes = 1 << 20;

struct Entry {
  std::uint64_t seq = 0;
  std::int64_t time = 0;
  std::string request_id;
  std::uint64_t actor_id = 0;  // 0: unauthenticated
  std::string actor;
  std::string source;
  std::string action;
  std::string target;
  bool allowed = false;
  std::string reason;
  std::string detail;  // compact JSON text, kept as a string
  friend bool operator==(const Entry&, const Entry&) = default;
};

// The canonical leaf bytes. Text fields must be valid UTF-8 (the vault
// cleans them before they reach the log); invalid_argument otherwise, and
// for seq 0.
Result<Bytes> encode_leaf(const Entry& entry);
// Reads leaf bytes back; invalid_argument unless exactly a canonical encoding.
Result<Entry> decode_leaf(std::span<const std::uint8_t> bytes);
// merkle::leaf_hash(encode_leaf(entry)).
Result<merkle::Hash> entry_leaf_hash(const Entry& entry);

// The canonical JSON object of `entry`, with "leaf_hash" when given.
std::string to_json_line(const Entry& entry, const merkle::Hash* leaf_hash = nullptr);

struct ParsedLine {
  Entry entry;
  std::optional<merkle::Hash> leaf_hash;
};
// Reads one canonical line (without its line break); invalid_argument,
// naming the first offending byte, otherwise.
Result<ParsedLine> parse_json_line(std::string_view line);

}  // namespace custos::auditlog
