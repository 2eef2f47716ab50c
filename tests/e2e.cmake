# End-to-end tests: real custos-vault and custos binaries, real TLS on
# loopback, real SQLite files in temporary folders.
add_library(custos_e2e_harness STATIC e2e/vault_harness.cpp e2e/raw_tls.cpp)
target_link_libraries(custos_e2e_harness PUBLIC custos_options custos_vault_client custos_vault_store Boost::json
  OpenSSL::SSL Threads::Threads)
target_include_directories(custos_e2e_harness PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/e2e)

set(custos_e2e_deps custos_e2e_harness custos_vault_store SQLite::SQLite3)
custos_test(NAME vault_cli_e2e_test SOURCES e2e/vault_cli_e2e_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
custos_test(NAME authorization_matrix_test SOURCES e2e/authorization_matrix_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
custos_test(NAME vault_bad_input_test SOURCES e2e/vault_bad_input_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
custos_test(NAME offline_cli_test SOURCES e2e/offline_cli_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
custos_test(NAME destruction_e2e_test SOURCES e2e/destruction_e2e_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
custos_test(NAME audit_log_e2e_test SOURCES e2e/audit_log_e2e_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
custos_test(NAME register_e2e_test SOURCES e2e/register_e2e_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
custos_test(NAME records_e2e_test SOURCES e2e/records_e2e_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
custos_test(NAME agent_rollout_e2e_test SOURCES e2e/agent_rollout_e2e_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
add_dependencies(agent_rollout_e2e_test custos-agent)
custos_test(NAME backup_e2e_test SOURCES e2e/backup_e2e_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
custos_test(NAME agent_vault_e2e_test SOURCES e2e/agent_vault_e2e_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
# The agent daemon over a fake sysfs tree (the one platform/device's tests use).
custos_test(NAME agent_daemon_e2e_test
  SOURCES e2e/agent_daemon_e2e_test.cpp ${PROJECT_SOURCE_DIR}/platform/device/testing/fake_sysfs.cpp
  DEPS ${custos_e2e_deps} custos_policy LABELS e2e)
target_include_directories(agent_daemon_e2e_test PRIVATE ${PROJECT_SOURCE_DIR}/platform/device)
add_dependencies(agent_daemon_e2e_test custos-agent)
# Controlled printing: a private cupsd with a capture queue, the agent, the command.
custos_test(NAME print_e2e_test SOURCES e2e/print_e2e_test.cpp e2e/cups_harness.cpp
  DEPS ${custos_e2e_deps} custos_agent_local_api custos_print_testing LABELS e2e)
add_dependencies(print_e2e_test custos-agent)

foreach(t print_e2e_test vault_cli_e2e_test authorization_matrix_test vault_bad_input_test offline_cli_test
        destruction_e2e_test audit_log_e2e_test register_e2e_test records_e2e_test agent_vault_e2e_test
        agent_daemon_e2e_test backup_e2e_test agent_rollout_e2e_test)
  add_dependencies(${t} custos custos-vault)
endforeach()
# `make run` itself: installer/dev-run.sh over the built programs.
add_test(NAME make_run_test COMMAND bash ${PROJECT_SOURCE_DIR}/tests/e2e/make_run_test.sh ${CMAKE_BINARY_DIR})
set_tests_properties(make_run_test PROPERTIES LABELS e2e TIMEOUT 180)
# The view-only viewer: a real agent and Debian's Chromium through DevTools.
custos_test(NAME viewer_e2e_test
  SOURCES e2e/viewer_e2e_test.cpp e2e/headless_chromium.cpp
  DEPS ${custos_e2e_deps} custos_viewer_testing LABELS e2e)
add_dependencies(viewer_e2e_test custos custos-vault custos-agent)

# The outbox under kill -9 of agents and vault: 50 simulated agents (the
# daemon's real Outbox and VaultLink, in outbox_chaos_agent processes beside
# the test) against a real custos-vault; ≈ 90 s in the release tree, 2–2.5 min
# under ASan/UBSan, both at full scale.
add_executable(outbox_chaos_agent e2e/outbox_chaos_agent.cpp)
target_link_libraries(outbox_chaos_agent PRIVATE custos_options custos_agent_daemon SQLite::SQLite3 spdlog::spdlog)
set_target_properties(outbox_chaos_agent PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
custos_test(NAME outbox_chaos_test SOURCES e2e/outbox_chaos_test.cpp DEPS ${custos_e2e_deps} LABELS e2e)
add_dependencies(outbox_chaos_test outbox_chaos_agent custos-agent custos-vault)
