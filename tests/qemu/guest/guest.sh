# Helpers for guest scenarios (busybox sh), sourced by /init before
# /scenario.sh runs.
#
# The host reads two serial ports: ttyS0 is the console (kernel messages and
# whatever the scenario prints), ttyS1 is the control channel, which only
# these helpers write to. Marks, reports and files go over ttyS1, so kernel
# messages never split them; each is echoed to the console for people too.
# Write to the channel from one process at a time: a file sent while
# another process marks could interleave.

CUSTOS_CHANNEL=/dev/ttyS1

# mark NAME [ARGS...]: a point the host can wait for (QemuGuest::wait_for).
mark() {
  echo "##custos-mark $*" >"$CUSTOS_CHANNEL"
  echo "##custos-mark $*"
}

# report KEY VALUE...: a fact the host asserts on (QemuGuest::report).
report() {
  local key=$1
  shift
  echo "##custos-report $key=$*" >"$CUSTOS_CHANNEL"
  echo "##custos-report $key=$*"
}

# send_file PATH [NAME]: the file's bytes to the host, base64 between two
# lines (QemuGuest::read_back(NAME)). NAME defaults to PATH; no spaces.
send_file() {
  local path=$1 name=${2:-$1}
  if [ ! -f "$path" ]; then
    report "send_file.error" "$path does not exist"
    return 1
  fi
  {
    echo "##custos-file-begin $name"
    base64 "$path"
    echo "##custos-file-end $name $(wc -c <"$path")"
  } >"$CUSTOS_CHANNEL"
  echo "##custos-file $name sent"
}

# wait_until SECONDS COMMAND [ARGS...]: runs COMMAND every 50 ms until it
# succeeds (0) or SECONDS have passed (1).
wait_until() {
  local left=$(($1 * 20))
  shift
  until "$@"; do
    left=$((left - 1))
    [ "$left" -gt 0 ] || return 1
    sleep 0.05
  done
}

# exists PATTERN: true when a path matches the glob PATTERN.
exists() {
  local f
  for f in $1; do
    [ -e "$f" ] && return 0
  done
  return 1
}

# first PATTERN: prints the first path matching the glob PATTERN.
first() {
  local f
  for f in $1; do
    [ -e "$f" ] && { echo "$f"; return 0; }
  done
  return 1
}

# usb_ancestor SYSFS_PATH: the USB device (the folder with idVendor) at or
# above a sysfs path, e.g. of /sys/block/sda/device.
usb_ancestor() {
  local d
  d=$(realpath "$1")
  while [ "$d" != / ] && [ ! -f "$d/idVendor" ]; do
    d=$(dirname "$d")
  done
  [ -f "$d/idVendor" ] && echo "$d"
}

# mount_mode DEV: "ro" or "rw", how DEV (e.g. /dev/sda) is mounted now.
mount_mode() {
  awk -v d="$1" '$1 == d {split($4, o, ","); print o[1]}' /proc/mounts
}

# try_write FILE: writes a line to FILE and prints "succeeded" or "failed".
try_write() {
  if echo written >"$1" 2>/dev/null; then echo succeeded; else echo failed; fi
}
