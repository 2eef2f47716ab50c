// The one translation unit that instantiates Boost.Beast and Asio's
// coroutines for the server; keep it that way for build times.
#include "custos/vault/http_server.hpp"

#include <openssl/ssl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "custos/platform/random.hpp"
#include "custos/platform/tls_direct_socket.hpp"
#include "custos/vault/request_head.hpp"

namespace custos::vault {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

namespace {

// A connection as the shutdown logic sees it.
struct Connection {
  explicit Connection(asio::strand<asio::io_context::executor_type> s) : strand(std::move(s)) {}
  asio::strand<asio::io_context::executor_type> strand;
  beast::tcp_stream* tcp = nullptr;  // valid while the coroutine runs; touched only on `strand`
  bool idle = true;                  // waiting for a handshake or the next request head
};

// Runs `f` on `pool` and resumes the calling coroutine with its result.
template <class F>
asio::awaitable<std::invoke_result_t<F&>> offload(asio::thread_pool& pool, F f) {
  using R = std::invoke_result_t<F&>;
  co_return co_await asio::co_spawn(
      pool.get_executor(), [f = std::move(f)]() mutable -> asio::awaitable<R> { co_return f(); },
      asio::use_awaitable);
}

// Takes a connection's socket out of Asio's reactor for as long as it lives
// and registers it again after. Asio watches every socket with edge-triggered
// epoll, so while a worker reads an upload's body itself, every segment that
// arrives would wake a network thread that has nothing to do with it: about a
// thousand wake-ups per 256 MiB upload, each one taking a core from the
// upload's own threads (docs/performance.md). The descriptor stays open
// throughout. If Asio cannot take it back, it is closed: the connection ends,
// but no descriptor is lost.
class OutOfReactor {
 public:
  explicit OutOfReactor(tcp::socket& socket) : socket_(socket), protocol_(tcp::v4()) {
    boost::system::error_code ec;
    const auto local = socket.local_endpoint(ec);
    if (ec) return;
    protocol_ = local.protocol();
    const int fd = socket.release(ec);
    if (!ec) fd_ = fd;
  }
  ~OutOfReactor() {
    if (fd_ < 0) return;
    boost::system::error_code ec;
    socket_.assign(protocol_, fd_, ec);
    if (ec) ::close(fd_);
  }
  OutOfReactor(const OutOfReactor&) = delete;
  OutOfReactor& operator=(const OutOfReactor&) = delete;

  // The socket's descriptor (still Asio's, if it could not be taken out).
  int fd() const { return fd_ >= 0 ? fd_ : socket_.native_handle(); }

 private:
  tcp::socket& socket_;
  tcp protocol_;
  int fd_ = -1;
};

// Reads the `length` bytes of an upload's body (Content-Length framing) on a
// worker thread, synchronously, straight from the socket into the upload's
// plaintext chunk. The asynchronous path costs a trip through the io_context
// for every TLS record (16 KiB): measured, that overhead took more CPU than
// decrypting the records. Through Asio's TLS stream every record would also
// be copied into Asio's buffer and its BIO pair before OpenSSL reads it;
// tls::DirectSocket lets OpenSSL receive it itself.
//
// For the body's duration the connection's SSL object reads through the
// DirectSocket: first what Asio already passed to OpenSSL but OpenSSL has not
// read yet (in Asio's BIO pair), then the socket. Nothing else can be
// waiting: Asio receives at most 17 KiB at a time, the size of the BIO pair,
// and only when OpenSSL asks for more input, which OpenSSL does only once it
// has drained the pair. (Were that ever not so, the bytes held back would
// break TLS's record check and fail the upload, not corrupt it.) OpenSSL
// reads records exactly (no read-ahead), so nothing past the body's last
// record is taken from the socket: when the DirectSocket ends and Asio's BIO
// is back, the next request on the connection reads on from there.
//
// A client that stops sending is waited for with poll() and the per-read
// timeout, never forever. The caller's coroutine is suspended on this call:
// nothing else touches the stream until it returns, so its socket can leave
// the reactor meanwhile (OutOfReactor). `buffer` holds what was read past the
// request head.
Result<void> read_body_blocking(Stream& stream, beast::flat_buffer& buffer, Upload& upload, std::uint64_t length,
                                unsigned timeout_seconds, Metrics& metrics) {
  const OutOfReactor detached(beast::get_lowest_layer(stream).socket());
  const int fd = detached.fd();
  tls::DirectSocket reader(stream.native_handle(), fd, tls::DirectSocket::Side::read);
  while (length > 0) {
    auto room = upload.room();
    if (!room) return fail(room.error());
    auto into = room->first(static_cast<std::size_t>(std::min<std::uint64_t>(room->size(), length)));
    std::size_t got = 0;
    if (buffer.size() > 0) {
      got = asio::buffer_copy(asio::buffer(into.data(), into.size()), buffer.data());
      buffer.consume(got);
    } else {
      auto read = reader.read(into);
      if (!read) return fail(read.error().code, "the upload was cut off: " + read.error().message);
      if (*read == 0) {
        pollfd ready{fd, POLLIN, 0};
        const int polled = ::poll(&ready, 1, static_cast<int>(timeout_seconds) * 1000);
        if (polled == 0) return fail(ErrorCode::timeout, "the upload stalled: no data for " +
                                                          std::to_string(timeout_seconds) + " s");
        if (polled < 0 && errno != EINTR) return fail(ErrorCode::unavailable, "the upload's connection failed");
        continue;
      }
      got = *read;
    }
    CUSTOS_TRY_VOID(upload.wrote(got));
    metrics.uploaded(got);
    length -= got;
  }
  return ok();
}

}  // namespace

Result<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view address) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail(ErrorCode::invalid_argument, "listen address reads HOST:PORT, e.g. 127.0.0.1:8443");
  }
  auto host = address.substr(0, colon);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const auto digits = address.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535) {
    return fail(ErrorCode::invalid_argument, "the port must be a number from 0 to 65535");
  }
  return std::pair{std::string(host), static_cast<std::uint16_t>(port)};
}

