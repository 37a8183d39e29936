// The annual reviews core: every clock of a review cycle, opened, met, missed
// or cancelled by the right step, with the dates the law gives.
#include "services/annual-reviews/review.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/rpc/proto_date.h"
#include "libs/statutory/clock_ops.h"
#include "tests/testing/decide_case.h"

namespace casework::reviews {
namespace {

using ::testing::HasSubstr;

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }

// A plan in memory; Do gives the events of a step.
class PlanCase : public testutil::DecideCase<Traits, Env> {
 public:
  explicit PlanCase(Date today, int under5_months = 6)
      : DecideCase("plan-1", today, under5_months) {}
  template <typename... Args>
  absl::StatusOr<std::vector<Event>> Do(const Args&... args) {
    auto d = DecideCase::Do(args...);
    if (!d.ok()) return d.status();
    return d->events;
  }
};

v1::RegisterPlanRequest Registration(Date issued) {
  v1::RegisterPlanRequest r;
  r.set_child_id("child-1");
  r.set_officer_id("officer-1");
  *r.mutable_issued_on() = ToProto(issued);
  return r;
}

v1::ScheduleReviewMeetingRequest Schedule(Date d) {
  v1::ScheduleReviewMeetingRequest r;
  *r.mutable_meeting_on() = ToProto(d);
  return r;
}
v1::RecordPapersSentRequest Papers(Date d) {
  v1::RecordPapersSentRequest r;
  *r.mutable_sent_on() = ToProto(d);
  return r;
}
v1::RecordMeetingHeldRequest Held(Date d, bool pfa = false) {
  v1::RecordMeetingHeldRequest r;
  *r.mutable_held_on() = ToProto(d);
  r.set_preparation_for_adulthood_covered(pfa);
  return r;
}
v1::RecordReviewDecisionRequest Decision(v1::ReviewDecision what, Date d) {
  v1::RecordReviewDecisionRequest r;
  r.set_decision(what);
  *r.mutable_notified_on() = ToProto(d);
  return r;
}
v1::IssueAmendedPlanRequest Amended(Date d, bool reps = false) {
  v1::IssueAmendedPlanRequest r;
  *r.mutable_issued_on() = ToProto(d);
  r.set_representations_complete(reps);
  return r;
}

Date Due(const v1::Clock& c) { return statutory::DateOf(c.due_on()); }

TEST(ReviewTest, RegistrationOpensTheFirstReviewFromIssueOrLastDecision) {
  struct Row {
    Date issued;
    std::optional<Date> last_decision;
    Date due;
  } table[] = {
      // CFA 2014 s.44(1): the 12 months starting with the day end the day
      // before the anniversary.
      {D(2026, 1, 31), std::nullopt, D(2027, 1, 30)},
      {D(2024, 2, 29), std::nullopt, D(2025, 2, 28)},  // overdue: backlog
      {D(2023, 5, 10), D(2026, 3, 31), D(2027, 3, 30)},
  };
  for (const Row& r : table) {
    PlanCase c(D(2026, 11, 23));
    v1::RegisterPlanRequest reg = Registration(r.issued);
    if (r.last_decision)
      *reg.mutable_last_decision_on() = ToProto(*r.last_decision);
    ASSERT_TRUE(c.Do("plan-1", reg).ok());
    EXPECT_EQ(c.state().status(), v1::PLAN_STATUS_ACTIVE);
    EXPECT_EQ(c.state().origin(), v1::PLAN_ORIGIN_MIGRATED);
    const v1::Clock& review = c.clock("review/1");
    EXPECT_EQ(review.rule(), "review.annual");
    EXPECT_EQ(review.status(), v1::CLOCK_STATUS_OPEN);
    EXPECT_EQ(Due(review), r.due) << r.issued.ToString();
  }
}

TEST(ReviewTest, UnderFivesAreReviewedAtTheConfiguredInterval) {
  PlanCase c(D(2026, 11, 23), /*under5_months=*/3);
  v1::RegisterPlanRequest reg = Registration(D(2026, 8, 31));
  *reg.mutable_date_of_birth() = ToProto(D(2023, 1, 15));
  ASSERT_TRUE(c.Do("plan-1", reg).ok());
  EXPECT_EQ(c.clock("review/1").rule(), "review.under_5");
  EXPECT_EQ(Due(c.clock("review/1")), D(2026, 11, 30));
}

TEST(ReviewTest, AFinalPlanFromTheEhcServiceOpensItsCycle) {
  PlanCase c(D(2026, 11, 23));
  FinalPlanIssuedFacts f{.assessment_id = "asmt-9",
                         .child_id = "child-9",
                         .officer_id = "officer-2",
                         .issued_on = D(2026, 5, 18),
                         .event_id = "ev-1"};
  ASSERT_TRUE(c.Do(f).ok());
  EXPECT_EQ(c.state().origin(), v1::PLAN_ORIGIN_EHC_FINAL_PLAN);
  EXPECT_EQ(c.state().source_assessment_id(), "asmt-9");
  // s.44(1): the 12 months starting with 18 May 2026 end on 17 May 2027.
  EXPECT_EQ(Due(c.clock("review/1")), D(2027, 5, 17));
  EXPECT_EQ(PlanIdForAssessment("asmt-9"), "plan-asmt-9");
  // Registered twice (the same plan by another route): refused.
  EXPECT_EQ(c.Do(f).status().code(), absl::StatusCode::kAlreadyExists);
}

// A plan opened from the EHC service carries the child's date of birth when
// the request gave it: a child under 5 is reviewed at the LA's interval (Code
// of Practice 9.178), here 6 months.
TEST(ReviewTest, AFinalPlanWithADateOfBirthUnder5GetsTheShorterInterval) {
  PlanCase c(D(2026, 11, 23));
  FinalPlanIssuedFacts f{.assessment_id = "asmt-9",
                         .child_id = "child-9",
                         .officer_id = "officer-2",
                         .issued_on = D(2026, 5, 18),
                         .event_id = "ev-1",
                         .date_of_birth = D(2023, 6, 1)};
  ASSERT_TRUE(c.Do(f).ok());
  EXPECT_EQ(c.clock("review/1").rule(), "review.under_5");
  EXPECT_EQ(Due(c.clock("review/1")), D(2026, 11, 18));
  EXPECT_EQ(statutory::DateOf(c.state().date_of_birth()), D(2023, 6, 1));
}

TEST(ReviewTest, AMaintainedReviewClosesItsClocksAndStartsTheNextCycle) {
  PlanCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 12, 1))).ok());
  ASSERT_TRUE(c.Do(Schedule(D(2026, 11, 10))).ok());
  EXPECT_EQ(Due(c.clock("papers/1")), D(2026, 10, 27));  // 2 weeks before
  ASSERT_TRUE(c.Do(Papers(D(2026, 10, 26))).ok());
  EXPECT_EQ(c.clock("papers/1").status(), v1::CLOCK_STATUS_MET);
  ASSERT_TRUE(c.Do(Held(D(2026, 11, 10))).ok());
  EXPECT_EQ(Due(c.clock("decision/1")), D(2026, 12, 8));  // reg 20(10)
  ASSERT_TRUE(
      c.Do(Decision(v1::REVIEW_DECISION_MAINTAIN, D(2026, 11, 20))).ok());
  EXPECT_EQ(c.clock("decision/1").status(), v1::CLOCK_STATUS_MET);
  EXPECT_EQ(c.clock("review/1").status(), v1::CLOCK_STATUS_MET);
  EXPECT_EQ(c.state().cycle(), 2);
  EXPECT_EQ(Due(c.clock("review/2")), D(2027, 11, 19));  // from the notice
  EXPECT_FALSE(IsSet(c.state().meeting_held_on()));      // the new cycle's
}

