"""Contract test, part 1: a stock gRPC client (python3-grpcio, code generated from proto/)
takes cases through the paths the demo may not reach at small sizes, so that every event
type of every topic is published at least once: an EHC request that ends with a move out of
the area, one assessed and not issued a plan; plans reassigned, not amended after representations, and proposed to cease; a
transport arrangement changed, replaced by travel training and ended, a refusal taken to the
stage 2 panel; a complaint extended, escalated, referred to the Ombudsman and decided, one
withdrawn; a disagreement through mediation, tribunal, order and compliance; a compliment, and a
survey sent and answered; a permanent exclusion the back office publishes (python3-confluent-kafka,
to $CASEWORK_BROKERS) and the officer's answer to the early review it asks for.

Usage: walk.py EHC_ADDR REVIEWS_ADDR TRANSPORT_ADDR COMPLAINTS_ADDR TOKEN QA_TOKEN
(TOKEN a manager's, QA_TOKEN the QA lead's, who draws a dip sample.)
All dates are in 2025, so always in the past.
"""
import os
import sys
import time

import grpc
from confluent_kafka import Producer

from casework.v1 import (annual_review_pb2 as r, common_pb2, complaints_pb2 as c,
                         ehc_assessment_pb2 as e, school_events_pb2 as se, transport_pb2 as t)


def client_config():
    """Extra client settings (a real cluster's SASL login): CASEWORK_KAFKA_CLIENT_CONFIG,
    "key=value,..."."""
    text = os.environ.get("CASEWORK_KAFKA_CLIENT_CONFIG", "")
    return dict(part.split("=", 1) for part in text.split(",") if part)


def D(y, m, d):
    return common_pb2.Date(year=y, month=m, day=d)


class Service:
    def __init__(self, address, module, name, token):
        self.channel = grpc.insecure_channel(address)
        self.module = module
        self.descriptor = module.DESCRIPTOR.services_by_name[name]
        self.name = name
        self.auth = [("authorization", "Bearer " + token)]
        self.count = 0

    def __call__(self, method, **fields):
        m = self.descriptor.methods_by_name[method]
        request_type = getattr(self.module, m.input_type.name)
        response_type = getattr(common_pb2 if m.output_type.name == "CommandResult"
                                else self.module, m.output_type.name)
        self.count += 1
        if "request_id" in request_type.DESCRIPTOR.fields_by_name:
            fields.setdefault("request_id", f"walk-{self.name}-{method}-{self.count}")
        call = self.channel.unary_unary(
            f"/casework.v1.{self.name}/{method}",
            request_serializer=request_type.SerializeToString,
            response_deserializer=response_type.FromString)
        try:
            return call(request_type(**fields), metadata=self.auth, timeout=30)
        except grpc.RpcError as err:
            raise SystemExit(f"{self.name}.{method}: {err.code()} {err.details()}")


