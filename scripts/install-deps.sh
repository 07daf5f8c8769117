#!/usr/bin/env bash
# Installs everything rivet's build, tests and benchmarks use, from Debian 12's
# packages only. Idempotent and non-interactive: packages already present are
# skipped, and `apt-get update` runs only when something is missing.
set -euo pipefail

packages=(
    # toolchain
    build-essential g++ clang cmake ninja-build ccache clang-format clang-tidy
    # libraries rivet links (node-llhttp ships llhttp's C sources, built in the tree's build dir)
    libfmt-dev node-llhttp libsimdjson-dev
    # tests
    libgtest-dev libgmock-dev libclang-rt-14-dev netcat-openbsd python3 curl
    # benchmarks: Google Benchmark and the peers measured beside rivet
    libbenchmark-dev libboost1.81-dev libtbb-dev golang-go
    libconcurrentqueue-dev libreaderwriterqueue-dev libspdlog-dev libgoogle-glog-dev
    # HTTP benchmarks: the load generator and the servers rivet is measured against
    # (fastify comes from the npm registry, see bench/http/run.sh)
    wrk nginx-light libnginx-mod-http-echo h2o nodejs python3-starlette python3-uvicorn
    python3-uvloop python3-httptools libcpp-httplib-dev
)
# npm (for fastify) comes with nodejs on some setups (NodeSource's package
# conflicts with Debian's npm); ask for Debian's only when none is present.
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

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
