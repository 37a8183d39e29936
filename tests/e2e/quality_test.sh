#!/usr/bin/env bash
# Quality and outcomes end to end through gRPC (casectl) on a stack with a fixed business date:
# a final plan issued through the EHC service (with its outcomes and the child's NC year) is
# audited by the QA lead (never by its own officer), as is a specialist teacher's advice; the
# audit's action reaches the officer's worklist and is completed, the review meeting judges
# every outcome, the scorecard's quality figures equal the hand count, a dip sample puts the
# plan on the QA lead's worklist until audited, the QA lead reads the LA's quality measures
# and no other, and the action's wording stays out of the topic.
# Usage: quality_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
# shellcheck source=tests/testing/figures.sh
source "$src/tests/testing/figures.sh"
work=$DEV_WORK
fail() { dev_fail "QUALITY: $*"; }

dev_stack_start "$bin" --today 2026-12-07
qa=(--token "$CASEWORK_QA_TOKEN")

# A final plan for officer-01 (team north), issued 1 October 2026.
"$bin/casectl" ehc request --id q-1 --child q-child-1 --officer officer-01 --received 2026-06-01 \
  --source parent >/dev/null || fail "request"
"$bin/casectl" ehc decide-assess q-1 --on 2026-07-01 >/dev/null || fail "decide"
"$bin/casectl" ehc request-advice q-1 --type specialist-teacher --advice-id st-1 --on 2026-07-02 \
  >/dev/null || fail "request advice"
"$bin/casectl" ehc advice-received q-1 --advice-id st-1 --on 2026-08-01 >/dev/null \
  || fail "advice received"
"$bin/casectl" ehc draft q-1 --on 2026-09-01 >/dev/null || fail "draft"
"$bin/casectl" ehc final q-1 --on 2026-10-01 --urn 100001 --needs asd --nc-year 10 \
  --outcomes E1:education:2027-07-31,E2:pfa-employment:2028-07-31 >/dev/null || fail "final"
for _ in $(seq 1 100); do
  "$bin/casectl" review show plan-q-1 >"$work/plan.out" 2>/dev/null && break
  sleep 0.2
done
grep -q "^plan plan-q-1" "$work/plan.out" || fail "the plan did not open from the final plan"

# The plan's own officer may not audit it; the QA lead may, though the plan is not theirs.
cat >"$work/findings" <<'EOF2'
--met needs_specific,provision_quantified,child_views,coproduction,health_advice,all_advice
--not-met outcomes_smart
--partly-met social_care_advice
--not-applicable pfa_year9
EOF2
mapfile -t findings < <(tr ' ' '\n' <"$work/findings")
if "$bin/casectl" review audit plan-q-1 --kind full --grade good --on 2026-11-02 \
  "${findings[@]}" 2>"$work/err"; then fail "the plan's officer audited their own plan"; fi
grep -q "auditor_id: officer-01 is the plan's officer" "$work/err" || fail "own audit: $(cat "$work/err")"
cat >"$work/actions.csv" <<'CSV'
action_id,section,description
outcomes,E,"Rewrite the outcomes so that each can be measured, with a date"
CSV
"$bin/casectl" "${qa[@]}" review audit plan-q-1 --id audit-1 --kind full --grade good \
  --on 2026-11-02 "${findings[@]}" --actions-file "$work/actions.csv" >"$work/audit.out" 2>&1 \
  || fail "QA lead's audit: $(cat "$work/audit.out")"
# A full audit judges every criterion.
if "$bin/casectl" "${qa[@]}" review audit plan-q-1 --kind full --grade good --met needs_specific \
  2>"$work/err"; then fail "a full audit of one criterion was accepted"; fi
grep -q "no finding for criterion provision_quantified" "$work/err" || fail "partial: $(cat "$work/err")"
# The QA lead records their own audits, and takes no other step on a case.
if "$bin/casectl" "${qa[@]}" review audit plan-q-1 --kind themed --auditor officer-02 \
  --met child_views 2>"$work/err"; then fail "an audit recorded in another's name"; fi
grep -q "PERMISSION_DENIED" "$work/err" || fail "another's name: $(cat "$work/err")"
if "$bin/casectl" "${qa[@]}" review schedule plan-q-1 --on 2026-12-20 2>"$work/err"; then
  fail "the QA lead scheduled a review"
