# bench/auditlog.cmake: the vault's audit log (issue 3) — durable appends with
# signing under concurrent load against plain SQLite inserts, and verifying a
# 1,000,000-entry export file against one SHA-256 pass over it.
add_executable(auditlog_bench ${CMAKE_CURRENT_SOURCE_DIR}/auditlog_bench.cpp)
target_link_libraries(auditlog_bench PRIVATE custos_options custos_auditlog custos_vault_server custos_vault_service
  custos_vault_store SQLite::SQLite3 OpenSSL::Crypto Threads::Threads)
set_target_properties(auditlog_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
