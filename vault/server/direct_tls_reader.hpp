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
// tls::DirectSocket. It hands out first what Asio already passed to OpenSSL
// but OpenSSL has not read yet (in Asio's BIO pair), then the socket. Nothing
// else can be waiting: Asio receives at most 17 KiB at a time, the size of
// the BIO pair, and only when OpenSSL asks for more input, which OpenSSL
// does only once it has drained the pair; so everything Asio received is in
// the pair or already in OpenSSL. (Were that ever not so, the bytes held
// back would break TLS's record check and fail the upload, not corrupt it.)
// OpenSSL reads records exactly (no read-ahead), so nothing past the body's
// last record is taken from the socket: when the reader ends and Asio's BIO
// is put back, the next request on the connection reads on from there.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <cstring>
#include <span>
#include <string>

#include "custos/platform/error.hpp"
#include "custos/platform/tls_direct_socket.hpp"

namespace custos::vault::direct_tls {

class Reader {
 public:
  explicit Reader(boost::beast::ssl_stream<boost::beast::tcp_stream>& stream)
      : ssl_(stream.native_handle()),
        socket_(ssl_, boost::beast::get_lowest_layer(stream).socket().native_handle(), tls::DirectSocket::Side::read) {}

  // Decrypts the next bytes into `into`: how many, or 0 when the socket has
  // nothing yet (wait for it to be readable and call again).
  Result<std::size_t> read(std::span<std::uint8_t> into) {
    if (!socket_.ready()) return fail(ErrorCode::internal, "cannot set up the upload's TLS reader");
    std::size_t got = 0;
    if (SSL_read_ex(ssl_, into.data(), into.size(), &got) == 1) return got;
    const int reason = SSL_get_error(ssl_, 0);
    ERR_clear_error();
    if (reason == SSL_ERROR_WANT_READ) return 0;
    if (reason == SSL_ERROR_ZERO_RETURN || (reason == SSL_ERROR_SYSCALL && socket_.last_errno() == 0)) {
      return fail(ErrorCode::unavailable, "the upload was cut off: the client closed the connection");
    }
    if (reason == SSL_ERROR_SYSCALL) {
      return fail(ErrorCode::unavailable, std::string("the upload was cut off: ") + std::strerror(socket_.last_errno()));
    }
    return fail(ErrorCode::unavailable, "the upload was cut off: the client sent bytes that are not TLS records");
  }

 private:
  SSL* ssl_;
  tls::DirectSocket socket_;
};

}  // namespace custos::vault::direct_tls
