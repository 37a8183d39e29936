// Quality audits of a plan: who may audit, what an audit must judge, the
// clocks of the actions it asks for, and the tallies the quality measures
// divide (libs/statutory/quality.h).
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

// A plan the EHC service issued on `issued`, held by officer-1.
void Issue(PlanCase& c, Date issued) {
  ASSERT_TRUE(c.Do(FinalPlan(issued)).ok());
}

// A full audit by `auditor` on `on`: every default criterion met, but
// preparation for adulthood not applicable and outcomes not met.
v1::AuditPlanRequest FullAudit(std::string audit_id, std::string auditor,
                               Date on,
                               v1::AuditGrade grade = v1::AUDIT_GRADE_GOOD) {
  v1::AuditPlanRequest r;
  r.set_audit_id(std::move(audit_id));
  r.set_auditor_id(std::move(auditor));
  r.set_kind(v1::AUDIT_KIND_FULL);
  *r.mutable_audited_on() = ToProto(on);
  r.set_grade(grade);
  for (const statutory::Criterion& k : statutory::DefaultQaFramework().plan) {
    v1::CriterionFinding* f = r.add_findings();
    f->set_criterion(k.id);
    f->set_result(k.id == "pfa_year9" ? v1::CRITERION_RESULT_NOT_APPLICABLE
                  : k.id == "outcomes_smart" ? v1::CRITERION_RESULT_NOT_MET
                                             : v1::CRITERION_RESULT_MET);
  }
  return r;
}

v1::AuditAction* Ask(v1::AuditPlanRequest& r, std::string id,
                     std::string section) {
  v1::AuditAction* a = r.add_actions();
  a->set_action_id(std::move(id));
  a->set_section(std::move(section));
  a->set_description("Rewrite the outcomes so each can be measured");
  return a;
}

v1::CompleteAuditActionRequest Done(std::string audit_id, std::string action,
                                    Date on) {
  v1::CompleteAuditActionRequest r;
  r.set_audit_id(std::move(audit_id));
  r.set_action_id(std::move(action));
  *r.mutable_completed_on() = ToProto(on);
  return r;
}

TEST(PlanAuditTest, SomeoneOtherThanThePlansOfficerAudits) {
  PlanCase c(D(2026, 11, 20));
  Issue(c, D(2026, 10, 1));
  ASSERT_TRUE(c.Do(FullAudit("a1", "qa-1", D(2026, 11, 2))).ok());
  EXPECT_EQ(c.state().audits_size(), 1);
  EXPECT_EQ(c.state().audits(0).auditor_id(), "qa-1");
  auto refused = c.Do(FullAudit("a2", "officer-1", D(2026, 11, 2)));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("auditor_id: officer-1 is the plan's officer"));
  EXPECT_EQ(c.state().audits_size(), 1);
  // The same audit id again is another audit under a used id.
  EXPECT_EQ(c.Do(FullAudit("a1", "qa-2", D(2026, 11, 3))).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(PlanAuditTest, TheAuditDateFallsBetweenTheIssueAndToday) {
  PlanCase c(D(2026, 11, 20));
  Issue(c, D(2026, 10, 1));
  EXPECT_TRUE(c.Do(FullAudit("a1", "qa-1", D(2026, 10, 1))).ok());
  EXPECT_TRUE(c.Do(FullAudit("a2", "qa-1", D(2026, 11, 20))).ok());
  auto before = c.Do(FullAudit("a3", "qa-1", D(2026, 9, 30)));
  EXPECT_THAT(before.status().message(),
              HasSubstr("audited_on: 2026-09-30 is before the plan audited "
                        "was issued"));
  auto future = c.Do(FullAudit("a4", "qa-1", D(2026, 11, 21)));
  EXPECT_THAT(future.status().message(), HasSubstr("is in the future"));
}

TEST(PlanAuditTest, AFullAuditMissingACriterionIsRefusedNamingIt) {
  PlanCase c(D(2026, 11, 20));
  Issue(c, D(2026, 10, 1));
  v1::AuditPlanRequest r = FullAudit("a1", "qa-1", D(2026, 11, 2));
  r.mutable_findings()->RemoveLast();  // pfa_year9
  auto refused = c.Do(r);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("no finding for criterion pfa_year9"));
  r.set_kind(v1::AUDIT_KIND_THEMED);
  r.clear_grade();
  EXPECT_TRUE(c.Do(r).ok());
}

