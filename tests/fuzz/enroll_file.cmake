# The agent's enrollment file (/etc/custos/enroll.env). The fuzzing build has
# no agent library (nor the vault client it needs), so the parser's source
# is compiled into the target on its own.
custos_fuzz_target(NAME enroll_file
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/enroll_file_fuzz.cpp
          ${PROJECT_SOURCE_DIR}/agent/daemon/enroll_file_parser.cpp
  DEPS custos_platform
  INCLUDES ${PROJECT_SOURCE_DIR}/agent/daemon/include
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/enroll_file)
