# The audit log's canonical texts (vault/auditlog/): entry lines, export
# headers and the export verifier.
custos_fuzz_target(NAME audit_export
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/audit_export_fuzz.cpp
  DEPS custos_auditlog
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/audit_export)
