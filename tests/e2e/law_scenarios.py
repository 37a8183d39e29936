"""The law, end to end: one scenario per clock rule at its boundary days, through gRPC with a stock
client (python3-grpcio, code generated from proto/ at test time), on a stack whose business
date is fixed with casework-dev --today (non-production).

Phase A runs on a stack fixed at Tue 3 March 2026; phase B on the same data restarted at
Fri 29 January 2027, when the clocks begun in phase A have run out.

Usage: law_scenarios.py PHASE EHC REVIEWS TRANSPORT COMPLAINTS PROJECTION MANAGER_TOKEN
"""
import datetime
import sys
import time

import grpc
from google.protobuf import symbol_database

from casework.v1 import (annual_review_pb2 as r, common_pb2, complaints_pb2 as c,
                         ehc_assessment_pb2 as e, projection_pb2 as p, transport_pb2 as t)

SYMBOLS = symbol_database.Default()


def D(y, m, d):
    return common_pb2.Date(year=y, month=m, day=d)


def day(date):
    return datetime.date(date.year, date.month, date.day)


class Service:
    """Calls any method of a service by name, with the caller's bearer token."""

    def __init__(self, address, module, name, token):
        self.channel = grpc.insecure_channel(address)
        self.descriptor = module.DESCRIPTOR.services_by_name[name]
        self.name = name
        self.auth = [("authorization", "Bearer " + token)]
        self.count = 0

    def _call(self, method, fields):
        m = self.descriptor.methods_by_name[method]
        request_type = SYMBOLS.GetSymbol(m.input_type.full_name)
        response_type = SYMBOLS.GetSymbol(m.output_type.full_name)
        if "request_id" in request_type.DESCRIPTOR.fields_by_name:
            self.count += 1
            fields.setdefault("request_id", f"law-{PHASE}-{self.name}-{method}-{self.count}")
        call = self.channel.unary_unary(
            f"/casework.v1.{self.name}/{method}",
            request_serializer=request_type.SerializeToString,
            response_deserializer=response_type.FromString)
        return call(request_type(**fields), metadata=self.auth, timeout=30)

    def __call__(self, method, **fields):
        try:
            return self._call(method, fields)
        except grpc.RpcError as err:
            raise SystemExit(f"{self.name}.{method}: {err.code()} {err.details()}")

    def refused(self, code, text, method, **fields):
        """The call is refused with `code`, and the message says `text`."""
        try:
            self._call(method, fields)
        except grpc.RpcError as err:
            assert err.code() == code, (method, err.code(), err.details())
            assert text in err.details(), (method, text, err.details())
            return err.details()
        raise SystemExit(f"{self.name}.{method} accepted {fields}")


def clock(state, clock_id):
    for k in state.clocks:
        if k.clock_id == clock_id:
            return k
    raise AssertionError(f"no clock {clock_id} in {[k.clock_id for k in state.clocks]}")


def has_clock(state, clock_id):
    return any(k.clock_id == clock_id for k in state.clocks)


def measure(card, code):
    for m in card.measures:
        if m.code == code:
            return m
    raise AssertionError(f"no measure {code}")


def seen(source, result):
    return p.SeenWrite(source=source, stream_id=result.stream_id, version=result.version)


OK = []


def passed(item, what):
    OK.append(item)
    print(f"law {PHASE} item {item}: {what}: ok")


