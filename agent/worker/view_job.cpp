// A view in the worker: the document into locked memory, opened for
// rendering, served by a ViewerServer until it closes — by itself (idle,
// the page gone) or because the agent said {"close": reason}. Every page
// shown is a {"page": N} frame, the closing a {"closed": reason} frame.
#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include <mutex>
#include <thread>

#include "custos/viewer/viewer_server.hpp"
#include "worker_jobs.hpp"

namespace custos::agent::worker {

namespace json = boost::json;

int view_job(int channel, const FrameHead& job) {
  viewer::LockedBuffer content(static_cast<std::size_t>(job.size));
  {
    Secret piece(std::min<std::size_t>(job.size, 1u << 20));
    for (std::uint64_t left = job.size; left > 0;) {
      const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece.size()));
      if (auto read = read_exact(channel, piece.unsafe_bytes().first(take)); !read) return 1;
      content.append(piece.unsafe_bytes().first(take));
      left -= take;
    }
  }
  const auto& meta = job.meta;
  viewer::Watermark mark{text_of(meta, "viewer"), text_of(meta, "workstation"), text_of(meta, "time"),
                         text_of(meta, "trace")};
  auto document = viewer::open_document(std::move(content), text_of(meta, "content_type"), text_of(meta, "filename"),
                                        std::move(mark));
  if (!document) return answer_error(channel, document.error());
  const int pages = document->pages->page_count();

  std::mutex writing;  // the serving thread and the reader both answer
  viewer::ViewerServerOptions options;
  options.owner = static_cast<uid_t>(number_of(meta, "owner"));
  options.label = text_of(meta, "label");
  options.idle_timeout = std::chrono::seconds(number_of(meta, "idle_seconds"));
  options.on_page_view = [&](int page) {
    std::lock_guard lock(writing);
    (void)write_frame(channel, json::object{{"page", page}});
  };
  options.on_close = [&](const std::string& why) {
    std::lock_guard lock(writing);
    (void)write_frame(channel, json::object{{"closed", why}});
  };
  auto server = viewer::ViewerServer::open(std::move(*document), std::move(options));
  if (!server) return answer_error(channel, server.error());
  {
    std::lock_guard lock(writing);
    if (!write_frame(channel, json::object{{"url", (*server)->url()}, {"pages", pages}})) return 1;
  }
  // The agent's word: {"close": reason}, or the channel closing.
  std::thread listening([channel, raw = server->get()] {
    for (;;) {
      auto said = read_head(channel);
      if (!said) {
        raw->close("the agent stopped");
        return;
      }
      if (said->meta.contains("close")) {
        raw->close(text_of(said->meta, "close"));
        return;
      }
    }
  });
  (*server)->serve();
  ::shutdown(channel, SHUT_RD);  // wakes the listener, which then ends
  listening.join();
  server->reset();  // the document and its pages, wiped
  return 0;
}

}  // namespace custos::agent::worker
