#!/usr/bin/env bash
# End to end: the real binaries over real sockets.
#  1. casework-dev with a small demo; casectl shows a scorecard, a worklist and a timeline;
#     kcat reads the topic with its CloudEvents headers (python3-grpcio as a stock client is
#     stock_clients_test.sh).
#     Restarted on the same data, the whole log is re-published to the fresh embedded broker
#     and the projection follows without double counting.
# (ehc-assessments on its own - kill -9, a fixed business date, mutual TLS - is
# service_alone_test.sh; imports and dead letters are imports_test.sh.)
# Usage: e2e_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
work=$DEV_WORK
fail() { dev_fail "E2E: $*"; }
free_port() { dev_free_port; }

dev_stack_start "$bin" --demo --demo-children 60
grep -q "demo loaded" "$DEV_OUT" || fail "demo did not load"
# The services' ports, for the stock clients (CASEWORK_TOKEN = officer-01 of team-north).
ehc_port=${CASEWORK_EHC_ADDR##*:}
proj_port=${CASEWORK_PROJECTION_ADDR##*:}
transport_port=${CASEWORK_TRANSPORT_ADDR##*:}
complaints_port=${CASEWORK_COMPLAINTS_ADDR##*:}
grep -q "manager-north (manager, team-north)" "$work/dev.out" || fail "tokens not printed"

# The projection catches up: wait until officer-01's scorecard counts a decision.
for _ in $(seq 1 100); do
  "$bin/casectl" scorecard officer-01 --json >"$work/score.json" 2>/dev/null || true
  grep -q '"denominator"' "$work/score.json" && break
  sleep 0.2
done
grep -q '"ehc.decision_6_weeks"' "$work/score.json" || fail "no scorecard"
"$bin/casectl" scorecard officer-01 | grep "Decisions to assess" >/dev/null || fail "scorecard table"
"$bin/casectl" worklist officer-01 | grep "worklist of officer-01" >/dev/null || fail "worklist"
"$bin/casectl" timeline child-00001 | grep "Request recorded" >/dev/null || fail "timeline"

# The SEN2 return of the demo (statutory-returns): once the service has read the topics to
# their ends, the 2026 return exports with no errors, validates against sen2.xsd with
# xmllint, comes with the nine COLLECT CSVs, and its plans active on census day and
# requests received in the year equal the projection's and the topic's figures (before the
# steps below add cases of their own).
mkdir -p "$work/py"
protoc -I "$src/proto" --python_out="$work/py" "$src"/proto/casework/v1/*.proto
PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/e2e/sen2_check.py" wait \
  "$(cat "$work/var/kafka.bootstrap")" "$CASEWORK_RETURNS_ADDR" "$CASEWORK_PROJECTION_ADDR" \
  "$CASEWORK_ADMIN_TOKEN" "$work/var/metrics.env" || fail "the consumers did not catch up"
"$bin/casectl" --token "$CASEWORK_RETURNS_TOKEN" sen2 check --year 2026 >"$work/sen2-check.txt" \
  || fail "the demo's 2026 return has errors: $(grep '^error' "$work/sen2-check.txt" | head -5)"
"$bin/casectl" --token "$CASEWORK_RETURNS_TOKEN" sen2 export --year 2026 \
  --out "$work/sen2/sen2-2026.xml" >"$work/sen2-export.txt" || fail "sen2 export: $(cat "$work/sen2-export.txt")"
xmllint --noout --schema "$src/services/statutory-returns/sen2.xsd" "$work/sen2/sen2-2026.xml" \
  2>"$work/xmllint.err" || fail "the return does not validate: $(head -5 "$work/xmllint.err")"
[ "$(ls "$work/sen2/sen2-2026.xml.csv" | wc -l)" = 9 ] || fail "not nine CSV files"
if "$bin/casectl" sen2 check --year 2026 2>"$work/err"; then fail "an officer read the return"; fi
grep -q "PERMISSION_DENIED" "$work/err" || fail "officer and the return: $(cat "$work/err")"
"$bin/casectl" --token "$CASEWORK_RETURNS_TOKEN" --json sen2 export --year 2026 \
  --out "$work/sen2/again.xml" >"$work/sen2-counts.json" || fail "sen2 export --json"
PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/e2e/sen2_check.py" check "$CASEWORK_PROJECTION_ADDR" \
  "$(cat "$work/var/kafka.bootstrap")" "$work/var/auth/dev-hs256.secret" "$work/sen2-counts.json" \
  2026 2026-01-15 >"$work/sen2-check.out" 2>&1 || fail "sen2 figures: $(tail -5 "$work/sen2-check.out")"


# Authentication and access.
if CASEWORK_TOKEN= "$bin/casectl" timeline child-00001 2>"$work/err"; then fail "no token accepted"; fi
grep -q "UNAUTHENTICATED" "$work/err" || fail "no token: $(cat "$work/err")"
grep -q "CASEWORK_TOKEN" "$work/err" || fail "no hint about the token: $(cat "$work/err")"
if "$bin/casectl" --token not.a.jwt timeline child-00001 2>"$work/err"; then fail "junk token accepted"; fi
grep -q "UNAUTHENTICATED: invalid token" "$work/err" || fail "junk token: $(cat "$work/err")"
if "$bin/casectl" scorecard officer-08 2>"$work/err"; then fail "officer read another's scorecard"; fi
grep -q "PERMISSION_DENIED" "$work/err" || fail "officer-08: $(cat "$work/err")"
# The manager of team-north sees officer-01 (team-north) once the directory is projected, and
# never officer-08 (team-south).
for _ in $(seq 1 100); do
  "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" scorecard officer-01 >/dev/null 2>&1 && break
  sleep 0.2
done
"$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" scorecard officer-01 >/dev/null \
  || fail "manager cannot see their team's officer"
if "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" worklist officer-08 2>"$work/err"; then
  fail "manager saw another team's worklist"
fi
grep -q "PERMISSION_DENIED" "$work/err" || fail "manager/officer-08: $(cat "$work/err")"
# Admins hold no case data, but read the audit trail: officer-01's look at child-00001 is in it.
if "$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" timeline child-00001 2>"$work/err"; then
  fail "admin read a timeline"
fi
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" audit --service projection --child child-00001 \
  --json >"$work/audit.json" || fail "audit query"
grep -q '"actor": "officer-01"' "$work/audit.json" || fail "timeline read not audited: $(cat "$work/audit.json")"
grep -q 'GetTimeline' "$work/audit.json" || fail "audit entry without the query"
if "$bin/casectl" audit --service projection 2>"$work/err"; then fail "officer read the audit log"; fi
grep -q "PERMISSION_DENIED" "$work/err" || fail "audit as officer: $(cat "$work/err")"

# The consumers' status for admins: serving, caught up, nothing held or parked; nothing to
# resume.
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status >"$work/status.out" \
  || fail "admin status: $(cat "$work/status.out")"
grep -q "^projection: SERVING" "$work/status.out" || fail "status: $(cat "$work/status.out")"
grep -q "streams held 0, parked 0" "$work/status.out" || fail "status: $(cat "$work/status.out")"
grep -q "casework.ehc-assessments.v1" "$work/status.out" || fail "status: $(cat "$work/status.out")"
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin status --consumer reviews \
  | grep -q "^plan-intake: SERVING" || fail "plan intake status"
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin parked | grep "no stream is held or parked" >/dev/null \
  || fail "admin parked"
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin resume 2>"$work/err" && fail "resume with nothing gone"
grep -q "no partition is missing history" "$work/err" || fail "resume: $(cat "$work/err")"
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin retry asmt-none 2>"$work/err" \
  && fail "retry of a stream that is not parked"
grep -q "stream asmt-none is not parked" "$work/err" || fail "retry: $(cat "$work/err")"
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin retry asmt-none --source ehc-assessments \
  2>"$work/err" && fail "retry (by source) of a stream that is not parked"
grep -q "NOT_FOUND" "$work/err" || fail "retry by source: $(cat "$work/err")"
"$bin/casectl" --token "$CASEWORK_OFFICER_TOKEN" admin status 2>/dev/null && fail "officer read admin status"

# Manager views: a team scorecard side by side with totals, and the cases behind a figure.
"$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" team-scorecard team-north --json >"$work/team.json" \
  || fail "team scorecard"
grep -q '"officer_id": "team-north"' "$work/team.json" || fail "team totals"
grep -q '"rag": "RAG_' "$work/team.json" || fail "no RAG"
"$bin/casectl" team-scorecard team-north 2>"$work/err" && fail "an officer read a team scorecard"
"$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" exceptions --team team-north \
  --measure ehc.decision_6_weeks --json >/dev/null || fail "exception report"
# The backlog trend: month-end figures, and this month's point is the team's backlog today
# (the team scorecard's totals).
"$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" trend --team team-north --measure review.backlog \
  >"$work/trend.out" || fail "backlog trend"
[ "$(grep -c '^20[0-9][0-9]-[0-9][0-9] ' "$work/trend.out")" -eq 12 ] || fail "trend: $(cat "$work/trend.out")"
python3 - "$work/team.json" "$work/trend.out" <<'PY' || fail "backlog trend and team scorecard differ"
import json, sys
totals = json.load(open(sys.argv[1]))["totals"]
last = open(sys.argv[2]).read().split("\n")[-2].split()[1]
want = "%s/%s" % (totals.get("review_backlog", "0"), totals.get("active_plans", "0"))
if last != want or want.endswith("/0"):
    sys.exit("this month's point %s, the team scorecard %s" % (last, want))
PY

# casectl events tail decodes the topic to JSON lines.
"$bin/casectl" events tail casework.ehc-assessments.v1 --count 3 >"$work/tail.out" || fail "events tail"
[ "$(wc -l <"$work/tail.out")" -eq 3 ] || fail "events tail: $(cat "$work/tail.out")"
grep -q '"type": "uk.send.casework.ehc.v1.RequestRecorded", "value": {"metadata":{"event_id"' \
  "$work/tail.out" || fail "events tail JSON: $(head -1 "$work/tail.out")"

# Re-publish (admins): the EHC log goes to the topic again and the projection counts nothing
# twice.
"$bin/casectl" --token "$CASEWORK_OFFICER_TOKEN" admin republish --service ehc 2>/dev/null \
  && fail "an officer re-published"
"$bin/casectl" scorecard officer-01 --json >"$work/score.before"
requests_before=$(timeout 30 kcat -b "$CASEWORK_BROKERS" -t casework.ehc-assessments.v1 -C -o beginning -e \
  -f '%h\n' 2>/dev/null | grep -c "RequestRecorded" || true)
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin republish --service ehc --from 1 | grep "re-publishing" >/dev/null \
  || fail "republish"
for _ in $(seq 1 100); do
  requests_after=$(timeout 30 kcat -b "$CASEWORK_BROKERS" -t casework.ehc-assessments.v1 -C -o beginning -e \
    -f '%h\n' 2>/dev/null | grep -c "RequestRecorded" || true)
  [ "$requests_after" -ge $((2 * requests_before)) ] && break
  sleep 0.2
done
[ "$requests_after" -ge $((2 * requests_before)) ] || fail "log not re-published ($requests_before, $requests_after)"
sleep 1
"$bin/casectl" scorecard officer-01 --json >"$work/score.after"
diff -q "$work/score.before" "$work/score.after" >/dev/null || fail "a re-publish changed the scorecard"

# Errors are plain and non-zero.
if "$bin/casectl" ehc decide-assess no-such-assessment --on 2026-01-01 2>"$work/err"; then
  fail "unknown assessment accepted"
fi
grep -q "NOT_FOUND" "$work/err" || fail "NOT_FOUND not reported: $(cat "$work/err")"

# kcat: the topic holds the events with CloudEvents headers, keyed by child.
bootstrap=$(cat "$work/var/kafka.bootstrap")
timeout 30 kcat -b "$bootstrap" -t casework.ehc-assessments.v1 -C -o beginning -c 5 -e \
  -f '%k|%h\n' >"$work/kcat.out" 2>"$work/kcat.err" || true
grep -q "ce_specversion=1.0" "$work/kcat.out" || fail "no CloudEvents headers: $(cat "$work/kcat.err")"
grep -q "ce_type=uk.send.casework.ehc.v1.RequestRecorded" "$work/kcat.out" || fail "no ce_type"
grep -q "^child-" "$work/kcat.out" || fail "key is not the child id"
# Data minimisation: the demo's adviser names are in no event on the topic.
timeout 30 kcat -b "$bootstrap" -t casework.ehc-assessments.v1 -C -o beginning -e -f '%s\n' \
  >"$work/values.bin" 2>/dev/null || true
[ -s "$work/values.bin" ] || fail "no event values read"
if grep -aq "Okonkwo-Farrell" "$work/values.bin"; then fail "adviser name on the topic"; fi
grep -aq "uk.send.casework.ehc.v1" "$work/kcat.out" || fail "kcat read nothing"
# ... while officers still see it: the service keeps it beside its log.
"$bin/casectl" ehc request --id min-1 --child min-child --officer officer-01 --received 2026-09-01 \
  >/dev/null || fail "request"
"$bin/casectl" --json ehc decide-assess min-1 --on 2026-09-20 >"$work/decide.json" || fail "decide"
# --json gives counts as numbers (not the proto3 mapping's strings for 64-bit integers).
grep -Eq '"version": 2,' "$work/decide.json" && grep -Eq '"position": [0-9]+' "$work/decide.json" \
  || fail "--json counts are not numbers: $(cat "$work/decide.json")"
"$bin/casectl" ehc request-advice min-1 --type ep --adviser "Dr Zed Adviser" --advice-id ep-1 \
  --on 2026-09-21 >/dev/null || fail "request advice"
"$bin/casectl" ehc show min-1 --json | grep '"adviser": "Dr Zed Adviser"' >/dev/null \
  || fail "the adviser kept by the service is not shown to officers"

# casectl refuses mistakes instead of answering something else: a typo'd flag, an unknown
# measure (the projection refuses it), each with exit code 2 naming what was wrong.
rc=0; "$bin/casectl" transport assess --dob 2018-09-02 --academic-year 2026 --walking-miles 2.4 \
  --nearst >/dev/null 2>"$work/err" || rc=$?
[ "$rc" = 2 ] && grep -q -- "--nearst" "$work/err" || fail "a mistyped flag was not refused (exit $rc)"
rc=0; "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" exceptions --team team-north --measure nope \
  >/dev/null 2>"$work/err" || rc=$?
[ "$rc" = 2 ] && grep -q "measure: 'nope' is not a measure" "$work/err" \
  || fail "an unknown measure was not refused (exit $rc): $(cat "$work/err")"
"$bin/casectl" --json health "127.0.0.1:$ehc_port" | grep '"serving": true' >/dev/null || fail "health --json"

# Operations. Every service's /metrics parses with the stock Prometheus parser and carries the
# figures operators need; the probes answer; casework-dev wrote where they are.
# shellcheck disable=SC1091
source "$work/var/metrics.env"
/usr/bin/python3 "$src/tests/e2e/metrics_check.py" "ehc-assessments=$CASEWORK_EHC_METRICS" \
  "annual-reviews=$CASEWORK_REVIEWS_METRICS" "transport=$CASEWORK_TRANSPORT_METRICS" \
  "complaints=$CASEWORK_COMPLAINTS_METRICS" "projection=$CASEWORK_PROJECTION_METRICS" \
  >"$work/metrics.out" 2>&1 || { cat "$work/metrics.out"; fail "metrics"; }
# One log line per request, from every service, with method, code, duration, actor, request id.
for svc in ehc-assessments annual-reviews transport complaints projection; do
  grep -q "msg=\"rpc\" service=$svc method=/casework.v1.[A-Za-z]*/[A-Za-z]* code=OK micros=[0-9]* actor=" \
    "$work/dev.err" || fail "no request log line from $svc"
done
grep -q 'msg="rpc" service=ehc-assessments method=/casework.v1.EhcAssessmentService/RecordRequest code=OK micros=[0-9]* actor=casework-dev-demo-loader request_id=[A-Za-z0-9._:-][A-Za-z0-9._:-]*' \
  "$work/dev.err" || fail "a command's log line lacks its actor or request id"
# Refusals are logged and audited: officer-01 asked for officer-08's scorecard above.
grep -q 'msg="rpc refused" service=projection method=/casework.v1.ProjectionService/GetOfficerScorecard code=PERMISSION_DENIED micros=[0-9]* actor=officer-01' \
  "$work/dev.err" || fail "refusal not logged"
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" audit --service projection --refusals --json \
  >"$work/refusals.json" || fail "audit --refusals"
/usr/bin/python3 - "$work/refusals.json" <<'PY' || fail "refusals: $(cat "$work/refusals.json")"
import json, sys
entries = json.load(open(sys.argv[1]))["entries"]
assert entries and all(e["outcome"] == "refused" for e in entries), entries
hit = [e for e in entries if e.get("actor") == "officer-01" and e.get("target") == "officer_id=officer-08"
       and e["method"].endswith("/GetOfficerScorecard")]
assert hit and hit[0]["reason"].startswith("PERMISSION_DENIED"), entries
# An unauthenticated try is there too, with no actor.
assert any(e.get("actor", "") == "" and e["reason"].startswith("UNAUTHENTICATED") for e in entries), entries
PY
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" audit --service projection --refusals \
  >"$work/refusals.txt" || fail "audit --refusals table"
grep -q "GetOfficerScorecard REFUSED officer_id=officer-08: PERMISSION_DENIED" "$work/refusals.txt" \
  || fail "refusals table: $(cat "$work/refusals.txt")"
# Worklists name children: the read is audited.
"$bin/casectl" worklist officer-01 >/dev/null || fail "worklist"
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" audit --service projection --actor officer-01 --json \
  >"$work/audit-worklist.json" || fail "audit by actor"
grep -q '"method": "/casework.v1.ProjectionService/GetWorklist"' "$work/audit-worklist.json" \
  || fail "worklist read not audited"

# What the restores below must bring back: a command with a known request id, and a case of
# each other service; published (every relay at its log's end) before they read the topics.
"$bin/casectl" --request-id e2e-restore-1 ehc request --id e2e-asmt-1 --child e2e-child \
  --officer officer-01 --received 2026-09-01 >/dev/null || fail "ehc request"
"$bin/casectl" transport apply --id tr-e2e --child e2e-child --officer officer-01 \
  --received 2026-06-01 --dob 2015-05-01 --academic-year 2026 --walking-miles 3.4 --nearest \
  >/dev/null || fail "transport apply"
"$bin/casectl" complaint log --id cp-1 --child e2e-child --officer officer-01 \
  --subject communication --received 2026-11-02 >/dev/null || fail "complaint log"
"$bin/casectl" disagreement record --id dg-1 --child e2e-child --officer officer-01 \
  --decision refusal-to-assess --letter 2026-10-27 >/dev/null || fail "disagreement record"
PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/e2e/sen2_check.py" wait "$CASEWORK_BROKERS" \
  "$CASEWORK_RETURNS_ADDR" "$CASEWORK_PROJECTION_ADDR" "$CASEWORK_ADMIN_TOKEN" \
  "$work/var/metrics.env" || fail "the relays did not publish"

# Recovery from the topic: an ehc-assessments whose disk is lost rebuilds its log from its own
# topic into an empty directory, and answers every list as the live one does (but for the
# free text kept out of events, which only a backup holds); it publishes nothing again.
restore_port=$(free_port)
topic_records() {
  timeout 30 kcat -b "$(cat "$work/var/kafka.bootstrap")" -t casework.ehc-assessments.v1 -C \
    -o beginning -e -f '%o\n' 2>/dev/null | wc -l
}
records_before=$(topic_records)
"$bin/casectl" scorecard officer-01 --json >"$work/score-before-restore.json" || fail "scorecard"
"$bin/ehc-assessments" --port "$restore_port" --data-dir "$work/ehc-restored" \
  --brokers "$(cat "$work/var/kafka.bootstrap")" --restore-from-topic \
  --auth-issuer "$CASEWORK_AUTH_ISSUER" --auth-hs256-secret-file "$work/var/auth/dev-hs256.secret" \
  2>"$work/restore.err" &
restore_pid=$!
dev_track "$restore_pid"
for _ in $(seq 1 150); do
  "$bin/casectl" health "127.0.0.1:$restore_port" >/dev/null 2>&1 && break
  sleep 0.2
done
"$bin/casectl" health "127.0.0.1:$restore_port" >/dev/null || { cat "$work/restore.err"; fail "restored service"; }
grep -q 'msg="log restored from the topic" topic=casework.ehc-assessments.v1 events=[1-9]' \
  "$work/restore.err" || fail "no restore: $(cat "$work/restore.err")"
for who in --officer=officer-01 $(seq -f "--child=child-%05g" 1 60) --child=py-child --child=min-child; do
  n=${who#*=}
  for addr in "$CASEWORK_EHC_ADDR" "127.0.0.1:$restore_port"; do
    "$bin/casectl" --ehc "$addr" ehc list "$who" --page-size 500 --json \
      | /usr/bin/python3 -c '
import json, sys
doc = json.load(sys.stdin)
for a in doc.get("assessments", []):
    for x in a.get("advice", []): x.pop("adviser", None)
    for x in a.get("exceptions", []): x.pop("note", None)
print(json.dumps(doc, sort_keys=True))' >"$work/list-$n-${addr##*:}.json" || fail "list $who at $addr"
  done
  cmp -s "$work/list-$n-${CASEWORK_EHC_ADDR##*:}.json" "$work/list-$n-$restore_port.json" \
    || fail "$who: restored answers differ"
done
grep -q '"assessment_id"' "$work/list-officer-01-$restore_port.json" || fail "restored lists are empty"
grep -q '"assessment_id"' "$work/list-child-00007-$restore_port.json" || fail "restored lists are empty"
# The same for the other domain services, each from its own topic: their lists (officer-01's
# cases) and a complaint read back equal the live services' answers.
restore_other() {  # SERVICE CASECTL_FLAG LIVE_ADDR CHECK_COMMAND...
  local service=$1 flag=$2 live=$3
  shift 3
  local port
  port=$(free_port)
  "$bin/$service" --port "$port" --data-dir "$work/$service-restored-$port" \
    --brokers "$(cat "$work/var/kafka.bootstrap")" --restore-from-topic \
    --auth-issuer "$CASEWORK_AUTH_ISSUER" --auth-hs256-secret-file "$work/var/auth/dev-hs256.secret" \
    2>"$work/restore-$service.err" &
  local pid=$!
  dev_track "$pid"
  for _ in $(seq 1 150); do
    "$bin/casectl" health "127.0.0.1:$port" >/dev/null 2>&1 && break
    sleep 0.2
  done
  grep -q 'msg="log restored from the topic" topic=casework.'"$service"'.v1 events=[1-9]' \
    "$work/restore-$service.err" || fail "$service not restored: $(cat "$work/restore-$service.err")"
  for addr in "$live" "127.0.0.1:$port"; do
    "$bin/casectl" "--$flag" "$addr" --json "$@" | /usr/bin/python3 -c '
import json, sys
doc = json.load(sys.stdin)
for a in doc.get("applications", []): a.pop("decision_reason", None)
print(json.dumps(doc, sort_keys=True))' >"$work/$service-${addr##*:}.json" || fail "$service $* at $addr"
  done
  cmp -s "$work/$service-${live##*:}.json" "$work/$service-$port.json" \
    || fail "$service restored from the topic answers '$*' differently"
  grep -q '_id"' "$work/$service-$port.json" || fail "$service: empty answer to $*"
  kill -TERM "$pid"; wait "$pid" || fail "restored $service did not stop cleanly"
}
restore_other annual-reviews reviews "$CASEWORK_REVIEWS_ADDR" review list --officer officer-01 --page-size 500
restore_other transport transport "$CASEWORK_TRANSPORT_ADDR" transport list --officer officer-01 --page-size 500
restore_other complaints complaints "$CASEWORK_COMPLAINTS_ADDR" complaint show cp-1
restore_other complaints complaints "$CASEWORK_COMPLAINTS_ADDR" disagreement show dg-1
# A retry of a command made before the loss is answered as a repeat, not done twice.
"$bin/casectl" --ehc "127.0.0.1:$restore_port" --request-id e2e-restore-1 --json ehc request \
  --id e2e-asmt-1 --child e2e-child --officer officer-01 --received 2026-09-01 \
  >"$work/retry.json" || fail "retry after restore"
grep -q '"repeated": true' "$work/retry.json" || fail "retry not a repeat: $(cat "$work/retry.json")"
[ "$(topic_records)" -eq "$records_before" ] || fail "the restored service published again"
"$bin/casectl" scorecard officer-01 --json >"$work/score-after-restore.json" || fail "scorecard"
cmp -s "$work/score-before-restore.json" "$work/score-after-restore.json" \
  || fail "the projection's figures changed across the restores"
kill -TERM "$restore_pid"; wait "$restore_pid" || fail "restored service did not stop cleanly"
# Restoring over a log is refused, saying why.
if "$bin/ehc-assessments" --port 0 --data-dir "$work/ehc-restored" --restore-from-topic \
  --brokers "$(cat "$work/var/kafka.bootstrap")" --auth-issuer "$CASEWORK_AUTH_ISSUER" \
  --auth-hs256-secret-file "$work/var/auth/dev-hs256.secret" 2>"$work/restore2.err"; then
  fail "restored over an existing log"
fi
grep -q "already holds a log" "$work/restore2.err" || fail "no reason: $(cat "$work/restore2.err")"

# Outage drill with the real binaries: the broker goes down; commands are still acknowledged
# (the log is the source of truth) and wait in the relay; once it is back they are published
# and the projection converges.
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin broker down >"$work/drill.out" \
  || fail "broker down: $(cat "$work/drill.out")"
grep -q "embedded broker down" "$work/drill.out" || fail "drill: $(cat "$work/drill.out")"
if "$bin/casectl" admin broker up 2>"$work/err"; then fail "an officer ran a drill"; fi
"$bin/casectl" ehc request --id drill-1 --child drill-child --officer officer-01 \
  --received 2026-11-02 >/dev/null || fail "command during the outage not acknowledged"
/usr/bin/python3 - "$CASEWORK_EHC_METRICS" <<'PY' || fail "relay lag not shown during the outage"
import sys, urllib.request
from prometheus_client.parser import text_string_to_metric_families
text = urllib.request.urlopen(f"http://{sys.argv[1]}/metrics", timeout=10).read().decode()
lag = [s.value for f in text_string_to_metric_families(text) for s in f.samples
       if s.name == "casework_relay_lag_events"]
assert lag and lag[0] >= 1, lag
PY
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin broker up >/dev/null || fail "broker up"
for _ in $(seq 1 150); do
  "$bin/casectl" timeline drill-child --json >"$work/drill.json" 2>/dev/null || true
  grep -q '"drill-1"' "$work/drill.json" && break
  sleep 0.2
done
grep -q '"drill-1"' "$work/drill.json" || fail "the command made during the outage never reached the projection"

# Backup of the running service, and the documented restore: a service started on the backup
# answers as the live one, texts included.
"$bin/casectl" --token "$CASEWORK_ADMIN_TOKEN" admin backup --service ehc --name e2e-backup \
  >"$work/backup.out" || fail "admin backup"
grep -q "backup written to $work/var/ehc-assessments-backups/e2e-backup" "$work/backup.out" \
  || fail "backup: $(cat "$work/backup.out")"
if "$bin/casectl" admin backup --service ehc --name x 2>"$work/err"; then fail "officer backed up"; fi
grep -q PERMISSION_DENIED "$work/err" || fail "backup refusal: $(cat "$work/err")"
backup_port=$(free_port)
"$bin/ehc-assessments" --port "$backup_port" \
  --data-dir "$work/var/ehc-assessments-backups/e2e-backup/log" \
  --audit-dir "$work/var/ehc-assessments-backups/e2e-backup/audit" \
  --auth-issuer "$CASEWORK_AUTH_ISSUER" --auth-hs256-secret-file "$work/var/auth/dev-hs256.secret" \
  2>"$work/from-backup.err" &
backup_pid=$!
dev_track "$backup_pid"
for _ in $(seq 1 150); do
  "$bin/casectl" health "127.0.0.1:$backup_port" >/dev/null 2>&1 && break
  sleep 0.2
done
for addr in "$CASEWORK_EHC_ADDR" "127.0.0.1:$backup_port"; do
  "$bin/casectl" --ehc "$addr" ehc list --officer officer-01 --page-size 500 --json \
    >"$work/backup-list-${addr##*:}.json" || fail "list at $addr"
done
cmp -s "$work/backup-list-${CASEWORK_EHC_ADDR##*:}.json" "$work/backup-list-$backup_port.json" \
  || fail "the service restored from the backup answers differently"
grep -q '"adviser": "Dr Zed Adviser"' "$work/backup-list-$backup_port.json" \
  || fail "the backup lost the texts kept beside the log"
kill -TERM "$backup_pid"; wait "$backup_pid" || fail "service on the backup did not stop cleanly"

"$bin/casectl" timeline child-00001 --json >"$work/timeline.before"
before=$(grep -c '"event_id"' "$work/timeline.before" || true)

# Restart on the same data: the embedded broker starts empty, the service publishes its whole
# log again and the projection re-reads it without counting anything twice, then follows new
# commands (which land at offsets it had stored for the old broker).
dev_stack_restart dev2 --log-format json

"$bin/casectl" ehc request --id after-restart --child child-00001 --officer officer-01 \
  --received 2026-11-02 >/dev/null || fail "command after restart not acknowledged"
for _ in $(seq 1 100); do
  "$bin/casectl" timeline child-00001 --json >"$work/timeline.after" 2>/dev/null || true
  grep -q '"after-restart"' "$work/timeline.after" && break
  sleep 0.2
done
grep -q '"after-restart"' "$work/timeline.after" || fail "projection missed a command after restart"
after=$(grep -c '"event_id"' "$work/timeline.after" || true)
[ "$after" -eq $((before + 1)) ] || fail "timeline had $before entries, now $after (want $((before + 1)))"
bootstrap=$(cat "$work/var/kafka.bootstrap")
timeout 30 kcat -b "$bootstrap" -t casework.ehc-assessments.v1 -C -o beginning -e -f '%h\n' \
  2>/dev/null | grep -c "ce_type=uk.send.casework.ehc.v1.RequestRecorded" >"$work/requests" || true
[ "$(cat "$work/requests")" -ge 62 ] || fail "log not re-published: $(cat "$work/requests") requests on the topic"
# --log-format json: every line of ours is one JSON object a log shipper can read.
/usr/bin/python3 - "$work/dev2.err" <<'PY' || fail "JSON logs"
import json, sys
rpc = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.startswith("{"):
        continue
    record = json.loads(line)
    assert "level" in record and "msg" in record, line
    if record["msg"] == "rpc" and record.get("method", "").endswith("/RecordRequest"):
        assert record["code"] == "OK" and record["actor"] == "officer-01", record
        assert record["request_id"], record
        rpc += 1
assert rpc >= 1, "no JSON request line"
PY
dev_stack_stop
[ "$DEV_STATUS" = 0 ] || fail "casework-dev did not stop cleanly after restart"

# No personal data in logs: the services log one line per request with identifiers only; the
# demo's adviser names, staff names, free text sent by the stock clients and tokens never appear.
for text in "Okonkwo-Farrell" "Wrenfield" "Halloran-Beck" "Ashcombe" "Case officer 0" \
  "Team manager (" "$CASEWORK_TOKEN"; do
  if grep -qF "$text" "$work/dev.err" "$work/dev2.err"; then
    fail "found in logs: $text"
  fi
done
echo "e2e: ok"
