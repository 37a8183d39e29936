#!/usr/bin/env bash
# Families' experience and how the LA compares, end to end through gRPC (casectl) on a stack
# with a fixed business date: compliments, survey responses and a survey sent and answered count
# in the officer's experience figures as hand-counted, their text stays off the topic; the LA's
# scorecard carries the DfE's national figure beside its own (the latest year up to the period's
# end), a trend every published year, and a malformed comparisons file stops the projection
# naming its line.
# Usage: experience_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
# shellcheck source=tests/testing/figures.sh
source "$src/tests/testing/figures.sh"
work=$DEV_WORK
fail() { dev_fail "EXPERIENCE: $*"; }

# A file with a percent out of range is refused at start, naming the line.
printf 'measure,year,scope,percent,source\nehc.final_plan_20_weeks,2024,national,146.4,x\n' \
  >"$work/bad.csv"
rc=0
"$bin/projection" --comparisons "$work/bad.csv" --data-dir "$work/pj" --brokers 127.0.0.1:1 \
  --port 0 >"$work/pj.out" 2>&1 || rc=$?
[[ $rc != 0 ]] || fail "the projection started with a bad comparisons file"
grep -q "bad.csv: comparisons line 2: percent '146.4' is not a number from 0 to 100" \
  "$work/pj.out" || fail "bad file: $(cat "$work/pj.out")"

dev_stack_start "$bin" --today 2026-12-07
head=(--token "$CASEWORK_HEAD_TOKEN")

compared() {  # FROM TO -> "scope year percent" of ehc.final_plan_20_weeks on the LA scorecard
  "$bin/casectl" "${head[@]}" la-scorecard --from "$1" --to "$2" --json | python3 -c '
import json, sys
card = json.load(sys.stdin)["totals"]
m = next(m for m in card["measures"] if m["code"] == "ehc.final_plan_20_weeks")
print(" ".join("%s %s %s" % (c["scope"], c["year"], c["percent"]) for c in m.get("comparisons", [])))'
}
# The latest national figure up to the period's last year: 2024's for 2026, 2023's for 2023.
[[ "$(compared 2026-01-01 2026-11-30)" == "national 2024 46.4" ]] \
  || fail "2026: $(compared 2026-01-01 2026-11-30)"
[[ "$(compared 2023-01-01 2023-12-31)" == "national 2023 50.3" ]] \
  || fail "2023: $(compared 2023-01-01 2023-12-31)"
[[ "$(compared 2020-01-01 2020-12-31)" == "national 2019 60.4" ]] \
  || fail "2020: $(compared 2020-01-01 2020-12-31)"
# A measure without a published figure has none.
"$bin/casectl" "${head[@]}" la-scorecard --from 2026-01-01 --to 2026-11-30 --json \
  | python3 -c '
import json, sys
card = json.load(sys.stdin)["totals"]
m = next(m for m in card["measures"] if m["code"] == "ehc.decision_6_weeks")
assert not m.get("comparisons"), m' || fail "a comparison for the decision measure"
# In words on the command line, with the source.
"$bin/casectl" "${head[@]}" la-scorecard --from 2026-01-01 --to 2026-11-30 >"$work/la.out"
grep -q "compare: national 2024: 46.4% (DfE, Education, health and care plans (reporting year 2025)" \
  "$work/la.out" || fail "words: $(cat "$work/la.out")"
# A trend carries every published year.
"$bin/casectl" "${head[@]}" trend --la --measure ehc.final_plan_20_weeks --to 2026-11-30 --json \
  | python3 -c '
import json, sys
t = json.load(sys.stdin)
got = [(c["year"], c["percent"]) for c in t["comparisons"]]
assert got == [(2019, 60.4), (2022, 49.2), (2023, 50.3), (2024, 46.4)], got' \
  || fail "trend comparisons"
# Families' experience for officer-01 in November: a compliment; new-plan survey responses
# scored 3 (not satisfied) and 4 (satisfied); an annual-review survey sent and answered with 5.
fb=("$bin/casectl" feedback)
"${fb[@]}" record --child e-child-1 --officer officer-01 --kind compliment \
  --process ehc-assessments --on 2026-11-02 --text "Thank you for listening to us" --id fb-1 \
  >/dev/null || fail "compliment"