struct HttpServer::Impl {
  Impl(Api& a, Metrics& m, ServerSettings s, HttpLimits l, std::uint64_t max_upload)
      : api(a), metrics(m), settings(s), limits(l), max_upload_bytes(max_upload),
        workers(s.workers), logins(s.login_threads) {}

  Api& api;
  Metrics& metrics;
  ServerSettings settings;
  HttpLimits limits;
  std::uint64_t max_upload_bytes;
  asio::io_context io;
  ssl::context tls{ssl::context::tls_server};
  asio::thread_pool workers;
  asio::thread_pool logins;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::atomic<bool> stopping{false};
  std::mutex connections_mutex;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections;
  std::uint64_t next_connection = 0;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(tcp::socket socket, std::shared_ptr<Connection> connection, std::uint64_t id);
  asio::awaitable<bool> serve_one(Stream& stream, beast::flat_buffer& buffer, Connection& connection,
                                  const std::string& source);
  // An upload's body through Beast's parser (chunked framing); the error that ended it, if any.
  asio::awaitable<std::optional<Error>> read_parsed_body(Stream& stream, beast::flat_buffer& buffer,
                                                         http::request_parser<http::empty_body>& head, Upload& upload);
  asio::awaitable<bool> write(Stream& stream, ApiResponse response, unsigned version, bool keep_alive,
                              const std::string& request_id, std::chrono::steady_clock::time_point started);
  void shutdown();
};

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(kTuple);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors and the like: log, breathe, go on accepting.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(io, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    std::shared_ptr<Connection> connection;
    std::uint64_t id = 0;
    {
      std::lock_guard lock(connections_mutex);
      if (connections.size() >= settings.max_connections) {
        metrics.connection_rejected();
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      id = ++next_connection;
      connection = std::make_shared<Connection>(asio::make_strand(io));
      connections.emplace(id, connection);
    }
    metrics.connection_opened();
    auto strand = connection->strand;
    asio::co_spawn(strand, serve(std::move(socket), std::move(connection), id), asio::detached);
  }
}

asio::awaitable<void> HttpServer::Impl::serve(tcp::socket socket, std::shared_ptr<Connection> connection,
                                              std::uint64_t id) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const std::string source = ec ? std::string("unknown") : remote.address().to_string();
  Stream stream(beast::tcp_stream(std::move(socket)), tls);
  connection->tcp = &beast::get_lowest_layer(stream);
  if (!stopping) {
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(limits.handshake_timeout_seconds));
    auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
    if (!handshake_ec) {
      beast::flat_buffer buffer;
      try {
        while (co_await serve_one(stream, buffer, *connection, source)) {
        }
      } catch (const std::exception& e) {
        // Handlers return errors as values; reaching this is a bug. Drop the
        // connection, keep the server.
        spdlog::error("connection from {} ended by an exception: {}", source, e.what());
      }
    }
  }
  connection->tcp = nullptr;
  {
    std::lock_guard lock(connections_mutex);
    connections.erase(id);
  }
  metrics.connection_closed();
}

