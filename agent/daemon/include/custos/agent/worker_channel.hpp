// What custos-agent and custos-agent-worker say to each other over their
// socketpair (agent_worker.hpp): frames of
//
//   u32 little-endian length | that much JSON (an object) |
//   u64 little-endian length | that many bytes (content, a PDF; often none)
//
// The agent sends the job (its parameters and the document's content); the
// worker answers with frames of its own — the result, each page viewed, or
// {"error": {"code", "message"}}, whose code comes back as the same
// ErrorCode. Nothing of it touches a file.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <span>

#include "custos/platform/encoding.hpp"
#include "custos/platform/error.hpp"

namespace custos::agent {

inline constexpr std::size_t kMaxFrameJson = 1u << 20;
inline constexpr std::uint64_t kMaxFrameBytes = std::uint64_t{1} << 30;

struct FrameHead {
  boost::json::object meta;
  std::uint64_t size = 0;  // the bytes that follow; read them with read_exact
};

// The channel's ends are stream sockets: writes never raise SIGPIPE.
Result<void> write_frame(int fd, const boost::json::object& meta, std::span<const std::uint8_t> bytes = {});
// unavailable when the other end closed before a frame began; corrupt for
// a frame that is not one; timeout when the socket's SO_RCVTIMEO passed.
Result<FrameHead> read_head(int fd);
Result<void> read_exact(int fd, std::span<std::uint8_t> into);

// A buffer of content on either side of the channel, wiped whatever way
// the job ends.
struct WipedBytes {
  Bytes bytes;
  WipedBytes() = default;
  WipedBytes(const WipedBytes&) = delete;
  WipedBytes& operator=(const WipedBytes&) = delete;
  ~WipedBytes();
};

// {"error": {"code", "message"}} and back.
boost::json::object error_frame(const Error& error);
// The error a frame carries, if it carries one.
std::optional<Error> error_in(const boost::json::object& meta);

}  // namespace custos::agent
