#!/bin/sh
# Installs what auditlint needs to build and test on Debian or Ubuntu:
# the compiler, pkg-config, Lua 5.4, libyaml and cmocka, plus what some
# tests use (python3-yaml, python3-jsonschema, jq, git, and Node.js with
# npm for the SARIF validators when npm is missing). Does nothing when
# everything is there; uses sudo only when not run as root.
set -eu

packages="gcc make libc6-dev pkg-config liblua5.4-dev lua5.4 libyaml-dev \
libcmocka-dev python3-yaml python3-jsonschema jq git"

command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
        | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "install-deps: missing packages:$missing" >&2
    echo "install-deps: run this script as root, or install them" >&2
    exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
