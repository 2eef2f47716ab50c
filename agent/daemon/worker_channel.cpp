#include "custos/agent/worker_channel.hpp"

#include <sodium.h>
#include <sys/socket.h>

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>
#include <string>

namespace custos::agent {
namespace {

namespace json = boost::json;

Result<void> write_all(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const auto sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return fail(ErrorCode::io, std::string("the worker channel: ") + std::strerror(errno));
    bytes = bytes.subspan(static_cast<std::size_t>(sent));
  }
  return ok();
}

template <typename Int>
void put_le(std::uint8_t* out, Int value) {
  for (std::size_t i = 0; i < sizeof(Int); ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

template <typename Int>
Int get_le(const std::uint8_t* in) {
  Int value = 0;
  for (std::size_t i = 0; i < sizeof(Int); ++i) value |= static_cast<Int>(in[i]) << (8 * i);
  return value;
}

}  // namespace

Result<void> write_frame(int fd, const json::object& meta, std::span<const std::uint8_t> bytes) {
  const auto text = json::serialize(meta);
  if (text.size() > kMaxFrameJson || bytes.size() > kMaxFrameBytes) {
    return fail(ErrorCode::too_large, "the worker channel's frame is too large");
  }
  std::uint8_t head[4];
  put_le(head, static_cast<std::uint32_t>(text.size()));
  CUSTOS_TRY_VOID(write_all(fd, head));
  CUSTOS_TRY_VOID(write_all(fd, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}));
  std::uint8_t size[8];
  put_le(size, static_cast<std::uint64_t>(bytes.size()));
  CUSTOS_TRY_VOID(write_all(fd, size));
  return write_all(fd, bytes);
}

Result<void> read_exact(int fd, std::span<std::uint8_t> into) {
  while (!into.empty()) {
    const auto got = ::recv(fd, into.data(), into.size(), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return fail(ErrorCode::timeout, "the worker channel stayed silent too long");
    }
    if (got < 0) return fail(ErrorCode::io, std::string("the worker channel: ") + std::strerror(errno));
    if (got == 0) return fail(ErrorCode::unavailable, "the worker channel closed");
    into = into.subspan(static_cast<std::size_t>(got));
  }
  return ok();
}

Result<FrameHead> read_head(int fd) {
  std::uint8_t head[4];
  CUSTOS_TRY_VOID(read_exact(fd, head));
  const auto length = get_le<std::uint32_t>(head);
  if (length > kMaxFrameJson) return fail(ErrorCode::corrupt, "the worker channel's frame is too large");
  std::string text(length, '\0');
  CUSTOS_TRY_VOID(read_exact(fd, {reinterpret_cast<std::uint8_t*>(text.data()), text.size()}));
  boost::system::error_code ec;
  auto parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return fail(ErrorCode::corrupt, "the worker channel's frame is not a JSON object");
  std::uint8_t size[8];
  CUSTOS_TRY_VOID(read_exact(fd, size));
  FrameHead frame{std::move(parsed.as_object()), get_le<std::uint64_t>(size)};
  if (frame.size > kMaxFrameBytes) return fail(ErrorCode::corrupt, "the worker channel's frame is too large");
  return frame;
}

WipedBytes::~WipedBytes() {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

json::object error_frame(const Error& error) {
  return json::object{{"error", json::object{{"code", to_string(error.code)}, {"message", error.message}}}};
}

std::optional<Error> error_in(const json::object& meta) {
  const auto* error = meta.if_contains("error");
  if (error == nullptr) return std::nullopt;
  if (!error->is_object()) return Error{ErrorCode::corrupt, "the worker's error is not an object"};
  const auto* code = error->as_object().if_contains("code");
  const auto* message = error->as_object().if_contains("message");
  return Error{code != nullptr && code->is_string() ? error_code_from_string(code->as_string()) : ErrorCode::internal,
               message != nullptr && message->is_string() ? std::string(message->as_string()) : std::string()};
}

}  // namespace custos::agent
