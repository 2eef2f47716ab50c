# Records check throughput (vault/records/): 1,000,000 generated insurance
# rows, ID validations per second, and the raw read speed of the same file
# as the ceiling.
add_executable(records_bench ${CMAKE_CURRENT_SOURCE_DIR}/records_bench.cpp)
target_link_libraries(records_bench PRIVATE custos_options custos_records)
set_target_properties(records_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
