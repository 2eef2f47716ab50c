# The small CMake vocabulary every Custos target is declared with.
#
#   custos_library(NAME name SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
#       A static library whose public headers live in <dir>/include.
#   custos_program(NAME name SOURCES ... [DEPS ...])
#       An executable installed to bin/.
#   custos_test(NAME name SOURCES ... [DEPS ...] [LABELS ...])
#       A GoogleTest executable registered with ctest.
#   custos_fuzz_target(NAME name SOURCES ... [DEPS ...] [INCLUDES ...] CORPUS dir)
#       A libFuzzer entry point (LLVMFuzzerTestOneInput). In ordinary builds it
#       becomes <name>_replay, run by ctest over every file of the corpus; in
#       the fuzzing build (CUSTOS_FUZZ) it is a real libFuzzer binary.
#
# Everything links custos_options, which carries the language level, the
# warnings that are errors, hardening flags and (optionally) sanitizers.

add_library(custos_options INTERFACE)
target_compile_features(custos_options INTERFACE cxx_std_23)
target_compile_options(custos_options INTERFACE
  -Wall -Wextra -Werror -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Wimplicit-fallthrough
  -fstack-protector-strong -fstack-clash-protection -fcf-protection
  $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
target_link_options(custos_options INTERFACE -Wl,-z,relro,-z,now -Wl,-z,noexecstack)

if(CUSTOS_FUZZ)
  # fuzzer-no-link on every library, not just on the targets: libFuzzer is
  # guided by the coverage of the parsers themselves, not only of the harness.
  target_compile_options(custos_options INTERFACE -stdlib=libc++ -fsanitize=address,undefined
    -fsanitize=fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer -Wno-unused-command-line-argument)
  target_link_options(custos_options INTERFACE -stdlib=libc++ -fsanitize=address,undefined)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libclang_rt.fuzzer-x86_64.a
    OUTPUT_VARIABLE CUSTOS_LIBFUZZER_RUNTIME OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT EXISTS "${CUSTOS_LIBFUZZER_RUNTIME}")
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-resource-dir
      OUTPUT_VARIABLE resource_dir OUTPUT_STRIP_TRAILING_WHITESPACE)
    set(CUSTOS_LIBFUZZER_RUNTIME "${resource_dir}/lib/linux/libclang_rt.fuzzer-x86_64.a")
  endif()
endif()

if(CUSTOS_SANITIZE)
  target_compile_options(custos_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(custos_options INTERFACE -fsanitize=address,undefined)
endif()

if(CUSTOS_TESTONLY_PLAINTEXT_DOWNLOAD)
  target_compile_definitions(custos_options INTERFACE CUSTOS_TESTONLY_PLAINTEXT_DOWNLOAD=1)
endif()

function(custos_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(${ARG_NAME}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${ARG_NAME} PUBLIC custos_options ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

function(custos_program)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE custos_options ${ARG_DEPS})
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
  install(TARGETS ${ARG_NAME} RUNTIME DESTINATION bin)
endfunction()

function(custos_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;LABELS" ${ARGN})
  if(CUSTOS_FUZZ)
    return()  # the fuzzing build has no GoogleTest (different C++ library)
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE custos_options ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${ARG_NAME} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  # Where test data lives (e.g. policy/testdata), for tests that read it.
  target_compile_definitions(${ARG_NAME} PRIVATE CUSTOS_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  # No test of ours skips: a skip means a suite's set-up failed, which must
  # fail the run rather than look like "not run" (GoogleTest's CMake module
  # would otherwise map "[  SKIPPED ]" to a skipped ctest test).
  gtest_discover_tests(${ARG_NAME}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${ARG_LABELS}"
               SKIP_REGULAR_EXPRESSION "CUSTOS-TESTS-NEVER-SKIP"
               FAIL_REGULAR_EXPRESSION "\\[  SKIPPED \\]"
               ENVIRONMENT "CUSTOS_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()

function(custos_fuzz_target)
  # INCLUDES: header folders of sources compiled in directly (the fuzzing
  # build has no agent/ libraries to bring them).
  cmake_parse_arguments(ARG "" "NAME;CORPUS" "SOURCES;DEPS;INCLUDES" ${ARGN})
  if(CUSTOS_FUZZ)
    add_executable(${ARG_NAME} ${ARG_SOURCES})
    target_include_directories(${ARG_NAME} PRIVATE ${ARG_INCLUDES})
    # libFuzzer's runtime is built against libstdc++ while our code uses
    # libc++ in this build: link that runtime and libstdc++ explicitly.
    target_link_libraries(${ARG_NAME} PRIVATE custos_options ${ARG_DEPS}
      ${CUSTOS_LIBFUZZER_RUNTIME} -l:libstdc++.so.6)
    set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    set_property(GLOBAL APPEND PROPERTY CUSTOS_FUZZ_TARGETS "${ARG_NAME}:${ARG_CORPUS}")
  else()
    add_executable(${ARG_NAME}_replay ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
    target_include_directories(${ARG_NAME}_replay PRIVATE ${ARG_INCLUDES})
    target_link_libraries(${ARG_NAME}_replay PRIVATE custos_options ${ARG_DEPS})
    set_target_properties(${ARG_NAME}_replay PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    add_test(NAME ${ARG_NAME}_corpus_replay COMMAND ${ARG_NAME}_replay ${ARG_CORPUS})
    set_tests_properties(${ARG_NAME}_corpus_replay PROPERTIES LABELS fuzz-replay)
  endif()
endfunction()
