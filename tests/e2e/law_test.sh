#!/usr/bin/env bash
# The law end to end: tests/e2e/law_scenarios.py drives one scenario per numbered
# item through gRPC with python3-grpcio (code generated from proto/ here), on a casework-dev
# stack whose business date is fixed (--today, non-production): phase A on Tue 3 March 2026;
# then the same data restarted on Fri 29 January 2027, when phase A's clocks have run out.
# Usage: law_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
work=$DEV_WORK
fail() { dev_fail "LAW E2E: $*"; }
mkdir -p "$work/py"
protoc -I "$src/proto" --python_out="$work/py" "$src"/proto/casework/v1/*.proto
run() {
  PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/e2e/law_scenarios.py" "$1" \
    "$CASEWORK_EHC_ADDR" "$CASEWORK_REVIEWS_ADDR" "$CASEWORK_TRANSPORT_ADDR" \
    "$CASEWORK_COMPLAINTS_ADDR" "$CASEWORK_PROJECTION_ADDR" "$CASEWORK_MANAGER_TOKEN" \
    || fail "phase $1"
}

# Phase A on one business date, phase B on the same data ten months later.
dev_stack_start "$bin" --today 2026-03-03
grep -q "NON-PRODUCTION" "$DEV_ERR" "$DEV_OUT" || fail "the fixed business date was not announced"
run A
dev_stack_restart phase-b --today 2027-01-29
run B
dev_stack_stop
[ "$DEV_STATUS" = 0 ] || fail "casework-dev did not stop cleanly"
echo "law e2e: ok"