asio::awaitable<bool> HttpServer::Impl::write(Stream& stream, ApiResponse response, unsigned version,
                                              bool keep_alive, const std::string& request_id,
                                              std::chrono::steady_clock::time_point started) {
  http::response<http::string_body> res{static_cast<http::status>(response.status), version};
  res.set(http::field::server, "custos-vault");
  res.set(http::field::content_type, response.content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Request-Id", request_id);
  res.keep_alive(keep_alive && !stopping);
  res.body() = std::move(response.body);
  res.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(limits.request_timeout_seconds));
  auto [ec, bytes] = co_await http::async_write(stream, res, kTuple);
  metrics.request_done(response.status,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (ec || !res.keep_alive()) {
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(kTuple);
    co_return false;
  }
  co_return true;
}

asio::awaitable<std::optional<Error>> HttpServer::Impl::read_parsed_body(
    Stream& stream, beast::flat_buffer& buffer, http::request_parser<http::empty_body>& head, Upload& upload) {
  http::request_parser<http::buffer_body> parser(std::move(head));
  parser.body_limit(max_upload_bytes);
  // The body is parsed straight into the upload's plaintext chunk (guarded
  // memory, up to 1 MiB at a time). room() runs on a worker because it may
  // wait for the upload's sealer to free a buffer.
  auto room = co_await offload(workers, [&upload] { return upload.room(); });
  while (!parser.is_done()) {
    if (!room) co_return room.error();
    parser.get().body().data = room->data();
    parser.get().body().size = room->size();
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(limits.body_read_timeout_seconds));
    auto [read_ec, read_bytes] = co_await http::async_read(stream, buffer, parser, kTuple);
    if (read_ec == http::error::need_buffer) read_ec = {};
    if (read_ec) {
      if (read_ec == http::error::body_limit) {
        co_return Error{ErrorCode::too_large, "the file is larger than the vault accepts"};
      }
      co_return Error{ErrorCode::unavailable, "the upload was cut off: " + read_ec.message()};
    }
    const auto got = room->size() - parser.get().body().size;
    if (got == 0) continue;
    if (auto counted = upload.wrote(got); !counted) co_return counted.error();
    metrics.uploaded(got);
    if (parser.is_done()) break;
    if (got < room->size()) {
      room = room->subspan(got);  // the rest of the same chunk: nothing to wait for
    } else {
      room = co_await offload(workers, [&upload] { return upload.room(); });
    }
  }
  co_return std::nullopt;
}

