// Password hashing with Argon2id (libsodium crypto_pwhash_str), in the
// self-describing "$argon2id$v=19$m=…,t=…,p=1$…" form, so that cost
// parameters can be raised later and old hashes still verify.
//
// Thread-safety: pure functions; each call uses `memory` bytes of RAM.
#pragma once

#include <string>

#include "custos/platform/secret.hpp"

namespace custos::password {

struct Cost {
  unsigned long long ops;
  std::size_t memory;
};
// libsodium's "interactive" cost (≈ 50 ms, 64 MiB): the default for logins.
Cost interactive();
// The cheapest cost libsodium accepts; for tests and benchmarks only.
Cost minimum_for_tests_only();

Result<std::string> hash(const Secret& password, Cost cost = interactive());
// True when `password` matches; an unreadable hash is an error, never a match.
Result<bool> verify(const std::string& hashed, const Secret& password);
// True when `hashed` was made with a cost below `cost` and should be redone.
bool needs_rehash(const std::string& hashed, Cost cost = interactive());

}  // namespace custos::password