TEST(ReviewTest, LateStepsAreMissedWithDaysLate) {
  PlanCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 9, 1))).ok());
  ASSERT_TRUE(c.Do(Schedule(D(2026, 9, 20))).ok());
  // Papers never recorded: missed at the meeting.
  ASSERT_TRUE(c.Do(Held(D(2026, 9, 20))).ok());
  EXPECT_EQ(c.clock("papers/1").status(), v1::CLOCK_STATUS_MISSED);
  // The decision 5 weeks after the meeting, after the 12-month due date.
  auto events = c.Do(Decision(v1::REVIEW_DECISION_MAINTAIN, D(2026, 10, 25)));
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(c.clock("decision/1").status(), v1::CLOCK_STATUS_MISSED);
  EXPECT_EQ(c.clock("review/1").status(), v1::CLOCK_STATUS_MISSED);
  int review_days_late = -1;
  for (const v1::ClockChange& ch : (*events)[0].clocks()) {
    if (ch.clock_id() == "review/1") review_days_late = ch.days_late();
  }
  EXPECT_EQ(review_days_late, 55);  // due 31 Aug 2026
}

TEST(ReviewTest, AmendmentClocksAndTheFamilysFifteenDays) {
  PlanCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 12, 1))).ok());
  ASSERT_TRUE(c.Do(Held(D(2026, 9, 1))).ok());
  ASSERT_TRUE(c.Do(Decision(v1::REVIEW_DECISION_AMEND, D(2026, 9, 20))).ok());
  EXPECT_EQ(Due(c.clock("amendment_comment/1")), D(2026, 10, 5));
  EXPECT_EQ(Due(c.clock("amended_plan/1")), D(2026, 11, 15));  // 8 weeks
  EXPECT_EQ(Due(c.clock("amended_plan_from_meeting/1")),
            D(2026, 11, 24));  // 12 weeks from the meeting
  EXPECT_EQ(c.state().amending_cycle(), 1);
  EXPECT_EQ(c.state().cycle(), 2);  // the next review runs meanwhile
  // Before the 15 days end, only with the representations complete.
  absl::StatusOr<std::vector<Event>> early = c.Do(Amended(D(2026, 10, 1)));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.status().message()), HasSubstr("22(2)(c)"));
  // Issued 20 Nov: 5 days past the 8 weeks, inside the 12.
  ASSERT_TRUE(c.Do(Amended(D(2026, 11, 20))).ok());
  EXPECT_EQ(c.clock("amendment_comment/1").status(), v1::CLOCK_STATUS_MET);
  EXPECT_EQ(c.clock("amended_plan/1").status(), v1::CLOCK_STATUS_MISSED);
  EXPECT_EQ(c.clock("amended_plan_from_meeting/1").status(),
            v1::CLOCK_STATUS_MET);
  EXPECT_EQ(c.state().amending_cycle(), 0);
  EXPECT_EQ(c.Do(Amended(D(2026, 11, 21))).status().code(),
            absl::StatusCode::kFailedPrecondition);  // nothing pending
}

