#!/usr/bin/env bash
# The web app's figures (README, "The web app"): casework-dev --demo with 75 officers (25 in
# team-north), then the team dashboard's time to render in headless Chromium, the gateway's
# requests/s and p99 against direct gRPC, and the JS and CSS sizes.
# Usage: tests/bench/web_bench.sh [BUILD_DIR (build)] [SECONDS (5)] [RUNS (20)] [CHILDREN (2000)]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
seconds=${2:-5}
runs=${3:-20}
children=${4:-2000}
build=$(cd "$build" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source tests/testing/dev_stack.sh
work=$DEV_WORK
dev_stack_start "$build/bin" --demo --demo-children "$children" --demo-officers 75
grep -q "demo loaded" "$DEV_OUT" || dev_fail "the demo did not load"
mkdir -p "$work/py"
protoc -I proto --python_out="$work/py" proto/casework/v1/*.proto
PYTHONPATH="$work/py" /usr/bin/python3 tests/e2e/sen2_check.py wait "$CASEWORK_BROKERS" \
  "$CASEWORK_RETURNS_ADDR" "$CASEWORK_PROJECTION_ADDR" "$CASEWORK_ADMIN_TOKEN" "$work/var/metrics.env"
echo "== the browser =="
(cd services/web/app && node bench/dashboard.mjs "http://127.0.0.1:$CASEWORK_WEB_PORT" team-north \
  "$CASEWORK_MANAGER_TOKEN" "$runs")
echo "== the gateway =="
"$build/bin/casework-bench-web" --web "127.0.0.1:$CASEWORK_WEB_PORT" --projection "$CASEWORK_PROJECTION_ADDR" \
  --token "$CASEWORK_MANAGER_TOKEN" --seconds "$seconds" --to "$(date +%F)"
echo "== the app's size =="
js=$(ls "$build"/web-app/assets/app-*.js)
css=$(ls "$build"/web-app/assets/app-*.css)
echo "JS $(stat -c %s "$js") bytes ($(gzip -9c "$js" | wc -c) gzipped), CSS $(stat -c %s "$css") bytes ($(gzip -9c "$css" | wc -c) gzipped)"
