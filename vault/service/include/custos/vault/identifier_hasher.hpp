// Keyed hashes of customer-identifying values (customer names, ID numbers,
// phone numbers, document titles) for the audit log: a leaf never holds such
// a value in the clear, only HMAC-SHA-256(identifier key, value), so a copy
// of the log reveals nothing, yet an auditor holding a value can ask the
// vault for its hash (POST /api/v1/audit/hash) and search for it.
//
// The value is hashed exactly as given (UTF-8 bytes, no trimming or case
// folding): the auditor asks for the hash of the same text that was stored.
// The form is "hmac-sha256:" then 64 lowercase hex digits (docs/audit-log.md).
//
// The identifier key is the vault's own (keys/identifier.key, 0600), apart
// from the key that wraps data keys, so rotating that one keeps old hashes
// searchable.
//
// Thread-safety: immutable after construction; hash() may be called from any thread.
#pragma once

#include <string>
#include <string_view>

#include "custos/platform/secret.hpp"

namespace custos::vault {

inline constexpr std::string_view kIdentifierHashPrefix = "hmac-sha256:";

class IdentifierHasher {
 public:
  explicit IdentifierHasher(Secret key) : key_(std::move(key)) {}

  std::string hash(std::string_view value) const;

 private:
  Secret key_;
};

}  // namespace custos::vault
