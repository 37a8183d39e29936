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
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ports=()
for svc in ehc reviews transport complaints projection returns web oidc; do ports+=("--$svc-port" "$(free_port)"); done
"$build/bin/casework-dev" --demo --demo-children "$children" --demo-officers 75 --data-dir "$work/var" \
  "${ports[@]}" >"$work/dev.out" 2>"$work/dev.err" &
pid=$!
for _ in $(seq 1 1500); do grep -q "Ctrl-C stops" "$work/dev.out" 2>/dev/null && break; sleep 0.2; done
grep -q "demo loaded" "$work/dev.out" || { tail -5 "$work/dev.err"; exit 1; }
# shellcheck disable=SC1091
source "$work/var/tokens.env"
mkdir -p "$work/py"
protoc -I proto --python_out="$work/py" proto/casework/v1/*.proto
PYTHONPATH="$work/py" /usr/bin/python3 tests/e2e/sen2_check.py wait "$CASEWORK_BROKERS" \
  "127.0.0.1:${ports[11]}" "127.0.0.1:${ports[9]}" "$CASEWORK_ADMIN_TOKEN" "$work/var/metrics.env"
echo "== the browser =="
(cd services/web/app && node bench/dashboard.mjs "http://127.0.0.1:${ports[13]}" team-north \
  "$CASEWORK_MANAGER_TOKEN" "$runs")
echo "== the gateway =="
"$build/bin/casework-bench-web" --web "127.0.0.1:${ports[13]}" --projection "127.0.0.1:${ports[9]}" \
  --token "$CASEWORK_MANAGER_TOKEN" --seconds "$seconds" --to "$(date +%F)"
echo "== the app's size =="
js=$(ls "$build"/web-app/assets/app-*.js)
css=$(ls "$build"/web-app/assets/app-*.css)
echo "JS $(stat -c %s "$js") bytes ($(gzip -9c "$js" | wc -c) gzipped), CSS $(stat -c %s "$css") bytes ($(gzip -9c "$css" | wc -c) gzipped)"
