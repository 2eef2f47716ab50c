// Debian's Chromium, headless, driven from a test through the DevTools
// protocol (a WebSocket on loopback): open a page, wait for a condition,
// evaluate script, take a screenshot, and read back every response body the
// browser received. Nothing is downloaded; /usr/bin/chromium must exist.
//
// Thread-safety: one test thread.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "custos/platform/error.hpp"

namespace custos::testing {

struct ReceivedBody {
  std::string url;
  std::string mime;
  std::string body;  // decoded
};

class HeadlessChromium {
 public:
  // Starts chromium with its profile in `profile` (created if missing) and
  // $HOME set to `home`.
  static Result<std::unique_ptr<HeadlessChromium>> start(const std::filesystem::path& profile,
                                                         const std::filesystem::path& home);
  ~HeadlessChromium();

  // Opens a tab at `url` and waits for its load event.
  Result<void> open(const std::string& url);
  // Evaluates `expression` in the tab; its value (returnByValue).
  Result<boost::json::value> evaluate(const std::string& expression);
  // Polls `expression` until it is true or `timeout` passes.
  Result<void> wait_for(const std::string& expression, std::chrono::milliseconds timeout);
  // A PNG of the tab's viewport.
  Result<std::string> screenshot();
  // Every response body the tab has received so far.
  Result<std::vector<ReceivedBody>> response_bodies();

 private:
  struct Impl;
  explicit HeadlessChromium(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::testing