def phase_a(ehc, rev, tr, cp, proj):
    # The settable today: a step dated after the stack's fixed today is refused.
    ehc.refused(grpc.StatusCode.FAILED_PRECONDITION, "in the future", "RecordRequest",
                assessment_id="law-future", child_id="law-child-0", officer_id="officer-01",
                received_on=D(2026, 3, 4), source=e.REQUEST_SOURCE_PARENT,
                kind=e.ASSESSMENT_KIND_FIRST)

    # 1. HESC Rules r.12(2): letter 31 Dec 2025, 2 months is Sat 28 Feb 2026: in time on Mon
    #    2 March; registered on 3 March it is late.
    for n, registered, late in (("1a", D(2026, 3, 2), False), ("1b", D(2026, 3, 3), True)):
        cp("RecordDisagreement", disagreement_id=f"law-dg-{n}", child_id=f"law-child-{n}",
           officer_id="officer-01", decision=c.APPEALABLE_DECISION_PLAN_CONTENTS,
           decision_letter_on=D(2025, 12, 31))
        cp("RegisterAppeal", disagreement_id=f"law-dg-{n}", registered_on=registered)
        d = cp("GetDisagreement", disagreement_id=f"law-dg-{n}")
        assert day(d.appeal_deadline) == datetime.date(2026, 3, 2), d.appeal_deadline
        assert d.appeal_late == late, (n, d.appeal_late)
    passed(1, "appeal deadline moved off the weekend to Mon 2 Mar 2026")

    # 2. Regs 25, 27: a re-assessment names its plan; the decision is due 15 days from the
    #    request (5 Jan -> 20 Jan); the final plan 14 weeks from the decision (21 Jan -> 29 Apr).
    ehc.refused(grpc.StatusCode.INVALID_ARGUMENT, "plan_id", "RecordRequest",
                assessment_id="law-re-1", child_id="law-child-2", officer_id="officer-02",
                received_on=D(2026, 1, 5), source=e.REQUEST_SOURCE_PARENT,
                kind=e.ASSESSMENT_KIND_REASSESSMENT)
    ehc("RecordRequest", assessment_id="law-re-1", child_id="law-child-2",
        officer_id="officer-02", received_on=D(2026, 1, 5), source=e.REQUEST_SOURCE_PARENT,
        kind=e.ASSESSMENT_KIND_REASSESSMENT, plan_id="law-plan-2")
    a = ehc("GetAssessment", assessment_id="law-re-1")
    decision = clock(a, "decision")
    assert decision.rule == "ehc.reassessment_decision", decision
    assert day(decision.due_on) == datetime.date(2026, 1, 20), decision
    ehc("DecideToAssess", assessment_id="law-re-1", decided_on=D(2026, 1, 21))
    a = ehc("GetAssessment", assessment_id="law-re-1")
    assert clock(a, "decision").status == common_pb2.CLOCK_STATUS_MISSED
    final = clock(a, "final_plan")
    assert final.rule == "ehc.reassessment_final_plan", final
    assert day(final.started_on) == datetime.date(2026, 1, 21), final
    assert day(final.due_on) == datetime.date(2026, 4, 29), final
    assert not has_clock(a, "no_plan_decision")
    passed(2, "re-assessment: 15 days to decide, 14 weeks from the decision")

    # 3. Exceptions meet their own conditions, fall within the clock's period, and one
    #    recorded after the clock was missed lifts nothing.
    ehc("RecordRequest", assessment_id="law-x-1", child_id="law-child-3a",
        officer_id="officer-03", received_on=D(2026, 1, 5), source=e.REQUEST_SOURCE_PARENT,
        kind=e.ASSESSMENT_KIND_FIRST)
    ehc("DecideToAssess", assessment_id="law-x-1", decided_on=D(2026, 1, 20))
    ehc("RequestAdvice", assessment_id="law-x-1", advice_id="school",
        advice_type=e.ADVICE_TYPE_EDUCATION_SETTING, requested_on=D(2026, 1, 26))
    ehc("RequestAdvice", assessment_id="law-x-1", advice_id="ep",
        advice_type=e.ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY, requested_on=D(2026, 1, 26))
    ehc.refused(grpc.StatusCode.INVALID_ARGUMENT, "not less than 4 weeks", "RecordException",
                assessment_id="law-x-1", kind=e.EXCEPTION_KIND_SCHOOL_CLOSURE,
                starts_on=D(2026, 2, 2), ends_on=D(2026, 2, 28), advice_id="school")
    ehc.refused(grpc.StatusCode.INVALID_ARGUMENT, "advice_id", "RecordException",
                assessment_id="law-x-1", kind=e.EXCEPTION_KIND_SCHOOL_CLOSURE,
                starts_on=D(2026, 2, 2), ends_on=D(2026, 3, 1), advice_id="ep")
    ehc.refused(grpc.StatusCode.INVALID_ARGUMENT, "ends_on", "RecordException",
                assessment_id="law-x-1", kind=e.EXCEPTION_KIND_ABSENCE_FROM_AREA,
                starts_on=D(2026, 2, 2))
    # Closed 2 Feb to 1 Mar (28 days); the window is 26 Jan to 22 Feb: the advice is in it.
    ehc("RecordException", assessment_id="law-x-1",
        kind=e.EXCEPTION_KIND_SCHOOL_CLOSURE, starts_on=D(2026, 2, 2), ends_on=D(2026, 3, 1),
        advice_id="school")
    a = ehc("GetAssessment", assessment_id="law-x-1")
    assert clock(a, "final_plan").exception and clock(a, "no_plan_decision").exception
    assert not clock(a, "advice/school").exception  # reg 8(2) does not list closures
    ehc("RecordRequest", assessment_id="law-x-2", child_id="law-child-3b",
        officer_id="officer-03", received_on=D(2025, 9, 1), source=e.REQUEST_SOURCE_PARENT,
        kind=e.ASSESSMENT_KIND_FIRST)
    ehc("DecideToAssess", assessment_id="law-x-2", decided_on=D(2025, 9, 20))
    # The 20 weeks ran out on 19 Jan 2026: circumstances recorded now lift nothing.
    ehc("RecordException", assessment_id="law-x-2",
        kind=e.EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES, starts_on=D(2025, 10, 1))
    a = ehc("GetAssessment", assessment_id="law-x-2")
    assert not clock(a, "final_plan").exception, clock(a, "final_plan")
    assert day(a.exceptions[0].recorded_on) == datetime.date(2026, 3, 3), a.exceptions[0]
    passed(3, "exception conditions, closure window, none lifted after the event")

    # 4. CFA 2014 s.44(1): due the day before the anniversary; the backlog follows.
    plans = (("law-p4a", D(2025, 1, 15), datetime.date(2026, 1, 14)),
             ("law-p4b", D(2024, 2, 29), datetime.date(2025, 2, 28)),
             ("law-p4c", D(2025, 3, 3), datetime.date(2026, 3, 2)),
             ("law-p4d", D(2025, 3, 4), datetime.date(2026, 3, 3)))
    registered = []
    for plan_id, issued, due in plans:
        registered.append(rev("RegisterPlan", plan_id=plan_id, child_id=f"child-{plan_id}",
                              officer_id="officer-04", issued_on=issued,
                              date_of_birth=D(2015, 1, 1), nc_year=6,
                              origin=r.PLAN_ORIGIN_MIGRATED))
        got = day(clock(rev("GetPlan", plan_id=plan_id), "review/1").due_on)
        assert got == due, (plan_id, got, due)
    card = proj("GetOfficerScorecard", officer_id="officer-04",
                **{"from": D(2026, 1, 1)}, to=D(2026, 3, 3), as_of=D(2026, 3, 3),
                after=[seen("annual-reviews", x) for x in registered])
    backlog = measure(card, "review.backlog")
    assert (backlog.numerator, backlog.denominator) == (3, 4), backlog
    passed(4, "review due the day before the anniversary; backlog 3 of 4 on 3 Mar 2026")

    # 5. Reg 18(1): "before 15 February" / "before 31 March".
    for plan_id, kind, deadline in (
            ("law-p5a", r.PHASE_TRANSFER_KIND_SCHOOL_PHASE, datetime.date(2026, 2, 14)),
            ("law-p5b", r.PHASE_TRANSFER_KIND_SECONDARY_TO_POST16, datetime.date(2026, 3, 30))):
        rev("RegisterPlan", plan_id=plan_id, child_id=f"child-{plan_id}", officer_id="officer-05",
            issued_on=D(2025, 6, 1), date_of_birth=D(2014, 1, 1), nc_year=6,
            origin=r.PLAN_ORIGIN_MIGRATED)
        rev("SetPhaseTransfer", plan_id=plan_id, kind=kind, move_on=D(2026, 9, 1),
            set_on=D(2026, 1, 5))
        got = day(clock(rev("GetPlan", plan_id=plan_id), "phase_transfer").due_on)
        assert got == deadline, (plan_id, got)
    passed(5, "phase transfers due 14 Feb / 30 Mar")

    # 6. A decision to cease is not a ceasing: the plan stays active with its next review.
    rev("RegisterPlan", plan_id="law-p6", child_id="child-law-p6", officer_id="officer-06",
        issued_on=D(2025, 1, 20), date_of_birth=D(2015, 1, 1), nc_year=5,
        origin=r.PLAN_ORIGIN_MIGRATED)
    rev("ScheduleReviewMeeting", plan_id="law-p6", meeting_on=D(2026, 1, 12))
    rev("RecordPapersSent", plan_id="law-p6", sent_on=D(2025, 12, 22))
    rev("RecordMeetingHeld", plan_id="law-p6", held_on=D(2026, 1, 12))
    rev("RecordReviewDecision", plan_id="law-p6", decision=r.REVIEW_DECISION_CEASE,
        notified_on=D(2026, 1, 15))
    plan = rev("GetPlan", plan_id="law-p6")
    assert plan.status == r.PLAN_STATUS_ACTIVE, plan.status
    review2 = clock(plan, "review/2")
    assert review2.status == common_pb2.CLOCK_STATUS_OPEN, review2
    assert day(review2.due_on) == datetime.date(2027, 1, 14), review2
    rev("ScheduleReviewMeeting", plan_id="law-p6", meeting_on=D(2026, 12, 1))
    passed(6, "decided to cease: still active, next review due 14 Jan 2027")

    # 7. Reg 13(1): 15 days beginning with service on 10 Feb run to 24 Feb; the final plan
    #    may issue from 25 Feb.
    ehc("RecordRequest", assessment_id="law-a7", child_id="law-child-7", officer_id="officer-07",
        received_on=D(2025, 12, 1), source=e.REQUEST_SOURCE_PARENT, kind=e.ASSESSMENT_KIND_FIRST)
    ehc("DecideToAssess", assessment_id="law-a7", decided_on=D(2025, 12, 15))
    ehc("IssueDraftPlan", assessment_id="law-a7", issued_on=D(2026, 2, 10))
    a = ehc("GetAssessment", assessment_id="law-a7")
    assert day(clock(a, "draft_comment").due_on) == datetime.date(2026, 2, 24)
    ehc.refused(grpc.StatusCode.FAILED_PRECONDITION, "issue from 2026-02-25", "IssueFinalPlan",
                assessment_id="law-a7", issued_on=D(2026, 2, 24))
    ehc("IssueFinalPlan", assessment_id="law-a7", issued_on=D(2026, 2, 25))
    passed(7, "draft comment period due service + 14; final from service + 15")

    # 8. Complaint Handling Code part 6: the escalation acknowledged within 5 working days;
    #    stage 2 due 20 working days from that acknowledgement; one extension of up to 20.
    cp("LogComplaint", complaint_id="law-cp8", child_id="law-child-8", officer_id="officer-05",
       complainant=c.COMPLAINANT_PARENT, subject=c.COMPLAINT_SUBJECT_COMMUNICATION,
       procedure=c.COMPLAINT_PROCEDURE_CORPORATE, received_on=D(2026, 1, 5))
    cp("AcknowledgeComplaint", complaint_id="law-cp8", acknowledged_on=D(2026, 1, 6))
    cp("RespondToComplaint", complaint_id="law-cp8", finding=c.COMPLAINT_FINDING_NOT_UPHELD,
       responded_on=D(2026, 1, 15), handler_id="officer-05")
    cp("EscalateComplaint", complaint_id="law-cp8", escalated_on=D(2026, 1, 20),
       handler_id="manager-north")
    cx = cp("GetComplaint", complaint_id="law-cp8")
    assert day(clock(cx, "stage2/acknowledge").due_on) == datetime.date(2026, 1, 27)
    assert not has_clock(cx, "stage2")
    cp.refused(grpc.StatusCode.FAILED_PRECONDITION, "acknowledge the stage 2 escalation first",
               "RespondToComplaint", complaint_id="law-cp8",
               finding=c.COMPLAINT_FINDING_NOT_UPHELD, responded_on=D(2026, 1, 21))
    cp("AcknowledgeComplaint", complaint_id="law-cp8", acknowledged_on=D(2026, 1, 22))
    cx = cp("GetComplaint", complaint_id="law-cp8")
    assert day(clock(cx, "stage2").started_on) == datetime.date(2026, 1, 22)
    assert day(clock(cx, "stage2").due_on) == datetime.date(2026, 2, 19)
    cp.refused(grpc.StatusCode.FAILED_PRECONDITION, "at most 20", "ExtendComplaint",
               complaint_id="law-cp8", working_days=21, reason="an independent report")
    cp("ExtendComplaint", complaint_id="law-cp8", working_days=20,
       reason="an independent report")
    cx = cp("GetComplaint", complaint_id="law-cp8")
    assert day(clock(cx, "stage2").due_on) == datetime.date(2026, 3, 19)
    cp.refused(grpc.StatusCode.FAILED_PRECONDITION, "already extended once", "ExtendComplaint",
               complaint_id="law-cp8", working_days=1, reason="more time")
    passed(8, "stage 2: acknowledged in 5 working days, reply 20 from it, one extension")

    # 9. Education Act 1996 s.8, s.508B.
    facts = dict(academic_year=2026, school_id="sch-9", nearest_suitable_school=True,
                 walking_miles=4.0, road_miles=4.5)
    tr.refused(grpc.StatusCode.INVALID_ARGUMENT, "facts.post16", "AssessEligibility",
               facts=t.TravelFacts(date_of_birth=D(2011, 5, 1), post16=True, **facts))
    tr.refused(grpc.StatusCode.INVALID_ARGUMENT, "facts.walking_miles", "AssessEligibility",
               facts=t.TravelFacts(date_of_birth=D(2014, 5, 1), academic_year=2026,
                                   nearest_suitable_school=True))
    x = tr("AssessEligibility", facts=t.TravelFacts(date_of_birth=D(2022, 3, 1), **facts))
    assert x.outcome == t.ELIGIBILITY_OUTCOME_ELIGIBLE, x
    assert day(x.entitled_from) == datetime.date(2027, 3, 31), x
    tr("SubmitApplication", application_id="law-tr9", child_id="law-child-9",
       officer_id="officer-07", received_on=D(2026, 3, 2),
       facts=t.TravelFacts(date_of_birth=D(2022, 3, 1), **facts))
    tr("RecordDecision", application_id="law-tr9", decision=t.TRANSPORT_DECISION_ELIGIBLE,
       notified_on=D(2026, 3, 3))
    app = tr("GetApplication", application_id="law-tr9")
    assert day(clock(app, "in_place").due_on) == datetime.date(2027, 3, 31), app.clocks
    passed(9, "compulsory school age: post-16 label refused, entitled from 31 Mar 2027, "
              "no distance no decision")

    # 10. The request's date of birth travels with the final plan to annual reviews: the
    #     under-5 interval (6 months) applies.
    ehc("RecordRequest", assessment_id="law-a10", child_id="law-child-10",
        officer_id="officer-01", received_on=D(2025, 9, 1), source=e.REQUEST_SOURCE_PARENT,
        kind=e.ASSESSMENT_KIND_FIRST, date_of_birth=D(2023, 6, 1))
    ehc("DecideToAssess", assessment_id="law-a10", decided_on=D(2025, 9, 10))
    ehc("IssueDraftPlan", assessment_id="law-a10", issued_on=D(2025, 10, 1))
    ehc("IssueFinalPlan", assessment_id="law-a10", issued_on=D(2025, 10, 20))
    deadline = time.monotonic() + 60
    while True:  # the plan intake consumes the EHC topic
        try:
            plan = rev._call("GetPlan", {"plan_id": "plan-law-a10"})
            break
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.NOT_FOUND or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert day(plan.date_of_birth) == datetime.date(2023, 6, 1), plan
    review1 = clock(plan, "review/1")
    assert review1.rule == "review.under_5", review1
    assert day(review1.due_on) == datetime.date(2026, 4, 20), review1
    passed(10, "plan from the EHC service carries the date of birth: under-5 review")


