#!/usr/bin/env bash
# A 5,000-child demo rebuilt from the topics: casework-dev loads the demo (about 58,000
# events) into its embedded broker; a second projection, empty, reads every topic from
# offset 0. The broker must hold the whole history (each partition's first offset is 0),
# the rebuild must report SERVING only once caught up, and its figures must be the live
# projection's: the team scorecard, every officer's worklist and a child's timeline, as
# casectl prints them.
# Usage: demo_rebuild_test.sh BIN_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
work=$DEV_WORK
fail() { dev_fail "DEMO REBUILD: $*"; }

dev_stack_start "$bin" --demo --demo-children 5000
grep -q "^demo loaded" "$DEV_OUT" || fail "the demo did not load"
rebuilt_port=$(dev_free_port)
live=$CASEWORK_PROJECTION_ADDR
rebuilt=127.0.0.1:$rebuilt_port

# The broker holds every topic's whole history.
for topic in ehc-assessments annual-reviews transport complaints; do
  for p in 0 1 2; do
    first=$(timeout 30 kcat -b "$CASEWORK_BROKERS" -C -t "casework.$topic.v1" -p "$p" -o beginning \
      -c 1 -e -f '%o' 2>/dev/null || true)
    [ -z "$first" ] || [ "$first" = 0 ] \
      || fail "casework.$topic.v1 partition $p starts at offset $first: history lost"
  done
done

# The live projection caught up: serving, nothing behind the topics' ends.
for _ in $(seq 1 600); do
  CASEWORK_PROJECTION_ADDR=$live "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status \
    >"$work/live.status" 2>&1 && grep -q "^lag 0 records" "$work/live.status" && break
  sleep 0.2
done
grep -q "^projection: SERVING" "$work/live.status" || fail "live: $(cat "$work/live.status")"

# The rebuild, from offset 0 of every partition.
"$bin/projection" --port "$rebuilt_port" --data-dir "$work/rebuilt" --brokers "$CASEWORK_BROKERS" \
  --auth-issuer "$CASEWORK_AUTH_ISSUER" --auth-hs256-secret-file "$work/var/auth/dev-hs256.secret" \
  --kafka-config fetch.wait.max.ms=20 >"$work/rebuilt.out" 2>"$work/rebuilt.err" &
dev_track $!
for _ in $(seq 1 1200); do
  "$bin/casectl" health "$rebuilt" >/dev/null 2>&1 && break
  sleep 0.1
done
"$bin/casectl" health "$rebuilt" >/dev/null 2>&1 \
  || fail "the rebuild never served: $(CASEWORK_PROJECTION_ADDR=$rebuilt "$bin/casectl" \
       --token "$CASEWORK_ADMIN_TOKEN" admin status 2>&1 | head -3)"
CASEWORK_PROJECTION_ADDR=$rebuilt "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status \
  >"$work/rebuilt.status"
grep -q "lag 0 records" "$work/rebuilt.status" || fail "rebuilt: $(head -3 "$work/rebuilt.status")"
grep -q "streams held 0, parked 0" "$work/rebuilt.status" || fail "rebuilt: $(head -3 "$work/rebuilt.status")"

figures() {
  local addr=$1
  CASEWORK_PROJECTION_ADDR=$addr "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" --json \
    team-scorecard team-north --from 2019-01-01 --to 2026-12-31
  for n in $(seq -w 1 20); do
    CASEWORK_PROJECTION_ADDR=$addr "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" --json \
      worklist "officer-$n" --page-size 1000 2>/dev/null || true
  done
  CASEWORK_PROJECTION_ADDR=$addr "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" --json \
    timeline child-00042
}
figures "$live" >"$work/live.figures"
figures "$rebuilt" >"$work/rebuilt.figures"
[ "$(grep -c '"denominator"' "$work/live.figures")" -gt 50 ] || fail "too few figures compared"
diff -q "$work/live.figures" "$work/rebuilt.figures" >/dev/null \
  || fail "the rebuild's figures differ: $(diff "$work/live.figures" "$work/rebuilt.figures" | head -20)"
echo "demo rebuild: $(grep -o 'applied [0-9]*' "$work/rebuilt.status") records, figures identical"
