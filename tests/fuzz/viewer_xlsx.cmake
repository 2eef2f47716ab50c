# The viewer's workbook reader (agent/viewer/xlsx_reader.cpp: libzip over
# the uploaded bytes, expat over each part): every byte sequence must yield
# tables within the limits or a refusal — never a crash, a hang or unbounded
# memory. The sources are compiled here directly: the fuzzing build has no
# agent/. The seed corpus is made by the viewer_xlsx_corpus tool
# (agent/viewer/testing/make_xlsx_corpus.cpp).
pkg_check_modules(FUZZ_XLSX_READ REQUIRED IMPORTED_TARGET libzip expat)
custos_fuzz_target(NAME viewer_xlsx
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/viewer_xlsx_fuzz.cpp
          ${PROJECT_SOURCE_DIR}/agent/viewer/xlsx_reader.cpp
          ${PROJECT_SOURCE_DIR}/agent/viewer/xlsx_values.cpp
          ${PROJECT_SOURCE_DIR}/agent/viewer/locked_buffer.cpp
          ${PROJECT_SOURCE_DIR}/agent/viewer/testing/test_workbooks.cpp
  DEPS custos_platform PkgConfig::FUZZ_XLSX_READ
  INCLUDES ${PROJECT_SOURCE_DIR}/agent/viewer ${PROJECT_SOURCE_DIR}/agent/viewer/include
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/viewer_xlsx)
