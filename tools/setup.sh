#!/usr/bin/env bash
# Installs every Debian package STAR-VP needs (only those missing; quiet when all are present),
# then configures and builds into build/. Safe to run any number of times.
#   tools/setup.sh                 Release build in build/
#   BUILD_DIR=b SANITIZE=ON tools/setup.sh   ASan+UBSan build in b/
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libsystemc-dev libyaml-cpp-dev catch2 libboost-dev libeigen3-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev
  gtkwave gnuplot-nox
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_DIR="${BUILD_DIR:-build}"
SANITIZE="${SANITIZE:-OFF}"
BUILD_TYPE="${BUILD_TYPE:-Release}"
if [ "$SANITIZE" = "ON" ]; then BUILD_TYPE=RelWithDebInfo; fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DSTARVP_SANITIZE="$SANITIZE" >/dev/null
# Ninja's per-file progress lines are dropped; warnings and errors still show. pipefail makes a
# failed build fail this script.
cmake --build "$BUILD_DIR" -j "$(nproc)" 2>&1 | { grep -vE '^\[[0-9]+/[0-9]+\] ' || true; }
