#!/bin/bash
# The Debian packages as an IT engineer uses them, on this machine, as root:
#   tests/package/install_test.sh SOURCE_DIR BUILD_DIR
# builds the three packages twice (this version and a higher one), checks
# them with lintian, installs them with dpkg -i (no systemd needed), checks
# files, owners and modes, verifies both units with systemd-analyze, starts
# custos-vault and custos-agent from their installed paths as their units
# would, enrolls the agent unattended from /etc/custos/enroll.env, backs the
# vault up with the installed program, puts the store back to the previous
# schema, upgrades to the higher version and checks that the store was
# migrated and that data, keys, enrollment, the outbox and a changed
# conffile survived, then removes (data kept) and purges (configuration gone, vault
# data kept without confirmation and removed with it).
#
# It refuses to run where Custos is installed or has left data, and cleans
# up on every exit: packages purged, folders and the users and groups it
# created removed. ctest label `package`; release tree only.
set -euo pipefail

src=$(realpath "$1")
build=$(realpath "$2")
if [ "$(id -u)" != 0 ]; then
    exec sudo -n "$0" "$src" "$build"
fi

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }

for package in custos-vault custos-agent custos; do
    if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q -v 'not-installed'; then
        fail "$package is installed (or half-removed) here; this test does not touch a real installation"
    fi
done
for path in /var/lib/custos-vault /var/lib/custos-agent /etc/custos; do
    [ -e "$path" ] && fail "$path exists; this test does not touch a real installation's data"
done
# An empty /run/custos-agent (left by a development agent) is no installation.
run_dir_existed=no
if [ -d /run/custos-agent ]; then
    [ -z "$(ls -A /run/custos-agent)" ] || fail "/run/custos-agent is in use; is an agent running here?"
    run_dir_existed=yes
fi
user_existed=no group_existed=no vault_group_existed=no
getent passwd custos-vault >/dev/null && user_existed=yes
getent group custos >/dev/null && group_existed=yes
getent group custos-vault >/dev/null && vault_group_existed=yes

