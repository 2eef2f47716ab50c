# Stamping throughput (agent/print/): a 200-page text PDF stamped with the
# 受控文件 stamp, beside `qpdf --overlay` of a ready stamp page on the same
# file in the same run (the ceiling).
if(TARGET custos_print)
  add_executable(print_bench ${CMAKE_CURRENT_SOURCE_DIR}/print_bench.cpp)
  target_link_libraries(print_bench PRIVATE custos_options custos_print)
  set_target_properties(print_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
endif()
