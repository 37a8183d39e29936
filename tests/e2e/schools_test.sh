#!/usr/bin/env bash
# School events end to end on a stack with a fixed business date (Monday 7 December 2026):
# casectl imports suspensions and attendance from CSV (bad rows refused by line, nothing sent
# for them); the annual reviews service takes in the records of a child with an active plan and
# passes over one without; a second suspension in the autumn term puts "consider an early
# review" on the officer's worklist, due 10 working days on; a term's attendance before the term
# is over, and a record breaking the topic's contract (sent with kcat), reach the dead-letter
# topic with the reason; the measures count as hand-counted; the officer's answer closes the item.
# Usage: schools_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
# shellcheck source=tests/testing/figures.sh
source "$src/tests/testing/figures.sh"
work=$DEV_WORK
fail() { dev_fail "SCHOOLS: $*"; }

dev_stack_start "$bin" --today 2026-12-07
topic=casework.school-events.v1
"$bin/casectl" review register --id plan-s1 --child s-child-1 --officer officer-01 \
  --issued 2026-01-05 >/dev/null || fail "register plan-s1"

cat >"$work/events.csv" <<'CSV'
record_id,child_id,kind,date,sessions,academic_year,term,sessions_possible,sessions_attended
se-1,s-child-1,suspension,2026-10-05,2,,,,
se-2,s-child-1,fixed,2026-10-06,2,,,,
se-3,s-child-1,suspension,2026-11-16,0,,,,
se-4,s-child-1,suspension,2026-11-16,3,,,,
se-5,s-child-1,attendance,,,2025,summer,130,117
se-6,s-child-2,suspension,2026-11-17,2,,,,
se-7,s-child-1,attendance,,,2025,spring,130,118
se-8,s-child-1,attendance,,,2026,autumn,140,130
CSV
rc=0
"$bin/casectl" schools import "$work/events.csv" --brokers "$CASEWORK_BROKERS" \
  >"$work/import.out" 2>"$work/import.err" || rc=$?
[[ $rc == 1 ]] || fail "import with bad rows exited $rc"
grep -q "line 3: kind: 'fixed' is not suspension" "$work/import.err" \
  || fail "kind row: $(cat "$work/import.err")"
grep -q "line 4: suspension.sessions: 0 is not 1 to 90" "$work/import.err" \
  || fail "sessions row: $(cat "$work/import.err")"
# A record whose key is not its child, as a back office might send it by mistake.
printf '%s\n' '{"recordId":"se-9","childId":"s-child-1","suspension":{"startOn":{"year":2026,"month":11,"day":2},"sessions":2}}' \
  | kcat -P -b "$CASEWORK_BROKERS" -t "$topic" -k s-child-2 \
      -H "ce_type=uk.send.casework.school-events.v1.SchoolEventRecord" \
      -H "content-type=application/json" || fail "kcat produce"

# The second suspension of the autumn term asks for an early review, due Monday 21 December.
worklist_item() {
  "$bin/casectl" worklist officer-01 --json | python3 -c '
import json, sys
items = [i for i in json.load(sys.stdin).get("items", [])
         if i.get("rule") == "review.consider_early_review"]
print(" ".join("%s %04d-%02d-%02d" % (i["stream_id"], i["due_on"]["year"],
      i["due_on"]["month"], i["due_on"]["day"]) for i in items))'
}
item=""
for _ in $(seq 1 100); do
  item=$(worklist_item 2>/dev/null || true)
  [[ -n "$item" ]] && break
  sleep 0.2
done
[[ "$item" == "plan-s1 2026-12-21" ]] || fail "worklist item: '$item'"
expect_figures officer-01 2026-10-01 2026-11-30 schools.suspensions_per_100=2/1 \
  schools.permanent_exclusions_per_100=0/1
# Attendance counts on the term's last day: summer 2025/26 (exactly 90%: persistently absent),
# spring 2025/26 (118 of 130, 90.8%: not).
expect_figures officer-01 2026-07-01 2026-07-31 schools.persistently_absent=1/1
expect_figures officer-01 2026-01-01 2026-04-30 schools.persistently_absent=0/1

# The dead letters: the autumn term's attendance before the term is over, and the wrong key.
timeout 30 kcat -b "$CASEWORK_BROKERS" -t casework.school-events.deadletter.v1 -C -o beginning \
  -c 2 -f '%k|%h\n' >"$work/dead.out" 2>/dev/null || true
grep -q "the 2026/27 autumn term ends on 2026-12-31" "$work/dead.out" \
  || fail "dead letter of se-8: $(cat "$work/dead.out")"
grep -q "key: 's-child-2' is not the record's child_id" "$work/dead.out" \
  || fail "dead letter of se-9: $(cat "$work/dead.out")"
# What became of each record, in the service's metrics: se-1, se-4, se-5, se-7 recorded; se-6
# (no plan) passed over; se-8 refused (se-9 never reached the plan: the runtime dead-lettered it).
source "$DEV_WORK/var/metrics.env"
curl -sf "http://$CASEWORK_REVIEWS_METRICS/metrics" >"$work/metrics.out" || fail "metrics"
for want in 'outcome="recorded"} 4' 'outcome="passed_over_no_active_plan"} 1' \
            'outcome="refused_dead_lettered"} 1'; do
  grep -q "^casework_school_events_total{$want" "$work/metrics.out" \
    || fail "metric $want: $(grep school_events "$work/metrics.out")"
done
# The plan shows what was taken in (not the child without a plan, not the refused).
"$bin/casectl" review show plan-s1 --json >"$work/plan.json"
python3 - "$work/plan.json" <<'PY' || fail "plan's school events"
import json, sys
plan = json.load(open(sys.argv[1]))
ids = sorted(r["record_id"] for r in plan.get("school_events", []))
assert ids == ["se-1", "se-4", "se-5", "se-7"], ids
assert "DecideEarlyReview" in plan["allowed_actions"], plan["allowed_actions"]
PY

# Importing the same file again writes nothing new.
"$bin/casectl" schools import "$work/events.csv" --brokers "$CASEWORK_BROKERS" \
  >/dev/null 2>&1 || true
# The officer answers: no early review needed. The item leaves the worklist, counted on time.
"$bin/casectl" review early-review plan-s1 --decision not-needed >/dev/null \
  || fail "early-review answer"
if "$bin/casectl" review early-review plan-s1 --decision hold 2>"$work/err"; then
  fail "a second answer"
fi
grep -q "has no early review to consider" "$work/err" || fail "second answer: $(cat "$work/err")"
[[ -z "$(worklist_item)" ]] || fail "item still on the worklist: $(worklist_item)"
expect_figures officer-01 2026-12-01 2026-12-31 review.early_review_considered=1/1
expect_figures officer-01 2026-10-01 2026-11-30 schools.suspensions_per_100=2/1
"$bin/casectl" review show plan-s1 --json | python3 -c '
import json, sys
assert len(json.load(sys.stdin)["school_events"]) == 4' || fail "the repeat import added records"
dev_stack_stop
echo "schools e2e: all passed"