work=$(mktemp -d /tmp/custos-package-test.XXXXXX)
chmod 0711 "$work"   # the services' users reach their own folders inside
vault_pid='' agent_pid=''
cleanup() {
    local rc=$?
    set +e
    [ -n "$agent_pid" ] && kill -KILL "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
    [ -n "$vault_pid" ] && kill -KILL "$vault_pid" 2>/dev/null && wait "$vault_pid" 2>/dev/null
    [ -d /var/lib/custos-vault ] && touch /var/lib/custos-vault/PURGE-CONFIRMED
    dpkg --purge custos custos-agent custos-vault >/dev/null 2>&1
    rm -rf /var/lib/custos-vault /var/lib/custos-agent /run/custos-agent /etc/custos
    [ "$run_dir_existed" = yes ] && install -d -m 0755 /run/custos-agent
    [ "$user_existed" = no ] && getent passwd custos-vault >/dev/null && deluser --quiet --system custos-vault >/dev/null 2>&1
    [ "$vault_group_existed" = no ] && getent group custos-vault >/dev/null && delgroup --quiet --system custos-vault >/dev/null 2>&1
    [ "$group_existed" = no ] && getent group custos >/dev/null && delgroup --quiet --system custos >/dev/null 2>&1
    rm -rf "$work"
    if [ $rc -ne 0 ]; then echo "install test FAILED (exit $rc); the machine was cleaned up" >&2; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# mode_owner PATH: "0700 custos-vault:custos-vault"
mode_owner() { stat -c '%04a %U:%G' "$1"; }
expect_mode() {
    local got
    got=$(mode_owner "$1") || fail "$1 is missing"
    [ "$got" = "$2" ] || fail "$1 is $got, expected $2"
}
# Polls a command for up to $1 seconds.
eventually() {
    local seconds=$1
    shift
    for _ in $(seq $((seconds * 10))); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    "$@"
}

if [ -n "${CUSTOS_PREVIOUS_PACKAGES:-}" ]; then
    # The upgrade from a real earlier release (its three .deb files in that
    # folder): its store, enrollment and outbox must survive this build's
    # programs, migrations included.
    step "packages: the previous release from $CUSTOS_PREVIOUS_PACKAGES, and this build"
    mkdir -p "$work/v1"
    cp "$CUSTOS_PREVIOUS_PACKAGES"/custos-vault_*.deb "$CUSTOS_PREVIOUS_PACKAGES"/custos-agent_*.deb \
        "$CUSTOS_PREVIOUS_PACKAGES"/custos_*.deb "$work/v1/"
    v1=$(dpkg-deb -f "$work"/v1/custos-vault_*.deb Version)
    "$src/installer/build-packages.sh" "$build" "$work/v2" >/dev/null
    v2=$(dpkg-deb -f "$work"/v2/custos-vault_*.deb Version)
else
    step "packages: this version and a higher one"
    "$src/installer/build-packages.sh" "$build" "$work/v1" >/dev/null
    v1=$(dpkg-deb -f "$work"/v1/custos-vault_*.deb Version)
    v2="$v1+upgradetest1"
    "$src/installer/build-packages.sh" "$build" "$work/v2" "$v2" >/dev/null
fi
dpkg --compare-versions "$v2" gt "$v1" || fail "$v2 is not higher than $v1"
ls "$work"/v1/*.deb | grep -c '\.deb$' | grep -qx 3 || fail "expected three packages"

step "lintian"
runuser -u nobody -- env HOME=/nonexistent lintian --fail-on error,warning "$work"/v2/*.deb || fail "lintian reports errors or warnings"

step "install $v1"
dpkg -i "$work"/v1/*.deb >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i"; }
# custos-agent-worker: what the agent starts for views and printing, next to it.
for program in custos-vault custos-agent custos-agent-worker custos; do
    expect_mode "/usr/bin/$program" "0755 root:root"
done
dpkg -S /usr/bin/custos-agent-worker | grep -q '^custos-agent:' || fail "custos-agent-worker is not in custos-agent"
expect_mode /etc/custos/vault.toml "0644 root:root"
expect_mode /etc/custos/agent.toml "0644 root:root"
expect_mode /var/lib/custos-vault "0700 custos-vault:custos-vault"
expect_mode /var/lib/custos-agent "0700 root:root"
expect_mode /lib/systemd/system/custos-vault.service "0644 root:root"
expect_mode /lib/systemd/system/custos-agent.service "0644 root:root"
getent passwd custos-vault | grep -q ':/var/lib/custos-vault:/usr/sbin/nologin$' || fail "custos-vault user: $(getent passwd custos-vault)"
[ "$(id -u custos-vault)" -lt 1000 ] || fail "custos-vault is not a system user"
getent group custos >/dev/null || fail "no group custos"
dpkg-query -W -f='${Conffiles}\n' custos-vault | grep -q '/etc/custos/vault.toml' || fail "vault.toml is no conffile"
dpkg-query -W -f='${Conffiles}\n' custos-agent | grep -q '/etc/custos/agent.toml' || fail "agent.toml is no conffile"
grep -q 'the vault yet\|no vault yet' "$work/install.log" || fail "postinst did not say how to create the vault"

step "systemd-analyze verify"
for unit in custos-vault custos-agent; do
    out=$(systemd-analyze verify "/lib/systemd/system/$unit.service" 2>&1) || fail "systemd-analyze verify $unit: $out"
    [ -z "$out" ] || fail "systemd-analyze verify $unit: $out"
done

# The units' own command lines, run here without systemd.
unit_command() { sed -n "s/^$2=+\{0,1\}//p" "/lib/systemd/system/$1.service"; }
vault_start=$(unit_command custos-vault ExecStart)
agent_enroll=$(unit_command custos-agent ExecStartPre)
[ -n "$vault_start" ] && [ -n "$agent_enroll" ] || fail "the units lack ExecStart/ExecStartPre"

step "init and serve the vault as custos-vault"
# An administrator's change to a conffile, which the upgrade must keep.
sed -i 's/^# heartbeat_seconds = 60 .*/heartbeat_seconds = 5/' /etc/custos/vault.toml
grep -qx 'heartbeat_seconds = 5' /etc/custos/vault.toml || fail "could not edit vault.toml"
admin_password=admin-password-$$-$RANDOM
runuser -u custos-vault -- env CUSTOS_ADMIN_PASSWORD="$admin_password" \
    custos-vault init --data-dir /var/lib/custos-vault >"$work/init.log" || fail "custos-vault init"
expect_mode /var/lib/custos-vault/vault.db "0600 custos-vault:custos-vault"
expect_mode /var/lib/custos-vault/keys "0700 custos-vault:custos-vault"
expect_mode /var/lib/custos-vault/keys/vault.key "0600 custos-vault:custos-vault"
install -d -o custos-vault -m 0700 "$work/vault-run"
port=""   # the first start picks one; later starts reuse it (the agent and the CLI know it)
start_vault() {
    rm -f "$work/vault-run/port"
    # shellcheck disable=SC2086 # the unit's command line, split as systemd does
    # As User=/Group= of the unit; setpriv execs, so $! is the vault itself.
    setpriv --reuid=custos-vault --regid=custos-vault --init-groups --reset-env $vault_start --listen "127.0.0.1:${port:-0}" --port-file "$work/vault-run/port" \
        >>"$work/vault.log" 2>&1 &
    vault_pid=$!
    eventually 30 test -s "$work/vault-run/port" || { cat "$work/vault.log"; fail "the vault did not start"; }
    port=$(cat "$work/vault-run/port")
}
stop_vault() {
    kill -TERM "$vault_pid"
    wait "$vault_pid" || fail "the vault exited with $?"
    vault_pid=''
}
start_vault
fingerprint=$(custos-vault fingerprint --data-dir /var/lib/custos-vault)
export CUSTOS_CONFIG_DIR="$work/cli"
cli() { custos "$@"; }
CUSTOS_PASSWORD="$admin_password" cli login --server "https://127.0.0.1:$port" --fingerprint "$fingerprint" \
    --user admin >/dev/null || fail "custos login"
cli dept add claims >/dev/null || fail "custos dept add"
token=$(cli agent token --department claims --ttl 1h --uses 5 2>/dev/null | head -n 1)
case "$token" in cet_*) ;; *) fail "no rollout token: $token" ;; esac

