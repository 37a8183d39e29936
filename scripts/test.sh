#!/usr/bin/env bash
# The test command: sets up (packages, configure, build) and runs every test with CTest.
# Usage: scripts/test.sh [extra ctest arguments, e.g. -R calendar]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=${CASEWORK_BUILD_DIR:-build}
if command -v clang-format >/dev/null 2>&1; then
  unformatted=$(git ls-files '*.cc' '*.h' | xargs -r clang-format --dry-run -Werror 2>&1 | grep -c "error:" || true)
  if [ "$unformatted" != "0" ]; then
    echo "test: clang-format finds $unformatted problem(s); run: git ls-files '*.cc' '*.h' | xargs clang-format -i" >&2
    exit 1
  fi
fi
cd "$build_dir"
ctest --output-on-failure -j 2 "$@"
