# The vault's API as clients reach it: request heads through Beast's parser
# and read_request_head(), then the real Api over its services and a real
# SQLite store. The fuzzing build has no vault/server library (it needs
# spdlog, which Debian builds for libstdc++): the API's own sources are
# compiled into the target there, with Boost.JSON header-only.
set(custos_vault_api_server ${PROJECT_SOURCE_DIR}/vault/server)
if(CUSTOS_FUZZ)
  set(custos_vault_api_sources
      ${custos_vault_api_server}/api.cpp ${custos_vault_api_server}/api_json.cpp
      ${custos_vault_api_server}/records_api.cpp ${custos_vault_api_server}/agents_api.cpp
      ${custos_vault_api_server}/print_api.cpp ${custos_vault_api_server}/metrics.cpp
      ${custos_vault_api_server}/batching_audit_sink.cpp ${custos_vault_api_server}/open_vault.cpp
      ${custos_vault_api_server}/request_head.cpp ${custos_vault_api_server}/vault_home.cpp
      ${custos_vault_api_server}/vault_config.cpp ${custos_vault_api_server}/tls_identity.cpp
      ${PROJECT_SOURCE_DIR}/tests/fuzz/boost_json_src.cpp)
  set(custos_vault_api_deps custos_vault_service custos_toml OpenSSL::Crypto SQLite::SQLite3 Threads::Threads)
else()
  set(custos_vault_api_sources)
  set(custos_vault_api_deps custos_vault_server Boost::json)
endif()
custos_fuzz_target(NAME vault_api
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/vault_api_fuzz.cpp ${custos_vault_api_sources}
  DEPS ${custos_vault_api_deps}
  INCLUDES ${custos_vault_api_server}/include ${custos_vault_api_server}
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/vault_api)