def phase_b(ehc, rev, tr, cp, proj):
    # 3 (continued). Both final plans are late; the one excepted in time is excluded from
    #    the 20-week measure, the one whose exception came after the event is not.
    results = []
    for a in ("law-x-1", "law-x-2"):
        ehc("IssueDraftPlan", assessment_id=a, issued_on=D(2026, 6, 1))
        results.append(ehc("IssueFinalPlan", assessment_id=a, issued_on=D(2026, 7, 1)))
    card = proj("GetOfficerScorecard", officer_id="officer-03", **{"from": D(2026, 1, 1)},
                to=D(2026, 12, 31), after=[seen("ehc-assessments", x) for x in results])
    m = measure(card, "ehc.final_plan_20_weeks")
    assert (m.numerator, m.denominator, m.excluded) == (0, 1, 1), m
    passed(3, "20-week measure: 0 of 1, 1 excluded (the exception recorded in time)")

    # 2 (continued). The re-assessment decision made a day late counts against the officer.
    last = ehc("IssueDraftPlan", assessment_id="law-re-1", issued_on=D(2026, 4, 1))
    card = proj("GetOfficerScorecard", officer_id="officer-02", **{"from": D(2026, 1, 1)},
                to=D(2026, 12, 31), after=[seen("ehc-assessments", last)])
    m = measure(card, "ehc.reassessment_decision_15_days")
    assert (m.numerator, m.denominator) == (0, 1), m
    passed(2, "re-assessment decisions within 15 days: 0 of 1")

    # 6 (continued). The plan decided for ceasing is still due its review (14 Jan 2027): on
    #    29 Jan 2027 it is in the backlog until it is actually ceased.
    plan = rev("GetPlan", plan_id="law-p6")
    card = proj("GetOfficerScorecard", officer_id="officer-06", **{"from": D(2027, 1, 1)},
                to=D(2027, 1, 29), as_of=D(2027, 1, 29),
                after=[p.SeenWrite(source="annual-reviews", stream_id="law-p6",
                                   version=plan.version)])
    backlog = measure(card, "review.backlog")
    assert (backlog.numerator, backlog.denominator) == (1, 1), backlog
    ceased = rev("CeasePlan", plan_id="law-p6", ceased_on=D(2027, 1, 29),
                 reason=r.CEASE_REASON_NEEDS_MET)
    plan = rev("GetPlan", plan_id="law-p6")
    assert plan.status == r.PLAN_STATUS_CEASED
    assert clock(plan, "review/2").status == common_pb2.CLOCK_STATUS_CANCELLED
    card = proj("GetOfficerScorecard", officer_id="officer-06", **{"from": D(2027, 1, 1)},
                to=D(2027, 1, 29), as_of=D(2027, 1, 29), after=[seen("annual-reviews", ceased)])
    backlog = measure(card, "review.backlog")
    assert (backlog.numerator, backlog.denominator) == (0, 0), backlog
    passed(6, "in the backlog until ceased, then out")


def run(phase, ehc_addr, reviews_addr, transport_addr, complaints_addr, proj_addr, token):
    """Runs phase A or B against the stack at these addresses (law_test.py)."""
    global PHASE
    PHASE = phase
    OK.clear()
    services = (Service(ehc_addr, e, "EhcAssessmentService", token),
                Service(reviews_addr, r, "AnnualReviewService", token),
                Service(transport_addr, t, "TransportService", token),
                Service(complaints_addr, c, "ComplaintsService", token),
                Service(proj_addr, p, "ProjectionService", token))
    (phase_a if PHASE == "A" else phase_b)(*services)
    print(f"law {PHASE}: {len(OK)} checks passed")


def main():
    run(*sys.argv[1:8])


PHASE = "?"
if __name__ == "__main__":
    main()
