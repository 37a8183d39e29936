#!/usr/bin/env bash
# The demo is valid at every size casework-dev accepts: the smallest (1 child, 3 officers)
# and the largest (15,000 children, 300 officers: a large LA) load through the public gRPC
# API with no step refused; one more child than the largest is refused, saying the range.
# Usage: demo_sizes_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
rc=0; out=$("$bin/casework-dev" --demo --demo-children 15001 2>&1) || rc=$?
[ "$rc" = 2 ] && grep -q -- "--demo-children 1 to 15000" <<<"$out" \
  || { echo "FAILED: 15001 children accepted (exit $rc): $out" >&2; exit 1; }
for size in "1 3" "15000 300"; do
  read -r children officers <<<"$size"
  (
    # shellcheck source=tests/testing/dev_stack.sh
    source "$src/tests/testing/dev_stack.sh"
    start=$(date +%s)
    dev_stack_start "$bin" --demo --demo-children "$children" --demo-officers "$officers" \
      --exit-after-demo
    status=0
    wait "$DEV_PID" || status=$?
    DEV_PID=""
    [ "$status" = 0 ] || dev_fail "the $children-child demo exited $status"
    grep -q "^demo loaded" "$DEV_OUT" || dev_fail "the $children-child demo did not load"
    echo "demo of $children children and $officers officers: loaded in $(( $(date +%s) - start )) s"
  )
done
