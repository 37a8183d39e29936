// A plan drawn in a dip sample: the clock it opens for the auditor, the
// audit that closes it, and the tallies of the "audited of drawn" measure.
// (The draw itself: tests/statutory/quality_test.cc; through gRPC:
// tests/e2e/quality_test.sh.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/rpc/proto_date.h"
#include "libs/statutory/clock_ops.h"
#include "services/annual-reviews/review.h"
#include "tests/services/annual-reviews/plan_case.h"
#include "tests/testing/tallies.h"

namespace casework::reviews {
namespace {

using ::testing::HasSubstr;
using testplan::D;
using testplan::FinalPlan;
using testplan::PlanCase;
using testutil::Tallies;

v1::PlanSample Sample(std::string id, std::string auditor, Date drawn,
                      Date due) {
  v1::PlanSample s;
  s.set_sample_id(std::move(id));
  s.set_auditor_id(std::move(auditor));
  *s.mutable_drawn_on() = ToProto(drawn);
  *s.mutable_due_on() = ToProto(due);
  *s.mutable_issued_from() = ToProto(D(2026, 10, 1));
  *s.mutable_issued_to() = ToProto(D(2026, 10, 31));
  s.set_percent(10);
  s.set_population(30);
  s.set_size(3);
  return s;
}

v1::AuditPlanRequest DipAudit(std::string audit_id, Date on) {
  v1::AuditPlanRequest r;
  r.set_audit_id(std::move(audit_id));
  r.set_auditor_id("qa-1");
  r.set_kind(v1::AUDIT_KIND_DIP_SAMPLE);
  *r.mutable_audited_on() = ToProto(on);
  r.set_grade(v1::AUDIT_GRADE_GOOD);
  for (const statutory::Criterion& k : statutory::DefaultQaFramework().plan) {
    v1::CriterionFinding* f = r.add_findings();
    f->set_criterion(k.id);
    f->set_result(v1::CRITERION_RESULT_MET);
  }
  return r;
}

TEST(PlanSampleTest, DrawingOpensAClockForTheAuditorNotTheOfficer) {
  PlanCase c(D(2026, 11, 2));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 10, 5))).ok());
  auto drawn = c.Do(Sample("2026-10", "qa-1", D(2026, 11, 2), D(2026, 11, 30)));
  ASSERT_TRUE(drawn.ok()) << drawn.status();
  const v1::AnnualReviewEvent& e = drawn->events[0];
  ASSERT_TRUE(e.has_plan_sampled());
  ASSERT_EQ(e.clocks_size(), 1);
  EXPECT_EQ(e.clocks(0).rule(), "quality.sample_audit");
  EXPECT_EQ(e.clocks(0).assignee(), "qa-1");
  EXPECT_EQ(statutory::DateOf(e.clocks(0).due_on()), D(2026, 11, 30));
  EXPECT_EQ(Tallies(e),
            (std::map<std::string, int64_t>{{"quality.plans_sampled", 1}}));
  ASSERT_EQ(c.state().samples_size(), 1);
  EXPECT_EQ(c.state().samples(0).sample_id(), "2026-10");
  EXPECT_EQ(c.clock("sample/2026-10").assignee(), "qa-1");
  // The plan's officer stays the officer.
  EXPECT_EQ(c.state().officer_id(), "officer-1");
}

TEST(PlanSampleTest, TheSameSampleDrawsAPlanOnceAndNeverForItsOfficer) {
  PlanCase c(D(2026, 11, 2));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 10, 5))).ok());
  auto own = c.Do(Sample("s1", "officer-1", D(2026, 11, 2), D(2026, 11, 30)));
  ASSERT_FALSE(own.ok());
  EXPECT_THAT(own.status().message(),
              HasSubstr("auditor_id: officer-1 is the plan's officer"));
  EXPECT_EQ(c.state().samples_size(), 0);
  ASSERT_TRUE(c.Do(Sample("s1", "qa-1", D(2026, 11, 2), D(2026, 11, 30))).ok());
  auto again = c.Do(Sample("s1", "qa-2", D(2026, 11, 2), D(2026, 11, 30)));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(),
              HasSubstr("sample_id: sample s1 drew plan plan-1"));
}

