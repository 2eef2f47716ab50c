# bench/vault.cmake: the vault (issue 2) — encrypted upload throughput
# against raw crypto_secretstream, small authenticated requests with 64
# keep-alive TLS clients against /healthz, and Argon2id logins. The server
# benchmarks start a real custos-vault from ${CMAKE_BINARY_DIR}/bin, so they
# depend on that target. vault_support.cpp is the one bench TU that
# instantiates Beast (an asynchronous load client) and the process harness.
add_library(custos_vault_bench_support STATIC ${CMAKE_CURRENT_SOURCE_DIR}/vault_support.cpp)
target_link_libraries(custos_vault_bench_support
  PUBLIC custos_options custos_vault_client custos_platform Boost::json Threads::Threads
  PRIVATE OpenSSL::SSL)
set_target_properties(custos_vault_bench_support PROPERTIES ARCHIVE_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench-lib)

foreach(program IN ITEMS vault_upload_bench vault_requests_bench vault_login_bench)
  add_executable(${program} ${CMAKE_CURRENT_SOURCE_DIR}/${program}.cpp)
  target_link_libraries(${program} PRIVATE custos_options custos_vault_bench_support custos_vault_service
    custos_vault_store custos_platform Threads::Threads)
  set_target_properties(${program} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
  add_dependencies(${program} custos-vault)
endforeach()