TEST(ReviewTest, DecidingNotToAmendCancelsTheAmendedPlanClocks) {
  PlanCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 12, 1))).ok());
  ASSERT_TRUE(c.Do(Held(D(2026, 9, 1))).ok());
  ASSERT_TRUE(c.Do(Decision(v1::REVIEW_DECISION_AMEND, D(2026, 9, 20))).ok());
  v1::DecideNotToAmendRequest no;
  *no.mutable_decided_on() = ToProto(D(2026, 10, 20));
  ASSERT_TRUE(c.Do(no).ok());
  EXPECT_EQ(c.clock("amended_plan/1").status(), v1::CLOCK_STATUS_CANCELLED);
  EXPECT_EQ(c.clock("amended_plan_from_meeting/1").status(),
            v1::CLOCK_STATUS_CANCELLED);
}

TEST(ReviewTest, FromYearNineTheReviewMustCoverPreparationForAdulthood) {
  PlanCase c(D(2026, 7, 1));
  v1::RegisterPlanRequest reg = Registration(D(2025, 12, 1));
  reg.set_nc_year(8);  // Year 8 on 1 July 2026, Year 9 from 1 September
  ASSERT_TRUE(c.Do("plan-1", reg).ok());
  c.SetToday(D(2026, 11, 23));
  absl::StatusOr<std::vector<Event>> without = c.Do(Held(D(2026, 10, 1)));
  EXPECT_EQ(without.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(without.status().message()),
              HasSubstr("preparation for adulthood"));
  EXPECT_TRUE(c.Do(Held(D(2026, 10, 1), /*pfa=*/true)).ok());
  EXPECT_EQ(NcYearOn(8, D(2026, 7, 1), D(2026, 8, 31)), 8);
  EXPECT_EQ(NcYearOn(8, D(2026, 7, 1), D(2026, 9, 1)), 9);
}

