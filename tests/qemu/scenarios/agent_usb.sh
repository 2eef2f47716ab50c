# Guest side of agent_usb_test: the real custos-agent, offline with a signed
# policy bundle, enforcing department "lab" on a real kernel. The kernel
# starts with its own default (new devices authorized): the agent is what
# makes them arrive unauthorized. Nothing here authorizes a device; the
# scenario only looks, through sysfs, /sys/block, mount and the agent's
# status, and reports what it saw. The host asserts on every report and on
# the agent's outbox, sent back at the end.
#
# Files (host side): /usr/local/bin/custos-agent, /etc/custos/policy.bundle
# (signed for "lab"), /etc/custos/policy.pub (its key), /etc/custos/other.pub
# (a key that did not sign it).
#
# Devices (host side): stick CUSTOS-BOOT-0008 at port 8 (2-8) from power-on;
# then, each after the mark that asks for it: stick CUSTOS-BLOCK-0001 at
# port 1 (2-1), the allow-listed CUSTOS-ALLOW-0002 at port 6 (2-6), the
# read-only CUSTOS-RO-0003 at port 3 (2-3), a CD drive at port 2 (2-2), a CD
# drive carrying the allow-listed stick's serial at port 7 (2-7), a keyboard
# at port 4 (1-4); after the agent is killed, stick CUSTOS-LATE-0005 at
# port 5 (2-5).

usb=/sys/bus/usb/devices
state=/var/lib/custos-agent
socket=/run/custos-agent/agent.sock

fail() {
  report error "$1"
  [ -f /tmp/agent.log ] && gzip -c /tmp/agent.log >/outbox/agent.log.gz
  exit 1
}

arrived() {
  wait_until 30 test -e "$usb/$1/driver" || fail "$1 did not arrive"
}

# disk_of DEV: the sd or sr disk behind USB device DEV (e.g. 2-6), found
# through the disk's sysfs path. One program per disk: under emulation each
# one costs milliseconds, and the waits below call this in a loop.
disk_of() {
  local b
  for b in /sys/block/sd* /sys/block/sr*; do
    case "$(readlink "$b")" in */"$1"/*) echo "${b##*/}"; return 0 ;; esac
  done
  return 1
}

status() {
  custos-agent status --socket "$socket" --format json 2>/dev/null
}

# decided NAME: the agent's status lists USB device NAME (it is listed once
# every write of its decision is done).
decided() {
  status | grep -q "\"name\":\"$1\""
}

# decision_of NAME: the agent's decision for USB device NAME ("" when none).
decision_of() {
  status | grep -o "\"name\":\"$1\",[^{]*\"decision\":\"[a-z_]*\"" | grep -o '"decision":"[a-z_]*"' | cut -d'"' -f4
}

# optical_blocked NAME: decided "block", deauthorized, and no sr disk left.
optical_blocked() {
  [ "$(decision_of "$1")" = block ] && [ "$(cat "$usb/$1/authorized")" = 0 ] && ! exists '/sys/block/sr*'
}

# ready: the policy file is applied and device control runs.
ready() {
  local s
  s=$(status) || return 1
  echo "$s" | grep -q '"policy_version":1,' && echo "$s" | grep -q '"device_control":"active"'
}

# interface_of DEV: class/subclass/protocol of DEV's first interface.
interface_of() {
  echo "$(cat $usb/$1:1.0/bInterfaceClass)/$(cat $usb/$1:1.0/bInterfaceSubClass)/$(cat $usb/$1:1.0/bInterfaceProtocol)"
}

# Not every program tolerates the guest's bare /etc.
echo "0123456789abcdef0123456789abcdef" >/etc/machine-id
echo "root:x:0:0:root:/root:/bin/sh" >/etc/passwd
echo "root:x:0:" >/etc/group
hostname agent-guest
# Someone at the workstation, as systemd-logind records a local session on
# a seat: device decisions name this user.
mkdir -p /run/systemd/sessions
printf 'UID=1000\nUSER=alice\nACTIVE=1\nSTATE=active\nREMOTE=0\nCLASS=user\nSEAT=seat0\n' >/run/systemd/sessions/2
mkdir -p /mnt

# 0. Before the agent: the kernel's defaults, and a stick present at boot
# is authorized and has its disk.
arrived 2-8
wait_until 30 disk_of 2-8 >/dev/null || fail "no disk for the boot stick"
report before.usb1.authorized_default "$(cat $usb/usb1/authorized_default)"
report before.usb2.authorized_default "$(cat $usb/usb2/authorized_default)"
report before.boot_stick.authorized "$(cat $usb/2-8/authorized)"

# 1. A bundle checked against a key that did not sign it: refused before
# the agent touches any device.
custos-agent run --policy-file /etc/custos/policy.bundle --policy-key /etc/custos/other.pub --department lab \
  >/tmp/refused.log 2>&1
report refused.exit "$?"
report refused.usb2.authorized_default "$(cat $usb/usb2/authorized_default)"
report refused.boot_stick.authorized "$(cat $usb/2-8/authorized)"
cp /tmp/refused.log /outbox/refused.log
# The wrong department, with the key as text.
custos-agent run --policy-file /etc/custos/policy.bundle --policy-key "$(cat /etc/custos/policy.pub)" \
  --department sales >/dev/null 2>&1
report refused_department.exit "$?"

# 2. The agent, offline with its policy bundle.
custos-agent run --policy-file /etc/custos/policy.bundle --policy-key /etc/custos/policy.pub --department lab \
  >/tmp/agent.log 2>&1 &
