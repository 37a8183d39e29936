#!/usr/bin/env bash
# The run command: sets up (packages, configure, build) and starts the whole system on its
# embedded default with demo data. Ctrl-C stops it cleanly.
# Usage: scripts/run.sh [casework-dev arguments; default --demo]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=${CASEWORK_BUILD_DIR:-build}
if [ $# -eq 0 ]; then set -- --demo; fi
exec "$build_dir/bin/casework-dev" "$@"
