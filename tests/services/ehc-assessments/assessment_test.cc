#include "services/ehc-assessments/assessment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "libs/statutory/clock_ops.h"
#include "tests/testing/decide_case.h"
#include "tests/testing/tallies.h"

namespace casework::ehc {
namespace {

using ::testing::HasSubstr;

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }

// Drives the pure core the way the CommandHandler does: decide, stamp metadata,
// evolve.
// An assessment in memory; Do gives the events of a step.
class Case : public testutil::DecideCase<Traits, Env> {
 public:
  explicit Case(Date today) : DecideCase("a-1", today) {}
  template <typename... Args>
  absl::StatusOr<std::vector<Event>> Do(const Args&... args) {
    auto d = DecideCase::Do(args...);
    if (!d.ok()) return d.status();
    return d->events;
  }
};

v1::RecordRequestRequest Request(
    Date received, v1::AssessmentKind kind = v1::ASSESSMENT_KIND_FIRST) {
  v1::RecordRequestRequest r;
  r.set_child_id("child-1");
  r.set_officer_id("officer-1");
  *r.mutable_received_on() = ToProto(received);
  r.set_source(v1::REQUEST_SOURCE_PARENT);
  r.set_kind(kind);
  if (kind == v1::ASSESSMENT_KIND_REASSESSMENT) r.set_plan_id("plan-1");
  return r;
}

v1::DecideToAssessRequest Assess(Date d) {
  v1::DecideToAssessRequest r;
  *r.mutable_decided_on() = ToProto(d);
  return r;
}
v1::RequestAdviceRequest Advice(
    Date d, v1::AdviceType type = v1::ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY) {
  v1::RequestAdviceRequest r;
  r.set_advice_type(type);
  r.set_adviser("EP service");
  *r.mutable_requested_on() = ToProto(d);
  return r;
}
v1::RecordAdviceReceivedRequest AdviceIn(absl::string_view id, Date d) {
  v1::RecordAdviceReceivedRequest r;
  r.set_advice_id(std::string(id));
  *r.mutable_received_on() = ToProto(d);
  return r;
}
v1::IssueDraftPlanRequest Draft(Date d) {
  v1::IssueDraftPlanRequest r;
  *r.mutable_issued_on() = ToProto(d);
  return r;
}
v1::IssueFinalPlanRequest Final(Date d) {
  v1::IssueFinalPlanRequest r;
  *r.mutable_issued_on() = ToProto(d);
  return r;
}
v1::RecordExceptionRequest Exception(v1::ExceptionKind kind, Date starts,
                                     absl::string_view advice_id = "",
                                     Date ends = Date()) {
  v1::RecordExceptionRequest r;
  r.set_kind(kind);
  *r.mutable_starts_on() = ToProto(starts);
  if (ends != Date()) *r.mutable_ends_on() = ToProto(ends);
  r.set_advice_id(std::string(advice_id));
  return r;
}

const v1::ClockChange* Change(const std::vector<Event>& events,
                              absl::string_view clock_id) {
  for (const Event& e : events) {
    for (const v1::ClockChange& c : e.clocks()) {
      if (c.clock_id() == clock_id) return &c;
    }
  }
  return nullptr;
}

TEST(EhcAssessment, RecordingARequestOpensTheSixWeekDecisionClock) {
  Case c(D(2026, 3, 1));
  auto events = c.Do(std::string("a-1"), Request(D(2026, 1, 5)));
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  const v1::ClockChange* decision = Change(*events, "decision");
  ASSERT_NE(decision, nullptr);
  EXPECT_EQ(decision->action(), v1::CLOCK_OPENED);
  EXPECT_EQ(decision->rule(), "ehc.decision_to_assess");
  EXPECT_EQ(decision->due_on().month(), 2);
  EXPECT_EQ(decision->due_on().day(), 16);  // Reg 5(1): 6 weeks
  EXPECT_THAT(decision->citation(), HasSubstr("reg 5(1)"));
  EXPECT_EQ(c.state().status(), v1::ASSESSMENT_STATUS_REQUESTED);
}

TEST(EhcAssessment, DecisionOnTheDueDateIsMetAndTheDayAfterIsMissed) {
  for (auto [decided, action, late] :
       {std::tuple{D(2026, 2, 16), v1::CLOCK_MET, 0},
        {D(2026, 2, 17), v1::CLOCK_MISSED, 1}}) {
    Case c(D(2026, 6, 1));
    ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
    auto events = c.Do(Assess(decided));
    ASSERT_TRUE(events.ok());
    const v1::ClockChange* decision = Change(*events, "decision");
    ASSERT_NE(decision, nullptr);
    EXPECT_EQ(decision->action(), action);
    EXPECT_EQ(decision->days_late(), late);
    // Reg 13(2): final plan 20 weeks from the request (25 May 2026); reg 10(1):
    // 16 weeks.
    EXPECT_EQ(Change(*events, "final_plan")->due_on().day(), 25);
    EXPECT_EQ(Change(*events, "final_plan")->due_on().month(), 5);
    EXPECT_EQ(Change(*events, "no_plan_decision")->due_on().month(), 4);
    EXPECT_EQ(Change(*events, "no_plan_decision")->due_on().day(), 27);
  }
}

// SEND Regs 2014 reg 25(1): the decision whether to re-assess is notified
// "within 15 days of receiving a request": received 5 Jan, due 20 Jan; a
// decision on 20 Jan is on time, on 21 Jan one day late.
TEST(EhcAssessment, ReassessmentDecisionIsDue15DaysFromTheRequest_Reg25_1) {
  for (auto [decided, action, late] :
       {std::tuple{D(2026, 1, 20), v1::CLOCK_MET, 0},
        {D(2026, 1, 21), v1::CLOCK_MISSED, 1}}) {
    Case c(D(2026, 6, 1));
    auto recorded =
        c.Do(std::string("a-1"),
             Request(D(2026, 1, 5), v1::ASSESSMENT_KIND_REASSESSMENT));
    ASSERT_TRUE(recorded.ok());
    const v1::ClockChange* open = Change(*recorded, "decision");
    EXPECT_EQ(open->rule(), "ehc.reassessment_decision");
    EXPECT_EQ(statutory::DateOf(open->due_on()), D(2026, 1, 20));
    EXPECT_THAT(open->citation(), HasSubstr("reg 25(1)"));
    auto events = c.Do(Assess(decided));
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(Change(*events, "decision")->action(), action);
    EXPECT_EQ(Change(*events, "decision")->days_late(), late);
  }
}

// Reg 27(2): the final plan after a re-assessment is due 14 weeks from the
// notification of the decision to re-assess (not from the request): decided
// 1 Feb 2026, due 10 May 2026. Reg 10's 16-week limit does not apply (reg 26).
TEST(EhcAssessment, ReassessmentFinalPlanIs14WeeksFromTheDecision_Reg27_2) {
  for (auto [issued, action] : {std::pair{D(2026, 5, 10), v1::CLOCK_MET},
                                {D(2026, 5, 11), v1::CLOCK_MISSED}}) {
    Case c(D(2026, 6, 1));
    ASSERT_TRUE(c.Do(std::string("a-1"),
                     Request(D(2026, 1, 5), v1::ASSESSMENT_KIND_REASSESSMENT))
                    .ok());
    auto events = c.Do(Assess(D(2026, 2, 1)));
    ASSERT_TRUE(events.ok());
    const v1::ClockChange* final_plan = Change(*events, "final_plan");
    EXPECT_EQ(final_plan->rule(), "ehc.reassessment_final_plan");
    EXPECT_EQ(statutory::DateOf(final_plan->started_on()), D(2026, 2, 1));
    EXPECT_EQ(statutory::DateOf(final_plan->due_on()), D(2026, 5, 10));
    EXPECT_THAT(final_plan->citation(), HasSubstr("reg 27(2)"));
    EXPECT_EQ(Change(*events, "no_plan_decision"), nullptr);
    ASSERT_TRUE(c.Do(Draft(D(2026, 4, 1))).ok());
    auto done = c.Do(Final(issued));
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(Change(*done, "final_plan")->action(), action);
  }
}

// Reg 27(3): the exceptions lift the re-assessment's 14 weeks; nothing lifts
// reg 25(1)'s 15 days.
TEST(EhcAssessment, ReassessmentExceptionsLiftThe14WeeksNotThe15Days_Reg27_3) {
  Case c(D(2026, 1, 8));
  ASSERT_TRUE(c.Do(std::string("a-1"),
                   Request(D(2026, 1, 5), v1::ASSESSMENT_KIND_REASSESSMENT))
                  .ok());
  auto early =
      c.Do(std::string("x-1"),
           Exception(v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES, D(2026, 1, 7)));
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(Change(*early, "decision"), nullptr);
  c.SetToday(D(2026, 3, 2));
  ASSERT_TRUE(c.Do(Assess(D(2026, 1, 15))).ok());
  // Arose before the 14 weeks began: not within their period.
  EXPECT_FALSE(c.clock("final_plan").exception());
  auto later =
      c.Do(std::string("x-2"),
           Exception(v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES, D(2026, 3, 1)));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(Change(*later, "final_plan")->action(),
            v1::CLOCK_EXCEPTION_APPLIED);
}

TEST(EhcAssessment, WholeRouteToAFinalPlanClosesEveryClock) {
  Case c(D(2026, 12, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  ASSERT_TRUE(c.Do(std::string("ep-1"), Advice(D(2026, 2, 11))).ok());
  auto advice =
      c.Do(AdviceIn("ep-1", D(2026, 3, 30)));  // due 25 March: 5 days late
  ASSERT_TRUE(advice.ok());
  EXPECT_EQ(Change(*advice, "advice/ep-1")->action(), v1::CLOCK_MISSED);
  EXPECT_EQ(Change(*advice, "advice/ep-1")->days_late(), 5);
  EXPECT_EQ(Change(*advice, "advice/ep-1")->measure_subtype(),
            "educational_psychology");
  auto draft = c.Do(Draft(D(2026, 4, 20)));
  ASSERT_TRUE(draft.ok());
  EXPECT_EQ(Change(*draft, "no_plan_decision")->action(), v1::CLOCK_CANCELLED);
  EXPECT_EQ(Change(*draft, "draft_comment")->due_on().day(),
            4);  // 15 days beginning with 20 April: to 4 May
  auto final_plan = c.Do(Final(D(2026, 5, 20)));
  ASSERT_TRUE(final_plan.ok());
  EXPECT_EQ(Change(*final_plan, "final_plan")->action(), v1::CLOCK_MET);
  EXPECT_EQ(Change(*final_plan, "draft_comment")->action(), v1::CLOCK_MET);
  EXPECT_EQ(c.state().status(), v1::ASSESSMENT_STATUS_PLAN_ISSUED);
  for (const v1::Clock& clock : c.state().clocks()) {
    EXPECT_NE(clock.status(), v1::CLOCK_STATUS_OPEN) << clock.clock_id();
  }
}

TEST(EhcAssessment,
     FinalPlanBeforeTheCommentPeriodEndsIsRefusedUnlessRepresentationsAreIn) {
  Case c(D(2026, 12, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  ASSERT_TRUE(c.Do(Draft(D(2026, 4, 20))).ok());
  auto early = c.Do(Final(D(2026, 4, 30)));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.status().message()), HasSubstr("reg 13(1)"));
  v1::IssueFinalPlanRequest agreed = Final(D(2026, 4, 30));
  agreed.set_representations_complete(true);
  EXPECT_TRUE(c.Do(agreed).ok());
}

// SEND Regs 2014 reg 13(1): "at least 15 days beginning with the day on which
// the draft plan was served": served 20 April, the period runs 20 April to
// 4 May (its clock is due 4 May), and the final plan may issue from 5 May.
TEST(EhcAssessment, DraftCommentPeriodBeginsWithTheDayOfService_Reg13_1) {
  for (const auto& [final_on, allowed] :
       {std::pair{D(2026, 5, 4), false}, std::pair{D(2026, 5, 5), true}}) {
    Case c(D(2026, 12, 1));
    ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
    ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
    auto draft = c.Do(Draft(D(2026, 4, 20)));
    ASSERT_TRUE(draft.ok());
    EXPECT_EQ(statutory::DateOf(Change(*draft, "draft_comment")->due_on()),
              D(2026, 5, 4));
    auto final_plan = c.Do(Final(final_on));
    EXPECT_EQ(final_plan.ok(), allowed) << final_on.ToString();
    if (!allowed) {
      EXPECT_THAT(std::string(final_plan.status().message()),
                  HasSubstr("issue from 2026-05-05"));
    } else {
      EXPECT_EQ(Change(*final_plan, "draft_comment")->action(), v1::CLOCK_MET);
    }
  }
}

// The request may carry the child's date of birth; the final plan passes it
// on (the annual-reviews service reviews under-5s at its shorter interval).
// A date that makes the child unborn or over 25 (CFA 2014 s.83) is refused.
TEST(EhcAssessment, TheDateOfBirthTravelsToTheFinalPlan) {
  Case c(D(2026, 12, 1));
  v1::RecordRequestRequest r = Request(D(2026, 1, 5));
  *r.mutable_date_of_birth() = ToProto(D(2023, 6, 1));
  auto recorded = c.Do(std::string("a-1"), r);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(
      statutory::DateOf((*recorded)[0].request_recorded().date_of_birth()),
      D(2023, 6, 1));
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  ASSERT_TRUE(c.Do(Draft(D(2026, 4, 20))).ok());
  auto final_plan = c.Do(Final(D(2026, 5, 20)));
  ASSERT_TRUE(final_plan.ok());
  EXPECT_EQ(
      statutory::DateOf((*final_plan)[0].final_plan_issued().date_of_birth()),
      D(2023, 6, 1));
  for (const Date bad : {D(2026, 1, 6), D(2000, 1, 4)}) {
    Case other(D(2026, 12, 1));
    v1::RecordRequestRequest b = Request(D(2026, 1, 5));
    *b.mutable_date_of_birth() = ToProto(bad);
    auto refused = other.Do(std::string("a-2"), b);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
        << bad.ToString();
    EXPECT_THAT(std::string(refused.status().message()),
                HasSubstr("date_of_birth"));
  }
}

// SEND Regs 2014 regs 25-27: a re-assessment is of an existing EHC plan, so
// its request names the plan; a first assessment names none.
TEST(EhcAssessment, AReassessmentNamesThePlanItReassesses_Reg25) {
  Case c(D(2026, 12, 1));
  v1::RecordRequestRequest r =
      Request(D(2026, 1, 5), v1::ASSESSMENT_KIND_REASSESSMENT);
  r.clear_plan_id();
  auto refused = c.Do(std::string("a-1"), r);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("plan_id"));
  v1::RecordRequestRequest first = Request(D(2026, 1, 5));
  first.set_plan_id("plan-1");
  EXPECT_EQ(c.Do(std::string("a-1"), first).status().code(),
            absl::StatusCode::kInvalidArgument);
  r.set_plan_id("plan-7");
  auto recorded = c.Do(std::string("a-1"), r);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ((*recorded)[0].request_recorded().plan_id(), "plan-7");
  EXPECT_EQ(c.state().plan_id(), "plan-7");
}

TEST(EhcAssessment, StepsTheLawDoesNotAllowAreFailedPreconditions) {
  Case c(D(2026, 6, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  auto final_first = c.Do(Final(D(2026, 2, 1)));
  EXPECT_EQ(final_first.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(final_first.status().message()),
              HasSubstr("decision to assess"));
  EXPECT_EQ(c.Do(std::string("ep-1"), Advice(D(2026, 1, 6))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 1))).ok());
  auto never_requested = c.Do(AdviceIn("ep-9", D(2026, 3, 1)));
  EXPECT_EQ(never_requested.status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(never_requested.status().message()),
              HasSubstr("never requested"));
  auto future = c.Do(std::string("ep-1"), Advice(D(2026, 6, 2)));
  EXPECT_EQ(future.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(future.status().message()), HasSubstr("future"));
  auto twice = c.Do(Assess(D(2026, 2, 2)));
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.state().version(), 2);  // nothing recorded by the refusals
}

TEST(EhcAssessment, DateBeforeTheRequestIsRefused) {
  Case c(D(2026, 6, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  auto early = c.Do(Assess(D(2026, 1, 4)));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.status().message()), HasSubstr("before"));
}

TEST(EhcAssessment, BadFieldsAreInvalidArgumentsNamingTheField) {
  Case c(D(2026, 6, 1));
  v1::RecordRequestRequest no_child = Request(D(2026, 1, 5));
  no_child.clear_child_id();
  EXPECT_THAT(
      std::string(c.Do(std::string("a-1"), no_child).status().message()),
      HasSubstr("child_id"));
  v1::RecordRequestRequest bad_date = Request(D(2026, 1, 5));
  bad_date.mutable_received_on()->set_day(32);
  auto s = c.Do(std::string("a-1"), bad_date).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("received_on"));
  v1::RecordRequestRequest no_source = Request(D(2026, 1, 5));
  no_source.set_source(v1::REQUEST_SOURCE_UNSPECIFIED);
  EXPECT_THAT(
      std::string(c.Do(std::string("a-1"), no_source).status().message()),
      HasSubstr("source"));
  EXPECT_EQ(c.state().version(), 0);
}

