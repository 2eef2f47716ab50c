# The frames custos-agent reads from custos-agent-worker. The fuzzing build
# has no agent library and no Boost.JSON library: the channel's source and
# Boost.JSON (header-only) are compiled into the target.
if(CUSTOS_FUZZ)
  set(custos_worker_channel_json ${PROJECT_SOURCE_DIR}/tests/fuzz/boost_json_src.cpp)
  set(custos_worker_channel_deps custos_platform)
else()
  set(custos_worker_channel_json)
  set(custos_worker_channel_deps custos_platform Boost::json)
endif()
custos_fuzz_target(NAME worker_channel
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/worker_channel_fuzz.cpp
          ${PROJECT_SOURCE_DIR}/agent/daemon/worker_channel.cpp ${custos_worker_channel_json}
  DEPS ${custos_worker_channel_deps}
  INCLUDES ${PROJECT_SOURCE_DIR}/agent/daemon/include
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/worker_channel)
