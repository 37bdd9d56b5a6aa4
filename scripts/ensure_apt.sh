#!/usr/bin/env bash
# ensure_apt.sh LABEL PACKAGE...: installs the Debian packages that are missing (sudo unless
# root); silent when all are there. Used by `make setup` and `make bench`.
set -euo pipefail
label=$1; shift
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "$label: installing$missing"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
# shellcheck disable=SC2086
$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
