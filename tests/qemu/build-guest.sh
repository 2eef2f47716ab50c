#!/usr/bin/env bash
# Builds a small Linux guest for QEMU: a Debian kernel and an initramfs with
# busybox, the kernel modules a USB test needs, the given host files (with
# the shared libraries of the programs among them) and a scenario script
# that /init runs before it powers the guest off.
#
#   build-guest.sh --cache DIR --out DIR --scenario FILE
#                  [--file HOST[:GUEST]]... [--module NAME]...
#
#   --cache DIR     kernel package and module sets, shared by every guest;
#                   after the first run no network is needed
#   --out DIR       receives kernel, initrd.gz and kernel-version
#   --scenario FILE a busybox sh script, run by /init as /scenario.sh
#   --file H[:G]    host file H copied to G in the guest (default: same path);
#                   for a dynamic ELF program, its ldd closure and loader too
#   --module NAME   a kernel module to load at boot, beyond the default set
#
# Both steps are cached: the kernel is downloaded and its module set
# extracted once per (kernel, module list); the initramfs is rebuilt only
# when an input (this script, the scenario, a file, a library) changed.
# The kernel is taken from a linux-image-*.deb already in DIR/debs when
# there is one, so a machine without the Debian mirror can be seeded by hand.
set -euo pipefail

die() { echo "build-guest: $*" >&2; exit 1; }

cache="" out="" scenario=""
files=() extra_modules=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --scenario) scenario=${2:?}; shift 2 ;;
    --file) files+=("${2:?}"); shift 2 ;;
    --module) extra_modules+=("${2:?}"); shift 2 ;;
    *) die "unknown argument '$1' (see the header of $0)" ;;
  esac
done
[ -n "$cache" ] && [ -n "$out" ] && [ -n "$scenario" ] || die "--cache, --out and --scenario are required"
[ -f "$scenario" ] || die "scenario '$scenario' does not exist"
for tool in dpkg-deb depmod modprobe modinfo cpio gzip xz busybox flock sha256sum; do
  command -v "$tool" >/dev/null || die "'$tool' is missing: run installer/install-deps.sh installer/packages.txt"
done
[ -x /bin/busybox ] && busybox_bin=/bin/busybox || busybox_bin=$(command -v busybox)
ldd "$busybox_bin" >/dev/null 2>&1 && die "$busybox_bin is dynamic: install busybox-static"

# The default module set: USB host controller, storage (BOT and UAS), SCSI
# disks and CD drives, the file systems of sticks and CDs, keyboards.
modules=(xhci_pci usb_storage uas sd_mod sr_mod isofs vfat nls_cp437 nls_ascii usbhid hid_generic evdev)
for m in "${extra_modules[@]}"; do
  [[ " ${modules[*]} " == *" $m "* ]] || modules+=("$m")
done

mkdir -p "$cache" "$out"
cache=$(realpath "$cache") out=$(realpath "$out")
here=$(dirname "$(realpath "$0")")
self_sum=$(cat "$0" "$here/guest/init" "$here/guest/guest.sh" | sha256sum | cut -d' ' -f1)

