# The kernel-facing parsers of platform/device/: uevent datagrams from the
# netlink socket and the mountinfo table. Every byte sequence must yield an
# event, a skip or an Error — never a crash, a hang or unbounded memory.
custos_fuzz_target(NAME uevent
  SOURCES ${PROJECT_SOURCE_DIR}/tests/fuzz/uevent_fuzz.cpp
  DEPS custos_device
  CORPUS ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/uevent)
