#!/usr/bin/env bash
# How the LA compares, end to end through gRPC (casectl) on a stack with a fixed business date:
# the LA's scorecard carries the DfE's national figure beside its own (the latest year up to the
# period's end), a trend every published year, and a malformed comparisons file stops the
# projection naming its line.
# Usage: experience_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
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
echo "experience: ok"
