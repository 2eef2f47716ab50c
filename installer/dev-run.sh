#!/usr/bin/env bash
# `make run`: a local vault and a local workstation agent for trying Custos
# out. Initialises ./var/vault once, serves it on 127.0.0.1:8443, enrolls an
# agent for the department `claims` once (state in ./var/agent) and runs it
# beside the vault. Ctrl-C stops both. For a real installation see
# docs/admin-guide.md.
#
# CUSTOS_VAR (default ./var), CUSTOS_LISTEN (127.0.0.1:8443), CUSTOS_DEPARTMENT
# (claims) and CUSTOS_AGENT_SOCKET change where things go.
#
# The local agent runs without device control unless CUSTOS_DEVICE_CONTROL=on:
# a developer's machine keeps its USB devices. Everything else (policy, local
# socket, events, heartbeats) is the real agent.
set -euo pipefail
build=${1:?usage: dev-run.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) bin="$build/bin" ;; *) bin="$top/$build/bin" ;; esac
var=${CUSTOS_VAR:-$top/var}
data="$var/vault"
agent_dir="$var/agent"
listen=${CUSTOS_LISTEN:-127.0.0.1:8443}
port=${listen##*:}
server="https://127.0.0.1:$port"
department=${CUSTOS_DEPARTMENT:-claims}
mkdir -p "$var" && chmod 700 "$var"

if [ ! -f "$data/vault.db" ]; then
  # The generated admin password is kept in var/ (mode 0600) so later runs
  # can show it again; a production vault never writes it anywhere.
  out=$(umask 077; "$bin/custos-vault" init --data-dir "$data")
  printf '%s\n' "$out" | sed -n 's/^its password (shown once): //p' > "$var/admin-password"
  chmod 600 "$var/admin-password"
fi
fingerprint=$("$bin/custos-vault" fingerprint --data-dir "$data")

pids=()
# Ctrl-C reaches only this script: the vault and the agent run in process
# groups of their own (job control), and stop_all stops the agent first,
# while the vault can still take its agent.stopping event; then the vault
# (pids[0]).
set -m
stop_all() {
  trap - EXIT INT TERM
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap stop_all EXIT INT TERM

"$bin/custos-vault" serve --data-dir "$data" --listen "$listen" &
pids+=($!)
for _ in $(seq 1 100); do
  curl -sk --max-time 1 "$server/healthz" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "make run: the vault did not start (see above)" >&2; exit 1; }
  sleep 0.1
done

# --- the local agent ------------------------------------------------------
mkdir -p "$agent_dir" && chmod 700 "$agent_dir"
if [ -n "${CUSTOS_AGENT_SOCKET:-}" ]; then socket=$CUSTOS_AGENT_SOCKET
elif [ "$(id -u)" -eq 0 ]; then socket=/run/custos-agent/agent.sock
else socket="$agent_dir/agent.sock"; fi
machine_id=/etc/machine-id
if [ ! -s "$machine_id" ]; then
  machine_id="$agent_dir/machine-id"
  [ -s "$machine_id" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$machine_id"
fi
device_control=false
[ "${CUSTOS_DEVICE_CONTROL:-off}" = on ] && device_control=true
cat > "$agent_dir/agent.toml" <<TOML
# Written by make run; see docs/agent.md for every key.
state_dir = "$agent_dir/state"
socket = "$socket"
machine_id_file = "$machine_id"
device_control = $device_control
TOML

agent_note=""
if [ ! -f "$agent_dir/state/agent.json" ]; then
  # Enroll once, as the IT engineer would: a department, a one-use token.
  # The bootstrap session lives in var/, not in the user's own custos login.
  password=$(cat "$var/admin-password" 2>/dev/null || true)
  if [ -z "$password" ] && [ -n "${CUSTOS_ADMIN_PASSWORD:-}" ]; then password=$CUSTOS_ADMIN_PASSWORD; fi
  if [ -n "$password" ]; then
    export CUSTOS_CONFIG_DIR="$var/bootstrap-cli"
    mkdir -p "$CUSTOS_CONFIG_DIR" && chmod 700 "$CUSTOS_CONFIG_DIR"
    CUSTOS_PASSWORD=$password "$bin/custos" login --server "$server" --fingerprint "$fingerprint" --user admin >/dev/null
    "$bin/custos" dept list --format json | grep -q "\"$department\"" || "$bin/custos" dept add "$department" >/dev/null
    token=$("$bin/custos" agent token --department "$department" --ttl 10m 2>/dev/null)
    "$bin/custos-agent" enroll --config "$agent_dir/agent.toml" --server "$server" \
      --fingerprint "$fingerprint" --token "$token" >/dev/null
    "$bin/custos" logout >/dev/null 2>&1 || true
    unset CUSTOS_CONFIG_DIR token password
  else
    agent_note="  (no admin password known: enroll the agent yourself, see docs/agent.md)"
  fi
fi
if [ -f "$agent_dir/state/agent.json" ]; then
  "$bin/custos-agent" run --config "$agent_dir/agent.toml" 2>"$agent_dir/agent.log" &
  pids+=($!)
  agent_note="  agent:              enrolled in '$department', log in var/agent/agent.log, device control $([ $device_control = true ] && echo on || echo "off (CUSTOS_DEVICE_CONTROL=on to enforce)")"
fi

socket_env=""
[ "$socket" = /run/custos-agent/agent.sock ] || socket_env="CUSTOS_AGENT_SOCKET=$socket "
cat <<MSG

  Custos vault in $data, serving $server
  IT engineer login:  admin
  password:           $(cat "$var/admin-password" 2>/dev/null || echo "(as set with CUSTOS_ADMIN_PASSWORD)")   (kept in var/admin-password)
  fingerprint:        $fingerprint
$agent_note

  Try, in another terminal:
    $build/bin/custos login --server $server --fingerprint $fingerprint --user admin
    $build/bin/custos user add lead1 --department $department --role project_lead && $build/bin/custos user list
    $build/bin/custos agent list && $build/bin/custos-agent status --config var/agent/agent.toml

  Ctrl-C stops the vault and the agent.
MSG
[ -n "$socket_env" ] && echo "  (the local agent's socket: ${socket_env% })"
echo
wait -n "${pids[@]}"
