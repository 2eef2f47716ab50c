// The one translation unit of the client that instantiates Beast.
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <fstream>
#include <optional>

#include "custos/vault/answer.hpp"
#include "custos/vault/client.hpp"
#include "custos/platform/fingerprint.hpp"
#include "custos/platform/tls_direct_socket.hpp"

namespace custos::vault {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

struct Url {
  std::string host;
  std::string port;
};

Result<Url> parse_url(std::string_view url) {
  const Error bad{ErrorCode::invalid_argument, "the server URL reads https://HOST:PORT"};
  if (!url.starts_with("https://")) return fail(bad);
  url.remove_prefix(8);
  while (url.ends_with('/')) url.remove_suffix(1);
  if (url.find('/') != std::string_view::npos || url.empty()) return fail(bad);
  std::string_view host = url, port = "443";
  if (url.starts_with('[')) {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return fail(bad);
    host = url.substr(1, close - 1);
    if (close + 1 < url.size()) {
      if (url[close + 1] != ':') return fail(bad);
      port = url.substr(close + 2);
    }
  } else if (const auto colon = url.rfind(':'); colon != std::string_view::npos) {
    host = url.substr(0, colon);
    port = url.substr(colon + 1);
  }
  return Url{std::string(host), std::string(port)};
}

}  // namespace

struct VaultClient::Impl {
  ClientOptions options;
  Url url;
  asio::io_context io;
  ssl::context tls{ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  std::string seen_fingerprint;

  Result<void> connect();
  void drop() {
    stream.reset();
    buffer.clear();
  }
  template <class Request>
  void decorate(Request& req, std::string_view method, std::string_view target) {
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, url.host);
    req.set(http::field::user_agent, "custos");
    req.keep_alive(true);
    if (!options.token.empty()) {
      req.set(http::field::authorization, "Bearer " + std::string(options.token.unsafe_view()));
    }
    if (!options.agent_credential.empty()) {
      req.set("X-Custos-Agent", std::string(options.agent_credential.unsafe_view()));
    }
  }
  Error transport_error(const boost::system::error_code& ec, const char* what) {
    drop();
    if (ec == asio::error::would_block || ec == asio::error::try_again || ec == asio::error::timed_out) {
      return Error{ErrorCode::timeout, std::string("the vault did not answer in time while ") + what};
    }
    return Error{ErrorCode::unavailable, std::string("connection to the vault failed while ") + what + ": " + ec.message()};
  }
  template <class Response>
  Result<json::value> read_json(Response& res);
};

