#!/usr/bin/env bash
# Installs whatever Debian 12 packages the build and tests need and are missing, then
# configures and builds casework in ./build (Ninja, ccache when present).
# Usage: scripts/setup.sh            (idempotent; a second run only rebuilds what changed)
# Env:   CASEWORK_BUILD_DIR (default build), CASEWORK_BUILD_TYPE (default RelWithDebInfo),
#        CASEWORK_CMAKE_ARGS (extra arguments for cmake, e.g. -DCASEWORK_ASAN=ON)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librdkafka-dev librocksdb-dev libabsl-dev libssl-dev
  libjemalloc-dev libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  libcpp-httplib-dev
  kcat openssl python3 python3-grpcio python3-protobuf python3-confluent-kafka python3-prometheus-client
  libxml2-utils
  docker-compose
  tzdata
  # The real Kafka cluster of the tests (scripts/kafka-cluster.sh): Maven resolves the broker
  # from Maven Central into ~/.cache/casework; Java 17 runs it.
  maven openjdk-17-jre-headless
  # The browser tests: Debian's Chromium (Playwright drives it; no browser download).
  chromium fonts-liberation
)
# Node.js and npm for the web app (services/web/app): Debian's, unless the machine already
# has a Node.js of its own (a nodejs package that bundles npm must not get Debian's npm).
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

build_dir=${CASEWORK_BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${CASEWORK_BUILD_TYPE:-RelWithDebInfo}" \
  ${CASEWORK_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "${CASEWORK_JOBS:-2}"
