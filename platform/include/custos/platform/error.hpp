// The one error type of Custos.
//
// Every fallible call returns `Result<T>` (std::expected<T, Error>). An Error
// carries a code from a small closed set, which callers and tests branch on,
// and a one-line message for people: what failed, why, and where it helps,
// what to do. Messages never contain secrets or customer content.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace custos {

// The closed set of error codes. The wire form (`to_string`) is stable API:
// the HTTP error body, the CLI's JSON output and the audit log use it.
enum class ErrorCode : std::uint8_t {
  invalid_argument,    // the input is malformed or out of range (exit 2, HTTP 400)
  not_found,           // the named thing does not exist (or may not be seen)
  already_exists,      // creating something that is already there
  unauthenticated,     // no valid credential: log in again (HTTP 401)
  permission_denied,   // authenticated, but the rules refuse it (HTTP 403)
  locked,              // the account is locked out for a while (HTTP 423)
  conflict,            // the request contradicts the current state (HTTP 409)
  too_large,           // a size limit was exceeded (HTTP 413)
  expired,             // a token, grant or approval is past its time
  unavailable,         // a peer or resource is not reachable now; retry later
  io,                  // the operating system refused a read or write
  corrupt,             // stored or received data failed an integrity check
  crypto,              // a cryptographic operation failed (never says why in detail)
  timeout,             // an operation took longer than allowed
  internal,            // a bug: an invariant did not hold
};

std::string_view to_string(ErrorCode code) noexcept;

// Parses the wire form back; unknown strings map to `internal` so that a
// newer peer's code never turns into a success.
ErrorCode error_code_from_string(std::string_view text) noexcept;

struct [[nodiscard]] Error {
  ErrorCode code;
  std::string message;

  // "permission_denied: only a project lead may grant access"
  std::string describe() const;
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for the failing side: `return fail(ErrorCode::not_found, "…");`
inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}
inline std::unexpected<Error> fail(Error error) {
  return std::unexpected<Error>(std::move(error));
}

// Success of a Result<void>.
inline Result<void> ok() { return {}; }

}  // namespace custos

// Propagates the error of an expression yielding Result<T>; otherwise yields
// nothing. (The counter keeps nested uses, e.g. inside a lambda, distinct.)
#define CUSTOS_TRY_VOID(expr) CUSTOS_TRY_VOID_IMPL(expr, CUSTOS_TRY_CAT(custos_try_r_, __COUNTER__))
#define CUSTOS_TRY_CAT(a, b) CUSTOS_TRY_CAT_IMPL(a, b)
#define CUSTOS_TRY_CAT_IMPL(a, b) a##b
#define CUSTOS_TRY_VOID_IMPL(expr, name)                   \
  do {                                                     \
    if (auto name = (expr); !name) {                       \
      return ::std::unexpected(std::move(name).error());   \
    }                                                      \
  } while (false)
