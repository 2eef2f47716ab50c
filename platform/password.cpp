#include "custos/platform/password.hpp"

#include <sodium.h>

namespace custos::password {

Cost interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

Cost minimum_for_tests_only() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

Result<std::string> hash(const Secret& password, Cost cost) {
  std::string out(crypto_pwhash_STRBYTES, '\0');
  const auto bytes = password.unsafe_view();
  if (crypto_pwhash_str_alg(out.data(), bytes.data(), bytes.size(), cost.ops, cost.memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(ErrorCode::unavailable, "not enough memory to hash the password");
  }
  out.resize(out.find('\0'));
  return out;
}

Result<bool> verify(const std::string& hashed, const Secret& password) {
  if (hashed.rfind("$argon2id$", 0) != 0) {
    return fail(ErrorCode::corrupt, "stored password hash is not an Argon2id hash");
  }
  const auto bytes = password.unsafe_view();
  return crypto_pwhash_str_verify(hashed.c_str(), bytes.data(), bytes.size()) == 0;
}

bool needs_rehash(const std::string& hashed, Cost cost) {
  return crypto_pwhash_str_needs_rehash(hashed.c_str(), cost.ops, cost.memory) != 0;
}

}  // namespace custos::password