step "unattended enrollment from /etc/custos/enroll.env"
(
    umask 077
    printf 'CUSTOS_SERVER=https://127.0.0.1:%s\nCUSTOS_FINGERPRINT=%s\nCUSTOS_TOKEN=%s\n' \
        "$port" "$fingerprint" "$token" >/etc/custos/enroll.env
)
# shellcheck disable=SC2086
$agent_enroll >"$work/enroll.log" 2>&1 || { cat "$work/enroll.log"; fail "enroll --from-file"; }
grep -q 'enrolled as agent-1' "$work/enroll.log" || fail "enrollment: $(cat "$work/enroll.log")"
[ ! -e /etc/custos/enroll.env ] || fail "the enrollment file was not deleted"
expect_mode /var/lib/custos-agent/agent.json "0600 root:root"
# shellcheck disable=SC2086
$agent_enroll >"$work/enroll2.log" 2>&1 || fail "the second start's enroll --from-file"
[ ! -s "$work/enroll2.log" ] || fail "a later start is not quiet: $(cat "$work/enroll2.log")"

# The agent as its unit runs it, but without USB enforcement on this machine.
{ cat /etc/custos/agent.toml; echo 'device_control = false'; echo 'heartbeat_seconds = 1'; } >"$work/agent.toml"
start_agent() {
    install -d -m 0755 /run/custos-agent   # the unit's RuntimeDirectory
    custos-agent run --config "$work/agent.toml" >>"$work/agent.log" 2>&1 &
    agent_pid=$!
    eventually 30 test -S /run/custos-agent/agent.sock || { cat "$work/agent.log"; fail "the agent did not start"; }
}
stop_agent() {
    kill -TERM "$agent_pid"
    wait "$agent_pid" || fail "the agent exited with $?"
    agent_pid=''
}
agent_active() { cli agent list | grep 'agent-1' | grep -q 'active'; }
stopping_reasons() {
    cli agent events agent-1 --format json | grep -o '"kind":"agent.stopping"[^}]*"reason":"[a-z-]*"' |
        sed 's/.*"reason":"\([a-z-]*\)"/\1/' | tr '\n' ' '
}
start_agent
eventually 30 agent_active || fail "the vault does not see agent-1 active: $(cli agent list)"
expect_mode /run/custos-agent/agent.sock "0660 root:custos"

step "backup with the installed program, while the vault serves"
install -d -o custos-vault -m 0700 "$work/backups"
runuser -u custos-vault -- custos-vault backup --data-dir /var/lib/custos-vault \
    --out "$work/backups/vault.backup" >"$work/backup.log" || fail "custos-vault backup"
expect_mode "$work/backups/vault.backup" "0600 custos-vault:custos-vault"