TEST(EhcAssessment,
     PersonalCircumstancesLiftTheStatutoryLimitsButNotTheDraftPeriod) {
  Case c(D(2026, 12, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  ASSERT_TRUE(c.Do(std::string("ep-1"), Advice(D(2026, 2, 11))).ok());
  c.SetToday(D(2026, 3, 2));
  auto events =
      c.Do(std::string("x-1"),
           Exception(v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES, D(2026, 3, 1)));
  c.SetToday(D(2026, 12, 1));
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(Change(*events, "final_plan")->action(),
            v1::CLOCK_EXCEPTION_APPLIED);
  EXPECT_EQ(Change(*events, "no_plan_decision")->action(),
            v1::CLOCK_EXCEPTION_APPLIED);
  EXPECT_EQ(Change(*events, "advice/ep-1")->action(),
            v1::CLOCK_EXCEPTION_APPLIED);
  ASSERT_TRUE(c.Do(Draft(D(2026, 6, 1))).ok());
  // A clock opened after the exception is not one the exception lifts (reg
  // 13(1)).
  EXPECT_FALSE(c.clock("draft_comment").exception());
  auto final_plan = c.Do(Final(D(2026, 6, 20)));
  ASSERT_TRUE(final_plan.ok());
  // Late, but excepted: MISSED with exception set, so measures exclude it.
  EXPECT_EQ(Change(*final_plan, "final_plan")->action(), v1::CLOCK_MISSED);
  EXPECT_TRUE(Change(*final_plan, "final_plan")->exception());
}

TEST(EhcAssessment, MissedAppointmentLiftsOnlyThatAdvisersClock) {
  Case c(D(2026, 12, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  ASSERT_TRUE(c.Do(std::string("ep-1"), Advice(D(2026, 2, 11))).ok());
  ASSERT_TRUE(
      c.Do(std::string("h-1"), Advice(D(2026, 2, 11), v1::ADVICE_TYPE_HEALTH))
          .ok());
  c.SetToday(D(2026, 3, 2));
  auto events = c.Do(
      std::string("x-1"),
      Exception(v1::EXCEPTION_KIND_MISSED_APPOINTMENT, D(2026, 3, 1), "ep-1"));
  ASSERT_TRUE(events.ok());
  ASSERT_EQ((*events)[0].clocks_size(), 1);
  EXPECT_EQ(Change(*events, "advice/ep-1")->action(),
            v1::CLOCK_EXCEPTION_APPLIED);
  EXPECT_FALSE(c.clock("final_plan").exception());
  EXPECT_FALSE(c.clock("advice/h-1").exception());
  auto no_advice =
      c.Do(std::string("x-2"),
           Exception(v1::EXCEPTION_KIND_MISSED_APPOINTMENT, D(2026, 3, 1)));
  EXPECT_THAT(std::string(no_advice.status().message()),
              HasSubstr("advice_id"));
}

// Regs 5(4)(a), 13(3)(a): advice asked of a school from 1 week before a
// closure of at least 4 continuous weeks to 1 week before it reopens. Closed
// 1 Jul to 31 Aug 2026 (reopens 1 Sep): the window is 24 Jun to 25 Aug. The
// closure lifts the 16- and 20-week limits, never an adviser's 6 weeks (reg
// 8(2) does not list it).
TEST(EhcAssessment, SchoolClosureNeedsItsWindowAndLiftsNotTheAdvice_Reg5_4_a) {
  const Date closed = D(2026, 7, 1), last = D(2026, 8, 31);
  struct Row {
    Date advice_on;
    bool lifts;
  } rows[] = {{D(2026, 6, 23), false},  // the day before the window opens
              {D(2026, 6, 24), true},   // the window's first day
              {D(2026, 8, 25), true},   // its last day
              {D(2026, 8, 26), false}};
  for (const Row& row : rows) {
    Case c(D(2026, 9, 1));
    ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 5, 4))).ok());
    ASSERT_TRUE(c.Do(Assess(D(2026, 6, 1))).ok());
    c.SetToday(row.advice_on);
    ASSERT_TRUE(c.Do(std::string("school-1"),
                     Advice(row.advice_on, v1::ADVICE_TYPE_EDUCATION_SETTING))
                    .ok());
    auto events = c.Do(
        std::string("x-1"),
        Exception(v1::EXCEPTION_KIND_SCHOOL_CLOSURE, closed, "school-1", last));
    if (!row.lifts) {
      EXPECT_EQ(events.status().code(), absl::StatusCode::kInvalidArgument)
          << row.advice_on.ToString();
      EXPECT_THAT(std::string(events.status().message()),
                  HasSubstr("closure window 2026-06-24 to 2026-08-25"));
      continue;
    }
    ASSERT_TRUE(events.ok()) << events.status();
    EXPECT_EQ(Change(*events, "advice/school-1"), nullptr);
    EXPECT_EQ(Change(*events, "final_plan")->action(),
              v1::CLOCK_EXCEPTION_APPLIED)
        << row.advice_on.ToString();
    // Reg 10's 16 weeks ran to 24 Aug: on 25 Aug they were already missed.
    EXPECT_EQ(Change(*events, "no_plan_decision") != nullptr,
              row.advice_on <= D(2026, 8, 24));
  }
}

