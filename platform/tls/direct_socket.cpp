#include "custos/platform/tls_direct_socket.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace custos::tls {

BIO_METHOD* DirectSocket::method() {
  static BIO_METHOD* const made = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "custos direct socket");
    if (m != nullptr) {
      BIO_meth_set_read(m, &DirectSocket::on_read);
      BIO_meth_set_write(m, &DirectSocket::on_write);
      BIO_meth_set_ctrl(m, &DirectSocket::on_ctrl);
    }
    return m;
  }();
  return made;
}

DirectSocket::DirectSocket(SSL* ssl, int fd, Side side)
    : ssl_(ssl), fd_(fd), side_(side),
      original_(side == Side::read ? SSL_get_rbio(ssl) : SSL_get_wbio(ssl)),
      direct_(nullptr) {
  if (method() == nullptr || original_ == nullptr) return;
  direct_ = BIO_new(method());
  if (direct_ == nullptr) return;
  BIO_set_data(direct_, this);
  BIO_set_init(direct_, 1);
  BIO_up_ref(original_);  // SSL_set0_[rw]bio releases the SSL's reference
  if (side_ == Side::read) {
    SSL_set0_rbio(ssl_, direct_);
  } else {
    SSL_set0_wbio(ssl_, direct_);
  }
}

DirectSocket::~DirectSocket() {
  if (direct_ == nullptr) return;
  // Frees direct_ and hands the reference taken above back to the SSL object.
  if (side_ == Side::read) {
    SSL_set0_rbio(ssl_, original_);
  } else {
    SSL_set0_wbio(ssl_, original_);
  }
}

Result<std::size_t> DirectSocket::read(std::span<std::uint8_t> into) {
  if (direct_ == nullptr) return fail(ErrorCode::internal, "cannot set up reading the TLS connection");
  std::size_t got = 0;
  if (SSL_read_ex(ssl_, into.data(), into.size(), &got) == 1) return got;
  const int reason = SSL_get_error(ssl_, 0);
  if (reason == SSL_ERROR_WANT_READ) {
    ERR_clear_error();
    return 0;
  }
  return fail(failure(reason));
}

Result<void> DirectSocket::write(std::span<const std::uint8_t> bytes) {
  if (direct_ == nullptr) return fail(ErrorCode::internal, "cannot set up writing the TLS connection");
  while (!bytes.empty()) {
    std::size_t written = 0;
    if (SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written) != 1) return fail(failure(SSL_get_error(ssl_, 0)));
    bytes = bytes.subspan(written);
  }
  return ok();
}

Error DirectSocket::failure(int reason) {
  ERR_clear_error();
  if (reason == SSL_ERROR_WANT_WRITE) return Error{ErrorCode::timeout, "the other end stopped taking data"};
  if (reason == SSL_ERROR_ZERO_RETURN || (reason == SSL_ERROR_SYSCALL && errno_ == 0)) {
    return Error{ErrorCode::unavailable, "the other end closed the connection"};
  }
  if (reason == SSL_ERROR_SYSCALL) return Error{ErrorCode::unavailable, std::strerror(errno_)};
  return Error{ErrorCode::unavailable, "the other end sent bytes that are not TLS records"};
}

int DirectSocket::on_read(BIO* bio, char* out, int length) {
  auto& self = *static_cast<DirectSocket*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (length <= 0) return 0;
  if (BIO_ctrl_pending(self.original_) > 0) return BIO_read(self.original_, out, length);
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

int DirectSocket::on_write(BIO* bio, const char* in, int length) {
  auto& self = *static_cast<DirectSocket*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (length <= 0) return 0;
  for (;;) {
    const auto sent = ::send(self.fd_, in, static_cast<std::size_t>(length), MSG_NOSIGNAL);
    if (sent >= 0) return static_cast<int>(sent);
    if (errno == EINTR) continue;
    self.errno_ = errno;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);  // SO_SNDTIMEO ran out
    return -1;
  }
}

// Nothing to configure; "flushed" so that OpenSSL never waits on it.
long DirectSocket::on_ctrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

}  // namespace custos::tls
