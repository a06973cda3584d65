#!/bin/sh
# install-deps.sh — installs, from Debian packages, what parscore needs to
# build, run its demo, run its tests and its benchmark (hyperfine).
# Idempotent: when every package is already installed it does nothing (and
# needs no network, no root).
#   tools/install-deps.sh          build + run + test dependencies
#   tools/install-deps.sh --check  only report what is missing (exit 1 if any)
set -eu

PKGS="build-essential cmake pkg-config
liblua5.4-dev libxml2-dev libxml2-utils libhpdf-dev libsqlite3-dev sqlite3 libpq-dev
libutf8proc-dev libjansson-dev libxlsxwriter-dev libzip-dev fonts-noto-core
poppler-utils qpdf postgresql postgresql-client clang libclang-rt-14-dev valgrind time cppcheck
help2man lowdown man-db dpkg-dev file hyperfine"

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "missing Debian packages:$missing" >&2
  exit 1
fi

echo "install-deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: need root (or sudo) to install:$missing" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
echo "install-deps: done" >&2
