// The frames custos-agent reads from its worker (agent/daemon/worker_channel.cpp):
// the worker parses hostile documents, so what it sends is outside input to
// the root daemon. Any bytes on the channel give frames whose JSON is an
// object and whose size is within bounds, then unavailable or corrupt —
// never a crash, never a read past what was announced.
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>

#include "custos/agent/worker_channel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;  // what a socketpair's buffer holds without a reader
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0) std::abort();
  const int sndbuf = 256 * 1024;
  (void)::setsockopt(ends[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  if (size > 0 && ::write(ends[0], data, size) != static_cast<ssize_t>(size)) std::abort();
  ::close(ends[0]);
  for (;;) {
    auto head = custos::agent::read_head(ends[1]);
    if (!head) {
      const auto code = head.error().code;
      if (code != custos::ErrorCode::unavailable && code != custos::ErrorCode::corrupt) std::abort();
      break;
    }
    if (head->size > custos::agent::kMaxFrameBytes) std::abort();
    (void)custos::agent::error_in(head->meta);
    std::array<std::uint8_t, 4096> piece{};
    bool cut = false;
    for (std::uint64_t left = head->size; left > 0 && !cut;) {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece.size()));
      auto read = custos::agent::read_exact(ends[1], std::span(piece).first(take));
      if (!read) {
        if (read.error().code != custos::ErrorCode::unavailable) std::abort();
        cut = true;
      }
      left -= take;
    }
    if (cut) break;
  }
  ::close(ends[1]);
  return 0;
}