fi
grep -q "PERMISSION_DENIED" "$work/err" || fail "QA schedule: $(cat "$work/err")"

# The specialist teacher's advice, audited by the QA lead (not by the case's officer), also
# once the case has closed with the final plan.
advice_findings=(--met needs_described,provision_specific,outcomes_linked,within_6_weeks)
if "$bin/casectl" ehc audit-advice q-1 --advice-id st-1 --kind full --grade good \
  "${advice_findings[@]}" 2>"$work/err"; then fail "the case's officer audited its advice"; fi
grep -q "auditor_id: officer-01 is the case's officer" "$work/err" || fail "own advice: $(cat "$work/err")"
"$bin/casectl" "${qa[@]}" ehc audit-advice q-1 --advice-id st-1 --kind full --grade good \
  --on 2026-11-03 "${advice_findings[@]}" >/dev/null || fail "advice audit"

# The draft plan, audited by the QA lead (not by the case's officer), after it was issued.
if "$bin/casectl" ehc audit-draft q-1 --kind full --grade good "${findings[@]}" \
  2>"$work/err"; then fail "the case's officer audited its draft"; fi
grep -q "auditor_id: officer-01 is the case's officer" "$work/err" || fail "own draft: $(cat "$work/err")"
if "$bin/casectl" "${qa[@]}" ehc audit-draft q-1 --kind full --grade good --on 2026-08-31 \
  "${findings[@]}" 2>"$work/err"; then fail "a draft audited before it was issued"; fi
grep -q "before the draft plan was issued (2026-09-01)" "$work/err" || fail "early draft: $(cat "$work/err")"
"$bin/casectl" "${qa[@]}" ehc audit-draft q-1 --kind full --grade requires-improvement \
  --on 2026-09-04 "${findings[@]}" >/dev/null || fail "draft audit"

# The plan shows the audit with the action's wording; the officer's worklist has its clock,
# due 20 working days after the audit (Monday 30 November 2026).
"$bin/casectl" review show plan-q-1 >"$work/plan.out"
grep -q "audit audit-1  full 2026-11-02 by qa-lead  final plan of 2026-10-01: good" "$work/plan.out" \
  || fail "show: $(cat "$work/plan.out")"
grep -q "action outcomes (section E) due 2026-11-30: Rewrite the outcomes so that each can be measured, with a date" \
  "$work/plan.out" || fail "action: $(cat "$work/plan.out")"
for _ in $(seq 1 100); do
  "$bin/casectl" worklist officer-01 --as-of 2026-11-20 --json >"$work/worklist.json" 2>/dev/null || true
  grep -q '"quality.audit_action"' "$work/worklist.json" && break
  sleep 0.2
done
grep -q '"quality.audit_action"' "$work/worklist.json" || fail "no audit action on the worklist"
python3 - "$work/worklist.json" <<'PY' || fail "due date: $(cat "$work/worklist.json")"
import json, sys
items = [i for i in json.load(open(sys.argv[1]))["items"] if i["rule"] == "quality.audit_action"]
assert [(i["stream_id"], i["due_on"]) for i in items] == [
    ("plan-q-1", {"year": 2026, "month": 11, "day": 30})], items
PY

# The QA lead may not complete the officer's action; the officer does, on its due day.
if "$bin/casectl" "${qa[@]}" review audit-done plan-q-1 --audit audit-1 --action outcomes \
  2>"$work/err"; then fail "the QA lead completed the officer's action"; fi
"$bin/casectl" review audit-done plan-q-1 --audit audit-1 --action outcomes --on 2026-11-30 \
  >/dev/null || fail "complete"

# The review meeting judges progress towards both outcomes (Year 10: it covers preparation for
# adulthood too); leaving one out is refused, naming it.
if "$bin/casectl" review held plan-q-1 --on 2026-11-25 --pfa --progress E1=achieved \
  2>"$work/err"; then fail "a meeting left outcome E2 unassessed"; fi
grep -q "outcome E2 (preparing for adulthood: employment, target 2028-07-31) is not assessed" \
  "$work/err" || fail "unassessed: $(cat "$work/err")"
"$bin/casectl" review held plan-q-1 --on 2026-11-25 --pfa \
  --progress E1=achieved,E2=not-progressing >/dev/null || fail "held"
"$bin/casectl" review show plan-q-1 >"$work/plan.out"
grep -q "outcome E2  pfa-employment  target 2028-07-31  not-progressing at 2026-11-25" \
  "$work/plan.out" || fail "outcome shown: $(cat "$work/plan.out")"

