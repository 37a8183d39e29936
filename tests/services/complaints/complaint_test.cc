// The complaints core: every timescale in working days over bank holidays,
// extensions, the stage 2 handler rule, the Ombudsman, and disagreements
// through mediation, the appeal deadline rules and Tribunal order compliance.
#include "services/complaints/complaint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/rpc/proto_date.h"
#include "libs/statutory/clock_ops.h"
#include "tests/testing/decide_case.h"

namespace casework::complaints {
namespace {

using ::testing::HasSubstr;

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }
Date Due(const v1::Clock& c) { return statutory::DateOf(c.due_on()); }

// A complaint or a disagreement in memory.
template <typename State>
class Case : public testutil::DecideCase<
                 std::conditional_t<std::is_same_v<State, Complaint>,
                                    ComplaintTraits, DisagreementTraits>,
                 Env> {
 public:
  explicit Case(Date today) : Case::DecideCase("x-1", today) {}
};

v1::LogComplaintRequest Logged(
    Date received,
    v1::ComplaintProcedure p = v1::COMPLAINT_PROCEDURE_CORPORATE) {
  v1::LogComplaintRequest r;
  r.set_child_id("child-1");
  r.set_officer_id("officer-1");
  r.set_complainant(v1::COMPLAINANT_PARENT);
  r.set_subject(v1::COMPLAINT_SUBJECT_COMMUNICATION);
  r.set_procedure(p);
  *r.mutable_received_on() = ToProto(received);
  return r;
}

v1::RespondToComplaintRequest Reply(Date on, std::string handler = "") {
  v1::RespondToComplaintRequest r;
  r.set_finding(v1::COMPLAINT_FINDING_PARTLY_UPHELD);
  *r.mutable_responded_on() = ToProto(on);
  r.set_handler_id(handler);
  return r;
}

TEST(ComplaintTest, CorporateStagesOnWorkingDaysOverChristmas) {
  Case<Complaint> c(D(2027, 3, 1));
  ASSERT_TRUE(c.Do("c-1", Logged(D(2026, 12, 21))).ok());
  // 5 working days from Mon 21 December: 22, 23, 24, 29, 30.
  EXPECT_EQ(Due(c.clock("acknowledge")), D(2026, 12, 30));
  v1::AcknowledgeComplaintRequest ack;
  *ack.mutable_acknowledged_on() = ToProto(D(2026, 12, 23));
  ASSERT_TRUE(c.Do(ack).ok());
  EXPECT_EQ(c.clock("acknowledge").status(), v1::CLOCK_STATUS_MET);
  // Stage 1: 10 working days from 23 December skip 25, 28 Dec and 1 Jan.
  EXPECT_EQ(Due(c.clock("stage1")), D(2027, 1, 11));
  // One extension of up to 10 working days, with a reason.
  v1::ExtendComplaintRequest ext;
  ext.set_working_days(10);
  EXPECT_EQ(c.Do(ext).status().code(), absl::StatusCode::kInvalidArgument);
  ext.set_reason("waiting for the school's account");
  auto extended = c.Do(ext);
  ASSERT_TRUE(extended.ok());
  EXPECT_EQ(extended->events[0].SerializeAsString().find("school's account"),
            std::string::npos);  // the reason stays out of the event
  EXPECT_EQ(Due(c.clock("stage1")), D(2027, 1, 25));
  ext.set_working_days(1);
  EXPECT_EQ(c.Do(ext).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(c.Do(Reply(D(2027, 1, 26))).ok());  // a day late
  EXPECT_EQ(c.clock("stage1").status(), v1::CLOCK_STATUS_MISSED);
  EXPECT_EQ(c.state().stage1_handler_id(), "officer-1");
}

// LGSCO Complaint Handling Code, part 6: the escalation request is itself
// acknowledged within 5 working days, and the stage 2 reply is due 20 working
// days from that acknowledgement (not from the escalation), extendable once by
// up to 20 working days with a reason (kept out of events).
TEST(ComplaintTest, StageTwoCountsFromTheEscalationsAcknowledgement_CodePart6) {
  for (auto [acknowledged, action] : {std::pair{D(2027, 1, 27), v1::CLOCK_MET},
                                      {D(2027, 1, 28), v1::CLOCK_MISSED}}) {
    Case<Complaint> c(D(2027, 6, 1));
    ASSERT_TRUE(c.Do("c-1", Logged(D(2027, 1, 4))).ok());
    v1::AcknowledgeComplaintRequest ack;
    *ack.mutable_acknowledged_on() = ToProto(D(2027, 1, 5));
    ASSERT_TRUE(c.Do(ack).ok());
    ASSERT_TRUE(c.Do(Reply(D(2027, 1, 15), "officer-1")).ok());
    v1::EscalateComplaintRequest esc;
    *esc.mutable_escalated_on() = ToProto(D(2027, 1, 20));  // a Wednesday
    esc.set_handler_id("manager-north");
    auto escalated = c.Do(esc);
    ASSERT_TRUE(escalated.ok());
    // The escalation opens only the acknowledgement: 5 working days, 27 Jan.
    EXPECT_EQ(c.clock("stage2/acknowledge").rule(),
              "complaint.stage2_acknowledge");
    EXPECT_EQ(Due(c.clock("stage2/acknowledge")), D(2027, 1, 27));
    EXPECT_EQ(c.clock("stage2").clock_id(), "");
    auto early = c.Do(Reply(D(2027, 1, 21)));
    EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(early.status().message()),
                HasSubstr("acknowledge the stage 2 escalation first"));
    v1::AcknowledgeComplaintRequest ack2;
    *ack2.mutable_acknowledged_on() = ToProto(acknowledged);
    auto acked = c.Do(ack2);
    ASSERT_TRUE(acked.ok()) << acked.status();
    EXPECT_EQ(acked->events[0].complaint_acknowledged().stage(), 2);
    EXPECT_EQ(c.clock("stage2/acknowledge").status(),
              action == v1::CLOCK_MET ? v1::CLOCK_STATUS_MET
                                      : v1::CLOCK_STATUS_MISSED);
    EXPECT_EQ(statutory::DateOf(c.clock("stage2").started_on()), acknowledged);
    EXPECT_EQ(c.Do(ack2).status().code(),
              absl::StatusCode::kFailedPrecondition);  // once
    if (acknowledged != D(2027, 1, 27)) continue;
    // From Wed 27 January: 20 working days to Wed 24 February.
    EXPECT_EQ(Due(c.clock("stage2")), D(2027, 2, 24));
    v1::ExtendComplaintRequest ext;
    ext.set_reason("an independent investigator's report");
    ext.set_working_days(21);
    EXPECT_EQ(c.Do(ext).status().code(), absl::StatusCode::kFailedPrecondition);
    ext.set_working_days(20);
    auto extended = c.Do(ext);
    ASSERT_TRUE(extended.ok()) << extended.status();
    EXPECT_EQ(extended->events[0].SerializeAsString().find("investigator"),
              std::string::npos);
    EXPECT_EQ(Due(c.clock("stage2")), D(2027, 3, 24));
    ext.set_working_days(1);
    auto twice = c.Do(ext);
    EXPECT_THAT(std::string(twice.status().message()),
                HasSubstr("already extended once"));
    ASSERT_TRUE(c.Do(Reply(D(2027, 3, 24))).ok());
    EXPECT_EQ(c.clock("stage2").status(), v1::CLOCK_STATUS_MET);
  }
}

TEST(ComplaintTest, TheStageTwoHandlerMustNotBeTheStageOneHandler) {
  Case<Complaint> c(D(2027, 3, 1));
  ASSERT_TRUE(c.Do("c-1", Logged(D(2027, 1, 4))).ok());
  v1::AcknowledgeComplaintRequest ack;
  *ack.mutable_acknowledged_on() = ToProto(D(2027, 1, 5));
  ASSERT_TRUE(c.Do(ack).ok());
  ASSERT_TRUE(c.Do(Reply(D(2027, 1, 15), "officer-1")).ok());
  v1::EscalateComplaintRequest esc;
  *esc.mutable_escalated_on() = ToProto(D(2027, 1, 20));
  esc.set_handler_id("officer-1");
  auto same = c.Do(esc);
  EXPECT_EQ(same.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(same.status().message()), HasSubstr("stage 1"));
  esc.set_handler_id("manager-north");
  ASSERT_TRUE(c.Do(esc).ok());
  EXPECT_EQ(c.state().stage(), 2);
  v1::AcknowledgeComplaintRequest ack2;
  *ack2.mutable_acknowledged_on() = ToProto(D(2027, 1, 22));
  ASSERT_TRUE(c.Do(ack2).ok());
  // 20 working days from the acknowledgement on Fri 22 January.
  EXPECT_EQ(Due(c.clock("stage2")), D(2027, 2, 19));
  // Responding as the stage 1 handler is refused too.
  EXPECT_EQ(c.Do(Reply(D(2027, 2, 10), "officer-1")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(c.Do(Reply(D(2027, 2, 10))).ok());  // by the stage 2 handler
  EXPECT_EQ(c.state().stage2_handler_id(), "manager-north");
  // Last stage: escalation is refused; the Ombudsman is next.
  EXPECT_EQ(c.Do(esc).status().code(), absl::StatusCode::kFailedPrecondition);
  v1::ReferToOmbudsmanRequest ref;
  *ref.mutable_referred_on() = ToProto(D(2027, 2, 20));
  ASSERT_TRUE(c.Do(ref).ok());
  v1::RecordOmbudsmanDecisionRequest lgo;
  lgo.set_finding(v1::OMBUDSMAN_FINDING_FAULT_REMEDY);
  *lgo.mutable_decided_on() = ToProto(D(2027, 2, 28));
  ASSERT_TRUE(c.Do(lgo).ok());
  EXPECT_EQ(c.state().status(), v1::COMPLAINT_STATUS_CLOSED);
}

TEST(ComplaintTest, ChildrensSocialCareHasThreeStagesAndLongerExtensions) {
  Case<Complaint> c(D(2027, 6, 1));
  ASSERT_TRUE(c.Do("c-1", Logged(D(2027, 3, 1),
                                 v1::COMPLAINT_PROCEDURE_CHILDRENS_SOCIAL_CARE))
                  .ok());
  // Stage 1 runs from receipt: 10 working days.
  EXPECT_EQ(Due(c.clock("stage1")), D(2027, 3, 15));
  v1::ExtendComplaintRequest ext;
  ext.set_working_days(10);
  ext.set_reason("complex");
  ASSERT_TRUE(c.Do(ext).ok());  // to 20 in all
  ext.set_working_days(1);
  EXPECT_EQ(c.Do(ext).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(c.Do(Reply(D(2027, 3, 20))).ok());
  v1::EscalateComplaintRequest esc;
  *esc.mutable_escalated_on() = ToProto(D(2027, 3, 22));
  ASSERT_TRUE(c.Do(esc).ok());
  EXPECT_EQ(c.clock("stage2").rule(), "complaint.csc_stage2");
  ASSERT_TRUE(c.Do(Reply(D(2027, 4, 20))).ok());
  *esc.mutable_escalated_on() = ToProto(D(2027, 4, 21));
  ASSERT_TRUE(c.Do(esc).ok());
  EXPECT_EQ(c.state().stage(), 3);
  EXPECT_EQ(c.clock("stage3").rule(), "complaint.csc_stage3");
}

TEST(ComplaintTest, BadInputIsRefusedAndWithdrawalCancels) {
  Case<Complaint> c(D(2027, 3, 1));
  v1::LogComplaintRequest bad = Logged(D(2027, 1, 4));
  bad.set_procedure(v1::COMPLAINT_PROCEDURE_UNSPECIFIED);
  auto refused = c.Do("c-1", bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("procedure"));
  EXPECT_EQ(c.Do("c-1", Logged(D(2027, 3, 2))).status().code(),
            absl::StatusCode::kFailedPrecondition);  // in the future
  EXPECT_EQ(c.state().complaint_id(), "");
  ASSERT_TRUE(c.Do("c-1", Logged(D(2027, 1, 4))).ok());
  v1::WithdrawComplaintRequest w;
  *w.mutable_withdrawn_on() = ToProto(D(2027, 1, 6));
  ASSERT_TRUE(c.Do(w).ok());
  EXPECT_EQ(c.clock("acknowledge").status(), v1::CLOCK_STATUS_CANCELLED);
  EXPECT_EQ(c.Do(Reply(D(2027, 1, 7))).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

v1::RecordDisagreementRequest Disputed(Date letter) {
  v1::RecordDisagreementRequest r;
  r.set_child_id("child-1");
  r.set_officer_id("officer-1");
  r.set_decision(v1::APPEALABLE_DECISION_REFUSAL_TO_ASSESS);
  *r.mutable_decision_letter_on() = ToProto(letter);
  return r;
}

TEST(DisagreementTest, MediationCertificateAndTheAppealDeadline) {
  Case<Disagreement> c(D(2027, 3, 1));
  ASSERT_TRUE(c.Do("d-1", Disputed(D(2026, 10, 27))).ok());
  // 2 months from the letter is 27 December: moved to Monday 4 January.
  EXPECT_EQ(statutory::DateOf(c.state().appeal_deadline()), D(2027, 1, 4));
  v1::RecordMediationContactRequest contact;
  *contact.mutable_contacted_on() = ToProto(D(2026, 11, 20));
  contact.set_mediation_wanted(true);
  ASSERT_TRUE(c.Do(contact).ok());
  EXPECT_EQ(Due(c.clock("mediation")), D(2026, 12, 20));  // 30 days
  v1::RecordMediationHeldRequest held;
  held.set_outcome(v1::MEDIATION_OUTCOME_NOT_AGREED);
  *held.mutable_held_on() = ToProto(D(2026, 12, 23));  // 3 days late
  ASSERT_TRUE(c.Do(held).ok());
  EXPECT_EQ(c.clock("mediation").status(), v1::CLOCK_STATUS_MISSED);
  EXPECT_EQ(Due(c.clock("certificate")), D(2026, 12, 30));  // 3 working days
  v1::IssueMediationCertificateRequest cert;
  *cert.mutable_issued_on() = ToProto(D(2026, 12, 29));
  ASSERT_TRUE(c.Do(cert).ok());
  EXPECT_EQ(c.clock("certificate").status(), v1::CLOCK_STATUS_MET);
  // 1 month from the certificate (29 January) is later than 4 January.
  EXPECT_EQ(statutory::DateOf(c.state().appeal_deadline()), D(2027, 1, 29));
  v1::RegisterAppealRequest appeal;
  *appeal.mutable_registered_on() = ToProto(D(2027, 2, 1));
  auto appealed = c.Do(appeal);
  ASSERT_TRUE(appealed.ok());
  EXPECT_TRUE(c.state().appeal_late());
  // A cohort: the appeal counts with the mediation it followed, on the day
  // the mediation was held, not the day of the appeal.
  ASSERT_EQ(appealed->events[0].tallies_size(), 1);
  const v1::Tally& t = appealed->events[0].tallies(0);
  EXPECT_EQ(t.counter(), "disagreements.mediated_appealed");
  EXPECT_EQ(statutory::DateOf(t.on()), D(2026, 12, 23));
}

TEST(DisagreementTest, MediationsCountHeldAndAgreedAppealsOnlyAfterOne) {
  for (const auto& [outcome, agreed] :
       {std::pair{v1::MEDIATION_OUTCOME_AGREED, 1},
        std::pair{v1::MEDIATION_OUTCOME_PARTLY_AGREED, 1},
        std::pair{v1::MEDIATION_OUTCOME_NOT_AGREED, 0}}) {
    Case<Disagreement> c(D(2027, 3, 1));
    ASSERT_TRUE(c.Do("d-1", Disputed(D(2026, 10, 27))).ok());
    v1::RecordMediationContactRequest contact;
    *contact.mutable_contacted_on() = ToProto(D(2026, 11, 20));
    contact.set_mediation_wanted(true);
    ASSERT_TRUE(c.Do(contact).ok());
    v1::RecordMediationHeldRequest held;
    held.set_outcome(outcome);
    *held.mutable_held_on() = ToProto(D(2026, 12, 1));
    auto d = c.Do(held);
    ASSERT_TRUE(d.ok());
    std::map<std::string, int64_t> tallies;
    for (const v1::Tally& t : d->events[0].tallies()) {
      tallies[t.counter()] += t.count();
    }
    EXPECT_EQ(tallies["disagreements.mediated"], 1);
    EXPECT_EQ(tallies["disagreements.mediation_agreed"], agreed);
  }
  // An appeal with no mediation before it is in no mediation cohort.
  Case<Disagreement> c(D(2027, 3, 1));
  ASSERT_TRUE(c.Do("d-1", Disputed(D(2026, 10, 27))).ok());
  v1::RegisterAppealRequest appeal;
  *appeal.mutable_registered_on() = ToProto(D(2026, 12, 1));
  auto appealed = c.Do(appeal);
  ASSERT_TRUE(appealed.ok());
  EXPECT_EQ(appealed->events[0].tallies_size(), 0);
}

TEST(ComplaintTest,
     AClosedComplaintCountsWhetherItReachedStage2OrTheOmbudsman) {
  // Closed at stage 1: closed, not escalated.
  Case<Complaint> c(D(2027, 3, 1));
  ASSERT_TRUE(c.Do("c-1", Logged(D(2026, 11, 2))).ok());
  v1::AcknowledgeComplaintRequest ack;
  *ack.mutable_acknowledged_on() = ToProto(D(2026, 11, 3));
  ASSERT_TRUE(c.Do(ack).ok());
  ASSERT_TRUE(c.Do(Reply(D(2026, 11, 10), "officer-9")).ok());
  v1::CloseComplaintRequest close;
  *close.mutable_closed_on() = ToProto(D(2026, 11, 20));
  auto closed = c.Do(close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  std::vector<std::string> counters;
  for (const v1::Tally& t : closed->events[0].tallies()) {
    counters.push_back(t.counter());
  }
  EXPECT_THAT(counters, ::testing::ElementsAre("complaints.closed"));
}

TEST(ComplaintTest, ComplaintsCountByThemeAndRepliesByFinding) {
  Case<Complaint> c(D(2027, 3, 1));
  auto logged = c.Do("c-1", Logged(D(2026, 11, 2)));
  ASSERT_TRUE(logged.ok());
  ASSERT_EQ(logged->events[0].tallies_size(), 1);
  EXPECT_EQ(logged->events[0].tallies(0).counter(),
            "complaints.subject.communication");
  v1::AcknowledgeComplaintRequest ack;
  *ack.mutable_acknowledged_on() = ToProto(D(2026, 11, 3));
  ASSERT_TRUE(c.Do(ack).ok());
  auto replied = c.Do(Reply(D(2026, 11, 10), "officer-9"));
  ASSERT_TRUE(replied.ok());
  std::vector<std::string> counters;
  for (const v1::Tally& t : replied->events[0].tallies()) {
    counters.push_back(t.counter());
  }
  EXPECT_THAT(counters,
              ::testing::ElementsAre("complaints.replies",
                                     "complaints.finding.partly_upheld"));
}

// HESC Rules 2008 r.12(2): letter 31 Dec 2025, 2 months is Sat 28 Feb 2026:
// an appeal registered on Mon 2 Mar is in time, one on Tue 3 Mar is late.
TEST(DisagreementTest,
     AppealDueOnAWeekendIsInTimeOnTheNextWorkingDay_HescR12_2) {
  for (const auto& [registered, late] :
       {std::pair{D(2026, 3, 2), false}, std::pair{D(2026, 3, 3), true}}) {
    Case<Disagreement> c(D(2026, 6, 1));
    ASSERT_TRUE(c.Do("d-1", Disputed(D(2025, 12, 31))).ok());
    EXPECT_EQ(statutory::DateOf(c.state().appeal_deadline()), D(2026, 3, 2));
    v1::RecordMediationContactRequest declined;
    *declined.mutable_contacted_on() = ToProto(D(2026, 1, 5));
    ASSERT_TRUE(c.Do(declined).ok());
    v1::RegisterAppealRequest appeal;
    *appeal.mutable_registered_on() = ToProto(registered);
    ASSERT_TRUE(c.Do(appeal).ok());
    EXPECT_EQ(c.state().appeal_late(), late) << registered.ToString();
  }
}

TEST(DisagreementTest, TribunalOrdersOpenTheirComplianceClocks) {
  Case<Disagreement> c(D(2027, 6, 1));
  ASSERT_TRUE(c.Do("d-1", Disputed(D(2026, 11, 2))).ok());
  v1::RecordMediationContactRequest declined;
  *declined.mutable_contacted_on() = ToProto(D(2026, 11, 10));
  ASSERT_TRUE(c.Do(declined).ok());
  EXPECT_EQ(Due(c.clock("certificate")), D(2026, 11, 13));
  v1::RegisterAppealRequest appeal;
  *appeal.mutable_registered_on() = ToProto(D(2026, 12, 1));
  ASSERT_TRUE(c.Do(appeal).ok());
  v1::RecordTribunalOrderRequest order;
  order.set_kind(v1::TRIBUNAL_ORDER_KIND_MAKE_PLAN);
  *order.mutable_made_on() = ToProto(D(2027, 3, 1));
  EXPECT_EQ(c.Do(std::string("o-1"), order).status().code(),
            absl::StatusCode::kFailedPrecondition);  // no decision yet
  v1::RecordTribunalDecisionRequest decided;
  decided.set_outcome(v1::TRIBUNAL_OUTCOME_ALLOWED);
  *decided.mutable_decided_on() = ToProto(D(2027, 3, 1));
  ASSERT_TRUE(c.Do(decided).ok());
  ASSERT_TRUE(c.Do(std::string("o-1"), order).ok());
  EXPECT_EQ(Due(c.clock("order/o-1/draft")), D(2027, 4, 5));   // 5 weeks
  EXPECT_EQ(Due(c.clock("order/o-1/final")), D(2027, 5, 17));  // 11 weeks
  v1::RecordOrderComplianceRequest done;
  done.set_order_id("o-1");
  done.set_step(v1::COMPLIANCE_STEP_DRAFT_PLAN);
  *done.mutable_done_on() = ToProto(D(2027, 4, 1));
  ASSERT_TRUE(c.Do(done).ok());
  EXPECT_EQ(c.clock("order/o-1/draft").status(), v1::CLOCK_STATUS_MET);
  done.set_step(v1::COMPLIANCE_STEP_DONE);
  EXPECT_EQ(c.Do(done).status().code(), absl::StatusCode::kInvalidArgument);
  done.set_order_id("o-9");
  EXPECT_EQ(c.Do(done).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace casework::complaints

namespace casework::complaints {
namespace {

std::vector<std::string> Offered(const Complaint& s) {
  std::vector<std::string> v = ComplaintTraits::AllowedActions(s);
  std::sort(v.begin(), v.end());
  return v;
}

TEST(ComplaintAllowedActions, FollowTheStagesAndMatchWhatDecideRefuses) {
  Case<Complaint> c(D(2027, 3, 1));
  ASSERT_TRUE(c.Do("c-1", Logged(D(2027, 1, 4))).ok());
  EXPECT_EQ(
      Offered(c.state()),
      (std::vector<std::string>{"AcknowledgeComplaint", "WithdrawComplaint"}));
  EXPECT_EQ(c.Do(Reply(D(2027, 1, 5))).status().code(),
            absl::StatusCode::kFailedPrecondition);  // not offered: refused
  v1::AcknowledgeComplaintRequest ack;
  *ack.mutable_acknowledged_on() = ToProto(D(2027, 1, 5));
  ASSERT_TRUE(c.Do(ack).ok());
  EXPECT_EQ(Offered(c.state()),
            (std::vector<std::string>{"ExtendComplaint", "RespondToComplaint",
                                      "WithdrawComplaint"}));
  ASSERT_TRUE(c.Do(Reply(D(2027, 1, 12))).ok());
  EXPECT_EQ(Offered(c.state()), (std::vector<std::string>{
                                    "CloseComplaint", "EscalateComplaint",
                                    "ReferToOmbudsman", "WithdrawComplaint"}));
  v1::CloseComplaintRequest close;
  *close.mutable_closed_on() = ToProto(D(2027, 2, 1));
  ASSERT_TRUE(c.Do(close).ok());
  EXPECT_TRUE(Offered(c.state()).empty());
}

TEST(DisagreementAllowedActions, FollowMediationAndTheAppeal) {
  Case<Disagreement> c(D(2027, 3, 1));
  ASSERT_TRUE(c.Do("d-1", Disputed(D(2027, 1, 4))).ok());
  auto offered = [&] {
    std::vector<std::string> v = DisagreementTraits::AllowedActions(c.state());
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(offered(), (std::vector<std::string>{"RecordMediationContact",
                                                 "RegisterAppeal"}));
  v1::RecordTribunalDecisionRequest decided;
  decided.set_outcome(v1::TRIBUNAL_OUTCOME_ALLOWED);
  *decided.mutable_decided_on() = ToProto(D(2027, 2, 1));
  EXPECT_EQ(c.Do(decided).status().code(),
            absl::StatusCode::kFailedPrecondition);  // no appeal registered
}

}  // namespace
}  // namespace casework::complaints
