#!/usr/bin/env bash
# The law end to end: tests/e2e/law_scenarios.py drives one scenario per numbered
# item through gRPC with python3-grpcio (code generated from proto/ here), on a casework-dev
# stack whose business date is fixed (--today, non-production): phase A on Tue 3 March 2026;
# then the same data restarted on Fri 29 January 2027, when phase A's clocks have run out.
# Usage: law_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
work=$(mktemp -d)
dev_pid=
cleanup() {
  if [ -n "$dev_pid" ]; then pkill -9 -P "$dev_pid" 2>/dev/null || true; kill -9 "$dev_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "LAW E2E FAILED: $*" >&2; cat "$work"/dev-*.err >&2 2>/dev/null || true; exit 1; }

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mkdir -p "$work/py"
protoc -I "$src/proto" --python_out="$work/py" "$src"/proto/casework/v1/*.proto
ports=()
for svc in ehc reviews transport complaints projection returns web oidc; do ports+=("--$svc-port" "$(free_port)"); done
export CASEWORK_EHC_ADDR=127.0.0.1:${ports[1]} CASEWORK_REVIEWS_ADDR=127.0.0.1:${ports[3]}
export CASEWORK_TRANSPORT_ADDR=127.0.0.1:${ports[5]} CASEWORK_COMPLAINTS_ADDR=127.0.0.1:${ports[7]}
export CASEWORK_PROJECTION_ADDR=127.0.0.1:${ports[9]}

# start TODAY: casework-dev on the shared data directory, its business date fixed.
start() {
  local today=$1
  "$bin/casework-dev" --data-dir "$work/var" --today "$today" "${ports[@]}" >"$work/dev-$today.out" \
    2>"$work/dev-$today.err" &
  dev_pid=$!
  for _ in $(seq 1 300); do grep -q "Ctrl-C stops" "$work/dev-$today.out" 2>/dev/null && break; sleep 0.2; done
  grep -q "Ctrl-C stops" "$work/dev-$today.out" || fail "casework-dev --today $today did not start"
  # shellcheck disable=SC1091
  source "$work/var/tokens.env"
}
stop() {
  kill -INT "$dev_pid"; wait "$dev_pid" || fail "casework-dev did not stop cleanly"
  dev_pid=
}
run() {
  PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/e2e/law_scenarios.py" "$1" \
    "$CASEWORK_EHC_ADDR" "$CASEWORK_REVIEWS_ADDR" "$CASEWORK_TRANSPORT_ADDR" \
    "$CASEWORK_COMPLAINTS_ADDR" "$CASEWORK_PROJECTION_ADDR" "$CASEWORK_MANAGER_TOKEN" \
    || fail "phase $1"
}

start 2026-03-03
grep -q "NON-PRODUCTION" "$work/dev-2026-03-03.err" "$work/dev-2026-03-03.out" ||
  fail "the fixed business date was not announced"
run A
stop
start 2027-01-29
run B
stop
echo "law e2e: ok"
