#!/usr/bin/env bash
# Runs every benchmark program built into BUILD/bench and prints its figures.
# Each program measures its own ceiling in the same run and prints the ratio.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR}
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
shopt -s nullglob
for program in "$build"/bench/*; do
  [ -f "$program" ] && [ -x "$program" ] || continue
  echo "== $(basename "$program")"
  "$program"
done