TEST(ReviewTest, PhaseTransferIsSettledByTheAmendedPlan) {
  PlanCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 12, 1))).ok());
  v1::SetPhaseTransferRequest t;
  t.set_kind(v1::PHASE_TRANSFER_KIND_SCHOOL_PHASE);
  *t.mutable_move_on() = ToProto(D(2027, 9, 1));
  ASSERT_TRUE(c.Do(t).ok());
  // Reg 18(1)(a): before 15 February 2027, so by 14 February.
  EXPECT_EQ(Due(c.clock("phase_transfer")), D(2027, 2, 14));
  EXPECT_EQ(statutory::DateOf(c.state().phase_transfer().deadline()),
            D(2027, 2, 14));
  c.SetToday(D(2027, 3, 10));
  ASSERT_TRUE(c.Do(Held(D(2026, 12, 1))).ok());
  ASSERT_TRUE(c.Do(Decision(v1::REVIEW_DECISION_AMEND, D(2026, 12, 20))).ok());
  ASSERT_TRUE(c.Do(Amended(D(2027, 3, 1))).ok());
  EXPECT_EQ(c.clock("phase_transfer").status(), v1::CLOCK_STATUS_MISSED);
}

TEST(ReviewTest, CeasingNeedsAReasonAndEndsEverything) {
  PlanCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 12, 1))).ok());
  ASSERT_TRUE(c.Do(Schedule(D(2026, 12, 1))).ok());
  v1::CeasePlanRequest cease;
  *cease.mutable_ceased_on() = ToProto(D(2026, 11, 20));
  EXPECT_EQ(c.Do(cease).status().code(), absl::StatusCode::kInvalidArgument);
  cease.set_reason(v1::CEASE_REASON_TRANSFERRED_TO_ANOTHER_LA);
  ASSERT_TRUE(c.Do(cease).ok());
  EXPECT_EQ(c.state().status(), v1::PLAN_STATUS_CEASED);
  EXPECT_EQ(c.clock("review/1").status(), v1::CLOCK_STATUS_CANCELLED);
  EXPECT_EQ(c.clock("papers/1").status(), v1::CLOCK_STATUS_CANCELLED);
  absl::StatusOr<std::vector<Event>> after = c.Do(Held(D(2026, 11, 21)));
  EXPECT_EQ(after.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(after.status().message()), HasSubstr("ceased"));
}

// A decision to cease is not a ceasing (SEND Regs 2014 regs 29-31; CFA 2014
// s.45): until the plan is ceased it is maintained, keeps its review clock and
// can be reviewed; CeasePlan ends it.
TEST(ReviewTest, ACeaseDecisionKeepsThePlanUnderReviewUntilItIsCeased_Reg31) {
  PlanCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 12, 1))).ok());
  ASSERT_TRUE(c.Do(Held(D(2026, 11, 2))).ok());
  ASSERT_TRUE(c.Do(Decision(v1::REVIEW_DECISION_CEASE, D(2026, 11, 10))).ok());
  EXPECT_EQ(c.state().status(), v1::PLAN_STATUS_ACTIVE);
  EXPECT_TRUE(IsSet(c.state().cease_proposed_on()));
  EXPECT_EQ(c.state().cycle(), 2);
  EXPECT_EQ(c.clock("review/2").status(), v1::CLOCK_STATUS_OPEN);
  EXPECT_EQ(Due(c.clock("review/2")), D(2027, 11, 9));  // s.44(1)
  // It can be reviewed again (e.g. the family appealed and the plan stays).
  EXPECT_TRUE(c.Do(Schedule(D(2026, 12, 1))).ok());
  // Ceasing it ends the cycle.
  v1::CeasePlanRequest cease;
  cease.set_reason(v1::CEASE_REASON_NEEDS_MET);
  *cease.mutable_ceased_on() = ToProto(D(2026, 11, 20));
  ASSERT_TRUE(c.Do(cease).ok());
  EXPECT_EQ(c.state().status(), v1::PLAN_STATUS_CEASED);
  EXPECT_EQ(c.clock("review/2").status(), v1::CLOCK_STATUS_CANCELLED);
}

