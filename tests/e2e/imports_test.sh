#!/usr/bin/env bash
# What the LA's systems send casework, on a demo stack: a migration file of plans imported row
# by row (bad rows reported by line, a second import writes nothing), the shipped samples as
# they are (the directory one also as Excel saves it), the Year 10 review's preparation for
# adulthood; malformed bytes on the officer directory and a forged event on a domain topic go
# to their dead-letter topics with the reason, and the consumers go on.
# Usage: imports_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
work=$DEV_WORK
fail() { dev_fail "IMPORTS: $*"; }

dev_stack_start "$bin" --demo --demo-children 60
grep -q "demo loaded" "$DEV_OUT" || fail "demo did not load"

# Annual reviews: the demo's final plans opened review cycles by themselves (intake from the
# EHC topic); a migration file is imported row by row, bad rows reported by line.
for _ in $(seq 1 100); do
  "$bin/casectl" review list --officer officer-01 >"$work/plans.out" 2>/dev/null || true
  grep -q "^plan-" "$work/plans.out" && break
  sleep 0.2
done
grep -q "^plan-" "$work/plans.out" || fail "no review cycle opened from a final plan"
cat >"$work/plans.csv" <<'CSV'
plan_id,child_id,officer_id,issued_on,last_decision_on,date_of_birth,nc_year,origin
mig-1,mchild-1,officer-01,2025-03-14,,2014-05-02,7,migrated
mig-2,mchild-2,officer-01,2024-01-31,2025-02-10,2010-09-30,10,migrated
mig-3,mchild-3,officer-01,2026-02-01,,,,transfer_in
mig-4,mchild-4,officer-01,2025-13-01,,,,migrated
mig-5,mchild-5,officer-01,2025-06-01,,,
mig-6,mchild-6,officer 01,2025-06-01,,,,migrated
CSV
if "$bin/casectl" plans import "$work/plans.csv" >"$work/import.out" 2>"$work/import.err"; then
  fail "an import with bad rows exited 0"
fi
grep -q "3 imported, 0 already present, 3 rejected" "$work/import.out" || fail "import: $(cat "$work/import.out" "$work/import.err")"
grep -q "line 5: issued_on: '2025-13-01' is not a date" "$work/import.err" || fail "bad date: $(cat "$work/import.err")"
grep -q "line 6: has 7 fields; the header has 8" "$work/import.err" || fail "short row: $(cat "$work/import.err")"
grep -q "line 7: officer_id" "$work/import.err" || fail "bad officer: $(cat "$work/import.err")"
"$bin/casectl" plans import "$work/plans.csv" >"$work/import2.out" 2>/dev/null || true
grep -q "0 imported, 3 already present, 3 rejected" "$work/import2.out" || fail "re-import: $(cat "$work/import2.out")"
"$bin/casectl" review show mig-2 | grep "review.annual" >/dev/null || fail "review show"
# The shipped samples import as they are; the directory one also saved by Excel as "CSV UTF-8"
# (a byte-order mark, CRLF line ends).
"$bin/casectl" plans import "$src/docs/samples/plans.csv" >"$work/sample.out" 2>&1 \
  || fail "sample plans: $(cat "$work/sample.out")"
grep -q "3 imported, 0 already present, 0 rejected" "$work/sample.out" \
  || fail "sample plans: $(cat "$work/sample.out")"
{ printf '\xEF\xBB\xBF'; sed 's/$/\r/' "$src/docs/samples/officers.csv"; } >"$work/officers-excel.csv"
"$bin/casectl" directory import "$work/officers-excel.csv" >"$work/sample.out" 2>&1 \
  || fail "sample officers: $(cat "$work/sample.out")"
grep -q "5 record(s) published, 0 rejected" "$work/sample.out" \
  || fail "sample officers: $(cat "$work/sample.out")"