TEST(PlanSampleTest, AnAuditByTheDueDayIsOnTimeTheDayAfterLate) {
  for (const auto& [audited, action, late] :
       {std::tuple{D(2026, 11, 30), v1::CLOCK_MET, 0},
        std::tuple{D(2026, 12, 1), v1::CLOCK_MISSED, 1}}) {
    PlanCase c(D(2026, 12, 10));
    ASSERT_TRUE(c.Do(FinalPlan(D(2026, 10, 5))).ok());
    ASSERT_TRUE(
        c.Do(Sample("s1", "qa-1", D(2026, 11, 2), D(2026, 11, 30))).ok());
    auto audit = c.Do(DipAudit("a1", audited));
    ASSERT_TRUE(audit.ok()) << audit.status();
    const v1::AnnualReviewEvent& e = audit->events[0];
    EXPECT_EQ(e.plan_audited().audit().sample_id(), "s1");
    ASSERT_EQ(e.clocks_size(), 1);
    EXPECT_EQ(e.clocks(0).clock_id(), "sample/s1");
    EXPECT_EQ(e.clocks(0).action(), action);
    EXPECT_EQ(e.clocks(0).days_late(), late);
    EXPECT_EQ(e.clocks(0).assignee(), "qa-1");
    EXPECT_EQ(Tallies(e)["quality.sampled_audited"], 1);
    EXPECT_EQ(c.state().samples(0).audit_id(), "a1");
    // A second audit completes no sample.
    auto second = c.Do(DipAudit("a2", audited));
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->events[0].plan_audited().audit().sample_id(), "");
    EXPECT_EQ(second->events[0].clocks_size(), 0);
    EXPECT_EQ(Tallies(second->events[0]).count("quality.sampled_audited"), 0u);
  }
}

TEST(PlanSampleTest, AnAuditOfAPlanNotSampledCompletesNoSample) {
  PlanCase c(D(2026, 12, 10));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 10, 5))).ok());
  auto audit = c.Do(DipAudit("a1", D(2026, 11, 3)));
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->events[0].plan_audited().audit().sample_id(), "");
  EXPECT_EQ(Tallies(audit->events[0]).count("quality.sampled_audited"), 0u);
}

TEST(PlanSampleTest, CeasingThePlanCancelsTheSampleAudit) {
  PlanCase c(D(2026, 12, 10));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 10, 5))).ok());
  ASSERT_TRUE(c.Do(Sample("s1", "qa-1", D(2026, 11, 2), D(2026, 11, 30))).ok());
  v1::CeasePlanRequest cease;
  *cease.mutable_ceased_on() = ToProto(D(2026, 11, 20));
  cease.set_reason(v1::CEASE_REASON_NEEDS_MET);
  ASSERT_TRUE(c.Do(cease).ok());
  EXPECT_EQ(c.clock("sample/s1").status(), v1::CLOCK_STATUS_CANCELLED);
  EXPECT_EQ(c.Do(Sample("s2", "qa-1", D(2026, 12, 1), D(2026, 12, 29)))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PlanSampleTest, ThePlanLastIssuedIsTheAmendedOne) {
  // A sample is of plans by the day they were last issued: the first issue,
  // then the amended plan's.
  PlanCase c(D(2026, 12, 20));
  ASSERT_TRUE(c.Do(FinalPlan(D(2025, 12, 1))).ok());
  EXPECT_EQ(LastIssuedOn(c.state()), D(2025, 12, 1));
  v1::RecordMeetingHeldRequest held;
  *held.mutable_held_on() = ToProto(D(2026, 10, 1));
  ASSERT_TRUE(c.Do(held).ok());
  v1::RecordReviewDecisionRequest decision;
  decision.set_decision(v1::REVIEW_DECISION_AMEND);
  *decision.mutable_notified_on() = ToProto(D(2026, 10, 8));
  ASSERT_TRUE(c.Do(decision).ok());
  EXPECT_EQ(LastIssuedOn(c.state()), D(2025, 12, 1));
  v1::IssueAmendedPlanRequest amended;
  *amended.mutable_issued_on() = ToProto(D(2026, 11, 30));
  ASSERT_TRUE(c.Do(amended).ok());
  EXPECT_EQ(LastIssuedOn(c.state()), D(2026, 11, 30));
}

}  // namespace
}  // namespace casework::reviews
