#!/bin/bash
# Builds the three Debian packages from a release build's programs:
#   installer/build-packages.sh BUILD_DIR OUT_DIR [VERSION]
# custos-vault, custos-agent and custos, VERSION defaulting to the project's
# version with Debian revision 1 (0.1.0-1). Plain dpkg-deb with
# --root-owner-group: no debhelper, no fakeroot. Dependencies on Debian's
# libraries come from dpkg-shlibdeps; maintainer scripts from
# installer/debian/<package>/. Run by `make package`; docs/install.md.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_DIR OUT_DIR [VERSION]" >&2
    exit 2
fi
build=$(realpath "$1")
out=$(realpath -m "$2")
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
project_version=$(sed -n 's/^project(custos VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
version=${3:-${project_version}-1}
arch=$(dpkg --print-architecture)
maintainer=${CUSTOS_DEB_MAINTAINER:-"Custos packaging <packaging@custos.invalid>"}
# Reproducible timestamps: the last commit's time when there is one.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)}

for program in custos-vault custos-agent custos-agent-worker custos; do
    if [ ! -x "$build/bin/$program" ]; then
        echo "$0: $build/bin/$program is missing: build first (make build)" >&2
        exit 1
    fi
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"

# The Depends of a package's programs, from the libraries they link.
library_depends() {
    local work=$stage/shlibdeps
    mkdir -p "$work/debian"
    printf 'Source: custos\n\nPackage: custos\nArchitecture: any\n' >"$work/debian/control"
    (cd "$work" && dpkg-shlibdeps -O "$@") | sed -n 's/^shlibs:Depends=//p'
}

# start_package NAME: an empty tree with the files every package has.
start_package() {
    local name=$1 root=$stage/$1
    install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/doc/$name"
    install -m 0644 "$here/debian/copyright" "$root/usr/share/doc/$name/copyright"
    install -m 0644 "$here/debian/$name/README.Debian" "$root/usr/share/doc/$name/README.Debian"
    {
        printf '%s (%s) unstable; urgency=medium\n\n' "$name" "$version"
        printf '  * Custos %s, packaged from the Custos sources.\n\n' "$version"
        printf ' -- %s  %s\n' "$maintainer" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
    } | gzip -9n >"$root/usr/share/doc/$name/changelog.Debian.gz"
    chmod 0644 "$root/usr/share/doc/$name/changelog.Debian.gz"
    for script in postinst prerm postrm; do
        if [ -f "$here/debian/$name/$script" ]; then
            install -m 0755 "$here/debian/$name/$script" "$root/DEBIAN/$script"
        fi
    done
    if [ -f "$here/debian/$name/lintian-overrides" ]; then
        install -D -m 0644 "$here/debian/$name/lintian-overrides" "$root/usr/share/lintian/overrides/$name"
    fi
}

# add_program NAME PROGRAM: installed stripped (the build keeps line tables).
add_program() {
    install -m 0755 "$build/bin/$2" "$stage/$1/usr/bin/$2"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/$1/usr/bin/$2"
}

# finish_package NAME SECTION EXTRA_DEPENDS SYNOPSIS < DESCRIPTION
finish_package() {
    local name=$1 section=$2 extra=$3 synopsis=$4 root=$stage/$1
    local depends
    depends=$(library_depends "$root"/usr/bin/*)
    [ -n "$extra" ] && depends="$depends, $extra"
    if [ -d "$root/etc" ]; then
        (cd "$root" && find etc -type f | sort | sed 's|^|/|') >"$root/DEBIAN/conffiles"
        chmod 0644 "$root/DEBIAN/conffiles"
    fi
    (cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort |
        grep -v -x -F -f <(sed 's|^/||' "$root/DEBIAN/conffiles" 2>/dev/null || true) |
        xargs -r md5sum) >"$root/DEBIAN/md5sums"
    chmod 0644 "$root/DEBIAN/md5sums"
    {
        echo "Package: $name"
        echo "Version: $version"
        echo "Architecture: $arch"
        echo "Maintainer: $maintainer"
        echo "Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)"
        echo "Depends: $depends"
        echo "Section: $section"
        echo "Priority: optional"
        echo "Description: $synopsis"
        sed 's/^$/./; s/^/ /'
    } >"$root/DEBIAN/control"
    # Every file's time is the commit's, so two builds of one commit match.
    find "$root" -exec touch --no-dereference -d "@$SOURCE_DATE_EPOCH" {} +
    dpkg-deb --root-owner-group -Zxz --build "$root" "$out/${name}_${version}_${arch}.deb" >/dev/null
    echo "$out/${name}_${version}_${arch}.deb"
}

# custos-vault: the server.
start_package custos-vault
add_program custos-vault custos-vault
install -D -m 0644 "$here/custos-vault.service" "$stage/custos-vault/lib/systemd/system/custos-vault.service"
install -d -m 0755 "$stage/custos-vault/etc/custos"
{
    echo "# /etc/custos/vault.toml — read by custos-vault.service (custos-vault serve"
    echo "# --config /etc/custos/vault.toml). Relative paths are relative to the data"
    echo "# folder, /var/lib/custos-vault. The package keeps your changes on upgrade."
    echo "#"
    "$build/bin/custos-vault" default-config
} >"$stage/custos-vault/etc/custos/vault.toml"
chmod 0644 "$stage/custos-vault/etc/custos/vault.toml"
finish_package custos-vault admin "adduser, init-system-helpers (>= 1.54~)" \
    "Custos vault: keeps delivered files and customer records" <<'TEXT'
The Custos vault server: an HTTPS API over an encrypted store of delivered
files and customer records, with supervised destruction by crypto-shredding
and a tamper-evident audit log signed with Ed25519. It runs as the system
user custos-vault from /var/lib/custos-vault, as a hardened systemd service.

Online, encrypted backups: custos-vault backup.
TEXT

# custos-agent: the workstation daemon.
start_package custos-agent
add_program custos-agent custos-agent
# The worker the agent starts for each view and print job, found next to it.
add_program custos-agent custos-agent-worker
install -D -m 0644 "$here/custos-agent.service" "$stage/custos-agent/lib/systemd/system/custos-agent.service"
install -D -m 0644 "$here/agent.toml" "$stage/custos-agent/etc/custos/agent.toml"
finish_package custos-agent admin "adduser, init-system-helpers (>= 1.54~), fonts-wqy-zenhei" \
    "Custos workstation agent: USB device control and reporting" <<'TEXT'
The Custos agent enforces the department's signed policy on USB storage and
optical drives (blocked, read-only or allowed, per device), keeps the last
good policy when the vault is away, and reports every decision to the vault
through a durable outbox. Stopping or removing it is reported to the vault.
Delivered files are seen only in its view-only viewer (custos view): pages
as watermarked images, nothing written to disk.

Enrollment: interactively (custos-agent enroll) or unattended, from
/etc/custos/enroll.env on the first start.
TEXT

# custos: the command.
start_package custos
add_program custos custos
finish_package custos utils "" "command-line client of the Custos vault" <<'TEXT'
The custos command talks to a Custos vault over HTTPS with a pinned
certificate: users and departments, documents and grants, supervised
destruction, the audit log (export and offline verification), customer
records and workstation agents.
TEXT