TEST(ReviewTest, StepsOutOfOrderOrInTheFutureAreRefused) {
  PlanCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 12, 1))).ok());
  // A decision before any meeting.
  EXPECT_EQ(c.Do(Decision(v1::REVIEW_DECISION_MAINTAIN, D(2026, 11, 1)))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // A meeting in the future.
  EXPECT_EQ(c.Do(Held(D(2026, 12, 1))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Papers before the meeting is scheduled.
  EXPECT_EQ(c.Do(Papers(D(2026, 11, 1))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // No decision given.
  ASSERT_TRUE(c.Do(Held(D(2026, 11, 2))).ok());
  EXPECT_EQ(c.Do(Decision(v1::REVIEW_DECISION_UNSPECIFIED, D(2026, 11, 3)))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // A decision notified before the meeting.
  EXPECT_EQ(c.Do(Decision(v1::REVIEW_DECISION_MAINTAIN, D(2026, 11, 1)))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // An unknown plan.
  PlanCase none(D(2026, 11, 23));
  EXPECT_EQ(none.Do(Schedule(D(2026, 12, 1))).status().code(),
            absl::StatusCode::kNotFound);
}

v1::RecordPlacementRequest PlacementAt(const std::string& id,
                                       const std::string& urn, int rank,
                                       Date entry,
                                       std::optional<Date> leaving = {}) {
  v1::RecordPlacementRequest r;
  v1::Placement* p = r.mutable_placement();
  p->set_placement_id(id);
  p->mutable_establishment()->set_urn(urn);
  p->mutable_establishment()->set_rank(rank);
  *p->mutable_entry_date() = ToProto(entry);
  if (leaving) *p->mutable_leaving_date() = ToProto(*leaving);
  return r;
}

// SEN2 PlacementDetail: where the child attends, one placement of each rank
// at a time; recording a placement again (with its leaving date) updates it.
TEST(ReviewTest, PlacementsOneOfEachRankAtATime) {
  PlanCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 9, 1))).ok());
  ASSERT_TRUE(c.Do(PlacementAt("p1", "100001", 1, D(2025, 9, 3))).ok());
  auto overlap = c.Do(PlacementAt("p2", "100002", 1, D(2026, 1, 5)));
  EXPECT_EQ(overlap.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(overlap.status().message()),
              ::testing::HasSubstr("overlaps placement p1"));
  // A second (dual) placement of rank 2 may run beside it.
  ASSERT_TRUE(c.Do(PlacementAt("p3", "100003", 2, D(2026, 1, 5))).ok());
  // p1 ends on 19 Dec 2025; p2 starts on 5 Jan 2026.
  ASSERT_TRUE(
      c.Do(PlacementAt("p1", "100001", 1, D(2025, 9, 3), D(2025, 12, 19)))
          .ok());
  ASSERT_TRUE(c.Do(PlacementAt("p2", "100002", 1, D(2026, 1, 5))).ok());
  ASSERT_EQ(c.state().placements_size(), 3);
  EXPECT_EQ(statutory::DateOf(c.state().placements(0).leaving_date()),
            D(2025, 12, 19));
  // Bad input names the field.
  v1::RecordPlacementRequest bad = PlacementAt("p4", "12345", 1, D(2026, 2, 1));
  EXPECT_THAT(std::string(c.Do(bad).status().message()),
              ::testing::HasSubstr("placement.establishment.urn"));
  bad = PlacementAt("p4", "100004", 3, D(2026, 2, 1));
  EXPECT_THAT(std::string(c.Do(bad).status().message()),
              ::testing::HasSubstr("placement.establishment.rank"));
  bad = PlacementAt("p4", "100004", 1, D(2026, 2, 1), D(2026, 1, 31));
  EXPECT_THAT(std::string(c.Do(bad).status().message()),
              ::testing::HasSubstr("placement.leaving_date"));
}

// What a plan names, and a transfer in, are checked and kept.
TEST(ReviewTest, ContentsAndTransfersInAreCheckedAndKept) {
  PlanCase c(D(2026, 11, 23));
  v1::RegisterPlanRequest reg = Registration(D(2024, 9, 1));
  reg.set_origin(v1::PLAN_ORIGIN_TRANSFER_IN);
  reg.set_transferred_from_la("873");
  *reg.mutable_transferred_on() = ToProto(D(2026, 4, 1));
  v1::Setting* s = reg.mutable_contents()->add_settings();
  s->set_urn("100001");
  s->set_rank(1);
  v1::SenNeed* n = reg.mutable_contents()->add_needs();
  n->set_type(v1::SEN_TYPE_ASD);
  n->set_rank(1);
  v1::RegisterPlanRequest bad = reg;
  bad.set_transferred_from_la("87");
  EXPECT_THAT(std::string(c.Do("plan-1", bad).status().message()),
              ::testing::HasSubstr("transferred_from_la"));
  bad = reg;
  bad.set_origin(v1::PLAN_ORIGIN_MIGRATED);
  EXPECT_THAT(std::string(c.Do("plan-1", bad).status().message()),
              ::testing::HasSubstr("TRANSFER_IN"));
  bad = reg;
  bad.mutable_contents()->mutable_needs(0)->set_rank(2);
  EXPECT_THAT(std::string(c.Do("plan-1", bad).status().message()),
              ::testing::HasSubstr("contents.needs"));
  ASSERT_TRUE(c.Do("plan-1", reg).ok());
  EXPECT_EQ(c.state().transferred_from_la(), "873");
  EXPECT_EQ(c.state().contents().settings(0).urn(), "100001");
}

}  // namespace
}  // namespace casework::reviews

