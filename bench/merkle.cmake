# bench/merkle.cmake: the audit log's Merkle tree (vault/merkle) — export
# verification against raw SHA-256, appends, inclusion-proof verification.
add_executable(merkle_bench ${CMAKE_CURRENT_SOURCE_DIR}/merkle_bench.cpp)
target_link_libraries(merkle_bench PRIVATE custos_options custos_merkle)
set_target_properties(merkle_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
