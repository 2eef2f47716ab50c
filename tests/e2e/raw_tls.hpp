// A deliberately crude TLS client for bad-input tests: send whatever bytes,
// read whatever comes back. No pinning: these tests attack the server.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace custos::testing {

class RawTls {
 public:
  // Connects and (unless `handshake` is false) completes the TLS handshake.
  RawTls(std::uint16_t port, bool handshake = true);
  ~RawTls();
  bool send(const std::string& bytes);
  // The TLS records that carry `plaintext`, made but not sent: with
  // send_raw() a test decides where the bytes on the wire are cut.
  std::string seal(const std::string& plaintext);
  // Writes bytes to the socket as they are, around TLS.
  bool send_raw(const std::string& bytes);
  // Reads until the peer closes or `seconds` pass; returns what arrived.
  std::string read_all(int seconds);
  // Reads one HTTP response, head and Content-Length body, and no further;
  // what arrived if the peer closes or `seconds` pass first.
  std::string read_response(int seconds);
  // True when the peer closed the connection within `seconds`.
  bool closed_by_peer(int seconds);
  // The HTTP status of the first response in `text`, or 0.
  static int status_of(const std::string& text);

 private:
  // Some bytes (through TLS once the handshake is done), or an error; the
  // error is timed_out once `deadline` passes.
  std::size_t read_some(boost::asio::mutable_buffer into, std::chrono::steady_clock::time_point deadline,
                        boost::system::error_code& ec);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::testing
