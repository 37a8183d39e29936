# Scorecard figures for the shell tests (source it after dev_stack.sh; needs $CASEWORK_* from
# dev_stack_start and casectl in $DEV_BIN).
#
#   score_figure JSON CODE        prints "numerator/denominator" of measure CODE in a scorecard
#                                 JSON file (casectl scorecard --json)
#   expect_figures OFFICER FROM TO CODE=N/D ...
#                                 reads OFFICER's scorecard for FROM..TO into $DEV_WORK/score.json
#                                 until every CODE shows N/D (the projection applies streams in
#                                 their own order), then fails naming the first that does not

score_figure() {
  python3 - "$1" "$2" <<'PY'
import json, sys
card = json.load(open(sys.argv[1]))
m = next(m for m in card["measures"] if m["code"] == sys.argv[2])
print(f'{m.get("numerator", 0)}/{m.get("denominator", 0)}')
PY
}

expect_figures() {
  local officer=$1 from=$2 to=$3
  shift 3
  local want all _
  for _ in $(seq 1 100); do
    "$DEV_BIN/casectl" scorecard "$officer" --from "$from" --to "$to" --json \
      >"$DEV_WORK/score.json" 2>/dev/null || true
    all=1
    for want in "$@"; do
      [[ "$(score_figure "$DEV_WORK/score.json" "${want%%=*}" 2>/dev/null)" == "${want#*=}" ]] \
        || { all=0; break; }
    done
    [ "$all" = 1 ] && return 0
    sleep 0.2
  done
  for want in "$@"; do
    local got
    got=$(score_figure "$DEV_WORK/score.json" "${want%%=*}")
    [[ "$got" == "${want#*=}" ]] \
      || dev_fail "$officer $from to $to: ${want%%=*} is $got, want ${want#*=}"
  done
}
