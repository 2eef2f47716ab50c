#include "custos/agent/agent_daemon.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <thread>

#include "custos/agent/agent_state.hpp"
#include "custos/agent/device_control.hpp"
#include "custos/agent/enrollment.hpp"
#include "custos/agent/local_api.hpp"
#include "custos/agent/memory_lock.hpp"
#include "custos/agent/offline_policy.hpp"
#include "custos/agent/outbox.hpp"
#include "custos/agent/policy_keeper.hpp"
#include "custos/agent/print_runner.hpp"
#include "custos/agent/sd_notify.hpp"
#include "custos/agent/status_report.hpp"
#include "custos/agent/stop_notice.hpp"
#include "custos/agent/vault_link.hpp"
#include "custos/agent/view_service.hpp"
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
  // The viewer holds documents in this process: no core dump may carry them
  // to disk, and no other process of the same user may read its memory.
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // Nor may it reach swap: documents pass through the agent on their way to
  // a worker (which locks its own memory). Their buffers are locked anyway;
  // this locks every other copy too (JSON, TLS records), where locking is
  // unbounded.
  if (auto locked = lock_all_memory(); locked) {
    spdlog::info("memory locked: documents passing through the agent stay out of swap");
  } else {
    spdlog::warn("memory not locked ({}): copies of documents passing through the agent may reach swap; run the "
                 "agent with CAP_IPC_LOCK or LimitMEMLOCK=infinity",
                 locked.error().describe());
  }

  auto offline = offline_policy(config);
  if (!offline) {
    spdlog::error("cannot start: {}", offline.error().describe());
    return 2;
  }
  AgentState state;
  if (*offline) {
    // No enrollment: who this agent is comes from the offline settings.
    state.agent_name = "offline";
    state.department = (*offline)->department;
    state.policy_key = (*offline)->key;
    state.hostname = host_name().value_or("");
  } else {
    auto loaded = load_state(config.state_dir);
    if (!loaded) {
      spdlog::error("cannot start: {}", loaded.error().message);
      return 1;
    }
    state = std::move(*loaded);
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
  const auto cache = config.state_dir / "policy.bundle";
  PolicyKeeper keeper(state.policy_key, state.department, cache, **outbox);
  if (*offline) {
    // A refused file ends the agent: enforcing something else than the
    // engineer asked for would be worse than saying so.
    auto applied = apply_policy_file(keeper, (*offline)->bundle, cache, **outbox);
    if (!applied) {
      spdlog::error("cannot start: the policy file {} is refused: {}", (*offline)->bundle.string(),
                    applied.error().describe());
      return 1;
    }
  } else if (auto cached = keeper.load_cache(); !cached) {
    if (cached.error().code == ErrorCode::not_found) {
      spdlog::warn("no policy yet: removable storage and optical drives are blocked until the vault sends one");
    } else {
      spdlog::error("the cached policy is refused ({}): removable storage and optical drives are blocked",
                    cached.error().describe());
    }
  }
  (*outbox)->record("agent.started", Severity::info,
                    {{"version", agent_version},
                     {"policy_version", keeper.version()},
                     {"hostname", state.hostname},
                     {"mode", *offline ? "offline" : "online"}});

  // Device control first: fail secure before anything talks to the network.
  device::PosixFileOps files;
  device::SysfsUsbBus bus(files, config.sysfs_root);
  device::SysfsUsbAuthorizer authorizer(files, config.sysfs_root);
  device::SysfsBlockDevices blocks(files, config.sysfs_root, config.dev_root, config.mountinfo);
  DeviceControl control(bus, authorizer, blocks, keeper, **outbox);
  control.set_seat_user([sessions = config.sessions_dir] { return device::active_seat_user(sessions); });
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

  // Offline there is no vault: events stay in the outbox.
  std::unique_ptr<VaultLink> link;
  if (!*offline) {
    VaultLinkOptions link_options;
    link_options.heartbeat = std::chrono::seconds(config.heartbeat_seconds);
    link_options.agent_version = std::string(agent_version);
    link = std::make_unique<VaultLink>(state, link_options, **outbox, keeper);
  }

  std::atomic<bool> stopping{false};
  std::vector<std::thread> threads;
  if (device_mode == "active") {
    threads.emplace_back(device_loop, std::ref(control), std::cref(keeper), uevents.get(), std::cref(stopping));
  }
  if (link) threads.emplace_back([&link] { link->run(); });

  // Views and printing run in a custos-agent-worker each (agent_worker.hpp).
  ViewServiceOptions view_options;
  view_options.worker = config.worker;
  ViewService views(state, **outbox, view_options);
  PrintRunner prints(state, config.worker, **outbox, std::chrono::seconds(config.print_timeout_seconds));
  const StatusSources sources{.state = state,
                              .policy = keeper,
                              .link = link.get(),
                              .outbox = **outbox,
                              .devices = control,
                              .device_mode = device_mode,
                              .policy_file = *offline ? (*offline)->bundle.string() : std::string()};
  auto api = LocalApiServer::listen(
      config.socket, [&sources, &views, &prints](std::string_view request, const Peer& peer) {
        if (is_view_request(request)) return answer_view_request(views, request, peer.uid);
        if (is_print_command(request)) return prints.answer(request, peer);
        return answer_local_request(sources, request, peer);
      });
  if (api) {
    threads.emplace_back([server = api->get()] { server->serve(); });
  } else {
    spdlog::error("no local API: {}", api.error().message);
  }

  if (*offline) {
    spdlog::info("custos-agent {} running offline ({}, policy file {}), policy version {}, device control {}",
                 agent_version, state.department, (*offline)->bundle.string(), keeper.version(), device_mode);
  } else {
    spdlog::info("custos-agent {} running as {} ({}), policy version {}, device control {}", agent_version,
                 state.agent_name, state.department, keeper.version(), device_mode);
  }
  (void)sd_notify("READY=1\nSTATUS=enforcing policy version " + std::to_string(keeper.version()) +
                  ", device control " + device_mode);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("stopping on signal {}; new USB devices stay unauthorized", signal_number);
  (void)sd_notify("STOPPING=1");
  // Offline there is no vault to wait for: the event stays in the outbox.
  announce_stop(config, **outbox, signal_number, *offline ? std::chrono::seconds(0) : std::chrono::seconds(5));
  stopping.store(true);
  if (link) link->stop();
  if (api) (*api)->stop();
  for (auto& t : threads) t.join();
  views.stop();
  return 0;
}

}  // namespace custos::agent
