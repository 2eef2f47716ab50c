#include "raw_tls.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <poll.h>

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

namespace {

using Clock = std::chrono::steady_clock;

// Reads some bytes, or fails with timed_out once `deadline` passes. Asio's
// synchronous reads on a blocking socket poll without a timeout after an
// EAGAIN, so SO_RCVTIMEO cannot bound them: the socket is non-blocking while
// this reads, and the waiting is done with poll().
template <class Stream>
std::size_t read_some_until(Stream& stream, tcp::socket& socket, asio::mutable_buffer into, Clock::time_point deadline,
                            boost::system::error_code& ec) {
  socket.non_blocking(true, ec);
  if (ec) return 0;
  std::size_t n = 0;
  for (;;) {
    n = stream.read_some(into, ec);
    if (ec != asio::error::would_block && ec != asio::error::try_again) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      ec = asio::error::timed_out;
      break;
    }
    pollfd ready{socket.native_handle(), POLLIN, 0};
    (void)::poll(&ready, 1, static_cast<int>(left));
  }
  boost::system::error_code ignored;
  socket.non_blocking(false, ignored);  // writes block as before
  return n;
}

}  // namespace

std::size_t RawTls::read_some(asio::mutable_buffer into, std::chrono::steady_clock::time_point deadline,
                              boost::system::error_code& ec) {
  auto& socket = impl_->stream->next_layer();
  return impl_->handshaken ? read_some_until(*impl_->stream, socket, into, deadline, ec)
                           : read_some_until(socket, socket, into, deadline, ec);
}

std::string RawTls::read_all(int seconds) {
  std::string out;
  char buffer[4096];
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    boost::system::error_code ec;
    const auto n = read_some(asio::buffer(buffer), deadline, ec);
    out.append(buffer, n);
    if (ec) return out;
  }
}

std::string RawTls::read_response(int seconds) {
  std::string out;
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  char byte = 0;
  // Byte by byte, so that nothing of a response after this one is taken.
  for (;;) {
    const auto head_end = out.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const auto field = out.find("Content-Length: ");
      const auto length = field == std::string::npos || field > head_end ? 0 : std::stoul(out.substr(field + 16));
      if (out.size() >= head_end + 4 + length) return out;
    }
    boost::system::error_code ec;
    if (read_some(asio::buffer(&byte, 1), deadline, ec) == 1) out.push_back(byte);
    if (ec) return out;
  }
}

bool RawTls::closed_by_peer(int seconds) {
  auto& socket = impl_->stream->next_layer();
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  char buffer[256];
  for (;;) {
    boost::system::error_code ec;
    const auto n = read_some_until(socket, socket, asio::buffer(buffer), deadline, ec);
    if (ec) return ec == asio::error::eof || ec == asio::error::connection_reset;
    if (n == 0) return true;
  }
}

int RawTls::status_of(const std::string& text) {
  if (text.rfind("HTTP/1.1 ", 0) != 0 || text.size() < 12) return 0;
  return std::stoi(text.substr(9, 3));
}

}  // namespace custos::testing