TEST(PlanAuditTest, ActionsAreDueInTheFrameworksWorkingDays) {
  // 20 working days from Monday 2 November 2026 (no bank holiday): Monday
  // 30 November. Over Christmas from Monday 14 December 2026: Christmas Day,
  // Boxing Day's substitute (Monday 28th) and New Year's Day skipped:
  // Thursday 14 January 2027.
  struct Row {
    Date audited, due;
  } rows[] = {{D(2026, 11, 2), D(2026, 11, 30)},
              {D(2026, 12, 14), D(2027, 1, 14)}};
  for (const Row& row : rows) {
    PlanCase c(D(2027, 2, 1));
    Issue(c, D(2026, 10, 1));
    v1::AuditPlanRequest r = FullAudit("a1", "qa-1", row.audited);
    Ask(r, "outcomes", "E");
    ASSERT_TRUE(c.Do(r).ok());
    const v1::Clock& clock = c.clock("audit_action/a1/outcomes");
    EXPECT_EQ(clock.rule(), "quality.audit_action");
    EXPECT_EQ(statutory::DateOf(clock.due_on()), row.due)
        << row.audited.ToString();
    EXPECT_EQ(statutory::DateOf(c.state().audits(0).actions(0).due_on()),
              row.due);
  }
}

TEST(PlanAuditTest, AnActionDoneOnItsDueDayIsMetTheDayAfterMissed) {
  for (const auto& [done, action, late] :
       {std::tuple{D(2026, 11, 30), v1::CLOCK_MET, 0},
        std::tuple{D(2026, 12, 1), v1::CLOCK_MISSED, 1}}) {
    PlanCase c(D(2026, 12, 10));
    Issue(c, D(2026, 10, 1));
    v1::AuditPlanRequest r = FullAudit("a1", "qa-1", D(2026, 11, 2));
    Ask(r, "outcomes", "E");
    ASSERT_TRUE(c.Do(r).ok());
    EXPECT_THAT(Traits::AllowedActions(c.state()),
                ::testing::Contains("CompleteAuditAction"));
    auto events = c.Do(Done("a1", "outcomes", done));
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_EQ(events->events[0].clocks_size(), 1);
    EXPECT_EQ(events->events[0].clocks(0).action(), action);
    EXPECT_EQ(events->events[0].clocks(0).days_late(), late);
    EXPECT_THAT(Traits::AllowedActions(c.state()),
                ::testing::Not(::testing::Contains("CompleteAuditAction")));
    EXPECT_THAT(c.Do(Done("a1", "outcomes", done)).status().message(),
                HasSubstr("was completed on"));
  }
}

