// School events of a plan's child (libs/statutory/school.h): the census
// terms and persistent absence at their boundaries, the record's contract,
// and what a plan makes of each record - its tallies and the "consider an
// early review" item a permanent exclusion or a second suspension in a term
// puts on the officer's worklist.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/rpc/proto_date.h"
#include "libs/statutory/clock_ops.h"
#include "libs/statutory/school.h"
#include "services/annual-reviews/review.h"
#include "tests/services/annual-reviews/plan_case.h"
#include "tests/testing/tallies.h"

namespace casework::reviews {
namespace {

using statutory::SchoolTermOf;
using statutory::TermOf;
using ::testing::HasSubstr;
using testplan::D;
using testplan::FinalPlan;
using testplan::PlanCase;
using testutil::Tallies;

v1::SchoolEventRecord Suspension(std::string id, Date start, int sessions = 2) {
  v1::SchoolEventRecord r;
  r.set_record_id(std::move(id));
  r.set_child_id("child-1");
  *r.mutable_suspension()->mutable_start_on() = ToProto(start);
  r.mutable_suspension()->set_sessions(sessions);
  return r;
}

v1::SchoolEventRecord Exclusion(std::string id, Date on) {
  v1::SchoolEventRecord r;
  r.set_record_id(std::move(id));
  r.set_child_id("child-1");
  *r.mutable_permanent_exclusion()->mutable_effective_on() = ToProto(on);
  return r;
}

v1::SchoolEventRecord Attendance(std::string id, int year, v1::SchoolTerm term,
                                 int possible, int attended) {
  v1::SchoolEventRecord r;
  r.set_record_id(std::move(id));
  r.set_child_id("child-1");
  v1::TermAttendance* a = r.mutable_attendance();
  a->set_academic_year(year);
  a->set_term(term);
  a->set_sessions_possible(possible);
  a->set_sessions_attended(attended);
  return r;
}

constexpr char kEarly[] = "review.consider_early_review";

int OpenEarlyReviews(const v1::Plan& p) {
  int n = 0;
  for (const v1::Clock& c : p.clocks()) {
    n += c.rule() == kEarly && c.status() == v1::CLOCK_STATUS_OPEN;
  }
  return n;
}

// --- Census terms: autumn 1 Aug - 31 Dec, spring 1 Jan - Easter Sunday,
// summer Easter Monday - 31 Jul (Easter 2027: Sunday 28 March). ---
TEST(SchoolTermTest, TermsTurnAtTheirBoundaryDays) {
  EXPECT_EQ(TermOf(D(2026, 7, 31)),
            (SchoolTermOf{2025, v1::SCHOOL_TERM_SUMMER}));
  EXPECT_EQ(TermOf(D(2026, 8, 1)),
            (SchoolTermOf{2026, v1::SCHOOL_TERM_AUTUMN}));
  EXPECT_EQ(TermOf(D(2026, 12, 31)),
            (SchoolTermOf{2026, v1::SCHOOL_TERM_AUTUMN}));
  EXPECT_EQ(TermOf(D(2027, 1, 1)),
            (SchoolTermOf{2026, v1::SCHOOL_TERM_SPRING}));
  EXPECT_EQ(TermOf(D(2027, 3, 28)),
            (SchoolTermOf{2026, v1::SCHOOL_TERM_SPRING}));
  EXPECT_EQ(TermOf(D(2027, 3, 29)),
            (SchoolTermOf{2026, v1::SCHOOL_TERM_SUMMER}));
  const SchoolTermOf spring{2026, v1::SCHOOL_TERM_SPRING};
  EXPECT_EQ(statutory::TermStart(spring), D(2027, 1, 1));
  EXPECT_EQ(statutory::TermEnd(spring), D(2027, 3, 28));
  EXPECT_EQ(statutory::TermStart({2026, v1::SCHOOL_TERM_SUMMER}),
            D(2027, 3, 29));
  EXPECT_EQ(statutory::TermEnd({2026, v1::SCHOOL_TERM_SUMMER}), D(2027, 7, 31));
  EXPECT_EQ(statutory::TermName(spring), "2026/27 spring term");
}

// DfE: persistently absent when missing 10% or more of possible sessions.
TEST(SchoolTermTest, NinetyPercentAttendanceExactlyIsPersistentAbsence) {
  EXPECT_TRUE(statutory::PersistentlyAbsent(100, 90));   // 10% missed
  EXPECT_FALSE(statutory::PersistentlyAbsent(100, 91));  // 9% missed
  EXPECT_TRUE(statutory::PersistentlyAbsent(130, 117));  // exactly 10%
  EXPECT_FALSE(statutory::PersistentlyAbsent(130, 118));
  EXPECT_TRUE(statutory::PersistentlyAbsent(10, 0));
  EXPECT_FALSE(statutory::PersistentlyAbsent(10, 10));
}

TEST(SchoolEventContractTest, EachBrokenFieldIsNamed) {
  EXPECT_TRUE(
      statutory::CheckSchoolEvent(Suspension("s1", D(2026, 11, 2))).ok());
  struct Case {
    v1::SchoolEventRecord record;
    const char* names;
  };
  v1::SchoolEventRecord no_event;
  no_event.set_record_id("r");
  no_event.set_child_id("child-1");
  v1::SchoolEventRecord bad_id = Suspension("../x", D(2026, 11, 2));
  v1::SchoolEventRecord no_child = Suspension("s1", D(2026, 11, 2));
  no_child.clear_child_id();
  v1::SchoolEventRecord bad_date = Suspension("s1", D(2026, 11, 2));
  bad_date.mutable_suspension()->mutable_start_on()->set_month(13);
  const Case cases[] = {
      {no_event, "event:"},
      {bad_id, "record_id"},
      {no_child, "child_id: required"},
      {bad_date, "suspension.start_on"},
      {Suspension("s1", D(2026, 11, 2), 0), "suspension.sessions: 0"},
      {Suspension("s1", D(2026, 11, 2), 91), "suspension.sessions: 91"},
      {Attendance("a", 1999, v1::SCHOOL_TERM_AUTUMN, 100, 90),
       "attendance.academic_year"},
      {Attendance("a", 2026, v1::SCHOOL_TERM_UNSPECIFIED, 100, 90),
       "attendance.term"},
      {Attendance("a", 2026, v1::SCHOOL_TERM_AUTUMN, 0, 0),
       "attendance.sessions_possible: 0"},
      {Attendance("a", 2026, v1::SCHOOL_TERM_AUTUMN, 100, 101),
       "attendance.sessions_attended: 101"},
  };
  for (const Case& c : cases) {
    absl::Status s = statutory::CheckSchoolEvent(c.record);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.names;
    EXPECT_THAT(s.message(), HasSubstr(c.names));
  }
  EXPECT_TRUE(
      statutory::CheckSchoolEvent(Suspension("s1", D(2026, 11, 2), 90)).ok());
  EXPECT_TRUE(statutory::CheckSchoolEvent(
                  Attendance("a", 2026, v1::SCHOOL_TERM_AUTUMN, 100, 100))
                  .ok());
}

// --- What a plan makes of them ---

TEST(SchoolEventsOnAPlanTest, ASecondSuspensionInTheSameTermAsksForAReview) {
  PlanCase c(D(2026, 12, 14));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 1, 5))).ok());
  auto first = c.Do(Suspension("s1", D(2026, 9, 10)));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->events[0].school_event_reported().early_review());
  EXPECT_EQ(OpenEarlyReviews(c.state()), 0);
  EXPECT_EQ(Tallies(first->events[0]),
            (std::map<std::string, int64_t>{{"schools.suspensions", 1}}));
  EXPECT_EQ(statutory::DateOf(first->events[0].tallies(0).on()),
            D(2026, 9, 10));
  // The second of the autumn term, on its last day.
  auto second = c.Do(Suspension("s2", D(2026, 12, 31)));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->events[0].school_event_reported().early_review());
  ASSERT_EQ(second->events[0].clocks_size(), 1);
  const v1::ClockChange& opened = second->events[0].clocks(0);
  EXPECT_EQ(opened.rule(), kEarly);
  EXPECT_TRUE(opened.assignee().empty());  // the plan's officer's
  // 10 working days after Monday 14 December 2026, over Christmas: Friday
  // 25 Dec and the Boxing Day substitute (Monday 28 Dec) are not.
  EXPECT_EQ(statutory::DateOf(opened.due_on()), D(2026, 12, 30));
  EXPECT_EQ(OpenEarlyReviews(c.state()), 1);
  // A third in the term adds no second item.
  auto third = c.Do(Suspension("s3", D(2026, 11, 20)));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->events[0].clocks_size(), 0);
  EXPECT_EQ(OpenEarlyReviews(c.state()), 1);
}