def main():
    ehc_addr, reviews_addr, transport_addr, complaints_addr, token, qa_token = sys.argv[1:7]
    officer = "officer-01"

    ehc = Service(ehc_addr, e, "EhcAssessmentService", token)
    ehc("RecordRequest", assessment_id="walk-asmt-1", child_id="walk-child-1",
        officer_id=officer, received_on=D(2025, 3, 3), source=e.REQUEST_SOURCE_PARENT,
        kind=e.ASSESSMENT_KIND_FIRST)
    ehc("RecordMovedOutOfArea", assessment_id="walk-asmt-1", moved_on=D(2025, 3, 20),
        to_la="825")
    ehc("RecordRequest", assessment_id="walk-asmt-2", child_id="walk-child-1b",
        officer_id=officer, received_on=D(2025, 3, 3), source=e.REQUEST_SOURCE_HEALTH,
        kind=e.ASSESSMENT_KIND_FIRST)
    ehc("DecideToAssess", assessment_id="walk-asmt-2", decided_on=D(2025, 4, 1))
    ehc("RequestAdvice", assessment_id="walk-asmt-2", advice_id="walk-ep-1",
        advice_type=e.ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY, requested_on=D(2025, 4, 2))
    ehc("RecordAdviceReceived", assessment_id="walk-asmt-2", advice_id="walk-ep-1",
        received_on=D(2025, 5, 1))
    ehc("AuditAdvice", assessment_id="walk-asmt-2", advice_id="walk-ep-1",
        audit_id="walk-aa-1", kind=common_pb2.AUDIT_KIND_THEMED, audited_on=D(2025, 5, 10),
        findings=[common_pb2.CriterionFinding(
            criterion="needs_described", result=common_pb2.CRITERION_RESULT_MET)])
    ehc("DecideNotToIssuePlan", assessment_id="walk-asmt-2", decided_on=D(2025, 6, 2))
    # A draft plan, audited by the QA lead.
    ehc("RecordRequest", assessment_id="walk-asmt-3", child_id="walk-child-1c",
        officer_id=officer, received_on=D(2025, 3, 3), source=e.REQUEST_SOURCE_PARENT,
        kind=e.ASSESSMENT_KIND_FIRST)
    ehc("DecideToAssess", assessment_id="walk-asmt-3", decided_on=D(2025, 4, 1))
    ehc("IssueDraftPlan", assessment_id="walk-asmt-3", issued_on=D(2025, 6, 2))
    ehc_qa = Service(ehc_addr, e, "EhcAssessmentService", qa_token)
    ehc_qa("AuditDraftPlan", assessment_id="walk-asmt-3", audit_id="walk-da-1",
           kind=common_pb2.AUDIT_KIND_THEMED, audited_on=D(2025, 6, 5),
           findings=[common_pb2.CriterionFinding(
               criterion="coproduction", result=common_pb2.CRITERION_RESULT_MET)])

    rev = Service(reviews_addr, r, "AnnualReviewService", token)
    rev("RegisterPlan", plan_id="walk-plan-1", child_id="walk-child-2", officer_id=officer,
        issued_on=D(2024, 2, 1), date_of_birth=D(2014, 5, 1), nc_year=5)
    rev("ReassignOfficer", plan_id="walk-plan-1", officer_id="officer-02",
        reassigned_on=D(2025, 1, 6))
    rev("ScheduleReviewMeeting", plan_id="walk-plan-1", meeting_on=D(2025, 1, 20))
    rev("RecordPapersSent", plan_id="walk-plan-1", sent_on=D(2025, 1, 6))
    rev("RecordMeetingHeld", plan_id="walk-plan-1", held_on=D(2025, 1, 20))
    rev("RecordReviewDecision", plan_id="walk-plan-1", decision=r.REVIEW_DECISION_AMEND,
        notified_on=D(2025, 2, 10))
    rev("DecideNotToAmend", plan_id="walk-plan-1", decided_on=D(2025, 3, 10))
    rev("RecordPlacement", plan_id="walk-plan-1",
        placement=r.Placement(placement_id="walk-pl-1",
                              establishment=common_pb2.Setting(urn="100001", rank=1),
                              entry_date=D(2024, 9, 4)))
    # A themed audit by the manager (not the plan's officer), with an action for the officer.
    rev("AuditPlan", plan_id="walk-plan-1", audit_id="walk-audit-1",
        kind=common_pb2.AUDIT_KIND_THEMED, audited_on=D(2025, 3, 12),
        findings=[common_pb2.CriterionFinding(
            criterion="child_views", result=common_pb2.CRITERION_RESULT_PARTLY_MET)],
        actions=[common_pb2.AuditAction(action_id="walk-act-1", section="A",
                                        description="Add the child's own words")])
    rev("CompleteAuditAction", plan_id="walk-plan-1", audit_id="walk-audit-1",
        action_id="walk-act-1", completed_on=D(2025, 3, 20))
    # The QA lead draws a dip sample of every plan last issued on walk-plan-1's day.
    qa = Service(reviews_addr, r, "AnnualReviewService", qa_token)
    drawn = qa("DrawSample", sample_id="walk-sample-1", issued_from=D(2024, 2, 1),
               issued_to=D(2024, 2, 1), percent=100)
    if "walk-plan-1" not in drawn.plan_ids:
        raise SystemExit(f"DrawSample did not draw walk-plan-1: {drawn}")
    rev("RegisterPlan", plan_id="walk-plan-2", child_id="walk-child-3", officer_id=officer,
        issued_on=D(2023, 6, 1), last_decision_on=D(2024, 6, 1),
        date_of_birth=D(2006, 9, 1), nc_year=14)
    rev("ProposeToCease", plan_id="walk-plan-2", proposed_on=D(2025, 4, 1))
    # The back office reports walk-child-3's permanent exclusion; once the reviews service has
    # taken it in, the officer answers "consider an early review".
    record = se.SchoolEventRecord(record_id="walk-se-1", child_id="walk-child-3",
                                  permanent_exclusion=se.PermanentExclusion(
                                      effective_on=D(2025, 4, 2)))
    producer = Producer({"bootstrap.servers": os.environ["CASEWORK_BROKERS"],
                         **client_config()})
    producer.produce("casework.school-events.v1", key=b"walk-child-3",
                     value=record.SerializeToString(),
                     headers=[("ce_type", b"uk.send.casework.school-events.v1.SchoolEventRecord"),
                              ("content-type", b"application/protobuf")])
    if producer.flush(30) != 0:
        raise SystemExit("the school event was not delivered")
    for _ in range(300):
        if "DecideEarlyReview" in rev("GetPlan", plan_id="walk-plan-2").allowed_actions:
            break
        time.sleep(0.1)
    rev("DecideEarlyReview", plan_id="walk-plan-2", decision=r.EARLY_REVIEW_DECISION_HOLD)

    tr = Service(transport_addr, t, "TransportService", token)
    eligible = t.TravelFacts(date_of_birth=D(2015, 5, 1), academic_year=2025, school_id="sch-1",
                             nearest_suitable_school=True, walking_miles=3.4, road_miles=3.8)
    tr("SubmitApplication", application_id="walk-tr-1", child_id="walk-child-4",
       officer_id=officer, received_on=D(2025, 5, 1), facts=eligible)
    tr("RecordDecision", application_id="walk-tr-1", decision=t.TRANSPORT_DECISION_ELIGIBLE,
       notified_on=D(2025, 5, 20))
    tr("ArrangeTransport", application_id="walk-tr-1", type=t.ARRANGEMENT_TYPE_VEHICLE_OR_TAXI,
       starts_on=D(2025, 9, 3), arranged_on=D(2025, 8, 1))
    tr("ChangeArrangement", application_id="walk-tr-1", type=t.ARRANGEMENT_TYPE_MINIBUS,
       starts_on=D(2025, 10, 6))
    tr("EndArrangement", application_id="walk-tr-1", ends_on=D(2025, 11, 28))
    tr("ReassignOfficer", application_id="walk-tr-1", officer_id="officer-02",
       reassigned_on=D(2025, 12, 1))
    tr("SubmitApplication", application_id="walk-tr-3", child_id="walk-child-9",
       officer_id=officer, received_on=D(2025, 5, 1), facts=eligible)
    tr("RecordDecision", application_id="walk-tr-3", decision=t.TRANSPORT_DECISION_ELIGIBLE,
       notified_on=D(2025, 5, 20))
    tr("ArrangeTransport", application_id="walk-tr-3",
       type=t.ARRANGEMENT_TYPE_INDEPENDENT_TRAVEL_TRAINING, starts_on=D(2025, 9, 3),
       arranged_on=D(2025, 8, 1))
    tr("RecordTravelTraining", application_id="walk-tr-3", completed=False, on=D(2025, 9, 8))
    tr("RecordTravelTraining", application_id="walk-tr-3", completed=True, on=D(2025, 11, 24))
    near = t.TravelFacts(date_of_birth=D(2014, 5, 1), academic_year=2025, school_id="sch-2",
                         nearest_suitable_school=True, walking_miles=1.1, road_miles=1.3)
    tr("SubmitApplication", application_id="walk-tr-2", child_id="walk-child-5",
       officer_id=officer, received_on=D(2025, 5, 1), facts=near)
    tr("RecordDecision", application_id="walk-tr-2", decision=t.TRANSPORT_DECISION_REFUSED,
       notified_on=D(2025, 5, 20), reason="within walking distance")
    tr("RequestStage1Review", application_id="walk-tr-2", requested_on=D(2025, 6, 2))
    tr("RecordStage1Decision", application_id="walk-tr-2", outcome=t.APPEAL_OUTCOME_UPHELD,
       decided_on=D(2025, 6, 20))
    tr("RequestStage2Appeal", application_id="walk-tr-2", requested_on=D(2025, 7, 1))
    tr("RecordPanelDecision", application_id="walk-tr-2", outcome=t.APPEAL_OUTCOME_UPHELD,
       decided_on=D(2025, 8, 1))
    tr("RecordWrittenOutcome", application_id="walk-tr-2", sent_on=D(2025, 8, 5))

    cp = Service(complaints_addr, c, "ComplaintsService", token)
    cp("LogComplaint", complaint_id="walk-cp-1", child_id="walk-child-6", officer_id=officer,
       complainant=c.COMPLAINANT_PARENT, subject=c.COMPLAINT_SUBJECT_COMMUNICATION,
       procedure=c.COMPLAINT_PROCEDURE_CORPORATE, received_on=D(2025, 2, 3))
    cp("AcknowledgeComplaint", complaint_id="walk-cp-1", acknowledged_on=D(2025, 2, 5))
    cp("ExtendComplaint", complaint_id="walk-cp-1", working_days=5,
       reason="waiting for the school's account")
    cp("RespondToComplaint", complaint_id="walk-cp-1", finding=c.COMPLAINT_FINDING_NOT_UPHELD,
       responded_on=D(2025, 2, 20))
    cp("EscalateComplaint", complaint_id="walk-cp-1", escalated_on=D(2025, 3, 3),
       handler_id="manager-north")
    cp("AcknowledgeComplaint", complaint_id="walk-cp-1", acknowledged_on=D(2025, 3, 5))
    cp("RespondToComplaint", complaint_id="walk-cp-1",
       finding=c.COMPLAINT_FINDING_PARTLY_UPHELD, remedy_offered=True,
       responded_on=D(2025, 3, 24), handler_id="manager-north")
    cp("ReferToOmbudsman", complaint_id="walk-cp-1", referred_on=D(2025, 5, 1))
    cp("RecordOmbudsmanDecision", complaint_id="walk-cp-1", finding=c.OMBUDSMAN_FINDING_FAULT,
       decided_on=D(2025, 9, 1))
    cp("LogComplaint", complaint_id="walk-cp-2", child_id="walk-child-7", officer_id=officer,
       complainant=c.COMPLAINANT_ADVOCATE, subject=c.COMPLAINT_SUBJECT_TRANSPORT,
       procedure=c.COMPLAINT_PROCEDURE_CORPORATE, received_on=D(2025, 4, 7))
    cp("WithdrawComplaint", complaint_id="walk-cp-2", withdrawn_on=D(2025, 4, 9))
    cp("RecordDisagreement", disagreement_id="walk-dg-1", child_id="walk-child-8",
       officer_id=officer, decision=c.APPEALABLE_DECISION_PLAN_CONTENTS,
       decision_letter_on=D(2025, 1, 10))
    cp("RecordMediationContact", disagreement_id="walk-dg-1", contacted_on=D(2025, 1, 24),
       mediation_wanted=True)
    cp("RecordMediationHeld", disagreement_id="walk-dg-1", held_on=D(2025, 2, 14),
       outcome=c.MEDIATION_OUTCOME_NOT_AGREED)
    cp("IssueMediationCertificate", disagreement_id="walk-dg-1", issued_on=D(2025, 2, 17))
    cp("RegisterAppeal", disagreement_id="walk-dg-1", registered_on=D(2025, 3, 10))
    cp("RecordTribunalDecision", disagreement_id="walk-dg-1",
       outcome=c.TRIBUNAL_OUTCOME_ALLOWED, decided_on=D(2025, 8, 4))
    cp("RecordTribunalOrder", disagreement_id="walk-dg-1", order_id="o1",
       kind=c.TRIBUNAL_ORDER_KIND_AMEND_PLAN, made_on=D(2025, 8, 4))
    cp("RecordOrderCompliance", disagreement_id="walk-dg-1", order_id="o1",
       step=c.COMPLIANCE_STEP_DONE, done_on=D(2025, 9, 1))
    # Families' experience: a compliment, and a survey sent and answered.
    cp("RecordFeedback", feedback_id="walk-fb-1", child_id="walk-child-8", officer_id=officer,
       kind=c.FEEDBACK_KIND_COMPLIMENT, process="ehc-assessments", received_on=D(2025, 9, 2),
       text="Thank you")
    cp("RecordSurveySent", feedback_id="walk-sv-1", child_id="walk-child-8", officer_id=officer,
       survey=c.SURVEY_NEW_PLAN, process="ehc-assessments", sent_on=D(2025, 9, 3))
    cp("RecordSurveyResponse", feedback_id="walk-sv-1", received_on=D(2025, 9, 10), score=4)
    print(f"walk: {ehc.count + rev.count + tr.count + cp.count} commands accepted")


if __name__ == "__main__":
    main()
