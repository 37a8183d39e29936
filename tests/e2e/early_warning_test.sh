#!/usr/bin/env bash
# Early warning end to end on the demo LA (fixed business date, Monday 7 December 2026): the
# head of service's, a manager's and an officer's lists of assessments at risk agree with each
# other, every item is not yet due, with at least one chance in three of missing it, and what
# holds it up; an
# officer may not read the LA's; the back-test of the last 12 months answers with counts that
# add up (precision and recall from them), beside the naive rule.
# Usage: early_warning_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
work=$DEV_WORK
fail() { dev_fail "EARLY WARNING: $*"; }

dev_stack_start "$bin" --today 2026-12-07 --demo --demo-children 400
grep -q "demo loaded" "$DEV_OUT" || fail "demo did not load"
# Caught up: nothing left behind the topics' ends.
for _ in $(seq 1 300); do
  "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status 2>/dev/null \
    | grep -q "^lag 0 records" && break
  sleep 0.2
done
"$bin/casectl" --token "$CASEWORK_HEAD_TOKEN" at-risk --la --json >"$work/la.json" \
  || fail "the LA's list"
"$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" at-risk --team team-north --json \
  >"$work/team.json" || fail "team north's list"
"$bin/casectl" at-risk --officer officer-01 --json >"$work/officer.json" || fail "officer-01's list"
if "$bin/casectl" at-risk --la 2>"$work/err"; then fail "an officer read the LA's list"; fi
grep -q "PERMISSION_DENIED" "$work/err" || fail "refusal: $(cat "$work/err")"
"$bin/casectl" --token "$CASEWORK_HEAD_TOKEN" at-risk --la >"$work/la.txt"
grep -q "open assessments and reviews at risk of missing the deadline" "$work/la.txt" || fail "words: $(head -3 "$work/la.txt")"
python3 - "$work" <<'PY' || fail "the lists"
import json, sys
w = sys.argv[1]
la, team, me = (json.load(open(f"{w}/{n}.json")) for n in ("la", "team", "officer"))
def day(d):
    return (d["year"], d["month"], d["day"])
items = la.get("items", [])
assert items, "the demo LA has no assessment at risk"
assert la["open_cases"] >= len(items)
stages = {"awaiting the decision to assess", "assessing: advice outstanding",
          "advice in; draft plan not issued", "draft plan issued; final plan not issued",
          "review meeting held; decision not notified",
          "decision to amend notified; amended plan not issued"}
rules = {x["rule"] for x in items}
assert "ehc.final_plan" in rules, rules
assert rules <= {"ehc.final_plan", "review.decision", "review.amended_plan_from_meeting"}, rules
print("rules at risk:", sorted(rules))
for x in items:
    assert day(x["due_on"]) >= day(la["as_of"]), x
    assert x["late_percent"] >= 100.0 / 3 - 1e-9, x
    assert x["stage"] in stages, x
    assert x["holding_up"], x
    assert x["reference_cases"] >= 5, x
key = lambda x: (x["officer_id"], x["stream_id"])
mine = sorted(key(x) for x in me.get("items", []))
assert mine == sorted(key(x) for x in items if x["officer_id"] == "officer-01"), mine
team_items = sorted(key(x) for x in team.get("items", []))
assert set(team_items) <= set(key(x) for x in items)
assert set(mine) <= set(team_items), "officer-01 (team north) is in the team list"
print(json.dumps([len(items), len(team_items), len(mine)]))
print(f"at risk: LA {len(items)} of {la['open_cases']}, team north {len(team_items)}, "
      f"officer-01 {len(mine)}")
PY
"$bin/casectl" --token "$CASEWORK_HEAD_TOKEN" forecast-backtest --from 2025-12-08 \
  --to 2026-12-07 --json >"$work/back.json" || fail "back-test"
"$bin/casectl" --token "$CASEWORK_HEAD_TOKEN" forecast-backtest --from 2025-12-08 \
  --to 2026-12-07 | tee "$work/back.txt"
python3 - "$work/back.json" <<'PY' || fail "the back-test"
import json, sys
t = json.load(open(sys.argv[1]))
assert t["assessments"] > 0 and 0 <= t.get("breached", 0) <= t["assessments"], t
rules = t["rules"]
assert [r["weeks_before_due"] for r in rules] == [8, 6, 6], rules
for r in rules:
    assert r.get("breached", 0) == t.get("breached", 0), r
    f, fb = r.get("flagged", 0), r.get("flagged_breached", 0)
    b, bf = r.get("breached", 0), r.get("breached_flagged", 0)
    assert fb == bf and fb <= f and bf <= b, r
    if f:
        assert abs(r["precision"] - 100.0 * fb / f) < 0.01, r
    if b:
        assert abs(r["recall"] - 100.0 * bf / b) < 0.01, r
PY
if "$bin/casectl" at-risk --officer officer-01 >/dev/null && \
   "$bin/casectl" forecast-backtest --from 2025-12-08 --to 2026-12-07 2>"$work/err"; then
  fail "an officer ran the back-test"
fi
grep -q "PERMISSION_DENIED" "$work/err" || fail "back-test refusal: $(cat "$work/err")"
dev_stack_stop
echo "early warning e2e: all passed"