// Reg 5(4)(a): the school may be asked before the decision whether to assess,
// and its closure then excuses the 6-week decision limit (reg 5(1)). Request
// 1 Jun 2026: the decision is due 13 Jul. Closed 1 Jul to 31 Aug (reopens 1
// Sep): the window for asking is 24 Jun to 25 Aug. Asked before the
// decision, the request opens no adviser's clock (reg 8(1) is advice for an
// assessment, under reg 6(1)); only the school is asked then.
TEST(EhcAssessment,
     ASchoolAskedBeforeTheDecisionLetsItsClosureLiftIt_Reg5_4_a) {
  const Date closed = D(2026, 7, 1), last = D(2026, 8, 31);
  struct Row {
    Date asked_on;
    bool lifts;
  } rows[] = {{D(2026, 6, 23), false},  // the day before the window opens
              {D(2026, 6, 24), true},   // its first day
              {D(2026, 7, 13), true}};  // the decision's last day
  for (const Row& row : rows) {
    Case c(row.asked_on);
    ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 6, 1))).ok());
    // Other advice waits for the decision to assess.
    auto ep = c.Do(std::string("ep-1"), Advice(row.asked_on));
    EXPECT_EQ(ep.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(ep.status().message()),
                HasSubstr("education_setting"));
    auto asked = c.Do(std::string("school-1"),
                      Advice(row.asked_on, v1::ADVICE_TYPE_EDUCATION_SETTING));
    ASSERT_TRUE(asked.ok()) << asked.status();
    EXPECT_EQ(Change(*asked, "advice/school-1"), nullptr) << "no reg 8 clock";
    c.SetToday(std::max(row.asked_on, closed));
    auto events = c.Do(
        std::string("x-1"),
        Exception(v1::EXCEPTION_KIND_SCHOOL_CLOSURE, closed, "school-1", last));
    if (!row.lifts) {
      EXPECT_EQ(events.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(events.status().message()),
                  HasSubstr("closure window 2026-06-24 to 2026-08-25"));
      continue;
    }
    ASSERT_TRUE(events.ok()) << events.status();
    const v1::ClockChange* decision = Change(*events, "decision");
    ASSERT_NE(decision, nullptr) << row.asked_on.ToString();
    EXPECT_EQ(decision->action(), v1::CLOCK_EXCEPTION_APPLIED);
    // Deciding late is then not a breach of reg 5(1).
    c.SetToday(D(2026, 9, 7));
    auto decided = c.Do(Assess(D(2026, 9, 7)));
    ASSERT_TRUE(decided.ok());
    EXPECT_EQ(Change(*decided, "decision")->action(), v1::CLOCK_MISSED);
    EXPECT_TRUE(c.clock("decision").exception());
  }
}

