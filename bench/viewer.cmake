# The view-only viewer (agent/viewer/): time to the first page of a 100-page
# PDF and the page render rate, against poppler's own pdftoppm rendering the
# same file to PNG at the same resolution (the ceiling).
add_executable(viewer_bench ${CMAKE_CURRENT_SOURCE_DIR}/viewer_bench.cpp)
pkg_check_modules(POPPLER_CPP_BENCH REQUIRED IMPORTED_TARGET poppler-cpp)
target_link_libraries(viewer_bench PRIVATE custos_options custos_viewer custos_viewer_testing PkgConfig::POPPLER_CPP_BENCH)
set_target_properties(viewer_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