TEST(SchoolEventsOnAPlanTest, SuspensionsInNeighbouringTermsDoNot) {
  PlanCase c(D(2027, 4, 20));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 1, 5))).ok());
  // 31 Dec (autumn) then 1 Jan (spring); Easter Sunday 28 March 2027
  // (spring) then Easter Monday (summer).
  for (auto [id, day] :
       {std::pair{"s1", D(2026, 12, 31)}, std::pair{"s2", D(2027, 1, 1)},
        std::pair{"s3", D(2027, 3, 29)}}) {
    auto d = c.Do(Suspension(id, day));
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->events[0].clocks_size(), 0) << id;
  }
  EXPECT_EQ(OpenEarlyReviews(c.state()), 0);
  // A second in the spring term (Easter Sunday is its last day).
  auto d = c.Do(Suspension("s4", D(2027, 3, 28)));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(OpenEarlyReviews(c.state()), 1);
}

TEST(SchoolEventsOnAPlanTest, APermanentExclusionAsksAndTheOfficerAnswers) {
  PlanCase c(D(2026, 11, 2));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 1, 5))).ok());
  // Nothing to answer yet.
  v1::DecideEarlyReviewRequest answer;
  answer.set_decision(v1::EARLY_REVIEW_DECISION_NOT_NEEDED);
  auto early = c.Do(answer);
  ASSERT_FALSE(early.ok());
  EXPECT_THAT(early.status().message(), HasSubstr("no early review"));
  EXPECT_THAT(Traits::AllowedActions(c.state()),
              ::testing::Not(::testing::Contains("DecideEarlyReview")));

  auto excluded = c.Do(Exclusion("x1", D(2026, 10, 30)));
  ASSERT_TRUE(excluded.ok()) << excluded.status();
  EXPECT_EQ(
      Tallies(excluded->events[0]),
      (std::map<std::string, int64_t>{{"schools.permanent_exclusions", 1}}));
  EXPECT_EQ(OpenEarlyReviews(c.state()), 1);
  EXPECT_THAT(Traits::AllowedActions(c.state()),
              ::testing::Contains("DecideEarlyReview"));
  // Due 10 working days after Monday 2 November: Monday 16 November.
  const v1::Clock& item = c.clock("early_review/1");
  EXPECT_EQ(statutory::DateOf(item.due_on()), D(2026, 11, 16));

  answer.clear_decision();
  auto undecided = c.Do(answer);
  ASSERT_FALSE(undecided.ok());
  EXPECT_THAT(undecided.status().message(), HasSubstr("decision: required"));
  // Answered on its due day: met.
  c.SetToday(D(2026, 11, 16));
  answer.set_decision(v1::EARLY_REVIEW_DECISION_HOLD);
  auto held = c.Do(answer);
  ASSERT_TRUE(held.ok()) << held.status();
  ASSERT_EQ(held->events[0].clocks_size(), 1);
  EXPECT_EQ(held->events[0].clocks(0).action(), v1::CLOCK_MET);
  EXPECT_EQ(OpenEarlyReviews(c.state()), 0);
}