if "${fb[@]}" record --child e-child-1 --officer officer-01 --kind survey-response \
  --process ehc-assessments --on 2026-11-03 --score 3 2>"$work/err"; then
  fail "a survey response without its survey"
fi
grep -q "survey: a survey response names its survey" "$work/err" || fail "no survey: $(cat "$work/err")"
"${fb[@]}" record --child e-child-1 --officer officer-01 --kind survey-response \
  --survey new-plan --process ehc-assessments --on 2026-11-03 --score 3 >/dev/null \
  || fail "response 3"
"${fb[@]}" record --child e-child-2 --officer officer-01 --kind survey-response \
  --survey new-plan --process ehc-assessments --on 2026-11-04 --score 4 >/dev/null \
  || fail "response 4"
"${fb[@]}" survey --child e-child-2 --officer officer-01 --survey annual-review \
  --process annual-reviews --on 2026-11-05 --id sv-1 >/dev/null || fail "survey sent"
"${fb[@]}" answer sv-1 --on 2026-11-20 --score 5 --text "The review listened" >/dev/null \
  || fail "survey answered"
"${fb[@]}" show fb-1 >"$work/fb.out"
grep -q "text: Thank you for listening to us" "$work/fb.out" || fail "show: $(cat "$work/fb.out")"
# An id names one kind of case: feedback is no complaint, and its id is not a complaint's.
if "$bin/casectl" complaint show fb-1 2>"$work/err"; then fail "feedback shown as a complaint"; fi
grep -q "NOT_FOUND.*complaint_id: no complaint fb-1" "$work/err" || fail "wrong kind: $(cat "$work/err")"
if "$bin/casectl" complaint log --id fb-1 --child e-child-1 --officer officer-01 \
  --subject communication --received 2026-11-03 2>"$work/err"; then
  fail "a complaint logged under a feedback id"
fi
grep -q "complaint_id: fb-1 is already a case of this service" "$work/err" \
  || fail "id reuse: $(cat "$work/err")"
figure() { score_figure "$work/score.json" "$1"; }
expect_figures officer-01 2026-11-01 2026-11-30 experience.satisfied=2/3 \
  experience.satisfied.new_plan=1/2 experience.satisfied.annual_review=1/1 \
  experience.satisfied.transport=0/0 experience.surveys_answered=1/1
# Compliments per 100 open cases: one compliment (the officer holds no open case here).
[[ "$(figure experience.compliments_per_100_cases | cut -d/ -f1)" == "1" ]] \
  || fail "compliments: $(figure experience.compliments_per_100_cases)"
# Disagreements as cohorts: mediated (partly agreed) in October, appealed in November: October's
# mediations went on to appeal 1 of 1; November had no mediation, so none.
dg=("$bin/casectl" disagreement)
"${dg[@]}" record --id dg-1 --child e-child-3 --officer officer-01 --decision refusal-to-assess \
  --letter 2026-09-25 >/dev/null || fail "disagreement"
"${dg[@]}" mediation-contact dg-1 --on 2026-10-01 >/dev/null || fail "mediation contact"
"${dg[@]}" mediation-held dg-1 --outcome partly --on 2026-10-20 >/dev/null || fail "mediation held"
"${dg[@]}" appeal dg-1 --on 2026-11-16 >/dev/null || fail "appeal"
expect_figures officer-01 2026-10-01 2026-10-31 disagreements.mediation_to_appeal=1/1 \
  disagreements.mediation_agreed=1/1
expect_figures officer-01 2026-11-01 2026-11-30 disagreements.mediation_to_appeal=0/0

# The text stays off the topic.
timeout 30 kcat -b "$CASEWORK_BROKERS" -t casework.complaints.v1 -C -o beginning -e \
  -f '%h %s\n' >"$work/topic.out" 2>/dev/null || true
grep -q "FeedbackRecorded" "$work/topic.out" || fail "no FeedbackRecorded on the topic"
grep -q "SurveyResponded" "$work/topic.out" || fail "no SurveyResponded on the topic"
if grep -q "listening\|The review listened" "$work/topic.out"; then fail "feedback text on the topic"; fi
echo "experience: ok"
