// Lets a TLS connection's SSL object read or write its socket directly for a
// while, around the BIO it was set up with (Asio's BIO pair), and puts that
// BIO back when it ends. Upload bodies use it on both ends: through Asio's
// TLS stream every byte is copied twice more, through Asio's buffer and its
// BIO pair, and every record takes a trip through Asio's engine
// (docs/performance.md).
//
// Reading, the SSL object is first handed what the original BIO still holds
// (records Asio received and passed on but OpenSSL has not read), then the
// socket, without waiting: read() answers 0 when nothing is there and the
// caller polls the socket.
//
// Writing, it sends with MSG_NOSIGNAL, so a peer that closed is an error, not
// SIGPIPE; the socket's blocking mode and SO_SNDTIMEO apply. The caller must
// have flushed what the original BIO held (a completed synchronous write
// through Asio has).
#pragma once

#include <openssl/bio.h>
#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "custos/platform/error.hpp"

namespace custos::tls {

class DirectSocket {
 public:
  enum class Side { read, write };

  DirectSocket(SSL* ssl, int fd, Side side);
  ~DirectSocket();
  DirectSocket(const DirectSocket&) = delete;
  DirectSocket& operator=(const DirectSocket&) = delete;

  // Side::read: decrypts the next bytes into `into` and says how many, or 0
  // when the socket has nothing yet (poll it and call again). A peer that
  // closed, a broken socket or bytes that are not TLS records are
  // `unavailable`.
  Result<std::size_t> read(std::span<std::uint8_t> into);
  // Side::write: encrypts and sends all of `bytes`. A send that ran past
  // SO_SNDTIMEO is `timeout`; a peer that closed or a broken socket is
  // `unavailable`.
  Result<void> write(std::span<const std::uint8_t> bytes);

 private:
  // The error SSL_get_error() names after a failed call, cleared from
  // OpenSSL's queue.
  Error failure(int reason);
  static BIO_METHOD* method();  // made once, for both sides
  static int on_read(BIO* bio, char* out, int length);
  static int on_write(BIO* bio, const char* in, int length);
  static long on_ctrl(BIO* bio, int command, long number, void* pointer);

  SSL* ssl_;
  int fd_;
  Side side_;
  BIO* original_;  // the SSL's BIO on this side before and after
  BIO* direct_;
  int errno_ = 0;  // of the last failed recv or send; 0 after a clean end of stream
};

}  // namespace custos::tls