TEST(SchoolEventsOnAPlanTest, AnAnswerTheDayAfterItWasDueIsLate) {
  PlanCase c(D(2026, 11, 2));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Exclusion("x1", D(2026, 10, 30))).ok());
  c.SetToday(D(2026, 11, 17));
  v1::DecideEarlyReviewRequest answer;
  answer.set_decision(v1::EARLY_REVIEW_DECISION_NOT_NEEDED);
  auto late = c.Do(answer);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->events[0].clocks(0).action(), v1::CLOCK_MISSED);
}

TEST(SchoolEventsOnAPlanTest, AReviewMeetingHeldAnswersIt) {
  PlanCase c(D(2026, 11, 2));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Exclusion("x1", D(2026, 10, 30))).ok());
  c.SetToday(D(2026, 11, 10));
  v1::RecordMeetingHeldRequest meeting;
  *meeting.mutable_held_on() = ToProto(D(2026, 11, 10));
  auto held = c.Do(meeting);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(OpenEarlyReviews(c.state()), 0);
  EXPECT_EQ(c.clock("early_review/1").status(), v1::CLOCK_STATUS_MET);
  // A later exclusion opens a second item.
  ASSERT_TRUE(c.Do(Exclusion("x2", D(2026, 11, 9))).ok());
  EXPECT_EQ(c.clock("early_review/2").status(), v1::CLOCK_STATUS_OPEN);
}

