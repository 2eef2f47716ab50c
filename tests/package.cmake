# The Debian packages installed, upgraded, removed and purged on this
# machine (tests/package/install_test.sh; root, or sudo without a password).
# Release tree only: the sanitizer tree's programs are not what ships, so the
# test is not declared there at all.
if(NOT CUSTOS_SANITIZE)
  add_test(NAME package_install_test
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/package/install_test.sh ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR})
  # It installs system packages, users and services: alone, never beside another test.
  set_tests_properties(package_install_test PROPERTIES LABELS package TIMEOUT 900 RUN_SERIAL TRUE)
endif()
