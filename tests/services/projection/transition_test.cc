// The projection's pure parts: Transition (one event of a stream against its
// state, as tables of cases) and the measure catalogue against the statutory
// rules.
#include "services/projection/transition.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/experience.h"
#include "libs/statutory/quality.h"
#include "libs/statutory/rules.h"
#include "libs/statutory/school.h"
#include "services/projection/measures.h"

namespace casework::projection {
namespace {

v1::Date P(int y, int m, int d) { return ToProto(Date::Ymd(y, m, d)); }

v1::ClockChange Clock(const std::string& id, const std::string& rule,
                      v1::ClockAction action, v1::Date on,
                      v1::Date due = v1::Date()) {
  v1::ClockChange c;
  c.set_clock_id(id);
  c.set_rule(rule);
  c.set_action(action);
  if (action == v1::CLOCK_OPENED) {
    *c.mutable_started_on() = on;
    *c.mutable_due_on() = due;
  } else {
    *c.mutable_closed_on() = on;
  }
  return c;
}

EventFacts Event(int64_t version, const std::string& officer, v1::Date on,
                 std::vector<v1::ClockChange> clocks,
                 const std::string& type = "Something") {
  EventFacts f;
  f.source = "ehc-assessments";
  f.type = type;
  v1::EventMetadata* m = f.envelope.mutable_metadata();
  m->set_stream_id("a1");
  m->set_version(version);
  m->set_child_id("child-1");
  m->set_officer_id(officer);
  *m->mutable_occurred_on() = on;
  m->set_event_id(absl::StrCat("ev-", version));
  for (v1::ClockChange& c : clocks) *f.envelope.add_clocks() = std::move(c);
  return f;
}

// A delta as text, so a table can say what it expects.
std::string Describe(const StreamDelta& d) {
  std::vector<std::string> parts;
  for (const WorklistOp& op : d.worklist) {
    const char* kind = op.kind == WorklistOp::kPut      ? "put"
                       : op.kind == WorklistOp::kPutNew ? "new"
                                                        : "del";
    parts.push_back(
        absl::StrCat(kind, " ", op.officer, "/", op.item.clock_id()));
  }
  for (const ClockHolding& h : d.holdings) {
    parts.push_back(absl::StrCat(h.sign > 0 ? "take " : "let ", h.officer, "/",
                                 h.rule->code, "@", h.on.ToYyyymmdd()));
  }
  for (const ClosedClock& c : d.closed) {
    parts.push_back(
        absl::StrCat(c.change->action() == v1::CLOCK_MET ? "met " : "missed ",
                     c.officer, "/", c.change->clock_id()));
  }
  for (const CaseChange& c : d.cases) {
    parts.push_back(absl::StrCat(c.held ? "case+ " : "case- ", c.officer, "@",
                                 c.on.ToYyyymmdd()));
  }
  if (d.counter != nullptr) parts.push_back(absl::StrCat("count ", d.counter));
  return absl::StrJoin(parts, "; ");
}

TEST(ClassifyTest, RepeatNextAhead) {
  internal::StreamState s;
  s.set_applied_version(3);
  EXPECT_EQ(Classify(s, 1), Order::kRepeat);
  EXPECT_EQ(Classify(s, 3), Order::kRepeat);
  EXPECT_EQ(Classify(s, 4), Order::kNext);
  EXPECT_EQ(Classify(s, 5), Order::kAhead);
  EXPECT_EQ(Classify(s, 50), Order::kAhead);
}

struct Step {
  const char* what;
  EventFacts event;
  std::string expected;  // Describe() of the delta
};

// One stream's life, each step against the state the one before left.
TEST(TransitionTest, AStreamsLifeStepByStep) {
  const std::vector<Step> steps = {
      {"opened: a new worklist item, taken on, the case held",
       Event(1, "o-a", P(2026, 1, 5),
             {Clock("d", "ehc.decision_to_assess", v1::CLOCK_OPENED,
                    P(2026, 1, 5), P(2026, 2, 16))}),
       "new o-a/d; take o-a/ehc.decision_to_assess@20260105; case+ "
       "o-a@20260105"},
      {"met, another opened: the first let go and counted",
       Event(
           2, "o-a", P(2026, 2, 10),
           {Clock("d", "ehc.decision_to_assess", v1::CLOCK_MET, P(2026, 2, 10)),
            Clock("f", "ehc.final_plan", v1::CLOCK_OPENED, P(2026, 1, 5),
                  P(2026, 5, 25))}),
       "del o-a/d; new o-a/f; let o-a/ehc.decision_to_assess@20260210; take "
       "o-a/ehc.final_plan@20260210; "
       "met o-a/d"},
      {"a new officer: every open clock moves, and the case with them",
       Event(3, "o-b", P(2026, 3, 1), {}),
       "del o-a/f; put o-b/f; let o-a/ehc.final_plan@20260301; take "
       "o-b/ehc.final_plan@20260301; "
       "case- o-a@20260301; case+ o-b@20260301"},
      {"an exception: the item rewritten in place",
       Event(4, "o-b", P(2026, 3, 2),
             {Clock("f", "ehc.final_plan", v1::CLOCK_EXCEPTION_APPLIED,
                    P(2026, 3, 2))}),
       "put o-b/f"},
      {"opened again while open: the new due date replaces the old",
       Event(5, "o-b", P(2026, 3, 3),
             {Clock("f", "ehc.final_plan", v1::CLOCK_OPENED, P(2026, 1, 5),
                    P(2026, 6, 1))}),
       "del o-b/f; put o-b/f; let o-b/ehc.final_plan@20260303; take "
       "o-b/ehc.final_plan@20260303"},
      {"missed: counted for the officer who held it; the case closes",
       Event(6, "o-b", P(2026, 6, 10),
             {Clock("f", "ehc.final_plan", v1::CLOCK_MISSED, P(2026, 6, 10))}),
       "del o-b/f; let o-b/ehc.final_plan@20260610; missed o-b/f; case- "
       "o-b@20260610"},
      {"an event counter, no clocks",
       Event(7, "o-b", P(2026, 7, 1), {}, "ComplaintLogged"),
       "count complaints.logged"},
      {"cancelled: let go, never counted",
       Event(
           8, "o-b", P(2026, 7, 2),
           {Clock("x", "ehc.final_plan", v1::CLOCK_CANCELLED, P(2026, 7, 2))}),
       ""},
  };
  internal::StreamState state;
  for (const Step& step : steps) {
    ASSERT_EQ(Classify(state, step.event.envelope.metadata().version()),
              Order::kNext)
        << step.what;
    absl::StatusOr<StreamDelta> d = Transition(state, step.event);
    ASSERT_TRUE(d.ok()) << step.what << ": " << d.status();
    EXPECT_EQ(Describe(*d), step.expected) << step.what;
    EXPECT_EQ(state.applied_version(),
              step.event.envelope.metadata().version());
  }
  EXPECT_TRUE(state.open_clocks().empty());
  EXPECT_TRUE(state.held_since().empty());
}

// A clock with an assignee (a dip-sample audit for the QA lead) is the
// assignee's: on their worklist, staying with them when the case changes
// hands, counted for them; the case is not open for the officer by it.
TEST(TransitionTest, AnAssignedClockIsTheAssigneesNotTheOfficers) {
  auto assigned = [](v1::ClockChange c) {
    c.set_assignee("qa-1");
    return c;
  };
  const std::vector<Step> steps = {
      {"the officer's clock: the case held",
       Event(1, "o-a", P(2026, 1, 5),
             {Clock("r", "review.annual", v1::CLOCK_OPENED, P(2026, 1, 5),
                    P(2027, 1, 4))}),
       "new o-a/r; take o-a/review.annual@20260105; case+ o-a@20260105"},
      {"an assigned clock: on the assignee's worklist, no case change",
       Event(2, "o-a", P(2026, 2, 2),
             {assigned(Clock("s", "quality.sample_audit", v1::CLOCK_OPENED,
                             P(2026, 2, 2), P(2026, 3, 2)))}),
       "new qa-1/s; take qa-1/quality.sample_audit@20260202"},
      {"a new officer: only the officer's clock moves",
       Event(3, "o-b", P(2026, 2, 10), {}),
       "del o-a/r; put o-b/r; let o-a/review.annual@20260210; take "
       "o-b/review.annual@20260210; case- o-a@20260210; case+ o-b@20260210"},
      {"the assigned clock met: counted for the assignee",
       Event(4, "o-b", P(2026, 2, 20),
             {assigned(Clock("s", "quality.sample_audit", v1::CLOCK_MET,
                             P(2026, 2, 20)))}),
       "del qa-1/s; let qa-1/quality.sample_audit@20260220; met qa-1/s"},
  };
  internal::StreamState state;
  for (const Step& step : steps) {
    absl::StatusOr<StreamDelta> d = Transition(state, step.event);
    ASSERT_TRUE(d.ok()) << step.what << ": " << d.status();
    EXPECT_EQ(Describe(*d), step.expected) << step.what;
  }
  // Open only with the assigned clock: the case is not the officer's.
  internal::StreamState only;
  auto d = Transition(
      only, Event(1, "o-a", P(2026, 2, 2),
                  {assigned(Clock("s", "quality.sample_audit", v1::CLOCK_OPENED,
                                  P(2026, 2, 2), P(2026, 3, 2)))}));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(Describe(*d),
            "new qa-1/s; take qa-1/quality.sample_audit@20260202");
}

TEST(TransitionTest, AnEventDatedBeforeTheTakeOnLetsGoOnTheTakeOnDay) {
  internal::StreamState state;
  auto opened = Transition(
      state, Event(1, "o-a", P(2026, 3, 1),
                   {Clock("d", "ehc.decision_to_assess", v1::CLOCK_OPENED,
                          P(2026, 3, 1), P(2026, 4, 12))}));
  ASSERT_TRUE(opened.ok());
  const EventFacts met = Event(
      2, "o-a", P(2026, 2, 20),
      {Clock("d", "ehc.decision_to_assess", v1::CLOCK_MET, P(2026, 2, 20))});
  auto closed = Transition(state, met);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(Describe(*closed),
            "del o-a/d; let o-a/ehc.decision_to_assess@20260301; met o-a/d; "
            "case- o-a@20260220");
}

struct Bad {
  const char* what;
  EventFacts event;
  const char* reason;  // part of the error
};

TEST(TransitionTest, EventsThatCannotBeAppliedSayWhy) {
  EventFacts no_child = Event(1, "o-a", P(2026, 1, 5), {});
  no_child.envelope.mutable_metadata()->clear_child_id();
  EventFacts no_date = Event(1, "o-a", v1::Date(), {});
  EventFacts bad_cohort = Event(1, "o-a", P(2026, 1, 5), {});
  v1::Tally* t = bad_cohort.envelope.add_tallies();
  t->set_counter("disagreements.mediated_appealed");
  t->set_count(1);
  t->mutable_on()->set_year(2026);  // 30 February
  t->mutable_on()->set_month(2);
  t->mutable_on()->set_day(30);
  EventFacts unknown = Event(1, "o-a", P(2026, 1, 5), {});
  unknown.envelope.add_tallies()->set_counter("made.up");
  const std::vector<Bad> bad = {
      {"a cohort day that is not a date", bad_cohort,
       "tally disagreements.mediated_appealed: on is not a date"},
      {"a counter this build does not know", unknown,
       "counter 'made.up' is not known"},
      {"a rule this build does not know",
       Event(1, "o-a", P(2026, 1, 5),
             {Clock("d", "ehc.made_up", v1::CLOCK_OPENED, P(2026, 1, 5),
                    P(2026, 2, 1))}),
       "rule 'ehc.made_up' is not known"},
      {"a due date that is not a date",
       Event(1, "o-a", P(2026, 1, 5),
             {Clock("d", "ehc.final_plan", v1::CLOCK_OPENED, P(2026, 1, 5),
                    v1::Date())}),
       "clock d: due_on is not a date"},
      {"a closing date that is not a date",
       Event(1, "o-a", P(2026, 1, 5),
             {Clock("d", "ehc.final_plan", v1::CLOCK_MET, v1::Date())}),
       "clock d: closed_on is not a date"},
      {"no action",
       Event(1, "o-a", P(2026, 1, 5),
             {Clock("d", "ehc.final_plan", v1::CLOCK_ACTION_UNSPECIFIED,
                    P(2026, 1, 5))}),
       "action 0 is not known"},
      {"no child", no_child, "metadata.child_id is empty"},
      {"no business date", no_date, "metadata.occurred_on is not a date"},
  };
  for (const Bad& b : bad) {
    internal::StreamState state;
    state.set_applied_version(7);
    const std::string before = state.SerializeAsString();
    absl::StatusOr<StreamDelta> d = Transition(state, b.event);
    ASSERT_FALSE(d.ok()) << b.what;
    EXPECT_EQ(state.SerializeAsString(), before) << b.what << ": state changed";
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << b.what;
    EXPECT_NE(d.status().message().find(b.reason), std::string::npos)
        << b.what << ": " << d.status();
  }
}

// Every deadline the law sets has a measure, and every clock measure counts
// rules that exist: a rule without a measure, or a measure without a rule,
// fails here rather than silently dropping a figure.
TEST(MeasureCatalogueTest, MatchesTheStatutoryRules) {
  std::set<std::string> counted;
  std::set<std::string> codes;
  for (const MeasureDef& m : Measures()) {
    EXPECT_TRUE(codes.insert(m.code).second) << "duplicate " << m.code;
    EXPECT_FALSE(m.label.empty()) << m.code;
    EXPECT_TRUE(DefaultTargets().contains(m.code)) << m.code;
    switch (m.kind) {
      case MeasureKind::kClock:
        EXPECT_FALSE(m.rules.empty()) << m.code;
        for (const std::string& rule : m.rules) {
          const statutory::ClockRule* r = statutory::FindRule(rule);
          ASSERT_NE(r, nullptr) << m.code << " counts unknown rule " << rule;
          EXPECT_FALSE(r->minimum_period)
              << m.code << " counts a minimum period (" << rule
              << "), which the LA cannot miss";
          EXPECT_TRUE(counted.insert(rule).second)
              << rule << " is counted by two measures";
        }
        break;
      case MeasureKind::kRate: {
        std::set<std::string> counters;
        for (const auto& [type, counter] : EventCounters()) {
          counters.insert(counter);
        }
        // The tallies the services record (libs/statutory/quality.h).
        counters.insert(
            {statutory::kPlansIssued, statutory::kPlansAudited,
             statutory::kAuditsGraded, statutory::kAuditsGoodOrBetter,
             statutory::kOutcomesReviewed, statutory::kOutcomesProgressing,
             statutory::kPfaOutcomesReviewed,
             statutory::kPfaOutcomesProgressing, statutory::kYear9Reviews,
             statutory::kYear9ReviewsPfaCovered,
             statutory::kYear9ReviewsPfaOutcomes, statutory::kPlansSampled,
             statutory::kSampledAudited, statutory::kDraftsIssued,
             statutory::kDraftsAudited, statutory::kDraftAuditsGraded,
             statutory::kDraftAuditsGood});
        counters.insert(statutory::kReplies);
        for (absl::string_view x : statutory::kComplaintSubjects) {
          counters.insert(absl::StrCat(statutory::kSubjectPrefix, x));
        }
        for (absl::string_view x : statutory::kComplaintFindings) {
          counters.insert(absl::StrCat(statutory::kFindingPrefix, x));
        }
        counters.insert(
            {statutory::kMediated, statutory::kMediationAgreed,
             statutory::kMediatedAppealed, statutory::kComplaintsClosed,
             statutory::kClosedEscalated, statutory::kClosedToOmbudsman});
        counters.insert(
            {statutory::kSuspensions, statutory::kPermanentExclusions,
             statutory::kAttendanceRecorded, statutory::kPersistentlyAbsent});
        counters.insert({statutory::kCompliments, statutory::kResponsesScored,
                         statutory::kResponsesSatisfied,
                         statutory::kSurveysSent, statutory::kSurveysAnswered});
        for (absl::string_view survey : statutory::kSurveyCodes) {
          counters.insert(
              statutory::PerSurvey(statutory::kResponsesScored, survey));
          counters.insert(
              statutory::PerSurvey(statutory::kResponsesSatisfied, survey));
        }
        for (const statutory::Criterion& c :
             statutory::QaFrameworkInUse().plan) {
          counters.insert(statutory::CriterionMet(c.id));
          counters.insert(statutory::CriterionAssessed(c.id));
        }
        counters.insert(
            {statutory::kAdviceGraded, statutory::kAdviceGoodOrBetter});
        for (const std::string& code : AdviceMeasures()) {
          const std::string adviser = code.substr(sizeof(kAdviceMeasure));
          counters.insert(absl::StrCat(statutory::kAdviceGraded, ".", adviser));
          counters.insert(
              absl::StrCat(statutory::kAdviceGoodOrBetter, ".", adviser));
        }
        for (const statutory::Criterion& c :
             statutory::QaFrameworkInUse().advice) {
          counters.insert(statutory::AdviceCriterionMet(c.id));
          counters.insert(statutory::AdviceCriterionAssessed(c.id));
        }
        for (const std::string& c : counters) EXPECT_TRUE(IsCounter(c)) << c;
        EXPECT_TRUE(counters.contains(m.numerator)) << m.code;
        EXPECT_TRUE(counters.contains(m.denominator) ||
                    IsHeldDenominator(m.denominator))
            << m.code;
        break;
      }
      case MeasureKind::kFigure:
        break;
    }
  }
  for (const statutory::ClockRule& rule : statutory::AllRules()) {
    const std::string code(rule.code);
    if (rule.minimum_period) {
      EXPECT_TRUE(MeasuresOfClock(code, "").empty()) << code;
      continue;
    }
    EXPECT_TRUE(counted.contains(code))
        << "the deadline " << code << " has no measure in measures.cc";
  }
}

TEST(MeasureCatalogueTest, AdviceIsCountedByAdviserToo) {
  EXPECT_EQ(MeasuresOfClock("ehc.advice", "health"),
            (std::vector<std::string>{"ehc.advice_6_weeks",
                                      "ehc.advice_6_weeks.health"}));
  EXPECT_EQ(MeasuresOfClock("ehc.advice", ""),
            (std::vector<std::string>{"ehc.advice_6_weeks",
                                      "ehc.advice_6_weeks.other"}));
  EXPECT_EQ(MeasureName("ehc.advice_6_weeks.educational_psychology"),
            "Advice within 6 weeks: educational psychology");
  EXPECT_TRUE(IsMeasure("ehc.advice_6_weeks.health"));
  EXPECT_FALSE(IsMeasure("ehc.advice_6_weeks.made_up"));
  EXPECT_FALSE(IsMeasure("ehc.final_plan_20_week"));
}

TEST(OverdueTest, FromTheDayAfterItIsDueAndNeverForAMinimumPeriod) {
  const statutory::ClockRule* deadline = statutory::FindRule("ehc.final_plan");
  const statutory::ClockRule* minimum =
      statutory::FindRule("ehc.draft_comment");
  ASSERT_NE(deadline, nullptr);
  ASSERT_NE(minimum, nullptr);
  ASSERT_TRUE(minimum->minimum_period);
  const Date due = Date::Ymd(2026, 5, 25);
  EXPECT_FALSE(IsOverdue(deadline, due, due));  // done on the day: on time
  EXPECT_TRUE(IsOverdue(deadline, due, due.AddDays(1)));
  EXPECT_FALSE(IsOverdue(deadline, due, due.AddDays(-1)));
  EXPECT_FALSE(IsOverdue(minimum, due, due.AddDays(30)));
}

TEST(TargetsTest, AFileNamingNoMeasureIsRefused) {
  absl::StatusOr<Targets> ok =
      ParseTargets("ehc.final_plan_20_weeks 70 5\nreview.backlog 2 3 lower\n");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->at("ehc.final_plan_20_weeks").target, 70);
  EXPECT_TRUE(ok->at("review.backlog").lower_is_better);
  absl::StatusOr<Targets> typo = ParseTargets("ehc.final_plan_20_week 70 5\n");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("line 1"), std::string::npos);
  EXPECT_NE(typo.status().message().find("not a measure code"),
            std::string::npos);
}

}  // namespace
}  // namespace casework::projection