TEST(SchoolEventsOnAPlanTest, ATermsAttendanceCountsOnItsLastDayOnce) {
  PlanCase c(D(2026, 12, 14));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 1, 5))).ok());
  // The autumn term is not over.
  auto early = c.Do(Attendance("a1", 2026, v1::SCHOOL_TERM_AUTUMN, 140, 100));
  ASSERT_FALSE(early.ok());
  EXPECT_THAT(early.status().message(),
              HasSubstr("2026/27 autumn term ends on 2026-12-31"));
  // The summer term of 2025/26: exactly 90% attended is persistent absence.
  auto at90 = c.Do(Attendance("a2", 2025, v1::SCHOOL_TERM_SUMMER, 130, 117));
  ASSERT_TRUE(at90.ok()) << at90.status();
  EXPECT_EQ(Tallies(at90->events[0]), (std::map<std::string, int64_t>{
                                          {"schools.attendance_recorded", 1},
                                          {"schools.persistently_absent", 1}}));
  EXPECT_EQ(statutory::DateOf(at90->events[0].tallies(0).on()), D(2026, 7, 31));
  EXPECT_EQ(at90->events[0].clocks_size(), 0);
  // Just over 90%: recorded, not persistently absent.
  auto over = c.Do(Attendance("a3", 2025, v1::SCHOOL_TERM_SPRING, 130, 118));
  ASSERT_TRUE(over.ok());
  EXPECT_EQ(
      Tallies(over->events[0]),
      (std::map<std::string, int64_t>{{"schools.attendance_recorded", 1}}));
  // The same term again, and the same record id again, are refused.
  auto again = c.Do(Attendance("a4", 2025, v1::SCHOOL_TERM_SUMMER, 130, 125));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(),
              HasSubstr("2025/26 summer term of child child-1 was recorded "
                        "by record a2"));
  auto repeat = c.Do(Suspension("a2", D(2026, 12, 1)));
  ASSERT_FALSE(repeat.ok());
  EXPECT_EQ(repeat.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(c.state().school_events_size(), 2);
}

TEST(SchoolEventsOnAPlanTest, ACeasedPlanTakesNoSchoolEvents) {
  PlanCase c(D(2026, 11, 2));
  ASSERT_TRUE(c.Do(FinalPlan(D(2026, 1, 5))).ok());
  ASSERT_TRUE(c.Do(Exclusion("x1", D(2026, 10, 30))).ok());
  v1::CeasePlanRequest cease;
  *cease.mutable_ceased_on() = ToProto(D(2026, 11, 2));
  cease.set_reason(v1::CEASE_REASON_TRANSFERRED_TO_ANOTHER_LA);
  ASSERT_TRUE(c.Do(cease).ok());
  // Ceasing cancelled the open item.
  EXPECT_EQ(c.clock("early_review/1").status(), v1::CLOCK_STATUS_CANCELLED);
  auto after = c.Do(Suspension("s1", D(2026, 11, 2)));
  ASSERT_FALSE(after.ok());
  EXPECT_THAT(after.status().message(), HasSubstr("ceased"));
}

}  // namespace
}  // namespace casework::reviews
