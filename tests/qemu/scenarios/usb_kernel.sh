# Guest side of usb_kernel_test: what the Linux kernel itself does with USB
# devices when new devices arrive unauthorized (usbcore.authorized_default=0
# on the kernel command line). No agent: this scenario authorizes devices
# itself, as the agent will. The host plugs each device after the mark that
# asks for it; every fact goes back as a report the host asserts on.
#
# Devices (host side): a keyboard at port 5 from power-on (1-5); stick
# CUSTOS-BLOCK-0001 at port 1 (2-1); stick CUSTOS-ALLOW-0002 at port 6
# (2-6); a CD drive at port 2 (2-2); a keyboard at port 3 (1-3).

usb=/sys/bus/usb/devices

# fail WHAT: reports the failed step and ends the scenario (exit 1).
fail() {
  report error "$1"
  exit 1
}

# arrived DEV: waits for a USB device and for usbcore's generic driver to
# have bound it. An authorized device has its interfaces by then; an
# unauthorized one never gets any.
arrived() {
  wait_until 30 test -e "$usb/$1/driver" || fail "$1 did not arrive"
}

# disk_of_serial SERIAL: the sd disk whose USB device has that serial.
disk_of_serial() {
  local b
  for b in /sys/block/sd*; do
    [ -e "$b" ] || continue
    [ "$(cat "$(usb_ancestor "$b/device")/serial" 2>/dev/null)" = "$1" ] && { basename "$b"; return 0; }
  done
  return 1
}

# 0. What the kernel starts from.
for hub in "$usb"/usb*; do
  report "roothub.$(basename "$hub").authorized_default" "$(cat "$hub/authorized_default")"
done

# The keyboard present at power-on arrived unauthorized too.
arrived 1-5
report boot_keyboard.authorized "$(cat $usb/1-5/authorized)"

# (a) A stick arrives unauthorized: no configuration, no interface, no disk.
mark plug-stick
arrived 2-1
report stick.authorized "$(cat $usb/2-1/authorized)"
report stick.serial_unauthorized "$(cat $usb/2-1/serial)"
report stick.id "$(cat $usb/2-1/idVendor):$(cat $usb/2-1/idProduct)"
report stick.configuration_unauthorized "$(cat $usb/2-1/bConfigurationValue)"
exists "$usb/2-1:1.0" && report stick.interfaces_unauthorized present || report stick.interfaces_unauthorized none
# An authorized stick's disk shows within about a second: give it two.
wait_until 2 exists '/sys/block/sd*' && report stick.disk_unauthorized present || report stick.disk_unauthorized none

# (b) Authorizing it brings its disk, named by its serial.
echo 1 >$usb/2-1/authorized
wait_until 30 disk_of_serial CUSTOS-BLOCK-0001 >/dev/null || fail "no disk after authorizing 2-1"
disk=$(disk_of_serial CUSTOS-BLOCK-0001)
report stick.disk "$disk"
report stick.interface "$(cat $usb/2-1:1.0/bInterfaceClass)/$(cat $usb/2-1:1.0/bInterfaceSubClass)/$(cat $usb/2-1:1.0/bInterfaceProtocol)"
report stick.scsi_type "$(cat /sys/block/$disk/device/type)"

# (c) BLKROSET before mount: the FAT file system comes up read-only, reads
# work, writes fail.
report stick.blkroset "$(guest-blkro /dev/$disk 2>&1)"
report stick.getro "$(blockdev --getro /dev/$disk)"
mkdir -p /mnt/stick
mount -t vfat /dev/$disk /mnt/stick 2>/dev/null || fail "cannot mount /dev/$disk"
report stick.mount_options "$(mount_mode /dev/$disk)"
report stick.read "$(cat /mnt/stick/HELLO.TXT)"
report stick.write "$(try_write /mnt/stick/NEW.TXT)"
cp /mnt/stick/BYTES.BIN /outbox/bytes.bin
umount /mnt/stick

# An allow-listed stick (another serial): its serial can be read before it
# is authorized, which is what an allow-list decides on.
mark plug-allowed-stick
arrived 2-6
report allowed.authorized "$(cat $usb/2-6/authorized)"
report allowed.serial_unauthorized "$(cat $usb/2-6/serial)"
echo 1 >$usb/2-6/authorized
wait_until 30 disk_of_serial CUSTOS-ALLOW-0002 >/dev/null || fail "no disk after authorizing 2-6"
allowed=$(disk_of_serial CUSTOS-ALLOW-0002)
report allowed.disk "$allowed"
mkdir -p /mnt/allowed
mount -t vfat /dev/$allowed /mnt/allowed || fail "cannot mount /dev/$allowed"
if echo written >/mnt/allowed/NEW.TXT && [ "$(cat /mnt/allowed/NEW.TXT)" = written ]; then
  report allowed.write succeeded
else
  report allowed.write failed
fi
umount /mnt/allowed

# (d) A CD drive is a stick at the USB level; once authorized and bound it
# shows as SCSI type 5, sr0, and its ISO 9660 file system reads.
mark plug-cdrom
arrived 2-2
report cdrom.authorized "$(cat $usb/2-2/authorized)"
exists '/sys/block/sr*' && report cdrom.sr_unauthorized present || report cdrom.sr_unauthorized none
echo 1 >$usb/2-2/authorized
wait_until 30 test -e /sys/block/sr0 || fail "no sr0 after authorizing 2-2"
report cdrom.interface "$(cat $usb/2-2:1.0/bInterfaceClass)/$(cat $usb/2-2:1.0/bInterfaceSubClass)/$(cat $usb/2-2:1.0/bInterfaceProtocol)"
report cdrom.scsi_type "$(cat /sys/block/sr0/device/type)"
mkdir -p /mnt/cd
mount -t iso9660 -o ro /dev/sr0 /mnt/cd || fail "cannot mount /dev/sr0"
report cdrom.read "$(cat /mnt/cd/hello.txt)"
umount /mnt/cd

# (e) A keyboard arrives unauthorized and, authorized, binds usbhid and
# becomes an input device.
mark plug-keyboard
arrived 1-3
report keyboard.authorized "$(cat $usb/1-3/authorized)"
report keyboard.id "$(cat $usb/1-3/idVendor):$(cat $usb/1-3/idProduct)"
echo 1 >$usb/1-3/authorized
wait_until 30 test -e $usb/1-3:1.0/driver || fail "1-3:1.0 did not bind"
report keyboard.driver "$(basename "$(realpath $usb/1-3:1.0/driver)")"
report keyboard.interface "$(cat $usb/1-3:1.0/bInterfaceClass)/$(cat $usb/1-3:1.0/bInterfaceSubClass)/$(cat $usb/1-3:1.0/bInterfaceProtocol)"
wait_until 30 exists "$usb/1-3:1.0/0003:*/input/input*" || fail "no input device for 1-3"
report keyboard.input present

# Unplugging takes the devices and their disks away.
mark unplug-sticks
wait_until 30 sh -c "! test -e $usb/2-1 && ! test -e $usb/2-6 && ! ls /sys/block | grep -q '^sd'" ||
  fail "the sticks did not go away"
report unplug.disks none

echo "usb_kernel scenario done" >/outbox/summary.txt
