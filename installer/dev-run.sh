#!/usr/bin/env bash
# `make run`: a local vault for trying Custos out. Initialises ./var/vault
# once, then serves it on 127.0.0.1:8443 in the foreground (Ctrl-C stops it).
# For a real installation see docs/admin-guide.md.
set -euo pipefail
build=${1:?usage: dev-run.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/$build/bin"
var="$top/var"
data="$var/vault"
listen=${CUSTOS_LISTEN:-127.0.0.1:8443}
mkdir -p "$var" && chmod 700 "$var"

if [ ! -f "$data/vault.db" ]; then
  # The generated admin password is kept in var/ (mode 0600) so later runs
  # can show it again; a production vault never writes it anywhere.
  out=$(umask 077; "$bin/custos-vault" init --data-dir "$data")
  printf '%s\n' "$out" | sed -n 's/^its password (shown once): //p' > "$var/admin-password"
  chmod 600 "$var/admin-password"
fi
fingerprint=$("$bin/custos-vault" fingerprint --data-dir "$data")
port=${listen##*:}
cat <<MSG

  Custos vault in $data, serving https://$listen
  IT engineer login:  admin
  password:           $(cat "$var/admin-password" 2>/dev/null || echo "(as set with CUSTOS_ADMIN_PASSWORD)")   (kept in var/admin-password)
  fingerprint:        $fingerprint

  Try, in another terminal:
    $build/bin/custos login --server https://127.0.0.1:$port --fingerprint $fingerprint --user admin
    $build/bin/custos dept add claims && $build/bin/custos user add lead1 --department claims --role project_lead
    $build/bin/custos user list

MSG
exec "$bin/custos-vault" serve --data-dir "$data" --listen "$listen"
