#include "custos/vault/auth_service.hpp"

#include "custos/platform/hash.hpp"

namespace custos::vault {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::string_view kTokenPrefix = "cst_";
// A session is touched (last_seen_at written) at most this often, so that
// authenticated reads do not each cost a store write.
constexpr UnixSeconds kTouchInterval = 60;

Error wrong_credentials() {
  return Error{ErrorCode::unauthenticated, "wrong user name or password"};
}

}  // namespace

AuthService::AuthService(Store& store, AuditSink& audit, AuthPolicy policy)
    : store_(store), audit_(audit), policy_(policy) {
  dummy_hash_ = password::hash(Secret::random(16), policy_.cost).value_or("");
}

std::string AuthService::token_hash(const Secret& token) { return hex_encode(sha256(token.unsafe_bytes())); }

Result<std::string> AuthService::hash_new_password(const Secret& password) const {
  if (password.size() < policy_.min_password_length) {
    return fail(ErrorCode::invalid_argument, "a password needs at least " +
                                                 std::to_string(policy_.min_password_length) + " characters");
  }
  return password::hash(password, policy_.cost);
}

Result<void> AuthService::record_failed_login(const std::string& name, const Origin& origin, const Error& why) {
  auto record = refusal_audit(origin, nullptr, Action::session_login, "user:" + name, why);
  return audit_.record(std::move(record));
}

Result<LoginResult> AuthService::login(std::string_view name, const Secret& password, const Origin& origin) {
  const std::string user_name(name);
  auto user = transact(store_, TxMode::read, [&](Transaction& tx) { return tx.user_by_name(user_name); });
  if (!user) {
    if (user.error().code != ErrorCode::not_found) return fail(user.error());
    (void)password::verify(dummy_hash_, password);  // same cost as a real check
    CUSTOS_TRY_VOID(record_failed_login(user_name, origin, wrong_credentials()));
    return fail(wrong_credentials());
  }
  if (user->disabled) {
    Error error{ErrorCode::permission_denied, "the account is disabled; ask the IT engineer"};
    CUSTOS_TRY_VOID(record_failed_login(user_name, origin, error));
    return fail(std::move(error));
  }
  if (user->locked_until > origin.now) {
    Error error{ErrorCode::locked, "the account is locked after repeated failed logins until " +
                                       format_rfc3339(user->locked_until)};
    CUSTOS_TRY_VOID(record_failed_login(user_name, origin, error));
    return fail(std::move(error));
  }
  // The expensive check runs outside any store transaction.
  auto matches = password::verify(user->password_hash, password);
  if (!matches) return fail(matches.error());

  if (!*matches) {
    auto counted = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
      auto fresh = tx.user_by_id(user->id);
      if (!fresh) return fail(fresh.error());
      int failed = fresh->failed_logins + 1;
      UnixSeconds locked_until = fresh->locked_until;
      std::string reason = "unauthenticated";
      if (failed >= policy_.lockout_failures) {
        locked_until = origin.now + policy_.lockout_seconds;
        failed = 0;
        reason = "locked";
      }
      CUSTOS_TRY_VOID(tx.update_login_state(user->id, failed, locked_until));
      auto record = make_audit(origin, nullptr, Action::session_login, "user:" + user_name, Outcome::refused,
                               reason, "{\"message\":\"wrong password\"}");
      CUSTOS_TRY_VOID(tx.append_audit(record));
      return ok();
    });
    if (!counted) return fail(counted.error());
    return fail(wrong_credentials());
  }

  LoginResult result{Secret(), Session{}, *user};
  {
    auto random = Secret::random(kTokenBytes);
    const auto text = std::string(kTokenPrefix) + base64url_encode(random.unsafe_bytes());
    result.token = Secret::from_string(text);
  }
  result.session.token_hash = token_hash(result.token);
  result.session.user_id = user->id;
  result.session.created_at = origin.now;
  result.session.last_seen_at = origin.now;
  result.session.expires_at = origin.now + policy_.absolute_seconds;
  result.session.source = origin.source;
  const Principal principal{*user, result.session.token_hash};
  auto stored = transact(store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
    CUSTOS_TRY_VOID(tx.update_login_state(user->id, 0, 0));
    CUSTOS_TRY_VOID(tx.delete_expired_sessions(origin.now - policy_.idle_seconds, origin.now));
    CUSTOS_TRY_VOID(tx.insert_session(result.session));
    CUSTOS_TRY_VOID(append_allowed(tx, origin, &principal, Action::session_login, "user:" + user_name));
    return ok();
  });
  if (!stored) return fail(stored.error());
  return result;
}

Result<Principal> AuthService::authenticate(const Secret& token, const Origin& origin) {
  const Error invalid{ErrorCode::unauthenticated, "the session is not valid (expired or logged out); log in again"};
  if (token.empty() || !token.unsafe_view().starts_with(kTokenPrefix)) return fail(invalid);
  const auto hash = token_hash(token);
  UnixSeconds last_seen = 0;
  auto found = transact(store_, TxMode::read, [&](Transaction& tx) -> Result<Principal> {
    auto session = tx.session_by_hash(hash);
    if (!session) return fail(session.error());
    auto user = tx.user_by_id(session->user_id);
    if (!user) return fail(user.error());
    if (user->disabled || session->expires_at <= origin.now ||
        session->last_seen_at + policy_.idle_seconds <= origin.now) {
      return fail(invalid);
    }
    last_seen = session->last_seen_at;
    return Principal{std::move(*user), hash};
  });
  if (!found) {
    if (found.error().code == ErrorCode::not_found) return fail(invalid);
    return found;
  }
  // Touching is bookkeeping, not a decision: a staging write needs no audit record.
  if (last_seen + kTouchInterval <= origin.now) {
    (void)transact(store_, TxMode::staging, [&](Transaction& tx) -> Result<void> {
      return tx.touch_session(hash, origin.now);
    });
  }
  return found;
}

Result<void> AuthService::logout(const Principal& principal, const Origin& origin) {
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
    CUSTOS_TRY_VOID(tx.delete_session(principal.token_hash));
    return append_allowed(tx, origin, &principal, Action::session_logout, "user:" + principal.user.name);
  });
}

Result<void> AuthService::change_password(const Principal& principal, const Secret& old_password,
                                          const Secret& new_password, const Origin& origin) {
  auto matches = password::verify(principal.user.password_hash, old_password);
  if (!matches) return fail(matches.error());
  if (!*matches) return fail(ErrorCode::permission_denied, "the current password is wrong");
  auto hashed = hash_new_password(new_password);
  if (!hashed) return fail(hashed.error());
  return transact(store_, TxMode::write, [&](Transaction& tx) -> Result<void> {
    CUSTOS_TRY_VOID(tx.set_password_hash(principal.user.id, *hashed));
    // Every session of the user ends, this one too: a password change is
    // often made because a session may have leaked.
    CUSTOS_TRY_VOID(tx.delete_sessions_of(principal.user.id));
    return append_allowed(tx, origin, &principal, Action::password_change, "user:" + principal.user.name);
  });
}

}  // namespace custos::vault

