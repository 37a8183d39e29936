#!/usr/bin/env bash
# casework-dev as a supervisor: its help lists every flag it accepts (each service's port
# flag from the catalogue among them); a child that dies is reported at once, naming it,
# and the whole stack stops with exit status 3 (no service left running behind it).
# Usage: casework_dev_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"

help=$("$bin/casework-dev" --help)
while read -r name _ _ _ _ flag _; do
  grep -q -- "--$flag-port N" <<<"$help" || dev_fail "--help does not list --$flag-port ($name)"
done < <("$bin/casework-dev" --print-catalogue)
grep -q -- "--returns-port N" <<<"$help" || dev_fail "--help does not list --returns-port"
# Every flag it accepts (the parser names them when it refuses one) is in the help, and
# every flag the help names is accepted.
rc=0; out=$("$bin/casework-dev" --no-such-flag 2>&1) || rc=$?
[ "$rc" = 2 ] && grep -q "no-such-flag" <<<"$out" || dev_fail "an unknown flag was not refused: $out"
accepted=$(sed -n 's/.*(known: \(.*\))/\1/p' <<<"$out" | tr ',' '\n' | tr -d ' ')
[ "$(wc -l <<<"$accepted")" -ge 15 ] || dev_fail "cannot read the accepted flags from: $out"
for flag in $accepted; do
  grep -q -- "$flag\b" <<<"$help" || dev_fail "casework-dev accepts $flag, which --help omits"
done
for flag in $(grep -oE -- '--[a-z][a-z-]+' <<<"$help" | sort -u); do
  "$bin/casework-dev" "$flag=1" --help >/dev/null 2>&1 || dev_fail "--help lists $flag, which is refused"
done
echo "help: ok"

dev_stack_start "$bin"
# Presence first: the web child answers, and its metrics are on a port of their own.
curl -fsS "http://127.0.0.1:$CASEWORK_WEB_PORT/healthz" >/dev/null || dev_fail "web is not up"
[ -n "${CASEWORK_WEB_METRICS:-}" ] || dev_fail "metrics.env has no CASEWORK_WEB_METRICS"
curl -fsS "http://$CASEWORK_WEB_METRICS/metrics" | grep -q "^# TYPE" || dev_fail "web has no /metrics"
web_pid=$(pgrep -P "$DEV_PID" -x web) || dev_fail "no web child"
mapfile -t children < <(pgrep -P "$DEV_PID")
[ "${#children[@]}" -ge 7 ] || dev_fail "only ${#children[@]} children"
kill -9 "$web_pid"
rc=0
wait "$DEV_PID" || rc=$?
DEV_PID=""
[ "$rc" = 3 ] || dev_fail "casework-dev went on (or exited $rc) after web died"
grep -q "web (pid $web_pid) was killed by signal 9" "$DEV_ERR" \
  || dev_fail "the death of web was not reported: $(tail -3 "$DEV_ERR")"
for pid in "${children[@]}"; do
  if kill -0 "$pid" 2>/dev/null; then dev_fail "child $pid left running"; fi
done
for var in CASEWORK_EHC_ADDR CASEWORK_PROJECTION_ADDR; do
  port=${!var##*:}
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then dev_fail "$var still listens"; fi
done
echo "casework-dev stops the stack when a child dies: ok"
