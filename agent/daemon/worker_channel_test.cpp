// The frames between the agent and its worker over a real socketpair: a
// round trip keeps the JSON and the bytes; an error keeps its code; a
// channel closed before a frame is unavailable, a frame cut short or out of
// bounds is refused, never read past. (The worker itself, for real:
// viewer_e2e_test and print_e2e_test.)
#include "custos/agent/worker_channel.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

namespace custos::agent {
namespace {

namespace json = boost::json;

struct Pair {
  int ends[2]{-1, -1};
  Pair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0); }
  ~Pair() {
    for (int fd : ends) {
      if (fd >= 0) ::close(fd);
    }
  }
  void close_writer() {
    ::close(ends[0]);
    ends[0] = -1;
  }
  void write_raw(const std::string& bytes) const {
    ASSERT_EQ(::write(ends[0], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
};

std::string le32(std::uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; }
std::string le64(std::uint64_t v) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

TEST(WorkerChannel, AFrameKeepsItsJsonAndBytes) {
  Pair pair;
  const Bytes content{'%', 'P', 'D', 'F', 0, 255, 7};
  ASSERT_TRUE(write_frame(pair.ends[0], json::object{{"job", "view"}, {"owner", 1000}}, content));
  ASSERT_TRUE(write_frame(pair.ends[0], json::object{{"page", 3}}));
  auto head = read_head(pair.ends[1]);
  ASSERT_TRUE(head) << head.error().describe();
  EXPECT_EQ(head->meta.at("job").as_string(), "view");
  EXPECT_EQ(head->meta.at("owner").as_int64(), 1000);
  ASSERT_EQ(head->size, content.size());
  Bytes read(head->size);
  ASSERT_TRUE(read_exact(pair.ends[1], read));
  EXPECT_EQ(read, content);
  auto next = read_head(pair.ends[1]);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->meta.at("page").as_int64(), 3);
  EXPECT_EQ(next->size, 0u);
  EXPECT_FALSE(error_in(next->meta));
}

TEST(WorkerChannel, AnErrorKeepsItsCode) {
  for (auto code : {ErrorCode::invalid_argument, ErrorCode::unavailable, ErrorCode::too_large, ErrorCode::corrupt}) {
    Pair pair;
    ASSERT_TRUE(write_frame(pair.ends[0], error_frame(Error{code, "why"})));
    auto head = read_head(pair.ends[1]);
    ASSERT_TRUE(head);
    auto error = error_in(head->meta);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, code);
    EXPECT_EQ(error->message, "why");
  }
  // An unknown code never reads as success.
  EXPECT_EQ(error_in(json::object{{"error", json::object{{"code", "newer"}}}})->code, ErrorCode::internal);
  EXPECT_EQ(error_in(json::object{{"error", 1}})->code, ErrorCode::corrupt);
}

TEST(WorkerChannel, ClosedCutShortOrOutOfBoundsIsRefused) {
  {
    Pair pair;
    pair.close_writer();
    auto head = read_head(pair.ends[1]);
    ASSERT_FALSE(head);
    EXPECT_EQ(head.error().code, ErrorCode::unavailable);
  }
  {
    Pair pair;  // the JSON cut short
    pair.write_raw(le32(10) + "{\"a\":");
    pair.close_writer();
    EXPECT_EQ(read_head(pair.ends[1]).error().code, ErrorCode::unavailable);
  }
  {
    Pair pair;  // longer than a frame's JSON may be: refused before reading it
    pair.write_raw(le32(static_cast<std::uint32_t>(kMaxFrameJson + 1)));
    EXPECT_EQ(read_head(pair.ends[1]).error().code, ErrorCode::corrupt);
  }
  {
    Pair pair;  // not an object
    pair.write_raw(le32(3) + "[1]" + le64(0));
    EXPECT_EQ(read_head(pair.ends[1]).error().code, ErrorCode::corrupt);
  }
  {
    Pair pair;  // more bytes announced than a frame may carry
    pair.write_raw(le32(2) + "{}" + le64(kMaxFrameBytes + 1));
    EXPECT_EQ(read_head(pair.ends[1]).error().code, ErrorCode::corrupt);
  }
  {
    Pair pair;  // the bytes cut short
    pair.write_raw(le32(2) + "{}" + le64(5) + "abc");
    pair.close_writer();
    auto head = read_head(pair.ends[1]);
    ASSERT_TRUE(head);
    Bytes read(head->size);
    EXPECT_EQ(read_exact(pair.ends[1], read).error().code, ErrorCode::unavailable);
  }
  {
    Pair pair;  // writing to a closed channel is an error, not SIGPIPE
    ::close(pair.ends[1]);
    pair.ends[1] = -1;
    EXPECT_FALSE(write_frame(pair.ends[0], json::object{{"page", 1}}));
  }
}

}  // namespace
}  // namespace custos::agent
