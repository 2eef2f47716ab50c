#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzzing build for a bounded time each,
# starting from (a copy of) its seed corpus. Exits non-zero on the first
# crash, leak or sanitizer report; the reproducer is left in the build folder.
set -euo pipefail
build=${1:?usage: run.sh FUZZ_BUILD_DIR [SECONDS]}
seconds=${2:-20}
status=0
while IFS=: read -r target corpus; do
  [ -n "$target" ] || continue
  work="$build/fuzz/work-$target"
  rm -rf "$work" && mkdir -p "$work"
  cp -r "$corpus"/. "$work"/ 2>/dev/null || true
  # A dictionary of the format's tokens, where there is one, beside the corpus folder.
  dict_file="${corpus%/corpus/*}/$target.dict"
  dict=()
  [ -f "$dict_file" ] && dict=(-dict="$dict_file")
  echo "fuzzing $target for ${seconds}s"
  if ! "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "${dict[@]}" \
       -artifact_prefix="$build/fuzz/$target-" -print_final_stats=1 "$work" \
       >"$build/fuzz/$target.log" 2>&1; then
    echo "FAILED: $target found a crash; see $build/fuzz/$target.log"
    tail -30 "$build/fuzz/$target.log"
    status=1
  else
    grep -E 'stat::number_of_executed_units' "$build/fuzz/$target.log" || true
  fi
done < "$build/fuzz/targets.txt"
exit $status