asio::awaitable<bool> HttpServer::Impl::serve_one(Stream& stream, beast::flat_buffer& buffer, Connection& connection,
                                                  const std::string& source) {
  if (stopping) co_return false;
  connection.idle = true;
  http::request_parser<http::empty_body> head;
  head.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  // Each route applies its own body limit once it knows what the body is.
  head.body_limit(boost::none);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(limits.idle_timeout_seconds));
  auto [ec, bytes] = co_await http::async_read_header(stream, buffer, head, kTuple);
  connection.idle = false;
  const auto started = std::chrono::steady_clock::now();
  const std::string fallback_id = random_id();
  if (ec) {
    if (ec == http::error::header_limit) {
      ApiResponse response = Api::error_response(
          {ErrorCode::too_large, "the request head is larger than " + std::to_string(limits.header_bytes) + " bytes"},
          fallback_id);
      co_await write(stream, std::move(response), 11, false, fallback_id, started);
    } else if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      ApiResponse response = Api::error_response({ErrorCode::invalid_argument, "malformed HTTP request"}, fallback_id);
      co_await write(stream, std::move(response), 11, false, fallback_id, started);
    }
    co_return false;  // timeouts, resets and clean closes just end the connection
  }
  auto& header = head.get();
  ApiRequest request;
  request.source = source;
  const auto version = header.version();
  const bool keep_alive = header.keep_alive();
  if (auto read = read_request_head(header, request); !read) {
    ApiResponse response = Api::error_response(read.error(), request.request_id);
    co_await write(stream, std::move(response), version, false, request.request_id, started);
    co_return false;
  }

  // Every branch but the download leaves its answer here; it is written once,
  // below. (Writing it from a named local, not a temporary inside co_await,
  // also sidesteps GCC 12's coroutine temporary bugs.)
  ApiResponse response = Api::error_response(
      {ErrorCode::not_found, "no such endpoint: " + request.method + " " + request.path}, request.request_id);
  bool keep = keep_alive;
  const auto kind = api.route(request.method, request.path);
  switch (kind) {
    case RouteKind::metrics: {
      if (!settings.metrics) break;
      response = ApiResponse{200, metrics.render(), "text/plain; version=0.0.4"};
      break;
    }
    case RouteKind::health:
      response = api.handle(request);
      break;
    case RouteKind::json:
    case RouteKind::login:
    case RouteKind::bulk: {
      const bool bulk = kind == RouteKind::bulk;
      const std::size_t body_limit = bulk ? limits.records_body_bytes : limits.json_body_bytes;
      const Error too_large{ErrorCode::too_large, "the request body is larger than " + std::to_string(body_limit) +
                                                      " bytes" + (bulk ? " ([limits] records_body_bytes)" : "")};
      if (const auto length = head.content_length(); length && *length > body_limit) {
        response = Api::error_response(too_large, request.request_id);
        keep = false;
        break;
      }
      http::request_parser<http::string_body> parser(std::move(head));
      parser.body_limit(body_limit);
      beast::get_lowest_layer(stream).expires_after(
          std::chrono::seconds(bulk ? limits.body_read_timeout_seconds : limits.request_timeout_seconds));
      auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, parser, kTuple);
      if (body_ec) {
        if (body_ec != http::error::body_limit) co_return false;
        response = Api::error_response(too_large, request.request_id);
        keep = false;
        break;
      }
      request.body = std::move(parser.get().body());
      auto& pool = kind == RouteKind::login ? logins : workers;
      response = co_await offload(pool, [this, &request] { return api.handle(request); });
      // Bodies carry passwords and customer records.
      wipe(request.body);
      break;
    }
    case RouteKind::upload: {
      if (const auto length = head.content_length(); length && *length > max_upload_bytes) {
        response = Api::error_response({ErrorCode::too_large, "the file is larger than the vault accepts (" +
                                                                  std::to_string(max_upload_bytes) + " bytes)"},
                                       request.request_id);
        keep = false;
        break;
      }
      auto start = co_await offload(workers, [this, &request] { return api.start_upload(request); });
      if (!start) {
        // Refused before reading the body: answer and close, so the body
        // that may still be on its way is never read.
        response = Api::error_response(start.error(), request.request_id);
        keep = false;
        break;
      }
      if (beast::iequals(header[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, version};
        co_await http::async_write(stream, go_on, kTuple);
      }
      std::optional<Error> failure;
      Upload& upload = *start->upload;
      // Bodies framed by Content-Length (what VaultClient sends) are read on
      // a worker; chunked ones through Beast's parser.
      if (const auto declared = head.content_length(); declared && !head.chunked()) {
        const std::uint64_t length = *declared;
        auto body = co_await offload(workers, [&] {
          return read_body_blocking(stream, buffer, upload, length, limits.body_read_timeout_seconds, metrics);
        });
        if (!body) failure = body.error();
      } else {
        failure = co_await read_parsed_body(stream, buffer, head, upload);
      }
      if (failure) {
        co_await offload(workers, [&] {
          start->origin.now = now_seconds();
          start->upload->abort(start->origin, *failure);
          return 0;
        });
        spdlog::info("upload {} from {} aborted: {}", request.request_id, source, failure->describe());
        response = Api::error_response(*failure, request.request_id);
        keep = false;
        break;
      }
      response = co_await offload(workers, [&] { return api.finish_upload(*start); });
      break;
    }
    case RouteKind::download: {
      auto reader = co_await offload(workers, [this, &request] { return api.start_download(request); });
      if (!reader) {
        response = Api::error_response(reader.error(), request.request_id);
        break;
      }
      http::response<http::buffer_body> res{http::status::ok, version};
      res.set(http::field::server, "custos-vault");
      res.set(http::field::content_type, (*reader)->document().content_type);
      res.set(http::field::cache_control, "no-store");
      res.set("X-Content-Type-Options", "nosniff");
      res.set("X-Request-Id", request.request_id);
      res.keep_alive(keep_alive && !stopping);
      res.content_length((*reader)->document().size);
      res.body().data = nullptr;
      res.body().more = true;
      http::response_serializer<http::buffer_body> serializer(res);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(limits.request_timeout_seconds));
      if (auto [head_ec, n] = co_await http::async_write_header(stream, serializer, kTuple); head_ec) co_return false;
      Secret piece;
      for (;;) {
        auto more = co_await offload(workers, [&] { return (*reader)->next(piece); });
        if (!more) {
          // The status line is out; the only honest signal left is to cut
          // the connection so the client sees a short body.
          spdlog::error("content of document {} failed its integrity check: {}", (*reader)->document().id,
                        more.error().describe());
          co_return false;
        }
        if (!*more) break;
        res.body().data = piece.unsafe_bytes().data();
        res.body().size = piece.size();
        res.body().more = true;
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(limits.body_read_timeout_seconds));
        auto [body_ec, n] = co_await http::async_write(stream, serializer, kTuple);
        if (body_ec == http::error::need_buffer) body_ec = {};
        if (body_ec) co_return false;
        metrics.downloaded(piece.size());
      }
      res.body().data = nullptr;
      res.body().size = 0;
      res.body().more = false;
      auto [end_ec, n] = co_await http::async_write(stream, serializer, kTuple);
      metrics.request_done(200, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      co_return !end_ec && res.keep_alive();
    }
    case RouteKind::not_found:
      break;
  }
  const bool more = co_await write(stream, std::move(response), version, keep, request.request_id, started);
  co_return more;
}

