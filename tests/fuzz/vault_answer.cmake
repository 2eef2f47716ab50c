# What the custos command and the agent read from the vault: an answer's
# status and JSON body (vault/client/answer.cpp). The fuzzing build has no
# vault client library and no Boost.JSON library: both sources are compiled
# into the target.
if(CUSTOS_FUZZ)
  set(custos_vault_answer_sources ${PROJECT_SOURCE_DIR}/vault/client/answer.cpp
                                  ${PROJECT_SOURCE_DIR}/tests/fuzz/boost_json_src.cpp)
  set(custos_vault_answer_deps custos_platform)
else()
  set(custos_vault_answer_sources)
  set(custos_vault_answer_deps custos_vault_client)
endif()
custos_fuzz_target(NAME vault_answer
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/vault_answer_fuzz.cpp ${custos_vault_answer_sources}
  DEPS ${custos_vault_answer_deps}
  INCLUDES ${PROJECT_SOURCE_DIR}/vault/client/include
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/vault_answer)
