# The customer-records CSV reader and checker (vault/records/): every byte
# sequence must yield records, findings or an Error — never a crash, a hang
# or unbounded memory.
custos_fuzz_target(NAME records_csv
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/records_csv_fuzz.cpp
  DEPS custos_records
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/records_csv)
