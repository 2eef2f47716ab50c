// The vault's HTTPS server: Boost.Beast over TLS (1.2 or 1.3, 1.3
// preferred), asynchronous, many clients at once. It reads requests with
// hard limits (head size, body size, time for each step), hands them to the
// Api, and runs store and crypto work on worker threads so that one slow
// request never stalls the network threads. Argon2id logins get their own
// threads so a burst of logins cannot starve everything else.
//
// Shutdown (stop(), or SIGTERM/SIGINT under run(true)): stop accepting,
// close idle connections, let in-flight requests finish and answer with
// "Connection: close", then return from run().
//
// Thread-safety: listen() and run() from one thread; stop() from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "custos/vault/api.hpp"
#include "custos/vault/metrics.hpp"
#include "custos/vault/vault_config.hpp"

namespace custos::vault {

class HttpServer {
 public:
  HttpServer(Api& api, Metrics& metrics, ServerSettings server, HttpLimits limits, std::uint64_t max_upload_bytes);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Result<void> load_tls(const std::filesystem::path& certificate, const std::filesystem::path& private_key);
  // Binds "address:port" (port 0 picks a free one); returns the bound port.
  Result<std::uint16_t> listen(std::string_view address);
  // From now on SIGTERM and SIGINT stop the server (a signal that arrives
  // before run() is kept and acted on when it starts). Call it before telling
  // anyone the vault is up, so that no stop request can find the default
  // action still in place.
  void catch_signals();
  // Serves until stop(); with `handle_signals`, SIGTERM and SIGINT stop it too
  // (catch_signals() if not called yet).
  void run(bool handle_signals);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "127.0.0.1:8443" or "[::1]:8443" → host and port.
Result<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view address);

}  // namespace custos::vault