agent=$!
wait_until 60 ready || fail "the agent did not become ready"
report agent.mode "$(status | grep -o '"mode":"[a-z]*"')"
report after.usb1.authorized_default "$(cat $usb/usb1/authorized_default)"
report after.usb2.authorized_default "$(cat $usb/usb2/authorized_default)"
report after.usb2.interface_authorized_default "$(cat $usb/usb2/interface_authorized_default)"
# The stick present at start is decided too: blocked, its disk gone.
wait_until 30 decided 2-8 || fail "the agent did not decide the boot stick"
report after.boot_stick.authorized "$(cat $usb/2-8/authorized)"
disk_of 2-8 >/dev/null && report after.boot_stick.disk present || report after.boot_stick.disk none
mark agent-ready

# 3. A stick no rule allows: blocked, no disk.
mark plug-blocked-stick
arrived 2-1
wait_until 30 decided 2-1 || fail "the agent did not decide 2-1"
report blocked.serial "$(cat $usb/2-1/serial)"
report blocked.decision "$(decision_of 2-1)"
report blocked.authorized "$(cat $usb/2-1/authorized)"
# An authorized stick's disk shows within about a second: give it two.
wait_until 2 disk_of 2-1 >/dev/null && report blocked.disk present || report blocked.disk none

# 4. The allow-listed stick: authorized, its disk mounts read-write.
mark plug-allowed-stick
arrived 2-6
wait_until 30 disk_of 2-6 >/dev/null || fail "no disk for the allow-listed stick"
allowed=$(disk_of 2-6)
report allowed.serial "$(cat $usb/2-6/serial)"
report allowed.authorized "$(cat $usb/2-6/authorized)"
report allowed.interface "$(interface_of 2-6)"
report allowed.getro "$(blockdev --getro /dev/$allowed)"
mkdir -p /mnt/allowed
mount -t vfat /dev/$allowed /mnt/allowed || fail "cannot mount /dev/$allowed"
if echo written >/mnt/allowed/NEW.TXT && sync && [ "$(cat /mnt/allowed/NEW.TXT)" = written ]; then
  report allowed.write succeeded
else
  report allowed.write failed
fi
umount /mnt/allowed

# 5. The stick under read_only: the agent sets the disk read-only when it
# appears; mounted without asking for read-only, it comes up read-only,
# reads work and writes fail.
mark plug-read-only-stick
arrived 2-3
wait_until 30 disk_of 2-3 >/dev/null || fail "no disk for the read-only stick"
ro=$(disk_of 2-3)
wait_until 30 sh -c "[ \"\$(blockdev --getro /dev/$ro)\" = 1 ]"
report read_only.serial "$(cat $usb/2-3/serial)"
report read_only.authorized "$(cat $usb/2-3/authorized)"
report read_only.getro "$(blockdev --getro /dev/$ro)"
mkdir -p /mnt/ro
mount -t vfat /dev/$ro /mnt/ro 2>/dev/null || fail "cannot mount /dev/$ro"
report read_only.mount_options "$(mount_mode /dev/$ro)"
report read_only.read "$(cat /mnt/ro/HELLO.TXT)"
report read_only.write "$(try_write /mnt/ro/NEW.TXT)"
umount /mnt/ro

# 6. A CD drive: a stick at the USB level, and no rule allows it.
mark plug-cdrom
arrived 2-2
wait_until 30 decided 2-2 || fail "the agent did not decide 2-2"
report cdrom.decision "$(decision_of 2-2)"
report cdrom.authorized "$(cat $usb/2-2/authorized)"
wait_until 2 exists '/sys/block/sr*' && report cdrom.sr present || report cdrom.sr none

# 7. A CD drive that carries the allow-listed stick's serial: allowed as a
# stick, it binds; once its SCSI type (5) shows, the agent decides it again
# as an optical drive and blocks it.
mark plug-disguised-cdrom
arrived 2-7
wait_until 30 optical_blocked 2-7
report disguised.decision "$(decision_of 2-7)"
report disguised.authorized "$(cat $usb/2-7/authorized)"
exists '/sys/block/sr*' && report disguised.sr present || report disguised.sr none

# 8. A keyboard: allowed, bound to usbhid, an input device.
mark plug-keyboard
arrived 1-4
wait_until 30 exists "$usb/1-4:1.0/0003:*/input/input*" || fail "no input device for the keyboard"
report keyboard.authorized "$(cat $usb/1-4/authorized)"
report keyboard.driver "$(basename "$(realpath $usb/1-4:1.0/driver)")"
report keyboard.interface "$(interface_of 1-4)"
report keyboard.input present

# What the agent says it enforces.
status >/outbox/status.json

# 9. The agent killed: new devices still arrive unauthorized.
kill -9 "$agent"
wait "$agent" 2>/dev/null
kill -0 "$agent" 2>/dev/null && report killed.agent running || report killed.agent gone
report killed.usb2.authorized_default "$(cat $usb/usb2/authorized_default)"
mark plug-late-stick
arrived 2-5
wait_until 3 disk_of 2-5 >/dev/null && report late.disk present || report late.disk none
report late.authorized "$(cat $usb/2-5/authorized)"
report late.serial "$(cat $usb/2-5/serial)"

# The outbox as the agent left it: the database and its write-ahead log,
# which holds what was not checkpointed yet. Compressed: the serial line is
# slow and the log is mostly repeated pages.
(cd "$state" && tar -czf /outbox/outbox.tar.gz outbox.db $(ls outbox.db-wal 2>/dev/null))
gzip -c /tmp/agent.log >/outbox/agent.log.gz
