#!/usr/bin/env bash
# Installs everything rivet's build, tests and benchmarks use, from Debian 12's
# packages only. Idempotent and non-interactive: packages already present are
# skipped, and `apt-get update` runs only when something is missing.
set -euo pipefail

packages=(
    # toolchain
    build-essential g++ clang cmake ninja-build ccache clang-format clang-tidy
    # libraries rivet links
    libfmt-dev
    # tests
    libgtest-dev libgmock-dev libclang-rt-14-dev netcat-openbsd python3
    # benchmarks: Google Benchmark and the peers measured beside rivet
    libbenchmark-dev libboost1.81-dev libtbb-dev golang-go
    libconcurrentqueue-dev libreaderwriterqueue-dev libspdlog-dev libgoogle-glog-dev
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