TEST(PlanAuditTest, CompletingNeedsAnAuditAndActionOfThePlan) {
  PlanCase c(D(2026, 12, 10));
  Issue(c, D(2026, 10, 1));
  v1::AuditPlanRequest r = FullAudit("a1", "qa-1", D(2026, 11, 2));
  Ask(r, "outcomes", "E");
  ASSERT_TRUE(c.Do(r).ok());
  EXPECT_EQ(c.Do(Done("a9", "outcomes", D(2026, 11, 3))).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(c.Do(Done("a1", "section-f", D(2026, 11, 3))).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(c.Do(Done("a1", "outcomes", D(2026, 11, 1))).status().message(),
              HasSubstr("completed_on: 2026-11-01 is before the audit"));
}

TEST(PlanAuditTest, WhatToDoIsKeptOutOfTheEvent) {
  PlanCase c(D(2026, 11, 20));
  Issue(c, D(2026, 10, 1));
  v1::AuditPlanRequest r = FullAudit("a1", "qa-1", D(2026, 11, 2));
  Ask(r, "outcomes", "E");
  auto d = c.Do(r);
  ASSERT_TRUE(d.ok());
  const v1::Audit& recorded = d->events[0].plan_audited().audit();
  ASSERT_EQ(recorded.actions_size(), 1);
  EXPECT_EQ(recorded.actions(0).section(), "E");
  EXPECT_TRUE(recorded.actions(0).description().empty());
  ASSERT_EQ(d->index_puts.size(), 1u);
  EXPECT_EQ(d->index_puts[0].first, AuditTextKey("plan-1", "a1", "outcomes"));
  EXPECT_EQ(d->index_puts[0].second,
            "Rewrite the outcomes so each can be measured");
}

TEST(PlanAuditTest, TalliesCountEachIssueOfThePlanAuditedOnce) {
  PlanCase c(D(2027, 3, 1));
  // A final plan from the EHC service is a plan issued; a migrated one is
  // not (it was issued before the LA used casework).
  auto issued = c.Do(FinalPlan(D(2026, 10, 1)));
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(Tallies(issued->events[0]),
            (std::map<std::string, int64_t>{{"quality.plans_issued", 1}}));

  auto first = c.Do(FullAudit("a1", "qa-1", D(2026, 11, 2)));
  ASSERT_TRUE(first.ok());
  const std::map<std::string, int64_t> good_audit = {
      {"quality.plans_audited", 1},
      {"quality.audits_graded", 1},
      {"quality.audits_good", 1},
      {"quality.criterion.needs_specific.assessed", 1},
      {"quality.criterion.needs_specific.met", 1},
      {"quality.criterion.provision_quantified.assessed", 1},
      {"quality.criterion.provision_quantified.met", 1},
      {"quality.criterion.outcomes_smart.assessed", 1},
      {"quality.criterion.child_views.assessed", 1},
      {"quality.criterion.child_views.met", 1},
      {"quality.criterion.coproduction.assessed", 1},
      {"quality.criterion.coproduction.met", 1},
      {"quality.criterion.health_advice.assessed", 1},
      {"quality.criterion.health_advice.met", 1},
      {"quality.criterion.social_care_advice.assessed", 1},
      {"quality.criterion.social_care_advice.met", 1},
      {"quality.criterion.all_advice.assessed", 1},
      {"quality.criterion.all_advice.met", 1},
  };
  EXPECT_EQ(Tallies(first->events[0]), good_audit);

  // A second audit of the same issue: not another plan audited.
  auto second = c.Do(FullAudit("a2", "qa-2", D(2026, 11, 9),
                               v1::AUDIT_GRADE_REQUIRES_IMPROVEMENT));
  ASSERT_TRUE(second.ok());
  std::map<std::string, int64_t> t = Tallies(second->events[0]);
  EXPECT_FALSE(t.contains("quality.plans_audited"));
  EXPECT_FALSE(t.contains("quality.audits_good"));
  EXPECT_EQ(t["quality.audits_graded"], 1);
  EXPECT_EQ(c.state().audits(1).audited_plan(), v1::AUDITED_PLAN_FINAL);
}

TEST(PlanAuditTest, AnAmendedPlanIsANewIssueToAudit) {
  PlanCase c(D(2026, 12, 20));
  Issue(c, D(2025, 12, 1));
  ASSERT_TRUE(c.Do(FullAudit("a1", "qa-1", D(2025, 12, 10))).ok());
  v1::RecordMeetingHeldRequest held;
  *held.mutable_held_on() = ToProto(D(2026, 10, 1));
  ASSERT_TRUE(c.Do(held).ok());
  v1::RecordReviewDecisionRequest decision;
  decision.set_decision(v1::REVIEW_DECISION_AMEND);
  *decision.mutable_notified_on() = ToProto(D(2026, 10, 8));
  ASSERT_TRUE(c.Do(decision).ok());
  v1::IssueAmendedPlanRequest amended;
  *amended.mutable_issued_on() = ToProto(D(2026, 11, 30));
  auto issued = c.Do(amended);
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(Tallies(issued->events[0])["quality.plans_issued"], 1);
  // The amended plan is what an audit now looks at: not before its issue.
  EXPECT_THAT(c.Do(FullAudit("a2", "qa-1", D(2026, 11, 29))).status().message(),
              HasSubstr("before the plan audited was issued (2026-11-30)"));
  auto audit = c.Do(FullAudit("a2", "qa-1", D(2026, 12, 1)));
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(Tallies(audit->events[0])["quality.plans_audited"], 1);
  EXPECT_EQ(c.state().audits(1).audited_plan(), v1::AUDITED_PLAN_AMENDED);
  EXPECT_EQ(statutory::DateOf(c.state().audits(1).plan_issued_on()),
            D(2026, 11, 30));
}

TEST(PlanAuditTest, ACeasedPlanIsNotAudited) {
  PlanCase c(D(2026, 12, 20));
  Issue(c, D(2025, 12, 1));
  v1::CeasePlanRequest cease;
  *cease.mutable_ceased_on() = ToProto(D(2026, 12, 1));
  cease.set_reason(v1::CEASE_REASON_NEEDS_MET);
  ASSERT_TRUE(c.Do(cease).ok());
  EXPECT_EQ(c.Do(FullAudit("a1", "qa-1", D(2026, 12, 2))).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace casework::reviews
