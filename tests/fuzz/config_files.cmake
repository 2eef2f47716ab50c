# The two configuration files a daemon reads at start: the vault's vault.toml
# and the agent's agent.toml. The fuzzing build has neither the vault/server
# nor the agent libraries (they need spdlog, which Debian builds for
# libstdc++): the two readers' sources are compiled into the target there.
if(CUSTOS_FUZZ)
  set(custos_config_files_sources ${PROJECT_SOURCE_DIR}/vault/server/vault_config.cpp
                                  ${PROJECT_SOURCE_DIR}/agent/daemon/agent_config.cpp)
  set(custos_config_files_deps custos_vault_service custos_toml custos_platform)
else()
  set(custos_config_files_sources)
  set(custos_config_files_deps custos_vault_server custos_agent_daemon)
endif()
custos_fuzz_target(NAME config_files
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/config_files_fuzz.cpp ${custos_config_files_sources}
  DEPS ${custos_config_files_deps}
  INCLUDES ${PROJECT_SOURCE_DIR}/vault/server/include ${PROJECT_SOURCE_DIR}/agent/daemon/include
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/config_files)
