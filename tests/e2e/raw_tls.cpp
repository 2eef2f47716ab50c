#include "raw_tls.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <optional>

namespace custos::testing {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct RawTls::Impl {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::optional<asio::ssl::stream<tcp::socket>> stream;
  bool handshaken = false;
};

RawTls::RawTls(std::uint16_t port, bool handshake) : impl_(std::make_unique<Impl>()) {
  impl_->tls.set_verify_mode(asio::ssl::verify_none);
  impl_->stream.emplace(impl_->io, impl_->tls);
  impl_->stream->lowest_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  if (handshake) {
    impl_->stream->handshake(asio::ssl::stream_base::client);
    impl_->handshaken = true;
  }
}

RawTls::~RawTls() {
  boost::system::error_code ignored;
  impl_->stream->lowest_layer().close(ignored);
}

bool RawTls::send(const std::string& bytes) {
  boost::system::error_code ec;
  if (impl_->handshaken) {
    asio::write(*impl_->stream, asio::buffer(bytes), ec);
  } else {
    asio::write(impl_->stream->next_layer(), asio::buffer(bytes), ec);
  }
  return !ec;
}

std::string RawTls::seal(const std::string& plaintext) {
  SSL* ssl = impl_->stream->native_handle();
  BIO* saved = SSL_get_wbio(ssl);
  BIO* memory = BIO_new(BIO_s_mem());
  if (memory == nullptr) return {};
  BIO_up_ref(saved);
  SSL_set0_wbio(ssl, memory);
  // Asio allows partial writes: SSL_write may stop after one record.
  bool sealed = true;
  for (std::size_t done = 0; sealed && done < plaintext.size();) {
    std::size_t written = 0;
    sealed = SSL_write_ex(ssl, plaintext.data() + done, plaintext.size() - done, &written) == 1;
    done += written;
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(memory, &data);
  std::string records = sealed && size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
  SSL_set0_wbio(ssl, saved);  // frees the memory BIO
  return records;
}

bool RawTls::send_raw(const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(impl_->stream->next_layer(), asio::buffer(bytes), ec);
  return !ec;
}

std::string RawTls::read_all(int seconds) {
  std::string out;
  auto& socket = impl_->stream->lowest_layer();
  timeval tv{seconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buffer[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    std::size_t n = impl_->handshaken ? impl_->stream->read_some(asio::buffer(buffer), ec)
                                      : impl_->stream->next_layer().read_some(asio::buffer(buffer), ec);
    if (n > 0) out.append(buffer, n);
    if (ec) break;
  }
  return out;
}

bool RawTls::closed_by_peer(int seconds) {
  auto& socket = impl_->stream->next_layer();
  timeval tv{seconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buffer[256];
  boost::system::error_code ec;
  for (;;) {
    const auto n = socket.read_some(asio::buffer(buffer), ec);
    if (ec) return ec == asio::error::eof || ec == asio::error::connection_reset;
    if (n == 0) return true;
  }
}

int RawTls::status_of(const std::string& text) {
  if (text.rfind("HTTP/1.1 ", 0) != 0 || text.size() < 12) return 0;
  return std::stoi(text.substr(9, 3));
}

}  // namespace custos::testing