# The scorecard for November: 1 plan issued in October is not in the period, so the plans
# audited figure for October to November is 1 of 1; graded good; outcomes not met.
figure() { score_figure "$work/score.json" "$1"; }
expect_figures officer-01 2026-10-01 2026-11-30 quality.plans_audited=1/1 \
  quality.good_or_outstanding=1/1 quality.audit_actions_on_time=1/1 \
  quality.criterion.outcomes_smart=0/1 quality.criterion.needs_specific=1/1 \
  quality.criterion.social_care_advice=0/1 quality.criterion.pfa_year9=0/0 \
  quality.outcomes_progressing=1/2 quality.pfa_outcomes_progressing=0/1 \
  quality.year9_reviews_pfa=1/1 quality.year9_plans_pfa_outcomes=1/1 quality.advice_good=1/1 \
  quality.advice_good.specialist_teacher=1/1 quality.advice_good.educational_psychology=0/0 \
  quality.advice_criterion.within_6_weeks=1/1
# The draft, issued and audited in September, graded below good; no plan audited then.
expect_figures officer-01 2026-09-01 2026-09-30 quality.drafts_audited=1/1 \
  quality.drafts_good=0/1 quality.plans_audited=0/0
# Before the audit (October alone): issued 1, audited 0.
"$bin/casectl" scorecard officer-01 --from 2026-10-01 --to 2026-10-31 --json >"$work/score.json"
[[ "$(figure quality.plans_audited)" == "0/1" ]] || fail "October: $(figure quality.plans_audited)"
# The plans behind the figures: in October plan-q-1 counts in the total and not the figure
# (short of the target); over October and November in both.
cases() {  # FROM TO MEASURE -> "stream numerator denominator" per case
  "$bin/casectl" exceptions --officer officer-01 --from "$1" --to "$2" --measure "$3" --json \
    | python3 -c 'import json, sys
r = json.load(sys.stdin)
assert r.get("rate"), r
print(" ".join("%s:%s/%s" % (i["stream_id"], i.get("numerator", 0), i.get("denominator", 0))
               for i in r.get("items", [])))'
}
[[ "$(cases 2026-10-01 2026-10-31 quality.plans_audited)" == "plan-q-1:0/1" ]] \
  || fail "October's cases: $(cases 2026-10-01 2026-10-31 quality.plans_audited)"
[[ "$(cases 2026-10-01 2026-11-30 quality.plans_audited)" == "plan-q-1:1/1" ]] \
  || fail "the cases: $(cases 2026-10-01 2026-11-30 quality.plans_audited)"
[[ "$(cases 2026-10-01 2026-11-30 quality.criterion.outcomes_smart)" == "plan-q-1:0/1" ]] \
  || fail "criterion cases: $(cases 2026-10-01 2026-11-30 quality.criterion.outcomes_smart)"
[[ "$(cases 2026-09-01 2026-09-30 quality.plans_audited)" == "" ]] \
  || fail "September's cases: $(cases 2026-09-01 2026-09-30 quality.plans_audited)"

# A dip sample of team north's plans issued in October, drawn on 7 December 2026: plan-q-1 is
# on the QA lead's worklist, due 20 working days on (past Christmas, Boxing Day's substitute
# and New Year's Day: Thursday 7 January 2027). An officer may not draw one; the same request
# again draws nothing new; the same sample under another request is refused.
if "$bin/casectl" review sample --from 2026-10-01 --to 2026-10-31 2>"$work/err"; then
  fail "an officer drew a dip sample"
fi
grep -q "PERMISSION_DENIED" "$work/err" || fail "officer sample: $(cat "$work/err")"
# A period that ends before it starts, or after today, draws nothing and says why.
if "$bin/casectl" "${qa[@]}" review sample --from 2026-10-31 --to 2026-10-01 2>"$work/err"; then
  fail "a sample of a backwards period"
fi
grep -q "issued_to: the period ends before it starts" "$work/err" || fail "backwards: $(cat "$work/err")"
if "$bin/casectl" "${qa[@]}" review sample --from 2026-12-01 --to 2026-12-08 2>"$work/err"; then
  fail "a sample of plans not yet issued"
