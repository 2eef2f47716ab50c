# The viewer's loopback server parses what the browser sends (request heads,
# cookies) and what the kernel says about connections (/proc/net/tcp). The
# sources are compiled here directly: the fuzzing build has no agent/.
custos_fuzz_target(NAME viewer_http
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/viewer_http_fuzz.cpp
          ${PROJECT_SOURCE_DIR}/agent/viewer/http_request.cpp
          ${PROJECT_SOURCE_DIR}/agent/viewer/loopback_peer.cpp
  DEPS custos_platform
  INCLUDES ${PROJECT_SOURCE_DIR}/agent/viewer/include
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/viewer_http)