# --- 1. The kernel package (once per cache) --------------------------------
exec 8>"$cache/.lock"
flock 8
mkdir -p "$cache/debs"
deb=$(ls "$cache"/debs/linux-image-*-amd64_*.deb 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$deb" ]; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}' || true)
  if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2 || true   # an empty package list (fresh machine)
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}' || true)
  fi
  [ -n "$pkg" ] || die "cannot find the Debian kernel package: 'apt-cache depends linux-image-amd64' names none (run 'apt-get update' as root, or put a linux-image-*-amd64 .deb into $cache/debs)"
  dl=$(mktemp -d "$cache/download.XXXXXX")
  echo "build-guest: downloading $pkg (once; cached in $cache/debs)" >&2
  if ! (cd "$dl" && apt-get download -qq "$pkg" >&2 2>"$dl/apt.log"); then
    msg=$(grep -E '^(E|Err):' "$dl/apt.log" | head -n3 | tr '\n' ' ')
    rm -rf "$dl"
    die "cannot download the Debian kernel package $pkg: ${msg:-apt-get download failed} (the QEMU tests need it once: reach the Debian mirror, or put a linux-image-*-amd64 .deb into $cache/debs)"
  fi
  mv "$dl"/*.deb "$cache/debs/"
  rm -rf "$dl"
  deb=$(ls "$cache"/debs/linux-image-*-amd64_*.deb | sort -V | tail -n1)
fi
kver=$(dpkg-deb -f "$deb" Package) && kver=${kver#linux-image-}
[ -n "$kver" ] || die "$deb does not look like a kernel package"

# --- 2. vmlinuz and the module closure (once per kernel and module list) ---
kdir="$cache/kernel/$kver"
# Bump the first word when the closure logic below changes.
modset_key=$(printf '%s\n' closure-v1 "${modules[@]}" | sha256sum | cut -c1-16)
modset="$kdir/modules-$modset_key"
if [ ! -f "$kdir/vmlinuz" ] || [ ! -d "$modset" ]; then
  echo "build-guest: extracting kernel $kver and its modules" >&2
  work=$(mktemp -d "$cache/extract.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  dpkg-deb -x "$deb" "$work/root"
  depmod -b "$work/root" "$kver"   # the package ships no modules.dep
  # The closure: every module with its dependencies, and soft dependencies
  # (e.g. crc64-rocksoft's) where the package has them.
  declare -A wanted=()
  queue=("${modules[@]}")
  while [ ${#queue[@]} -gt 0 ]; do
    m=${queue[0]} queue=("${queue[@]:1}")
    [ -n "${wanted[$m]:-}" ] && continue
    wanted[$m]=1
    deps=$(modprobe -d "$work/root" -S "$kver" --show-depends "$m" 2>&1) ||
      die "module '$m' is not in kernel $kver: $deps"
    while read -r verb path _; do
      [ "$verb" = insmod ] || continue
      rel=${path#"$work/root/"}
      mkdir -p "$work/set/$(dirname "$rel")"
      cp "$path" "$work/set/$rel"
      for soft in $(modinfo -b "$work/root" -k "$kver" -F softdep "$path" 2>/dev/null | tr ' ' '\n' | grep -v ':$' || true); do
        modprobe -d "$work/root" -S "$kver" --show-depends "$soft" >/dev/null 2>&1 && queue+=("$soft")
      done
    done <<<"$deps"
  done
  for f in modules.builtin modules.builtin.modinfo modules.order; do
    cp "$work/root/lib/modules/$kver/$f" "$work/set/lib/modules/$kver/"
  done
  depmod -b "$work/set" "$kver"
  mkdir -p "$kdir"
  # Under software emulation the kernel's own XZ decompressor takes ~7 s of
  # every boot: keep the uncompressed ELF too, which QEMU boots directly
  # through its PVH entry (Debian builds CONFIG_PVH). Found as the kernel's
  # extract-vmlinux finds it: the first XZ stream inside the bzImage.
  bz="$work/root/boot/vmlinuz-$kver"
  pos=$(tr '\375\n' '\n\375' <"$bz" | grep -abo '^7zXZ' | head -n1 | cut -d: -f1 || true)
  if [ -n "$pos" ]; then
    tail -c+"$pos" "$bz" | xz -dc >"$work/vmlinux" 2>/dev/null || true   # trailing bytes make xz complain
  fi
  if [ -s "$work/vmlinux" ] && [ "$(head -c4 "$work/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ]; then
    mv "$work/vmlinux" "$kdir/vmlinux"
  else
    rm -f "$kdir/vmlinux"
  fi
  cp "$bz" "$kdir/vmlinuz.tmp" && mv "$kdir/vmlinuz.tmp" "$kdir/vmlinuz"
  rm -rf "$modset" && mv "$work/set" "$modset"
  rm -rf "$work"
  trap - EXIT
fi
flock -u 8

# --- 3. The initramfs (when an input changed) -------------------------------
# Host files and, for dynamic programs, the libraries and loader they use.
declare -A copies=()   # guest path -> host path
add_copy() {
  local host=$1 guest=$2
  [ -e "$host" ] || die "'$host' does not exist"
  copies[$guest]=$host
  if [ "$(head -c4 "$host" | od -An -c | tr -d ' ')" = '177ELF' ] && ldd "$host" >/dev/null 2>&1; then
    local lib
    for lib in $(ldd "$host" | awk '/=> \//{print $3} /^[ \t]*\//{print $1}'); do
      copies[$lib]=$lib
    done
  fi
}
for spec in "${files[@]}"; do
  host=${spec%%:*}
  guest=${spec#*:}
  [ "$spec" = "$host" ] && guest=$(realpath "$host")
  [[ "$guest" == /* ]] || die "guest path '$guest' must be absolute"
  add_copy "$(realpath "$host")" "$guest"
done

inputs=$( {
  echo "script $self_sum" "kernel $kver" "modules $modset_key" "busybox $(sha256sum "$busybox_bin")"
  echo "scenario $(sha256sum <"$scenario")"
  for guest in $(printf '%s\n' "${!copies[@]}" | sort); do
    echo "file $guest $(stat -L -c %a "${copies[$guest]}") $(sha256sum <"${copies[$guest]}")"
  done
} | sha256sum | cut -d' ' -f1)
kernel="$kdir/vmlinuz"
[ -f "$kdir/vmlinux" ] && kernel="$kdir/vmlinux"
ln -sfn "$kernel" "$out/kernel"
if [ -f "$out/initrd.gz" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$inputs" ]; then
  echo "build-guest: $out is up to date" >&2
  exit 0
fi

root=$(mktemp -d "$out/root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,mnt,etc/custos,lib/custos,outbox}
cp "$busybox_bin" "$root/bin/busybox"
# `busybox --list-full` names busybox itself: linking bin/busybox to itself
# would make every applet fail with ELOOP.
for applet in $(busybox --list-full); do
  [ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$root/$applet"
done
cp -a "$modset/lib" "$root/"
printf '%s\n' "${modules[@]}" >"$root/etc/custos/modules"
for guest in "${!copies[@]}"; do
  mkdir -p "$root$(dirname "$guest")"
  cp -L --preserve=mode "${copies[$guest]}" "$root$guest"
done
install -m 0755 "$here/guest/init" "$root/init"
install -m 0644 "$here/guest/guest.sh" "$root/lib/custos/guest.sh"
install -m 0755 "$scenario" "$root/scenario.sh"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
  gzip -1 >"$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "$kver" >"$out/kernel-version"
echo "$inputs" >"$out/stamp"
echo "build-guest: built $out/initrd.gz (kernel $kver)" >&2
