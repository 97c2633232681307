#!/usr/bin/env bash
# Installs what grove needs from Debian 12's packages: the toolchain and libraries to build it
# and, unless --no-peers is given, the Python peers (XGBoost, scikit-learn, pandas) that the
# comparison tests run against. Idempotent and non-interactive: packages already present are
# not touched, and nothing is fetched when all are there. Run as root or with sudo available.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build git pkg-config ca-certificates
  libeigen3-dev libtbb-dev libxsimd-dev libcxxopts-dev libfmt-dev nlohmann-json3-dev
  zlib1g-dev libarchive-dev catch2 libbenchmark-dev clang-format
)
peer_packages=(python3 python3-numpy python3-pandas python3-sklearn python3-xgboost)

packages=("${build_packages[@]}")
case "${1:-}" in
  --no-peers) ;;
  "") packages+=("${peer_packages[@]}") ;;
  *) echo "usage: $0 [--no-peers]" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