namespace casework::reviews {
namespace {

TEST(ReviewAllowedActions, FollowTheReviewCycle) {
  PlanCase c(D(2026, 11, 23));
  auto offered = [&] {
    std::vector<std::string> v = Traits::AllowedActions(c.state());
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_TRUE(offered().empty());
  ASSERT_TRUE(c.Do("plan-1", Registration(D(2025, 11, 1))).ok());
  const std::vector<std::string> base = {"AuditPlan",       "CeasePlan",
                                         "ProposeToCease",  "ReassignOfficer",
                                         "RecordPlacement", "SetPhaseTransfer"};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.end(), base.begin(), base.end());
    std::sort(more.begin(), more.end());
    return more;
  };
  EXPECT_EQ(offered(), with({"RecordMeetingHeld", "ScheduleReviewMeeting"}));
  EXPECT_EQ(c.Do(Decision(v1::REVIEW_DECISION_MAINTAIN, D(2026, 10, 1)))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);  // not offered: refused
  ASSERT_TRUE(c.Do(Schedule(D(2026, 10, 20))).ok());
  EXPECT_EQ(offered(), with({"RecordMeetingHeld", "RecordPapersSent",
                             "ScheduleReviewMeeting"}));
  ASSERT_TRUE(c.Do(Held(D(2026, 10, 20))).ok());
  EXPECT_EQ(offered(), with({"RecordPapersSent", "RecordReviewDecision"}));
  ASSERT_TRUE(c.Do(Decision(v1::REVIEW_DECISION_AMEND, D(2026, 11, 1))).ok());
  const std::vector<std::string> now = offered();
  EXPECT_TRUE(std::find(now.begin(), now.end(), "IssueAmendedPlan") !=
              now.end());
  EXPECT_TRUE(std::find(now.begin(), now.end(), "DecideNotToAmend") !=
              now.end());
}

}  // namespace
}  // namespace casework::reviews
