#include "custos/agent/stop_notice.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "custos/platform/files.hpp"

namespace custos::agent {
namespace {

// The first line of the reason file, when it is a short printable word.
std::string read_reason(const std::filesystem::path& file) {
  auto text = files::read_text(file);
  std::error_code ec;
  std::filesystem::remove(file, ec);
  if (!text) return "stop";
  std::string reason = text->substr(0, text->find('\n'));
  if (reason.empty() || reason.size() > 32) return "stop";
  for (const char c : reason) {
    if (!((c >= 'a' && c <= 'z') || c == '-')) return "stop";
  }
  return reason;
}

}  // namespace

std::filesystem::path stop_reason_file(const AgentConfig& config) {
  return config.socket.parent_path() / "stop-reason";
}

bool announce_stop(const AgentConfig& config, Outbox& outbox, int signal_number, std::chrono::milliseconds grace) {
  const auto reason = read_reason(stop_reason_file(config));
  outbox.record("agent.stopping", reason == "upgrade" ? Severity::info : Severity::warning,
                {{"reason", reason}, {"signal", signal_number}});
  const auto until = std::chrono::steady_clock::now() + grace;
  while (outbox.depth() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const bool delivered = outbox.depth() == 0;
  if (!delivered) spdlog::warn("the vault did not acknowledge agent.stopping in time; it is sent at the next start");
  return delivered;
}

}  // namespace custos::agent
