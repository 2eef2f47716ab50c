// The client library of the vault's HTTPS API, used by the `custos` command,
// the agent, the tests and the benchmarks.
//
// Trust is by pinning: the client accepts the vault's certificate only if
// the SHA-256 fingerprint of the leaf certificate equals the one it was given
// (printed by `custos-vault init`), whatever CA signed it. A mismatch is an
// error with code `crypto` and both fingerprints in the message.
//
// Errors the vault answers come back as Error with the vault's code and
// message; "cannot connect" is `unavailable`.
//
// Thread-safety: a VaultClient keeps one connection (kept alive between
// calls) and is used by one thread at a time.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "custos/platform/secret.hpp"
#include "custos/platform/url.hpp"

namespace custos::vault {

struct ClientOptions {
  std::string server;       // "https://127.0.0.1:8443"
  std::string fingerprint;  // "SHA256:…"
  Secret token;             // the session's bearer token; empty before login
  Secret agent_credential{};  // a workstation agent's credential ("X-Custos-Agent"); empty for people's tools
  std::chrono::seconds timeout{60};
};

class VaultClient {
 public:
  static Result<VaultClient> create(ClientOptions options);
  VaultClient(VaultClient&&) noexcept;
  VaultClient& operator=(VaultClient&&) noexcept;
  ~VaultClient();

  void set_token(Secret token);
  void set_agent_credential(Secret credential);

  // A JSON request; `body` may be null. The answer, always a JSON object
  // (anything else is corrupt), or its error.
  Result<boost::json::value> call(std::string_view method, std::string_view target,
                                  const boost::json::value* body = nullptr);
  // Streams `file` as the body of a POST to `target` (never read whole).
  Result<boost::json::value> upload(std::string_view target, const std::filesystem::path& file,
                                    const std::string& content_type);
  // Streams `size` bytes produced by `source` (called until it returns 0).
  Result<boost::json::value> upload_stream(std::string_view target, std::uint64_t size, const std::string& content_type,
                                           const std::function<std::size_t(std::span<std::uint8_t>)>& source);
  // GETs `target` and hands the body to `sink` piece by piece.
  Result<void> download(std::string_view target,
                        const std::function<Result<void>(std::span<const std::uint8_t>)>& sink);

 private:
  struct Impl;
  explicit VaultClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Query and path components: custos::url_encode (custos/platform/url.hpp).
using custos::url_encode;

}  // namespace custos::vault
