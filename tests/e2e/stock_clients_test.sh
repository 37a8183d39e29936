#!/usr/bin/env bash
# Stock gRPC clients against a demo stack: python3-grpcio, with code generated from proto/ at
# test time, records a request and reads it back (tokens, request ids bound to their command,
# field errors), pages a 2,500-event timeline, reads a manager's figures (the same as
# casectl's), and takes travel applications and complaints through the law's refusals, every
# bad input answered with the right code and nothing written.
# Usage: stock_clients_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"
work=$DEV_WORK
fail() { dev_fail "STOCK CLIENTS: $*"; }

dev_stack_start "$bin" --demo --demo-children 60
grep -q "demo loaded" "$DEV_OUT" || fail "demo did not load"
ehc_port=${CASEWORK_EHC_ADDR##*:}
proj_port=${CASEWORK_PROJECTION_ADDR##*:}
transport_port=${CASEWORK_TRANSPORT_ADDR##*:}
complaints_port=${CASEWORK_COMPLAINTS_ADDR##*:}
# The read side has every event of the demo before figures are compared.
mkdir -p "$work/py"
protoc -I "$src/proto" --python_out="$work/py" "$src"/proto/casework/v1/*.proto
PYTHONPATH="$work/py" /usr/bin/python3 "$src/tests/e2e/sen2_check.py" wait "$CASEWORK_BROKERS" \
  "$CASEWORK_RETURNS_ADDR" "$CASEWORK_PROJECTION_ADDR" "$CASEWORK_ADMIN_TOKEN" \
  "$work/var/metrics.env" || fail "the consumers did not catch up"

# python3-grpcio with code generated from proto/ now.
mkdir -p "$work/py"
protoc -I "$src/proto" --python_out="$work/py" "$src"/proto/casework/v1/*.proto
PYTHONPATH="$work/py" /usr/bin/python3 - "$ehc_port" "$CASEWORK_TOKEN" "$proj_port" <<'PY'
import sys, grpc
from casework.v1 import common_pb2, ehc_assessment_pb2 as ehc, projection_pb2 as proj
ch = grpc.insecure_channel(f"127.0.0.1:{sys.argv[1]}")
auth = [("authorization", "Bearer " + sys.argv[2])]
record = ch.unary_unary("/casework.v1.EhcAssessmentService/RecordRequest",
    request_serializer=ehc.RecordRequestRequest.SerializeToString,
    response_deserializer=common_pb2.CommandResult.FromString)
get = ch.unary_unary("/casework.v1.EhcAssessmentService/GetAssessment",
    request_serializer=ehc.GetAssessmentRequest.SerializeToString,
    response_deserializer=ehc.Assessment.FromString)
req = ehc.RecordRequestRequest(request_id="py-1", assessment_id="py-asmt-1", child_id="py-child",
    officer_id="officer-01", received_on=common_pb2.Date(year=2026, month=9, day=1),
    source=ehc.REQUEST_SOURCE_PARENT, kind=ehc.ASSESSMENT_KIND_FIRST)
try:
    record(req); raise SystemExit("a call without a token was accepted")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.UNAUTHENTICATED, e
r = record(req, metadata=auth)
assert r.version == 1 and not r.repeated, r
assert record(req, metadata=auth).repeated
a = get(ehc.GetAssessmentRequest(assessment_id="py-asmt-1"), metadata=auth)
assert a.child_id == "py-child" and a.clocks[0].rule == "ehc.decision_to_assess", a
assert (a.clocks[0].due_on.month, a.clocks[0].due_on.day) == (10, 13), a.clocks[0]
bad = ehc.RecordRequestRequest(request_id="py-2", child_id="py-child", officer_id="officer-01",
    source=ehc.REQUEST_SOURCE_PARENT, kind=ehc.ASSESSMENT_KIND_FIRST)
try:
    record(bad, metadata=auth); raise SystemExit("missing received_on accepted")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.INVALID_ARGUMENT and "received_on" in e.details(), e
# A request id is required, and bound to the command it first named.
try:
    record(ehc.RecordRequestRequest(assessment_id="py-asmt-2", child_id="py-child",
        officer_id="officer-01", received_on=common_pb2.Date(year=2026, month=9, day=1),
        source=ehc.REQUEST_SOURCE_PARENT, kind=ehc.ASSESSMENT_KIND_FIRST), metadata=auth)
    raise SystemExit("a command without a request id was accepted")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.INVALID_ARGUMENT and e.details().startswith("request_id"), e
other = ehc.RecordRequestRequest(); other.CopyFrom(req); other.assessment_id = "py-asmt-3"
try:
    record(other, metadata=auth); raise SystemExit("a reused request id answered OK")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.ALREADY_EXISTS and e.details().startswith("request_id"), e
# 2,500 events on one child's timeline, paged through by a stock client: every page token
# is a valid string, and every event comes once.
last = None
for i in range(2500):
    last = record(ehc.RecordRequestRequest(request_id=f"py-many-{i}", assessment_id=f"py-many-{i}",
        child_id="py-many", officer_id="officer-01",
        received_on=common_pb2.Date(year=2026, month=9, day=1 + i % 28),
        source=ehc.REQUEST_SOURCE_PARENT, kind=ehc.ASSESSMENT_KIND_FIRST), metadata=auth)
pch = grpc.insecure_channel(f"127.0.0.1:{sys.argv[3]}")
timeline = pch.unary_unary("/casework.v1.ProjectionService/GetTimeline",
    request_serializer=proj.GetTimelineRequest.SerializeToString,
    response_deserializer=proj.Timeline.FromString)
seen_write = proj.SeenWrite(source="ehc-assessments", stream_id=last.stream_id, version=last.version)
entries, token, pages = [], "", 0
while True:
    page = timeline(proj.GetTimelineRequest(child_id="py-many", page_size=1000, page_token=token,
        after=[seen_write]), metadata=auth, timeout=30)
    entries += [e.event_id for e in page.entries]
    pages += 1
    token = page.next_page_token
    assert isinstance(token, str)
    if not token:
        break
    assert all(c.isalnum() or c in "-_" for c in token), token
assert pages == 3, pages
assert len(entries) == 2500 and len(set(entries)) == 2500, (len(entries), len(set(entries)))
print("python grpc client: ok (2,500-event timeline in", pages, "pages)")
PY

# Managers' figures through a stock client: python3-grpcio reads officer-01's scorecard and
# team-north's team scorecard over all time; the figures equal what casectl shows (read
# until two casectl reads around the Python one agree, as the projection may still be moving).
for attempt in $(seq 1 20); do
  "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" scorecard officer-01 --from 2000-01-01 \
    --to 2100-12-31 --json >"$work/sc1.json"
  PYTHONPATH="$work/py" /usr/bin/python3 - "$proj_port" "$CASEWORK_MANAGER_TOKEN" \
    "$CASEWORK_OFFICER_TOKEN" "$work/sc1.json" >"$work/pysc.out" 2>&1 <<'PY' && ok=1 || ok=0
import json, sys, grpc
from casework.v1 import common_pb2, projection_pb2 as p
ch = grpc.insecure_channel(f"127.0.0.1:{sys.argv[1]}")
manager = [("authorization", "Bearer " + sys.argv[2])]
officer = [("authorization", "Bearer " + sys.argv[3])]
def rpc(name, req, resp):
    return ch.unary_unary(f"/casework.v1.ProjectionService/{name}",
        request_serializer=req.SerializeToString, response_deserializer=resp.FromString)
period = dict(**{"from": common_pb2.Date(year=2000, month=1, day=1)},
              to=common_pb2.Date(year=2100, month=12, day=31))
card = rpc("GetOfficerScorecard", p.GetOfficerScorecardRequest, p.OfficerScorecard)(
    p.GetOfficerScorecardRequest(officer_id="officer-01", **period), metadata=manager)
mine = {m.code: (m.numerator, m.denominator) for m in card.measures}
shown = {m["code"]: (int(m.get("numerator", 0)), int(m.get("denominator", 0)))
         for m in json.load(open(sys.argv[4]))["measures"]}
assert mine == shown, (mine, shown)
assert sum(d for _, d in mine.values()) > 0, "an empty scorecard"
team = rpc("GetTeamScorecard", p.GetTeamScorecardRequest, p.TeamScorecard)(
    p.GetTeamScorecardRequest(team_id="team-north", **period), metadata=manager)
ids = [o.officer_id for o in team.officers]
assert "officer-01" in ids and "officer-08" not in ids, ids
# Every measure with a target and cases has its RAG; breakdowns (complaints by theme) have none.
targeted = [m for m in team.totals.measures if m.denominator > 0 and (m.target or m.lower_is_better)]
assert targeted and all(m.rag != p.RAG_UNSPECIFIED for m in targeted), targeted
assert all(m.rag == p.RAG_UNSPECIFIED for m in team.totals.measures
           if m.code.startswith("complaints.subject.")), "a breakdown with a RAG"
try:
    rpc("GetTeamScorecard", p.GetTeamScorecardRequest, p.TeamScorecard)(
        p.GetTeamScorecardRequest(team_id="team-north", **period), metadata=officer)
    raise SystemExit("an officer read the team scorecard")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.PERMISSION_DENIED, e
print("python scorecards: ok")
PY
  "$bin/casectl" --token "$CASEWORK_MANAGER_TOKEN" scorecard officer-01 --from 2000-01-01 \
    --to 2100-12-31 --json >"$work/sc2.json"
  if [ "$ok" = 1 ] && cmp -s "$work/sc1.json" "$work/sc2.json"; then break; fi
  sleep 0.5
done
[ "$ok" = 1 ] || fail "python scorecards: $(cat "$work/pysc.out")"

# Transport: the statutory outcome, a refusal the law forbids, and bad input from a stock
# client answered with the right code and nothing written.
"$bin/casectl" transport assess --dob 2018-09-02 --academic-year 2026 --walking-miles 2.01 \
  --nearest | grep -q "statutory outcome: eligible (on 2026-09-01: age 7" || fail "assess 2.01 miles at 7"
"$bin/casectl" transport assess --dob 2018-09-01 --academic-year 2026 --walking-miles 3.0 \
  --nearest | grep -q "statutory outcome: not-eligible (on 2026-09-01: age 8" || fail "assess 3.0 miles at 8"
"$bin/casectl" transport apply --id tr-1 --child tchild-1 --officer officer-01 --received 2026-06-01 \
  --dob 2015-05-01 --academic-year 2026 --walking-miles 3.4 --nearest --school sch-1 >/dev/null \
  || fail "transport apply"
"$bin/casectl" transport decide tr-1 --decision refused --reason budget --on 2026-06-20 \
  2>"$work/err" && fail "an eligible child was refused"
grep -q "FAILED_PRECONDITION.*s.508B" "$work/err" || fail "refusal: $(cat "$work/err")"
"$bin/casectl" transport decide tr-1 --decision eligible --on 2026-06-20 >/dev/null || fail "decide"
"$bin/casectl" transport arrange tr-1 --type taxi --starts 2026-09-03 --on 2026-08-20 >/dev/null \
  || fail "arrange"
"$bin/casectl" transport show tr-1 --json | grep '"status": "CLOCK_STATUS_MET"' >/dev/null || fail "in place"
PYTHONPATH="$work/py" /usr/bin/python3 - "127.0.0.1:$transport_port" "$CASEWORK_TOKEN" <<'PY' \
  || fail "transport bad input"
import sys, grpc
from casework.v1 import common_pb2, transport_pb2 as t
ch = grpc.insecure_channel(sys.argv[1])
auth = [("authorization", "Bearer " + sys.argv[2])]
submit = ch.unary_unary("/casework.v1.TransportService/SubmitApplication",
    request_serializer=t.SubmitApplicationRequest.SerializeToString,
    response_deserializer=common_pb2.CommandResult.FromString)
get = ch.unary_unary("/casework.v1.TransportService/GetApplication",
    request_serializer=t.GetApplicationRequest.SerializeToString,
    response_deserializer=t.TransportApplication.FromString)
listing = ch.unary_unary("/casework.v1.TransportService/ListApplications",
    request_serializer=t.ListApplicationsRequest.SerializeToString,
    response_deserializer=t.ListApplicationsResponse.FromString)
def facts(**kw):
    f = dict(date_of_birth=common_pb2.Date(year=2015, month=5, day=1), academic_year=2026,
             nearest_suitable_school=True, walking_miles=3.2, road_miles=3.5)
    f.update(kw)
    return t.TravelFacts(**f)
def expect(code, field, req):
    try:
        submit(req, metadata=auth); raise SystemExit(f"accepted: {req}")
    except grpc.RpcError as e:
        assert e.code() == code and field in e.details(), (e.code(), e.details())
base = dict(request_id="py-t1", application_id="py-t1", child_id="py-tchild",
            officer_id="officer-01", received_on=common_pb2.Date(year=2026, month=6, day=1))
expect(grpc.StatusCode.INVALID_ARGUMENT, "facts.walking_miles",
       t.SubmitApplicationRequest(**base, facts=facts(walking_miles=-1.0)))
expect(grpc.StatusCode.INVALID_ARGUMENT, "facts.date_of_birth",
       t.SubmitApplicationRequest(**base, facts=facts(date_of_birth=common_pb2.Date(year=2030, month=1, day=1))))
try:
    get(t.GetApplicationRequest(application_id="no-such-app"), metadata=auth)
    raise SystemExit("unknown application found")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.NOT_FOUND, e
assert len(listing(t.ListApplicationsRequest(child_id="py-tchild"), metadata=auth).applications) == 0
print("transport stock client: ok")
PY
for _ in $(seq 1 50); do
  timeout 30 kcat -b "$(cat "$work/var/kafka.bootstrap")" -t casework.transport.v1 -C -o beginning -e \
    -f '%k|%h\n' >"$work/kcat-transport.out" 2>/dev/null || true
  grep -q "ce_type=uk.send.casework.transport.v1.TransportArranged" "$work/kcat-transport.out" && break
  sleep 0.2
done
grep -q "^tchild-1|.*ce_type=uk.send.casework.transport.v1.ApplicationReceived" "$work/kcat-transport.out" \
  || fail "no transport events on the topic: $(head -3 "$work/kcat-transport.out")"

# Complaints: the stage 2 handler rule, the appeal deadline moved out of Christmas, and bad
# input from a stock client.
"$bin/casectl" complaint log --id cp-1 --child cchild-1 --officer officer-01 --subject transport \
  --received 2026-10-01 >/dev/null || fail "complaint log"
"$bin/casectl" complaint ack cp-1 --on 2026-10-02 >/dev/null || fail "ack"
"$bin/casectl" complaint respond cp-1 --finding not-upheld --on 2026-10-09 >/dev/null || fail "respond"
"$bin/casectl" complaint escalate cp-1 --handler officer-01 --on 2026-10-12 2>"$work/err" \
  && fail "stage 2 given to the stage 1 handler"
grep -q "FAILED_PRECONDITION.*stage 1 handler" "$work/err" || fail "handler rule: $(cat "$work/err")"
"$bin/casectl" complaint escalate cp-1 --handler manager-north --on 2026-10-12 >/dev/null \
  || fail "escalate"
"$bin/casectl" complaint show cp-1 | grep "stage 2" >/dev/null || fail "complaint show"
"$bin/casectl" disagreement record --id dg-1 --child cchild-1 --officer officer-01 \
  --decision refusal-to-assess --letter 2026-10-27 >/dev/null || fail "disagreement"
"$bin/casectl" disagreement show dg-1 | grep "appeal deadline 2027-01-04" >/dev/null || fail "appeal deadline"
PYTHONPATH="$work/py" /usr/bin/python3 - "127.0.0.1:$complaints_port" "$CASEWORK_TOKEN" <<'PY' \
  || fail "complaints bad input"
import sys, grpc
from casework.v1 import common_pb2, complaints_pb2 as c
ch = grpc.insecure_channel(sys.argv[1])
auth = [("authorization", "Bearer " + sys.argv[2])]
log = ch.unary_unary("/casework.v1.ComplaintsService/LogComplaint",
    request_serializer=c.LogComplaintRequest.SerializeToString,
    response_deserializer=common_pb2.CommandResult.FromString)
get = ch.unary_unary("/casework.v1.ComplaintsService/GetComplaint",
    request_serializer=c.GetComplaintRequest.SerializeToString,
    response_deserializer=c.Complaint.FromString)
listing = ch.unary_unary("/casework.v1.ComplaintsService/ListComplaints",
    request_serializer=c.ListComplaintsRequest.SerializeToString,
    response_deserializer=c.ListComplaintsResponse.FromString)
req = c.LogComplaintRequest(request_id="py-c1", complaint_id="py-c1", child_id="py-cchild",
    officer_id="officer-01", complainant=c.COMPLAINANT_PARENT, subject=c.COMPLAINT_SUBJECT_OTHER,
    received_on=common_pb2.Date(year=2026, month=10, day=1))
try:
    log(req, metadata=auth); raise SystemExit("a complaint without a procedure was logged")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.INVALID_ARGUMENT and "procedure" in e.details(), e
try:
    get(c.GetComplaintRequest(complaint_id="no-such"), metadata=auth); raise SystemExit("found")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.NOT_FOUND, e
assert len(listing(c.ListComplaintsRequest(child_id="py-cchild"), metadata=auth).complaints) == 0
print("complaints stock client: ok")
PY
for _ in $(seq 1 50); do
  timeout 30 kcat -b "$(cat "$work/var/kafka.bootstrap")" -t casework.complaints.v1 -C -o beginning -e \
    -f '%k|%h\n' >"$work/kcat-complaints.out" 2>/dev/null || true
  grep -q "^cchild-1|.*ComplaintEscalated" "$work/kcat-complaints.out" && break
  sleep 0.2
done
grep -q "^cchild-1|.*ce_type=uk.send.casework.complaints.v1.ComplaintLogged" "$work/kcat-complaints.out" \
  || fail "no complaint events on the topic"

echo "stock clients: ok"