// A closure needs its dates, spanning at least 4 continuous weeks (28 days),
// and advice asked of the school or setting.
TEST(EhcAssessment,
     ClosureNeedsFourContinuousWeeksAndTheSettingsAdvice_Reg5_4) {
  Case c(D(2026, 7, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 5, 4))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 6, 1))).ok());
  ASSERT_TRUE(c.Do(std::string("school-1"),
                   Advice(D(2026, 6, 26), v1::ADVICE_TYPE_EDUCATION_SETTING))
                  .ok());
  ASSERT_TRUE(c.Do(std::string("ep-1"), Advice(D(2026, 6, 26))).ok());
  auto no_end = c.Do(
      std::string("x-1"),
      Exception(v1::EXCEPTION_KIND_SCHOOL_CLOSURE, D(2026, 7, 1), "school-1"));
  EXPECT_EQ(no_end.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_end.status().message()), HasSubstr("ends_on"));
  // 1 to 28 July is 28 days: enough; 1 to 27 July is not.
  auto short_closure = c.Do(
      std::string("x-1"), Exception(v1::EXCEPTION_KIND_SCHOOL_CLOSURE,
                                    D(2026, 7, 1), "school-1", D(2026, 7, 27)));
  EXPECT_EQ(short_closure.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(short_closure.status().message()),
              HasSubstr("27 days"));
  auto no_advice =
      c.Do(std::string("x-1"), Exception(v1::EXCEPTION_KIND_SCHOOL_CLOSURE,
                                         D(2026, 7, 1), "", D(2026, 7, 28)));
  EXPECT_THAT(std::string(no_advice.status().message()),
              HasSubstr("advice_id"));
  auto ep = c.Do(std::string("x-1"),
                 Exception(v1::EXCEPTION_KIND_EARLY_YEARS_SETTING_CLOSURE,
                           D(2026, 7, 1), "ep-1", D(2026, 7, 28)));
  EXPECT_THAT(std::string(ep.status().message()),
              HasSubstr("education_setting"));
  EXPECT_EQ(c.state().exceptions_size(), 0);  // nothing recorded
  EXPECT_TRUE(c.Do(std::string("x-1"),
                   Exception(v1::EXCEPTION_KIND_SCHOOL_CLOSURE, D(2026, 7, 1),
                             "school-1", D(2026, 7, 28)))
                  .ok());
}

