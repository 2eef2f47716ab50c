# Real-kernel tests: a Debian kernel booted under QEMU (software emulation)
# with USB devices hot-plugged through QEMU's monitor. See qemu/README.md.
# The kernel package is downloaded once into CUSTOS_QEMU_CACHE_DIR.
set(CUSTOS_QEMU_CACHE_DIR "${CMAKE_BINARY_DIR}/qemu-cache" CACHE PATH
  "Where tests/qemu/build-guest.sh keeps the Debian kernel package and its modules")

add_library(custos_qemu_harness STATIC
  qemu/qemu_guest.cpp qemu/qmp_client.cpp qemu/guest_image.cpp qemu/host_tools.cpp)
target_link_libraries(custos_qemu_harness PUBLIC custos_options custos_platform Boost::json GTest::gtest)
target_include_directories(custos_qemu_harness PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/qemu)
target_compile_definitions(custos_qemu_harness PRIVATE
  CUSTOS_QEMU_BUILD_SCRIPT="${CMAKE_CURRENT_SOURCE_DIR}/qemu/build-guest.sh"
  CUSTOS_QEMU_CACHE_DIR="${CUSTOS_QEMU_CACHE_DIR}"
  CUSTOS_QEMU_IMAGE_DIR="${CMAKE_BINARY_DIR}/qemu-guests")

# A program the guest runs: BLKROSET on a disk, built on the host.
add_executable(qemu_guest_blkro qemu/guest_blkro.cpp)
target_link_libraries(qemu_guest_blkro PRIVATE custos_options)
set_target_properties(qemu_guest_blkro PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

custos_test(NAME usb_kernel_test SOURCES qemu/usb_kernel_test.cpp DEPS custos_qemu_harness LABELS qemu)
target_compile_definitions(usb_kernel_test PRIVATE CUSTOS_QEMU_BLKRO_PROBE="$<TARGET_FILE:qemu_guest_blkro>")
add_dependencies(usb_kernel_test qemu_guest_blkro)

# The real custos-agent, offline with a signed policy bundle, in the guest.
# CUSTOS_QEMU_AGENT_BINARY: the agent the guest runs (default: this tree's).
set(CUSTOS_QEMU_AGENT_BINARY "" CACHE FILEPATH
  "The custos-agent binary agent_usb_test puts into its guest (empty: this build tree's)")
custos_test(NAME agent_usb_test SOURCES qemu/agent_usb_test.cpp
  DEPS custos_qemu_harness custos_policy SQLite::SQLite3 LABELS qemu)
if(CUSTOS_QEMU_AGENT_BINARY)
  target_compile_definitions(agent_usb_test PRIVATE CUSTOS_AGENT_BINARY="${CUSTOS_QEMU_AGENT_BINARY}")
else()
  target_compile_definitions(agent_usb_test PRIVATE CUSTOS_AGENT_BINARY="$<TARGET_FILE:custos-agent>")
  add_dependencies(agent_usb_test custos-agent)
endif()
