#include "custos/agent/agent_daemon.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <thread>

#include "custos/agent/agent_state.hpp"
#include "custos/agent/device_control.hpp"
#include "custos/agent/local_api.hpp"
#include "custos/agent/outbox.hpp"
#include "custos/agent/policy_keeper.hpp"
#include "custos/agent/print_runner.hpp"
#include "custos/print/stamp.hpp"
#include "custos/agent/sd_notify.hpp"
#include "custos/agent/status_report.hpp"
#include "custos/agent/vault_link.hpp"
#include "custos/device/linux.hpp"
#include "custos/platform/files.hpp"

namespace custos::agent {
namespace {

// The device thread: policy changes and kernel events (or, without them,
// a look at the bus every second).
void device_loop(DeviceControl& control, const PolicyKeeper& keeper, device::UeventSource* source,
                 const std::atomic<bool>& stopping) {
  auto generation = keeper.generation();
  while (!stopping.load()) {
    if (keeper.generation() != generation) {
      generation = keeper.generation();
      control.rescan();
    }
    if (source == nullptr) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1000));
      control.poll();
      continue;
    }
    auto event = source->next(std::chrono::milliseconds(500));
    if (!event) {
      if (event.error().code == ErrorCode::unavailable) {
        spdlog::warn("kernel device events were lost; deciding every device again");
        control.rescan();
      } else {
        spdlog::warn("a kernel device event was skipped: {}", event.error().message);
      }
      continue;
    }
    if (*event) control.handle(**event);
  }
}

}  // namespace

int run_daemon(const AgentConfig& config, std::string_view agent_version) {
  // Signals are taken by sigwait on this thread only; threads started below
  // inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto state = load_state(config.state_dir);
  if (!state) {
    spdlog::error("cannot start: {}", state.error().message);
    return 1;
  }
  if (auto made = files::make_private_dir(config.state_dir, 0700); !made) {
    spdlog::error("cannot start: {}", made.error().message);
    return 1;
  }
  auto outbox = Outbox::open(config.state_dir / "outbox.db", config.outbox_max_bytes);
  if (!outbox) {
    spdlog::error("cannot start: {}", outbox.error().message);
    return 1;
  }
  PolicyKeeper keeper(state->policy_key, state->department, config.state_dir / "policy.bundle", **outbox);
  if (auto cached = keeper.load_cache(); !cached) {
    if (cached.error().code == ErrorCode::not_found) {
      spdlog::warn("no policy yet: removable storage and optical drives are blocked until the vault sends one");
    } else {
      spdlog::error("the cached policy is refused ({}): removable storage and optical drives are blocked",
                    cached.error().describe());
    }
  }
  (*outbox)->record("agent.started", Severity::info,
                    {{"version", agent_version}, {"policy_version", keeper.version()}, {"hostname", state->hostname}});

  // Device control first: fail secure before anything talks to the network.
  device::PosixFileOps files;
  device::SysfsUsbBus bus(files, config.sysfs_root);
  device::SysfsUsbAuthorizer authorizer(files, config.sysfs_root);
  device::SysfsBlockDevices blocks(files, config.sysfs_root, config.dev_root, config.mountinfo);
  DeviceControl control(bus, authorizer, blocks, keeper, **outbox);
  std::string device_mode = "off";
  std::unique_ptr<device::NetlinkUeventSource> uevents;
  if (config.device_control) {
    // Open the event source before deciding the devices present, so that
    // nothing plugged in meanwhile goes unseen.
    if (config.uevents) {
      auto opened = device::NetlinkUeventSource::open();
      if (opened) {
        uevents = std::move(*opened);
      } else {
        spdlog::error("no kernel device events ({}); looking at the bus every second instead",
                      opened.error().message);
      }
    }
    auto started = control.start();
    if (started && !*started) {
      spdlog::info("no USB bus; device control idle");
      device_mode = "idle";
    } else {
      if (!started) spdlog::error("device control: {}", started.error().message);
      device_mode = "active";
    }
  }

  VaultLinkOptions link_options;
  link_options.heartbeat = std::chrono::seconds(config.heartbeat_seconds);
  link_options.agent_version = std::string(agent_version);
  VaultLink link(*state, link_options, **outbox, keeper);

  std::atomic<bool> stopping{false};
  std::vector<std::thread> threads;
  if (device_mode == "active") {
    threads.emplace_back(device_loop, std::ref(control), std::cref(keeper), uevents.get(), std::cref(stopping));
  }
  threads.emplace_back([&link] { link.run(); });

  const StatusSources sources{*state, keeper, link, **outbox, control, device_mode};
  // Printing goes to CUPS as libcups finds it ($CUPS_SERVER, client.conf).
  auto printer = print::make_cups_printer("");
  PrintRunner prints(*state, *printer, **outbox);
  auto api = LocalApiServer::listen(config.socket, [&sources, &prints](std::string_view request, const Peer& peer) {
    if (is_print_command(request)) return prints.answer(request, peer);
    return answer_local_request(sources, request, peer);
  });
  if (api) {
    threads.emplace_back([server = api->get()] { server->serve(); });
  } else {
    spdlog::error("no local API: {}", api.error().message);
  }

  spdlog::info("custos-agent {} running as {} ({}), policy version {}, device control {}", agent_version,
               state->agent_name, state->department, keeper.version(), device_mode);
  (void)sd_notify("READY=1\nSTATUS=enforcing policy version " + std::to_string(keeper.version()) +
                  ", device control " + device_mode);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("stopping on signal {}; new USB devices stay unauthorized", signal_number);
  (void)sd_notify("STOPPING=1");
  stopping.store(true);
  link.stop();
  if (api) (*api)->stop();
  for (auto& t : threads) t.join();
  print::release_font_caches();
  return 0;
}

}  // namespace custos::agent