// Reg 5(4)(d): away from the area for a continuous period of not less than 4
// weeks "during that time period": dates required, 28 days or more, and
// overlapping the clock's period (request 5 Jan: 20 weeks to 25 May).
TEST(EhcAssessment, AbsenceNeeds28DaysWithinTheClocksPeriod_Reg5_4_d) {
  Case c(D(2026, 1, 12));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  auto no_end =
      c.Do(std::string("x-1"),
           Exception(v1::EXCEPTION_KIND_ABSENCE_FROM_AREA, D(2026, 1, 10)));
  EXPECT_EQ(no_end.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_end.status().message()), HasSubstr("ends_on"));
  auto short_absence =
      c.Do(std::string("x-1"), Exception(v1::EXCEPTION_KIND_ABSENCE_FROM_AREA,
                                         D(2026, 1, 10), "", D(2026, 2, 5)));
  EXPECT_THAT(std::string(short_absence.status().message()),
              HasSubstr("not less than 4 weeks"));
  // Away 1 Dec to 4 Jan: 35 days, but over before the request: lifts nothing.
  auto before =
      c.Do(std::string("x-1"), Exception(v1::EXCEPTION_KIND_ABSENCE_FROM_AREA,
                                         D(2025, 12, 1), "", D(2026, 1, 4)));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ((*before)[0].clocks_size(), 0);
  // Away 8 Dec to 5 Jan (the request day): overlaps, lifts the decision.
  auto overlapping =
      c.Do(std::string("x-2"), Exception(v1::EXCEPTION_KIND_ABSENCE_FROM_AREA,
                                         D(2025, 12, 8), "", D(2026, 1, 5)));
  ASSERT_TRUE(overlapping.ok());
  EXPECT_EQ(Change(*overlapping, "decision")->action(),
            v1::CLOCK_EXCEPTION_APPLIED);
}