fi
grep -q "the period ends today at the latest" "$work/err" || fail "future: $(cat "$work/err")"
sample=("$bin/casectl" "${qa[@]}" review sample --from 2026-10-01 --to 2026-10-31 --percent 100
  --team team-north --id oct-north --request-id sample-oct-north)
"${sample[@]}" >"$work/sample.out" || fail "sample: $(cat "$work/sample.out")"
grep -q "sample oct-north: 1 of 1 plans issued 2026-10-01 to 2026-10-31 (team team-north), audits due 2027-01-07" \
  "$work/sample.out" || fail "sample: $(cat "$work/sample.out")"
grep -qx "plan-q-1" "$work/sample.out" || fail "sample plans: $(cat "$work/sample.out")"
"${sample[@]}" >"$work/sample.out" || fail "sample again: $(cat "$work/sample.out")"
grep -q "(already drawn: nothing new)" "$work/sample.out" || fail "repeat: $(cat "$work/sample.out")"
if "$bin/casectl" "${qa[@]}" review sample --from 2026-10-01 --to 2026-10-31 --id oct-north \
  2>"$work/err"; then fail "a sample drew the same plan twice"; fi
grep -q "sample_id: sample oct-north drew plan plan-q-1" "$work/err" || fail "twice: $(cat "$work/err")"
"$bin/casectl" "${qa[@]}" review sample --from 2026-10-01 --to 2026-10-31 --team team-south \
  >"$work/sample.out" || fail "south: $(cat "$work/sample.out")"
grep -q ": 0 of 0 plans" "$work/sample.out" || fail "team south drew: $(cat "$work/sample.out")"
for _ in $(seq 1 100); do
  "$bin/casectl" "${qa[@]}" worklist qa-lead --json >"$work/qa-worklist.json" 2>/dev/null || true
  grep -q '"quality.sample_audit"' "$work/qa-worklist.json" && break
  sleep 0.2
done
python3 - "$work/qa-worklist.json" <<'PY' || fail "QA worklist: $(cat "$work/qa-worklist.json")"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert [(i["stream_id"], i["rule"], i["due_on"]) for i in items] == [
    ("plan-q-1", "quality.sample_audit", {"year": 2027, "month": 1, "day": 7})], items
PY
# The sample's item is the QA lead's alone: not on the officer's worklist.
"$bin/casectl" worklist officer-01 --json >"$work/worklist.json"
if grep -q '"quality.sample_audit"' "$work/worklist.json"; then
  fail "the sample audit is on the officer's worklist"
fi
# The QA lead's dip-sample audit completes it: off the worklist, audited of drawn 1 of 1.
"$bin/casectl" "${qa[@]}" review audit plan-q-1 --id audit-2 --kind dip-sample --grade good \
  "${findings[@]}" >/dev/null || fail "sample audit"
# A second audit of the same issue is not another plan audited.
expect_figures officer-01 2026-12-01 2026-12-31 quality.sample_audited=1/1 \
  quality.plans_audited=0/0
"$bin/casectl" "${qa[@]}" worklist qa-lead --json >"$work/qa-worklist.json"
if grep -q '"quality.sample_audit"' "$work/qa-worklist.json"; then
  fail "the audited plan is still on the QA lead's worklist"
fi

# The QA lead reads the LA's quality measures, and no other.
"$bin/casectl" "${qa[@]}" trend --la --measure quality.plans_audited --to 2026-11-30 >/dev/null \
  || fail "QA trend of a quality measure"
if "$bin/casectl" "${qa[@]}" trend --la --measure ehc.final_plan_20_weeks 2>"$work/err"; then
  fail "the QA lead read the LA's 20-week figure"
fi
grep -q "quality measures (quality.\*) only" "$work/err" || fail "QA trend: $(cat "$work/err")"

# On the topic: the audit, without the action's wording.
timeout 30 kcat -b "$CASEWORK_BROKERS" -t casework.annual-reviews.v1 -C -o beginning -e \
  -f '%h %s\n' >"$work/topic.out" 2>/dev/null || true
grep -q "PlanAudited" "$work/topic.out" || fail "no PlanAudited on the topic"
grep -q "AuditActionCompleted" "$work/topic.out" || fail "no AuditActionCompleted on the topic"
grep -q "PlanSampled" "$work/topic.out" || fail "no PlanSampled on the topic"
if grep -q "Rewrite the outcomes" "$work/topic.out"; then fail "the action's wording is on the topic"; fi
echo "quality: ok"
