# The policy parser's fuzz target: TOML policy files, device rules inside them.
custos_fuzz_target(NAME policy_parser
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/policy_parser_fuzz.cpp
  DEPS custos_policy
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/policy_parser)
