// Logins, sessions and passwords.
//
// A session token is 256 random bits, given to the client once and stored
// only as its SHA-256; it expires after `idle_seconds` without use and
// `absolute_seconds` after login, whichever comes first, and ends at logout,
// when the user is disabled or their password is reset. After
// `lockout_failures` wrong passwords in a row the account is locked for
// `lockout_seconds`. Passwords are hashed with Argon2id.
//
// Thread-safety: thread-safe. `login` and the password calls spend tens of
// milliseconds in Argon2id: call them off any event loop.
#pragma once

#include <string>

#include "custos/platform/password.hpp"
#include "custos/platform/secret.hpp"
#include "custos/vault/audit_trail.hpp"

namespace custos::vault {

struct AuthPolicy {
  UnixSeconds idle_seconds = 30 * 60;          // [sessions] idle_minutes = 30
  UnixSeconds absolute_seconds = 12 * 3600;    // [sessions] absolute_hours = 12
  int lockout_failures = 5;                    // [login] lockout_failures = 5
  UnixSeconds lockout_seconds = 15 * 60;       // [login] lockout_minutes = 15
  std::size_t min_password_length = 12;        // [login] min_password_length = 12
  password::Cost cost = password::interactive();
};

struct LoginResult {
  Secret token;  // the bearer token; shown to the client once
  Session session;
  User user;
};

class AuthService {
 public:
  AuthService(Store& store, AuditSink& audit, AuthPolicy policy);

  Result<LoginResult> login(std::string_view name, const Secret& password, const Origin& origin);
  // Resolves a bearer token to its principal; unauthenticated when unknown,
  // expired or its user is disabled. Audits nothing (the caller audits the
  // decision the token was needed for).
  Result<Principal> authenticate(const Secret& token, const Origin& origin);
  Result<void> logout(const Principal& principal, const Origin& origin);
  Result<void> change_password(const Principal& principal, const Secret& old_password,
                               const Secret& new_password, const Origin& origin);

  // Hashes a password under this service's cost and length rule.
  Result<std::string> hash_new_password(const Secret& password) const;
  const AuthPolicy& policy() const { return policy_; }

  static std::string token_hash(const Secret& token);

 private:
  Result<void> record_failed_login(const std::string& name, const Origin& origin, const Error& why);

  Store& store_;
  AuditSink& audit_;
  AuthPolicy policy_;
  std::string dummy_hash_;  // verified against for unknown users, so timing does not tell
};

}  // namespace custos::vault
