#!/usr/bin/env bash
# `make run` for real (installer/dev-run.sh over the built programs): the
# vault serves, a local agent is enrolled in 'claims' and runs beside it,
# reaches the vault and shows in `custos agent list`; Ctrl-C (SIGINT to the
# whole job, as a terminal sends it) stops both, the agent first, so that its
# agent.stopping event reaches the vault (the agent's outbox is empty after);
# a second run starts the same agent again instead of enrolling anew.
#
#   make_run_test.sh BUILD_DIR      (ctest: make_run_test)
set -euo pipefail
build=$(cd "${1:?usage: make_run_test.sh BUILD_DIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
bin="$build/bin"
work=$(mktemp -d)
runner=""
fail() { echo "make_run_test: FAIL: $*" >&2; [ -f "$work/run.out" ] && tail -n 30 "$work/run.out" >&2; exit 1; }
cleanup() {
  [ -n "$runner" ] && kill -INT -- "-$runner" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$((20000 + RANDOM % 30000))
export CUSTOS_VAR="$work/var" CUSTOS_LISTEN="127.0.0.1:$port" CUSTOS_AGENT_SOCKET="$work/agent.sock"

start() {
  # A job of its own (set -m): a process group, to which SIGINT goes as a
  # terminal sends Ctrl-C.
  set -m
  "$top/installer/dev-run.sh" "$build" >"$work/run.out" 2>&1 &
  runner=$!
  set +m
  for _ in $(seq 1 300); do
    grep -q "Ctrl-C stops" "$work/run.out" 2>/dev/null && return 0
    kill -0 "$runner" 2>/dev/null || fail "make run ended early"
    sleep 0.1
  done
  fail "make run printed no banner in 30 s"
}
stop() {
  kill -INT -- "-$runner"
  for _ in $(seq 1 100); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$runner" 2>/dev/null && fail "make run still running 10 s after Ctrl-C"
  runner=""
  local left
  left=$(grep -l -s -F "$work/var" /proc/[0-9]*/cmdline || true)
  [ -z "$left" ] || fail "a vault or agent outlived make run: $left"
  local waiting
  waiting=$(sqlite3 "$CUSTOS_VAR/agent/state/outbox.db" "SELECT count(*) FROM events")
  [ "$waiting" = 0 ] || fail "$waiting event(s) left in the agent's outbox: agent.stopping did not reach the vault"
  return 0
}
agent_status() {
  for _ in $(seq 1 100); do
    if out=$("$bin/custos-agent" status --socket "$CUSTOS_AGENT_SOCKET" --format json 2>/dev/null) &&
       grep -q '"vault_reachable":true' <<<"$out"; then
      printf '%s' "$out"; return 0
    fi
    sleep 0.1
  done
  fail "the local agent did not answer with the vault reachable: ${out:-nothing}"
}
agents_listed() {
  CUSTOS_CONFIG_DIR="$work/cli" CUSTOS_PASSWORD=$(cat "$CUSTOS_VAR/admin-password") \
    "$bin/custos" login --server "https://127.0.0.1:$port" \
    --fingerprint "$("$bin/custos-vault" fingerprint --data-dir "$CUSTOS_VAR/vault")" --user admin >/dev/null
  CUSTOS_CONFIG_DIR="$work/cli" "$bin/custos" agent list --format json
}

start
first=$(agent_status)
grep -q '"department":"claims"' <<<"$first" || fail "agent not in claims: $first"
name=$(sed -n 's/.*"agent":"\([^"]*\)".*/\1/p' <<<"$first")
[ -n "$name" ] || fail "no agent name in status: $first"
listed=$(agents_listed)
grep -q "\"name\":\"$name\"" <<<"$listed" || fail "custos agent list lacks $name: $listed"
[ "$(stat -c %a "$CUSTOS_VAR/agent/state/agent.json")" = 600 ] || fail "agent.json is not mode 0600"
stop

start
second=$(agent_status)
[ "$(sed -n 's/.*"agent":"\([^"]*\)".*/\1/p' <<<"$second")" = "$name" ] || fail "second run is not $name: $second"
count=$(agents_listed | grep -o '"name":"agent-[0-9]*"' | sort -u | wc -l)
[ "$count" -eq 1 ] || fail "expected one enrolled agent after two runs, found $count"
stop
echo "make_run_test: ok ($name)"
