// Lets a TLS connection's SSL object read or write its socket directly for a
// while, around the BIO it was set up with (Asio's BIO pair), and puts that
// BIO back when it ends. Upload bodies use it on both ends: through Asio's
// TLS stream every byte is copied twice more, through Asio's buffer and its
// BIO pair, and every record takes a trip through Asio's engine
// (docs/performance.md).
//
// Reading, the SSL object is first handed what the original BIO still holds
// (records Asio received and passed on but OpenSSL has not read), then the
// socket, without waiting: when nothing is there OpenSSL reports
// SSL_ERROR_WANT_READ and the caller polls the socket.
//
// Writing, it sends with MSG_NOSIGNAL, so a peer that closed is an error, not
// SIGPIPE; the socket's blocking mode and SO_SNDTIMEO apply. The caller must
// have flushed what the original BIO held (a completed synchronous write
// through Asio has).
#pragma once

#include <openssl/bio.h>
#include <openssl/types.h>

namespace custos::tls {

class DirectSocket {
 public:
  enum class Side { read, write };

  DirectSocket(SSL* ssl, int fd, Side side);
  ~DirectSocket();
  DirectSocket(const DirectSocket&) = delete;
  DirectSocket& operator=(const DirectSocket&) = delete;

  // False when OpenSSL could not make the BIO; the SSL object is then as it was.
  bool ready() const { return direct_ != nullptr; }
  // errno of the last failed recv or send; 0 after a clean end of stream.
  int last_errno() const { return errno_; }

 private:
  static BIO_METHOD* method();  // made once, for both sides
  static int on_read(BIO* bio, char* out, int length);
  static int on_write(BIO* bio, const char* in, int length);
  static long on_ctrl(BIO* bio, int command, long number, void* pointer);

  SSL* ssl_;
  int fd_;
  Side side_;
  BIO* original_;  // the SSL's BIO on this side before and after
  BIO* direct_;
  int errno_ = 0;
};

}  // namespace custos::tls