void HttpServer::Impl::shutdown() {
  if (stopping.exchange(true)) return;
  asio::post(io, [this] {
    boost::system::error_code ignored;
    if (acceptor) acceptor->close(ignored);
    if (signals) signals->cancel(ignored);
    std::lock_guard lock(connections_mutex);
    for (auto& [id, connection] : connections) {
      asio::post(connection->strand, [connection] {
        // Idle connections close now; busy ones finish their request and
        // close after answering (they see `stopping`).
        if (connection->idle && connection->tcp != nullptr) connection->tcp->socket().close();
      });
    }
  });
}

HttpServer::HttpServer(Api& api, Metrics& metrics, ServerSettings server, HttpLimits limits,
                       std::uint64_t max_upload_bytes)
    : impl_(std::make_unique<Impl>(api, metrics, server, limits, max_upload_bytes)) {
  auto& tls = impl_->tls;
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use |
                  ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(tls.native_handle(), "ECDHE+AESGCM:ECDHE+CHACHA20");
  SSL_CTX_set_options(tls.native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  // Many idle clients are expected: allow as many descriptors as the hard limit.
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

HttpServer::~HttpServer() {
  impl_->workers.join();
  impl_->logins.join();
}

Result<void> HttpServer::load_tls(const std::filesystem::path& certificate, const std::filesystem::path& private_key) {
  boost::system::error_code ec;
  impl_->tls.use_certificate_chain_file(certificate.string(), ec);
  if (ec) return fail(ErrorCode::io, "cannot load TLS certificate " + certificate.string() + ": " + ec.message());
  impl_->tls.use_private_key_file(private_key.string(), ssl::context::pem, ec);
  if (ec) return fail(ErrorCode::io, "cannot load TLS key " + private_key.string() + ": " + ec.message());
  return ok();
}

Result<std::uint16_t> HttpServer::listen(std::string_view address) {
  auto parts = split_host_port(address);
  if (!parts) return fail(parts.error());
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(parts->first, ec);
  if (ec) return fail(ErrorCode::invalid_argument, "'" + parts->first + "' is not an IP address");
  tcp::endpoint endpoint(ip, parts->second);
  auto& acceptor = impl_->acceptor.emplace(impl_->io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(ErrorCode::unavailable, "cannot listen on " + std::string(address) + ": " + ec.message());
  return acceptor.local_endpoint().port();
}

void HttpServer::catch_signals() {
  auto& impl = *impl_;
  if (impl.signals) return;
  impl.signals.emplace(impl.io, SIGTERM, SIGINT);
  impl.signals->async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received: finishing in-flight requests, then stopping", signal);
    impl_->shutdown();
  });
}

void HttpServer::run(bool handle_signals) {
  auto& impl = *impl_;
  if (handle_signals) catch_signals();
  asio::co_spawn(impl.io, impl.accept_loop(), asio::detached);
  unsigned threads = impl.settings.io_threads != 0 ? impl.settings.io_threads
                                                   : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&impl] { impl.io.run(); });
  impl.io.run();
  for (auto& thread : pool) thread.join();
  impl.workers.join();
  impl.logins.join();
}

void HttpServer::stop() { impl_->shutdown(); }

}  // namespace custos::vault