// Reg 5(4)(c): exceptional personal circumstances "during that time period":
// arising on or after the clock's start and on or before its due date.
TEST(EhcAssessment, PersonalCircumstancesMustAriseWhileTheClockRuns_Reg5_4_c) {
  // Request 5 Jan 2026: the decision is due 16 Feb.
  for (auto [arose, lifts] : {std::pair{D(2026, 1, 4), false},
                              {D(2026, 1, 5), true},
                              {D(2026, 2, 16), true}}) {
    Case c(D(2026, 2, 16));
    ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
    auto events =
        c.Do(std::string("x-1"),
             Exception(v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES, arose));
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(Change(*events, "decision") != nullptr, lifts)
        << arose.ToString();
  }
}

// An exception recorded after a clock was already missed does not lift it:
// the 20-week figure cannot be improved after the event. Request 5 Jan 2026:
// the decision is due 16 Feb; recorded on 16 Feb it lifts, on 17 Feb not.
TEST(EhcAssessment, AnExceptionRecordedAfterTheClockWasMissedDoesNotLiftIt) {
  for (auto [recorded, lifts] :
       {std::pair{D(2026, 2, 16), true}, {D(2026, 2, 17), false}}) {
    Case c(recorded);
    ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
    auto events = c.Do(
        std::string("x-1"),
        Exception(v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES, D(2026, 2, 1)));
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(Change(*events, "decision") != nullptr, lifts)
        << recorded.ToString();
    EXPECT_EQ(
        statutory::DateOf((*events)[0].exception_recorded().recorded_on()),
        recorded);
  }
  // A final plan issued after 20 weeks with the exception recorded late still
  // counts as missed, not excepted.
  Case c(D(2026, 1, 20));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 1, 20))).ok());
  ASSERT_TRUE(c.Do(Draft(D(2026, 1, 20))).ok());
  c.SetToday(D(2026, 6, 1));  // 20 weeks were due on 25 May
  auto late =
      c.Do(std::string("x-1"),
           Exception(v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES, D(2026, 3, 1)));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(Change(*late, "final_plan"), nullptr);
  auto final_plan = c.Do(Final(D(2026, 6, 1)));
  ASSERT_TRUE(final_plan.ok());
  EXPECT_EQ(Change(*final_plan, "final_plan")->action(), v1::CLOCK_MISSED);
  EXPECT_FALSE(Change(*final_plan, "final_plan")->exception());
}

// Reg 8(2)(c): a missed appointment is on or after the advice request.
TEST(EhcAssessment, MissedAppointmentIsWithinTheAdvicePeriod_Reg8_2) {
  Case c(D(2026, 3, 2));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  ASSERT_TRUE(c.Do(std::string("ep-1"), Advice(D(2026, 2, 11))).ok());
  auto before = c.Do(
      std::string("x-1"),
      Exception(v1::EXCEPTION_KIND_MISSED_APPOINTMENT, D(2026, 2, 10), "ep-1"));
  EXPECT_EQ(before.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(before.status().message()), HasSubstr("starts_on"));
  auto on_the_day = c.Do(
      std::string("x-1"),
      Exception(v1::EXCEPTION_KIND_MISSED_APPOINTMENT, D(2026, 2, 11), "ep-1"));
  ASSERT_TRUE(on_the_day.ok());
  EXPECT_EQ(Change(*on_the_day, "advice/ep-1")->action(),
            v1::CLOCK_EXCEPTION_APPLIED);
}

TEST(EhcAssessment, ExceptionRecordedBeforeTheDecisionCarriesToLaterClocks) {
  Case c(D(2026, 1, 11));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(
      c.Do(std::string("x-1"), Exception(v1::EXCEPTION_KIND_ABSENCE_FROM_AREA,
                                         D(2026, 1, 10), "", D(2026, 2, 20)))
          .ok());
  EXPECT_TRUE(c.clock("decision").exception());
  c.SetToday(D(2026, 12, 1));
  ASSERT_TRUE(c.Do(Assess(D(2026, 3, 1))).ok());
  EXPECT_TRUE(c.clock("final_plan").exception());
}

