#!/usr/bin/env bash
# Installs the Debian packages listed in the given file that are not yet
# installed. Used by `make run` and `make test`; needs root or sudo.
set -euo pipefail
list=${1:?usage: install-deps.sh PACKAGE_LIST}
mapfile -t wanted < <(grep -Ev '^\s*(#|$)' "$list" | awk '{print $1}')
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