step "the vault goes away, then the agent stops: its agent.stopping waits in the outbox"
stop_vault
stop_agent
[ -s /var/lib/custos-agent/outbox.db ] || fail "no outbox"
schema() { runuser -u custos-vault -- sqlite3 /var/lib/custos-vault/vault.db "$1"; }
newest=$(schema "SELECT max(version) FROM schema_migrations")
if [ -z "${CUSTOS_PREVIOUS_PACKAGES:-}" ]; then
    # Without a real earlier release, the store is put back to the schema the
    # release before this one left: the newest migration undone, so the
    # upgraded vault must migrate it at its first start. Each release that
    # adds a migration says here how to undo it.
    step "the store as the previous release left it: schema $((newest - 1))"
    case "$newest" in
        8) undo="DROP TABLE print_requests;" ;;
        9) undo="DROP TABLE print_copy_events;" ;;
        *) fail "install_test.sh cannot undo migration $newest: add its rollback beside migration 9's" ;;
    esac
    schema "BEGIN; $undo DELETE FROM schema_migrations WHERE version = $newest; COMMIT;" ||
        fail "could not roll the store back to schema $((newest - 1))"
    [ "$(schema "SELECT max(version) FROM schema_migrations")" = $((newest - 1)) ] || fail "the rollback did not take"
fi
checksums() {
    (cd / && sha256sum var/lib/custos-vault/vault.db var/lib/custos-vault/keys/* var/lib/custos-vault/tls/* \
        var/lib/custos-agent/agent.json var/lib/custos-agent/outbox.db*)
}
checksums >"$work/before-upgrade"

step "upgrade to $v2"
dpkg -i "$work"/v2/*.deb >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; fail "dpkg -i (upgrade)"; }
for package in custos-vault custos-agent custos; do
    [ "$(dpkg-query -W -f='${Version}' "$package")" = "$v2" ] || fail "$package is not at $v2"
done
checksums | diff "$work/before-upgrade" - || fail "the upgrade changed data, keys, enrollment or the outbox"
grep -qx 'heartbeat_seconds = 5' /etc/custos/vault.toml || fail "the upgrade lost the change to vault.toml"
expect_mode /var/lib/custos-vault "0700 custos-vault:custos-vault"
expect_mode /var/lib/custos-agent "0700 root:root"

step "after the upgrade: the vault migrates and serves its data, the agent carries on and delivers its outbox"
start_vault
[ "$(schema "SELECT max(version) FROM schema_migrations")" = "$newest" ] ||
    fail "the upgraded vault did not migrate the store to schema $newest"
cli dept list | grep -q claims || fail "the department is gone after the upgrade"
[ "$(schema "SELECT count(*) FROM print_requests")" = 0 ] || fail "the migration did not recreate print_requests"
start_agent
eventually 30 agent_active || fail "agent-1 is not active after the upgrade"
eventually 30 sh -c "$(declare -f cli stopping_reasons); stopping_reasons | grep -q stop" ||
    fail "the agent.stopping held in the outbox did not arrive: $(stopping_reasons)"

step "remove: the agent tells the vault first; data and configuration stay"
dpkg -r custos-agent >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r custos-agent"; }
[ "$(cat /run/custos-agent/stop-reason 2>/dev/null)" = remove ] || fail "prerm left no stop reason"
stop_agent   # what systemd's stop does after prerm
reasons=$(stopping_reasons)
[ "${reasons%% }" != "${reasons%%remove*}" ] || fail "the vault has no agent.stopping for the removal: $reasons"
stop_vault
dpkg -r custos custos-vault >>"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r"; }
for program in custos-vault custos-agent custos; do
    [ ! -e "/usr/bin/$program" ] || fail "/usr/bin/$program is still there after remove"
done
for kept in /var/lib/custos-vault/vault.db /var/lib/custos-vault/keys/vault.key /var/lib/custos-agent/agent.json \
    /etc/custos/vault.toml /etc/custos/agent.toml; do
    [ -e "$kept" ] || fail "remove deleted $kept"
done

step "purge without confirmation: configuration gone, vault data kept"
dpkg -P custos custos-agent custos-vault >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg -P"; }
for gone in /etc/custos/vault.toml /etc/custos/agent.toml /var/lib/custos-agent \
    /etc/systemd/system/multi-user.target.wants/custos-vault.service \
    /etc/systemd/system/multi-user.target.wants/custos-agent.service; do
    [ ! -e "$gone" ] || fail "purge left $gone"
done
[ -e /var/lib/custos-vault/vault.db ] || fail "purge without confirmation deleted the vault's data"
grep -q 'PURGE-CONFIRMED' "$work/purge.log" || fail "purge did not say how to remove the vault's data"

step "purge with confirmation: vault data gone"
dpkg -i "$work"/v2/custos-vault_*.deb >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; fail "reinstall"; }
[ -e /var/lib/custos-vault/vault.db ] || fail "reinstalling lost the kept data"
touch /var/lib/custos-vault/PURGE-CONFIRMED
dpkg -P custos-vault >>"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg -P (confirmed)"; }
[ ! -e /var/lib/custos-vault ] || fail "a confirmed purge kept /var/lib/custos-vault"

echo "install test passed"
