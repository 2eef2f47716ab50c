# The vault's backup file (vault/backup/): the framing of sealed messages and
# the records inside them.
custos_fuzz_target(NAME backup_file
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/backup_file_fuzz.cpp
  DEPS custos_vault_backup_file
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/backup_file)
