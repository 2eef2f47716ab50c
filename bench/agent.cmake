# bench/agent.cmake: the workstation agent (issue 5) — a plugged stick from
# uevent to sysfs write over a fake sysfs tree on tmpfs (and fd/RSS over
# 10,000 plug/unplug cycles), the idle daemon's RSS and CPU, and 100
# simulated agents (the daemon's Outbox and VaultLink) sending to one real
# custos-vault against the raw SQLite insert rate of the same rows.
add_executable(agent_device_bench ${CMAKE_CURRENT_SOURCE_DIR}/agent_device_bench.cpp
  ${PROJECT_SOURCE_DIR}/platform/device/testing/fake_sysfs.cpp)
target_include_directories(agent_device_bench PRIVATE ${PROJECT_SOURCE_DIR}/platform/device)
target_link_libraries(agent_device_bench PRIVATE custos_options custos_agent_daemon custos_device custos_policy
  spdlog::spdlog)

foreach(program IN ITEMS agent_idle_bench agent_events_bench)
  add_executable(${program} ${CMAKE_CURRENT_SOURCE_DIR}/${program}.cpp
    ${PROJECT_SOURCE_DIR}/platform/device/testing/fake_sysfs.cpp)
  target_include_directories(${program} PRIVATE ${PROJECT_SOURCE_DIR}/platform/device)
  target_link_libraries(${program} PRIVATE custos_options custos_vault_bench_support custos_agent_daemon
    SQLite::SQLite3 Threads::Threads)
  add_dependencies(${program} custos-vault custos-agent)
endforeach()

foreach(program IN ITEMS agent_device_bench agent_idle_bench agent_events_bench)
  set_target_properties(${program} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
endforeach()
