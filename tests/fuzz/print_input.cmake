# The agent's check of a PDF before it is stamped and printed (agent/print/,
# qpdf through its C interface): every byte sequence must yield page facts
# or an Error — never a crash, a hang or unbounded memory.
custos_fuzz_target(NAME print_input
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/print_input_fuzz.cpp
  DEPS custos_print_input
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/print_input)
