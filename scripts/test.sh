#!/usr/bin/env bash
# The test command: sets up (packages, configure, build) and runs every test with CTest, then
# builds the GoogleTest executables again under AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/) and the event store, health and consumer-runtime tests under ThreadSanitizer
# (build-tsan/), and runs them there. Any failure fails the whole command. At the end, passed
# or not, it prints how long each stage took.
# Usage: scripts/test.sh [extra ctest arguments for the main run, e.g. -R calendar]
# Env:   CASEWORK_SANITIZERS=0 skips the sanitizer builds (a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
stage_start=$start
stages=()
# stage NAME: closes the stage running since the last call, naming it.
stage() {
  local now
  now=$(date +%s)
  stages+=("$(printf '%-34s %4d s' "$1" $((now - stage_start)))")
  stage_start=$now
}
summary() {
  local rc=$?
  echo "test: timing by stage"
  for s in "${stages[@]}"; do echo "  $s"; done
  local left=$(( $(date +%s) - stage_start ))
  [ "$rc" = 0 ] || echo "  (failed in the next stage after ${left} s)"
  echo "  total                              $(( $(date +%s) - start )) s"
}
trap summary EXIT

scripts/setup.sh
stage "setup and main build"
build_dir=${CASEWORK_BUILD_DIR:-build}
if command -v clang-format >/dev/null 2>&1; then
  unformatted=$(git ls-files '*.cc' '*.h' | xargs -r clang-format --dry-run -Werror 2>&1 | grep -c "error:" || true)
  if [ "$unformatted" != "0" ]; then
    echo "test: clang-format finds $unformatted problem(s); run: git ls-files '*.cc' '*.h' | xargs clang-format -i" >&2
    exit 1
  fi
fi
(cd "$build_dir" && ctest --output-on-failure -j 2 -LE kafka "$@")
stage "main tests"
# The stack on a real Apache Kafka cluster (three brokers from Maven Central; a download that
# fails fails the stage). Two at a time: each test has its own cluster on its own ports, and
# the drills spend most of their time waiting for brokers.
(cd "$build_dir" && ctest --output-on-failure -j 2 -L kafka "$@")
stage "kafka"

if [ "${CASEWORK_SANITIZERS:-1}" = "0" ]; then
  echo "test: sanitizer builds skipped (CASEWORK_SANITIZERS=0)"
  exit 0
fi
supp="$PWD/tests/sanitizers"
# Line tables only (-g1). AddressSanitizer's build compiles every test at -O0: about 40% less
# compile time than -O1 (its tests run in under two minutes either way); ThreadSanitizer's
# three tests keep -O1, which TSan runs much faster.
sanitized() {  # DIR OPTION TARGET OPTIMIZATION
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=$4 -g1" \
    "-D$2=ON" -DCASEWORK_WEB_APP=OFF >/dev/null
  cmake --build "$1" -j "${CASEWORK_JOBS:-2}" --target "$3"
}
sanitized build-asan CASEWORK_ASAN casework_unit_tests -O0
stage "AddressSanitizer + UBSan build"
(cd build-asan && \
  ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1 \
  LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j 2 -L unit)
stage "AddressSanitizer + UBSan tests"
sanitized build-tsan CASEWORK_TSAN casework_tsan_tests -O1
stage "ThreadSanitizer build"
(cd build-tsan && \
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$supp/tsan.supp" \
  ctest --output-on-failure -j 2 -L tsan)
stage "ThreadSanitizer tests"
echo "test: all passed, ThreadSanitizer included"
