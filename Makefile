# Custos — the two commands of the README, and a few more for developers.
#
#   make run    install missing Debian packages, build, initialise a vault
#               under ./var (once) and serve it on 127.0.0.1:8443
#   make test   install, build (release and ASan/UBSan), run every test
#   make bench  run the benchmarks and print their figures
#   make package  build the Debian packages (custos-vault, custos-agent, custos)
#               into $(BUILD)/packages; docs/install.md

SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
CMAKE_FLAGS ?=
# ccache hits across checkouts (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: run test bench deps build build-asan build-fuzz fuzz package clean

deps:
	@installer/install-deps.sh installer/packages.txt

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCUSTOS_SANITIZE=ON \
	  -DCUSTOS_TESTONLY_PLAINTEXT_DOWNLOAD=ON -DCUSTOS_BUILD_BENCH=OFF \
	  -DCUSTOS_QEMU_CACHE_DIR=$(abspath $(BUILD))/qemu-cache $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# The fuzzing build: clang-19 with libc++ (clang cannot use GCC 12's
# std::expected; libc++ before 18 misplaces std::expected's flag in its
# value's tail padding), the parsers, the vault's API and their fuzz targets.
build-fuzz: deps
	@cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCUSTOS_FUZZ=ON \
	  -DCMAKE_CXX_COMPILER=clang++-19 $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz: build-fuzz
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

run: build
	@installer/dev-run.sh $(BUILD)

test: build build-asan build-fuzz
	@echo "== tests, release build =="
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600
	@echo "== tests, AddressSanitizer + UBSan build =="
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS) --timeout 900
	@echo "== fuzzing, $(FUZZ_SECONDS) s per target =="
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	@bench/run.sh $(BUILD)

package: build
	@installer/build-packages.sh $(BUILD) $(BUILD)/packages

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