TEST(EhcAssessment, WithdrawalCancelsEveryOpenClockAndClosesTheCase) {
  Case c(D(2026, 12, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  v1::WithdrawRequestRequest w;
  *w.mutable_withdrawn_on() = ToProto(D(2026, 3, 1));
  auto events = c.Do(w);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(Change(*events, "final_plan")->action(), v1::CLOCK_CANCELLED);
  EXPECT_EQ(Change(*events, "no_plan_decision")->action(), v1::CLOCK_CANCELLED);
  EXPECT_EQ(c.Do(Draft(D(2026, 3, 2))).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EhcAssessment, DecisionNotToIssueClosesTheSixteenWeekClockOnce) {
  Case c(D(2026, 12, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  v1::DecideNotToIssuePlanRequest no_plan;
  *no_plan.mutable_decided_on() = ToProto(D(2026, 4, 28));  // due 27 April
  auto events = c.Do(no_plan);
  ASSERT_TRUE(events.ok());
  int changes = 0;
  for (const v1::ClockChange& ch : (*events)[0].clocks()) {
    if (ch.clock_id() == "no_plan_decision") {
      ++changes;
      EXPECT_EQ(ch.action(), v1::CLOCK_MISSED);
    }
  }
  EXPECT_EQ(changes, 1);
  EXPECT_EQ(Change(*events, "final_plan")->action(), v1::CLOCK_CANCELLED);
  EXPECT_EQ(c.state().status(), v1::ASSESSMENT_STATUS_NO_PLAN);
}

TEST(EhcAssessment, ReassignmentMovesTheOfficerIndex) {
  Case c(D(2026, 12, 1));
  ASSERT_TRUE(c.Do(std::string("a-1"), Request(D(2026, 1, 5))).ok());
  v1::ReassignOfficerRequest r;
  r.set_officer_id("officer-2");
  absl::StatusOr<EhcDecision> d =
      Decide(c.state(), r, Env{D(2026, 12, 1), Calendar()});
  ASSERT_TRUE(d.ok());
  EXPECT_THAT(d->index_deletes,
              ::testing::ElementsAre("officer/officer-1/a-1"));
  EXPECT_EQ(d->index_puts[0].first, "officer/officer-2/a-1");
  ASSERT_TRUE(c.Do(r).ok());
  EXPECT_EQ(c.state().officer_id(), "officer-2");
  EXPECT_EQ(c.Do(r).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace casework::ehc

namespace casework::ehc {
namespace {

std::set<std::string> Actions(const Assessment& s) {
  std::vector<std::string> v = Traits::AllowedActions(s);
  return {v.begin(), v.end()};
}

// The steps offered to a front-end follow the state, and a step not offered
// is one the core refuses for the state (FAILED_PRECONDITION).
TEST(EhcAllowedActions, FollowTheStateAndMatchWhatDecideRefuses) {
  Case c(D(2026, 6, 30));
  EXPECT_TRUE(Actions(c.state()).empty());  // no case yet
  ASSERT_TRUE(c.Do("a-1", Request(D(2026, 1, 5))).ok());
  const std::set<std::string> always = {"ReassignOfficer", "RecordException",
                                        "WithdrawRequest",
                                        "RecordMovedOutOfArea"};
  auto with = [&](std::set<std::string> more) {
    more.insert(always.begin(), always.end());
    return more;
  };
  // The school may be asked before the decision (reg 5(4)(a)).
  EXPECT_EQ(Actions(c.state()),
            with({"DecideToAssess", "DecideNotToAssess", "RequestAdvice"}));
  EXPECT_EQ(c.Do(Draft(D(2026, 2, 1))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.Do(Final(D(2026, 2, 1))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  EXPECT_EQ(Actions(c.state()),
            with({"RequestAdvice", "IssueDraftPlan", "DecideNotToIssuePlan"}));
  EXPECT_EQ(c.Do(Assess(D(2026, 2, 11))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.Do(Final(D(2026, 2, 11))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(c.Do("ep-1", Advice(D(2026, 2, 11))).ok());
  EXPECT_EQ(Actions(c.state()),
            with({"RequestAdvice", "IssueDraftPlan", "DecideNotToIssuePlan",
                  "RecordAdviceReceived"}));
  ASSERT_TRUE(c.Do(AdviceIn("ep-1", D(2026, 3, 20))).ok());
  EXPECT_EQ(Actions(c.state()).count("RecordAdviceReceived"), 0u);
  EXPECT_EQ(Actions(c.state()).count("AuditAdvice"), 1u);
  ASSERT_TRUE(c.Do(Draft(D(2026, 4, 1))).ok());
  // The draft can be audited from now on (and advice received, as before).
  EXPECT_EQ(Actions(c.state()), with({"RequestAdvice", "IssueFinalPlan",
                                      "AuditAdvice", "AuditDraftPlan"}));
  EXPECT_EQ(c.Do(Draft(D(2026, 4, 2))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(c.Do(Final(D(2026, 5, 1))).ok());
  // Closed: nothing more but audits of its advice and draft.
  EXPECT_EQ(Actions(c.state()),
            (std::set<std::string>{"AuditAdvice", "AuditDraftPlan"}));
  v1::WithdrawRequestRequest withdraw;
  *withdraw.mutable_withdrawn_on() = ToProto(D(2026, 5, 2));
  EXPECT_EQ(c.Do(withdraw).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace casework::ehc

namespace casework::ehc {
namespace {

// Advice received in an assessment audited against the framework's advice
// criteria: by someone other than the case's officer, only once received,
// with tallies by kind of adviser.
v1::AuditAdviceRequest AdviceAudit(std::string auditor, Date on,
                                   v1::AuditGrade grade) {
  v1::AuditAdviceRequest r;
  r.set_advice_id("ep-1");
  r.set_audit_id("aa-1");
  r.set_auditor_id(std::move(auditor));
  r.set_kind(v1::AUDIT_KIND_FULL);
  *r.mutable_audited_on() = ToProto(on);
  r.set_grade(grade);
  for (const statutory::Criterion& k : statutory::DefaultQaFramework().advice) {
    v1::CriterionFinding* f = r.add_findings();
    f->set_criterion(k.id);
    f->set_result(k.id == "within_6_weeks" ? v1::CRITERION_RESULT_NOT_MET
                                           : v1::CRITERION_RESULT_MET);
  }
  return r;
}

TEST(AdviceAuditTest, AdviceReceivedIsAuditedBySomeoneElse) {
  Case c(D(2026, 6, 30));
  ASSERT_TRUE(c.Do("a-1", Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  ASSERT_TRUE(c.Do("ep-1", Advice(D(2026, 2, 11))).ok());
  EXPECT_THAT(c.Do(AdviceAudit("qa-1", D(2026, 3, 1), v1::AUDIT_GRADE_GOOD))
                  .status()
                  .message(),
              HasSubstr("advice ep-1 has not been received"));
  ASSERT_TRUE(c.Do(AdviceIn("ep-1", D(2026, 3, 20))).ok());
  EXPECT_THAT(
      c.Do(AdviceAudit("qa-1", D(2026, 3, 19), v1::AUDIT_GRADE_GOOD))
          .status()
          .message(),
      HasSubstr("audited_on: 2026-03-19 is before the advice was received"));
  EXPECT_THAT(
      c.Do(AdviceAudit("officer-1", D(2026, 3, 20), v1::AUDIT_GRADE_GOOD))
          .status()
          .message(),
      HasSubstr("auditor_id: officer-1 is the case's officer"));
  auto good = c.Do(AdviceAudit("qa-1", D(2026, 3, 20), v1::AUDIT_GRADE_GOOD));
  ASSERT_TRUE(good.ok()) << good.status();
  const Event& e = (*good)[0];
  EXPECT_EQ(e.advice_audited().advice_type(),
            v1::ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY);
  EXPECT_EQ(e.advice_audited().audit().advice_id(), "ep-1");
  EXPECT_EQ(testutil::Tallies(e),
            (std::map<std::string, int64_t>{
                {"quality.advice_graded", 1},
                {"quality.advice_graded.educational_psychology", 1},
                {"quality.advice_good", 1},
                {"quality.advice_good.educational_psychology", 1},
                {"quality.advice_criterion.needs_described.assessed", 1},
                {"quality.advice_criterion.needs_described.met", 1},
                {"quality.advice_criterion.provision_specific.assessed", 1},
                {"quality.advice_criterion.provision_specific.met", 1},
                {"quality.advice_criterion.outcomes_linked.assessed", 1},
                {"quality.advice_criterion.outcomes_linked.met", 1},
                {"quality.advice_criterion.within_6_weeks.assessed", 1},
            }));
  EXPECT_EQ(c.state().advice_audits_size(), 1);
  // An advice audit judges the advice criteria, not the plan's.
  v1::AuditAdviceRequest plan_criteria =
      AdviceAudit("qa-1", D(2026, 3, 21), v1::AUDIT_GRADE_INADEQUATE);
  plan_criteria.set_audit_id("aa-2");
  plan_criteria.mutable_findings(0)->set_criterion("outcomes_smart");
  EXPECT_THAT(c.Do(plan_criteria).status().message(),
              HasSubstr("findings[0].criterion: 'outcomes_smart' is not a "
                        "criterion"));
  // Unknown advice.
  v1::AuditAdviceRequest unknown =
      AdviceAudit("qa-1", D(2026, 3, 21), v1::AUDIT_GRADE_GOOD);
  unknown.set_advice_id("sc-9");
  unknown.set_audit_id("aa-3");
  EXPECT_EQ(c.Do(unknown).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace casework::ehc

namespace casework::ehc {
namespace {

// The draft plan audited against the framework's plan criteria: only once
// issued, by someone other than the case's officer, counted apart from
// issued plans (drafts issued, audited, graded, good).
v1::AuditDraftPlanRequest DraftAudit(std::string id, std::string auditor,
                                     Date on, v1::AuditGrade grade) {
  v1::AuditDraftPlanRequest r;
  r.set_audit_id(std::move(id));
  r.set_auditor_id(std::move(auditor));
  r.set_kind(v1::AUDIT_KIND_FULL);
  *r.mutable_audited_on() = ToProto(on);
  r.set_grade(grade);
  for (const statutory::Criterion& k : statutory::DefaultQaFramework().plan) {
    v1::CriterionFinding* f = r.add_findings();
    f->set_criterion(k.id);
    f->set_result(v1::CRITERION_RESULT_MET);
  }
  return r;
}

TEST(DraftAuditTest, TheDraftIsAuditedOnceIssuedBySomeoneElse) {
  Case c(D(2026, 6, 30));
  ASSERT_TRUE(c.Do("a-1", Request(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Assess(D(2026, 2, 10))).ok());
  EXPECT_THAT(
      c.Do(DraftAudit("d1", "qa-1", D(2026, 3, 1), v1::AUDIT_GRADE_GOOD))
          .status()
          .message(),
      HasSubstr("has issued no draft plan"));
  auto drafted = c.Do(Draft(D(2026, 4, 1)));
  ASSERT_TRUE(drafted.ok());
  EXPECT_EQ(testutil::Tallies((*drafted)[0])["quality.drafts_issued"], 1);
  EXPECT_THAT(
      c.Do(DraftAudit("d1", "qa-1", D(2026, 3, 31), v1::AUDIT_GRADE_GOOD))
          .status()
          .message(),
      HasSubstr("audited_on: 2026-03-31 is before the draft plan was issued"));
  EXPECT_THAT(
      c.Do(DraftAudit("d1", "officer-1", D(2026, 4, 1), v1::AUDIT_GRADE_GOOD))
          .status()
          .message(),
      HasSubstr("auditor_id: officer-1 is the case's officer"));
  auto good =
      c.Do(DraftAudit("d1", "qa-1", D(2026, 4, 1), v1::AUDIT_GRADE_GOOD));
  ASSERT_TRUE(good.ok()) << good.status();
  const v1::Audit& audit = (*good)[0].draft_plan_audited().audit();
  EXPECT_EQ(audit.audited_plan(), v1::AUDITED_PLAN_DRAFT);
  EXPECT_EQ(audit.plan_issued_on().SerializeAsString(),
            ToProto(D(2026, 4, 1)).SerializeAsString());
  EXPECT_EQ(testutil::Tallies((*good)[0]),
            (std::map<std::string, int64_t>{{"quality.drafts_audited", 1},
                                            {"quality.draft_audits_graded", 1},
                                            {"quality.draft_audits_good", 1}}));
  // A second audit of the same draft is not another draft audited; the
  // same audit id is refused.
  auto second = c.Do(DraftAudit("d2", "qa-2", D(2026, 4, 2),
                                v1::AUDIT_GRADE_REQUIRES_IMPROVEMENT));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(
      testutil::Tallies((*second)[0]),
      (std::map<std::string, int64_t>{{"quality.draft_audits_graded", 1}}));
  EXPECT_EQ(c.Do(DraftAudit("d1", "qa-1", D(2026, 4, 3), v1::AUDIT_GRADE_GOOD))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(c.state().draft_audits_size(), 2);
  // A full audit judges every criterion of the framework.
  v1::AuditDraftPlanRequest partial =
      DraftAudit("d3", "qa-1", D(2026, 4, 3), v1::AUDIT_GRADE_GOOD);
  partial.mutable_findings()->RemoveLast();
  EXPECT_EQ(c.Do(partial).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace casework::ehc
