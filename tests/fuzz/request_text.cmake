# Fuzz target: the request and command-line text the platform parses.
custos_fuzz_target(NAME request_text
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/request_text_fuzz.cpp
  DEPS custos_platform
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/request_text)
