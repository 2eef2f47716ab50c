# The policy evaluator: decisions per second on a 1,000-rule policy, single
# hotplug decision latency, and parse + compile time of that policy.
add_executable(policy_bench ${CMAKE_CURRENT_SOURCE_DIR}/policy_bench.cpp)
target_link_libraries(policy_bench PRIVATE custos_options custos_policy)
set_target_properties(policy_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