"$bin/casectl" review held mig-2 --on 2026-02-01 2>"$work/err" && fail "Year 10 review without PfA accepted"
grep -q "preparation for adulthood" "$work/err" || fail "PfA rule: $(cat "$work/err")"
"$bin/casectl" review held mig-2 --on 2026-02-01 --pfa >/dev/null || fail "held with PfA"
"$bin/casectl" review decision mig-2 --decision amend --on 2026-02-20 >/dev/null || fail "amend"
"$bin/casectl" review show mig-2 --json | grep '"amended_plan_from_meeting/1"' >/dev/null || fail "12-week clock"
# (the relay publishes right after each commit: read until mig-2's events are there)
for _ in $(seq 1 100); do
  timeout 30 kcat -b "$(cat "$work/var/kafka.bootstrap")" -t casework.annual-reviews.v1 -C \
    -o beginning -e -f '%k|%h\n' >"$work/kcat-reviews.out" 2>/dev/null || true
  grep -q "^mchild-2|" "$work/kcat-reviews.out" && break
  sleep 0.2
done
grep -q "ce_type=uk.send.casework.reviews.v1.PlanRegistered" "$work/kcat-reviews.out" \
  || fail "no review events on the topic"
grep -q "^mchild-2|" "$work/kcat-reviews.out" || fail "review events not keyed by child"

# The officer directory: malformed bytes (kcat) go to the dead-letter topic with the reason, and
# the consumer goes on: an officer imported afterwards joins the manager's team.
"$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" worklist officer-32 2>/dev/null \
  && fail "officer-32 visible before joining the team"
printf 'not a directory record' | kcat -b "$CASEWORK_BROKERS" -t casework.directory.v1 -P -k bad-1 \
  || fail "kcat produce"
cat >"$work/directory.csv" <<'CSV'
kind,id,name,team_id,role,active,manager_id
officer,officer-32,Case officer 32,team-north,case officer,true,
team,team-west,SEND west team,,,,manager-west
robot,r2,,,,,
CSV
"$bin/casectl" directory import "$work/directory.csv" >"$work/dir.out" 2>"$work/dir.err" \
  && fail "a directory file with a bad row exited 0"
grep -q "line 4: kind: 'robot' is not officer or team" "$work/dir.err" || fail "dir: $(cat "$work/dir.err")"
grep -q "2 record(s) published, 1 rejected" "$work/dir.out" || fail "dir: $(cat "$work/dir.out")"
for _ in $(seq 1 100); do
  "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" worklist officer-32 >/dev/null 2>&1 && break
  sleep 0.2
done
"$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" worklist officer-32 >/dev/null \
  || fail "the directory consumer stopped at the malformed record"
timeout 30 kcat -b "$CASEWORK_BROKERS" -t casework.directory.deadletter.v1 -C -o beginning -c 1 -e \
  -f '%k|%s|%h\n' >"$work/dead.out" 2>/dev/null || true
grep -q "^bad-1|not a directory record|.*casework_reason=ce_type: '' is not uk.send.casework.directory.v1.DirectoryRecord" "$work/dead.out" \
  || fail "dead letter: $(cat "$work/dead.out")"

# A forged event on a domain topic (wrong owner, a version far ahead) goes to that topic's
# dead-letter topic with the reason; the projection goes on.
printf 'forged' | kcat -b "$CASEWORK_BROKERS" -t casework.ehc-assessments.v1 -P -k child-00001 \
  -H ce_source=/somewhere/else -H ce_type=uk.send.casework.ehc.v1.FinalPlanIssued \
  || fail "kcat produce forged"
for _ in $(seq 1 100); do
  timeout 30 kcat -b "$CASEWORK_BROKERS" -t casework.ehc-assessments.deadletter.v1 -C -o beginning \
    -c 1 -e -f '%k|%s|%h\n' >"$work/dead-ehc.out" 2>/dev/null || true
  [ -s "$work/dead-ehc.out" ] && break
  sleep 0.2
done
grep -q "^child-00001|forged|.*casework_reason=ce_source: '/somewhere/else' is not /casework/ehc-assessments" \
  "$work/dead-ehc.out" || fail "ehc dead letter: $(cat "$work/dead-ehc.out")"

echo "imports: ok"
