// Reads an upload's body with OpenSSL straight from the socket, around
// Asio's TLS stream. Included only by http_server.cpp, the one translation
// unit that instantiates Beast.
//
// Why: through Asio's stream every TLS record is received into Asio's input
// buffer, copied into a BIO pair, copied again into OpenSSL's record buffer,
// decrypted there and copied out: three copies of every byte, and a trip
// through Asio's engine per record. Here OpenSSL receives each record into
// its own buffer and decrypts it there; one copy is left, into the upload's
// chunk. On a 256 MiB upload with its client on the same two cores this
// raised the throughput by a few per cent (docs/performance.md).
//
// How: for the body's duration the connection's SSL object reads through a
// BIO of ours. It hands out first what Asio already passed to OpenSSL but
// OpenSSL has not read yet (in Asio's BIO pair), then the socket. Nothing
// else can be waiting: Asio receives at most 17 KiB at a time, the size of
// the BIO pair, and only when OpenSSL asks for more input, which OpenSSL
// does only once it has drained the pair; so everything Asio received is in
// the pair or already in OpenSSL. (Were that ever not so, the bytes held
// back would break TLS's record check and fail the upload, not corrupt it.)
// OpenSSL reads records exactly (no read-ahead), so nothing past the body's
// last record is taken from the socket: when the reader ends and Asio's BIO
// is put back, the next request on the connection reads on from there.
#pragma once

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <cstring>
#include <span>

#include "custos/platform/error.hpp"

namespace custos::vault::direct_tls {

class Reader {
 public:
  explicit Reader(boost::beast::ssl_stream<boost::beast::tcp_stream>& stream)
      : ssl_(stream.native_handle()),
        pair_(SSL_get_rbio(ssl_)),
        fd_(boost::beast::get_lowest_layer(stream).socket().native_handle()),
        direct_(BIO_new(method())) {
    if (direct_ == nullptr) return;
    BIO_set_data(direct_, this);
    BIO_set_init(direct_, 1);
    BIO_up_ref(pair_);  // SSL_set0_rbio releases the SSL's reference
    SSL_set0_rbio(ssl_, direct_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  ~Reader() {
    if (direct_ != nullptr) SSL_set0_rbio(ssl_, pair_);  // frees direct_, hands our reference back
  }

  // Decrypts the next bytes into `into`: how many, or 0 when the socket has
  // nothing yet (wait for it to be readable and call again).
  Result<std::size_t> read(std::span<std::uint8_t> into) {
    if (direct_ == nullptr) return fail(ErrorCode::internal, "cannot set up the upload's TLS reader");
    std::size_t got = 0;
    if (SSL_read_ex(ssl_, into.data(), into.size(), &got) == 1) return got;
    const int reason = SSL_get_error(ssl_, 0);
    ERR_clear_error();
    if (reason == SSL_ERROR_WANT_READ) return 0;
    if (reason == SSL_ERROR_ZERO_RETURN || (reason == SSL_ERROR_SYSCALL && errno_ == 0)) {
      return fail(ErrorCode::unavailable, "the upload was cut off: the client closed the connection");
    }
    if (reason == SSL_ERROR_SYSCALL) {
      return fail(ErrorCode::unavailable, std::string("the upload was cut off: ") + std::strerror(errno_));
    }
    return fail(ErrorCode::unavailable, "the upload was cut off: the client sent bytes that are not TLS records");
  }

 private:
  static BIO_METHOD* method() {
    static BIO_METHOD* const made = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "custos upload body");
      if (m != nullptr) {
        BIO_meth_set_read(m, &Reader::bio_read);
        BIO_meth_set_ctrl(m, &Reader::bio_ctrl);
      }
      return m;
    }();
    return made;
  }

  static int bio_read(BIO* bio, char* out, int length) {
    auto& self = *static_cast<Reader*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    if (length <= 0) return 0;
    if (BIO_ctrl_pending(self.pair_) > 0) return BIO_read(self.pair_, out, length);
    const auto got = ::recv(self.fd_, out, static_cast<std::size_t>(length), MSG_DONTWAIT);
    if (got >= 0) {
      self.errno_ = 0;
      return static_cast<int>(got);
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      BIO_set_retry_read(bio);
      return -1;
    }
    self.errno_ = errno;
    return -1;
  }

  // Nothing to configure; "flushed" so that OpenSSL never waits on it.
  static long bio_ctrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

  SSL* ssl_;
  BIO* pair_;  // Asio's BIO, the SSL's read BIO before and after
  int fd_;
  BIO* direct_;
  int errno_ = 0;  // of the last failed recv
};

}  // namespace custos::vault::direct_tls