Result<void> VaultClient::Impl::connect() {
  if (stream) return ok();
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(url.host, url.port, ec);
  if (ec) return fail(ErrorCode::unavailable, "cannot resolve " + url.host + ": " + ec.message());
  stream.emplace(io, tls);
  seen_fingerprint.clear();
  // Accept exactly the pinned leaf certificate; the chain's CA does not matter.
  stream->set_verify_mode(ssl::verify_peer);
  stream->set_verify_callback([this](bool, ssl::verify_context& ctx) {
    X509_STORE_CTX* store = ctx.native_handle();
    if (X509_STORE_CTX_get_error_depth(store) != 0) return true;
    X509* cert = X509_STORE_CTX_get_current_cert(store);
    unsigned char* der = nullptr;
    const int size = i2d_X509(cert, &der);
    if (size <= 0) return false;
    seen_fingerprint = der_fingerprint(der, static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return seen_fingerprint == options.fingerprint;
  });
  // Server name indication, for names only (RFC 6066 forbids addresses).
  boost::system::error_code not_ip;
  asio::ip::make_address(url.host, not_ip);
  if (not_ip && SSL_ctrl(stream->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                         const_cast<char*>(url.host.c_str())) != 1) {
    drop();
    return fail(ErrorCode::internal, "cannot set the TLS server name");
  }
  auto& socket = beast::get_lowest_layer(*stream).socket();
  asio::connect(socket, endpoints, ec);
  if (ec) {
    drop();
    return fail(ErrorCode::unavailable, "cannot reach the vault at https://" + url.host + ":" + url.port + ": " +
                                            ec.message());
  }
  // Blocking calls honour socket timeouts, which bound every read and write.
  timeval tv{static_cast<time_t>(options.timeout.count()), 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  stream->handshake(ssl::stream_base::client, ec);
  if (ec) {
    const auto seen = seen_fingerprint;
    drop();
    if (!seen.empty() && seen != options.fingerprint) {
      return fail(ErrorCode::crypto, "the vault's certificate is " + seen + ", not the pinned " + options.fingerprint +
                                         "; check the fingerprint with the IT engineer (custos-vault fingerprint)");
    }
    return fail(ErrorCode::unavailable, "TLS handshake with the vault failed: " + ec.message());
  }
  return ok();
}

template <class Response>
Result<json::value> VaultClient::Impl::read_json(Response& res) {
  if (!res.keep_alive()) drop();
  return read_answer(res.result_int(), res.body());
}

VaultClient::VaultClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VaultClient::VaultClient(VaultClient&&) noexcept = default;
VaultClient& VaultClient::operator=(VaultClient&&) noexcept = default;
VaultClient::~VaultClient() = default;

Result<VaultClient> VaultClient::create(ClientOptions options) {
  auto url = parse_url(options.server);
  if (!url) return fail(url.error());
  auto fingerprint = normalize_fingerprint(options.fingerprint);
  if (!fingerprint) return fail(fingerprint.error());
  auto impl = std::make_unique<Impl>();
  options.fingerprint = *fingerprint;
  impl->options = std::move(options);
  impl->url = std::move(*url);
  SSL_CTX_set_min_proto_version(impl->tls.native_handle(), TLS1_2_VERSION);
  return VaultClient(std::move(impl));
}

void VaultClient::set_token(Secret token) { impl_->options.token = std::move(token); }
void VaultClient::set_agent_credential(Secret credential) { impl_->options.agent_credential = std::move(credential); }

Result<json::value> VaultClient::call(std::string_view method, std::string_view target, const json::value* body) {
  auto& d = *impl_;
  // One retry on a fresh connection: a kept-alive connection the server has
  // since closed fails on first use, which is not the request's fault.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = d.stream.has_value();
    CUSTOS_TRY_VOID(d.connect());
    http::request<http::string_body> req;
    d.decorate(req, method, target);
    if (body != nullptr) {
      req.set(http::field::content_type, "application/json");
      req.body() = json::serialize(*body);
    }
    req.prepare_payload();
    boost::system::error_code ec;
    http::write(*d.stream, req, ec);
    http::response<http::string_body> res;
    if (!ec) http::read(*d.stream, d.buffer, res, ec);
    if (ec) {
      auto error = d.transport_error(ec, "sending a request");
      if (reused && attempt == 0 && error.code == ErrorCode::unavailable) continue;
      return fail(std::move(error));
    }
    return d.read_json(res);
  }
  return fail(ErrorCode::unavailable, "the vault closed the connection");
}

Result<json::value> VaultClient::upload_stream(std::string_view target, std::uint64_t size, const std::string& content_type,
                                               const std::function<std::size_t(std::span<std::uint8_t>)>& source) {
  auto& d = *impl_;
  d.drop();  // a fresh connection: an upload is never retried half-sent
  CUSTOS_TRY_VOID(d.connect());
  http::request<http::buffer_body> req;
  d.decorate(req, "POST", target);
  req.set(http::field::content_type, content_type);
  req.content_length(size);
  req.body().data = nullptr;
  req.body().more = true;
  http::request_serializer<http::buffer_body> serializer(req);
  boost::system::error_code ec;
  http::write_header(*d.stream, serializer, ec);
  // The body is exactly Content-Length bytes, unframed: OpenSSL writes it
  // straight onto the socket, not through Asio's TLS stream (two copies of
  // every byte fewer; docs/performance.md). Safe between requests only: the
  // completed synchronous write of the head flushed everything Asio held, and
  // nothing reads until the body is sent. The socket is blocking with
  // SO_SNDTIMEO, which bounds every send; the response is read through Asio.
  std::optional<Error> send_error;
  if (!ec) {
    tls::DirectSocket writer(d.stream->native_handle(), beast::get_lowest_layer(*d.stream).socket().native_handle(),
                             tls::DirectSocket::Side::write);
    std::vector<std::uint8_t> piece(1 << 20);
    std::uint64_t sent = 0;
    while (sent < size) {
      const auto n = source(piece);
      if (n == 0 || n > size - sent) break;  // the file shrank or grew
      if (auto written = writer.write(std::span(piece).first(n)); !written) {
        send_error = Error{written.error().code, "sending the upload failed: " + written.error().message};
        break;
      }
      sent += n;
    }
    if (!send_error && sent != size) {
      d.drop();
      return fail(ErrorCode::io, "the file changed size while it was being sent");
    }
  }
  // Even when sending failed, the vault may have answered (e.g. a refusal
  // before the body): read what it said.
  http::response<http::string_body> res;
  boost::system::error_code read_ec;
  http::read(*d.stream, d.buffer, res, read_ec);
  if (read_ec) {
    if (send_error) {
      d.drop();
      return fail(std::move(*send_error));
    }
    return fail(d.transport_error(ec ? ec : read_ec, "uploading"));
  }
  return d.read_json(res);
}

Result<json::value> VaultClient::upload(std::string_view target, const std::filesystem::path& file,
                                        const std::string& content_type) {
  std::error_code fs_ec;
  const auto size = std::filesystem::file_size(file, fs_ec);
  if (fs_ec) return fail(ErrorCode::invalid_argument, "cannot read " + file.string() + ": " + fs_ec.message());
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(ErrorCode::invalid_argument, "cannot open " + file.string());
  return upload_stream(target, size, content_type, [&](std::span<std::uint8_t> out) -> std::size_t {
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
    return static_cast<std::size_t>(in.gcount());
  });
}

Result<void> VaultClient::download(std::string_view target,
                                   const std::function<Result<void>(std::span<const std::uint8_t>)>& sink) {
  auto& d = *impl_;
  CUSTOS_TRY_VOID(d.connect());
  http::request<http::empty_body> req;
  d.decorate(req, "GET", target);
  boost::system::error_code ec;
  http::write(*d.stream, req, ec);
  if (ec) return fail(d.transport_error(ec, "asking for content"));
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  http::read_header(*d.stream, d.buffer, parser, ec);
  if (ec) return fail(d.transport_error(ec, "reading the answer"));
  if (parser.get().result_int() >= 400) {
    http::response_parser<http::string_body> error_parser(std::move(parser));
    http::read(*d.stream, d.buffer, error_parser, ec);
    if (ec) return fail(d.transport_error(ec, "reading the answer"));
    if (!error_parser.get().keep_alive()) d.drop();
    return fail(error_from_answer(error_parser.get().result_int(), error_parser.get().body()));
  }
  Secret piece(256 * 1024);
  while (!parser.is_done()) {
    parser.get().body().data = piece.unsafe_bytes().data();
    parser.get().body().size = piece.size();
    http::read(*d.stream, d.buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return fail(d.transport_error(ec, "receiving content (it may be cut short)"));
    const auto got = piece.size() - parser.get().body().size;
    if (got != 0) CUSTOS_TRY_VOID(sink(piece.unsafe_bytes().first(got)));
  }
  if (!parser.get().keep_alive()) d.drop();
  return ok();
}

}  // namespace custos::vault
