#include "libs/statutory/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "libs/statutory/exceptions.h"
#include "libs/statutory/plan_contents.h"

namespace casework::statutory {
namespace {

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }

struct DueCase {
  RuleId rule;
  Date start;
  Date due;
};

TEST(Rules, DueDatesAreCalendarPeriodsFromTheStart) {
  Calendar cal;
  const DueCase cases[] = {
      // Reg 5(1): 6 weeks from the request.
      {RuleId::kEhcDecisionToAssess, D(2026, 1, 5), D(2026, 2, 16)},
      // Reg 8(1): 6 weeks from the advice request, over Christmas (calendar
      // weeks).
      {RuleId::kEhcAdvice, D(2026, 12, 14), D(2027, 1, 25)},
      // Reg 10(1): 16 weeks.
      {RuleId::kEhcNoPlanDecision, D(2026, 1, 5), D(2026, 4, 27)},
      // Reg 13(1): at least 15 days to comment, beginning with the day of
      // service: 1 to 15 April.
      {RuleId::kEhcDraftComment, D(2026, 4, 1), D(2026, 4, 15)},
      // Reg 13(2): 20 weeks, crossing the leap day of 2028.
      {RuleId::kEhcFinalPlan, D(2027, 12, 1), D(2028, 4, 19)},
      // Reg 25(1): 15 days from a re-assessment request.
      {RuleId::kEhcReassessmentDecision, D(2026, 1, 5), D(2026, 1, 20)},
      {RuleId::kEhcReassessmentDecision, D(2026, 12, 20), D(2027, 1, 4)},
      // Reg 27(2): 14 weeks from the notification of the decision.
      {RuleId::kEhcReassessmentFinalPlan, D(2026, 1, 20), D(2026, 4, 28)},
  };
  for (const DueCase& c : cases) {
    EXPECT_EQ(Rule(c.rule).DueDate(c.start, cal), c.due) << Rule(c.rule).code;
  }
}

TEST(Rules, ExceptionsLiftExactlyTheLimitsTheRegulationsSay) {
  using K = ExceptionKind;
  struct Row {
    RuleId rule;
    bool closure, early_years, personal, absence, missed_appointment;
  };
  const Row table[] = {
      {RuleId::kEhcDecisionToAssess, true, true, true, true,
       false},                                                      // Reg 5(4)
      {RuleId::kEhcAdvice, false, false, true, true, true},         // Reg 8(2)
      {RuleId::kEhcNoPlanDecision, true, true, true, true, false},  // Reg 10(4)
      {RuleId::kEhcDraftComment, false, false, false, false,
       false},  // family's period
      {RuleId::kEhcFinalPlan, true, true, true, true, false},  // Reg 13(3)
      {RuleId::kEhcReassessmentFinalPlan, true, true, true, true,
       false},  // Reg 27(3)
      {RuleId::kEhcReassessmentDecision, false, false, false, false,
       false},  // Reg 25(1): none
  };
  for (const Row& r : table) {
    const ClockRule& rule = Rule(r.rule);
    EXPECT_EQ(rule.IsLiftedBy(K::kSchoolClosure), r.closure) << rule.code;
    EXPECT_EQ(rule.IsLiftedBy(K::kEarlyYearsSettingClosure), r.early_years)
        << rule.code;
    EXPECT_EQ(rule.IsLiftedBy(K::kExceptionalPersonalCircumstances), r.personal)
        << rule.code;
    EXPECT_EQ(rule.IsLiftedBy(K::kAbsenceFromArea), r.absence) << rule.code;
    EXPECT_EQ(rule.IsLiftedBy(K::kMissedAppointment), r.missed_appointment)
        << rule.code;
  }
}

TEST(Rules, EveryRuleHasAUniqueCodeAndACitation) {
  std::set<absl::string_view> codes;
  for (const ClockRule& rule : AllRules()) {
    EXPECT_TRUE(codes.insert(rule.code).second) << rule.code;
    EXPECT_FALSE(rule.citation.empty()) << rule.code;
    if (rule.unit != Unit::kFixedDate && rule.id != RuleId::kReviewPapers) {
      EXPECT_GT(rule.amount, 0) << rule.code;
    }
    EXPECT_EQ(FindRule(rule.code), &rule);
    EXPECT_EQ(&Rule(rule.id), &rule);
  }
  EXPECT_EQ(FindRule("no.such.rule"), nullptr);
}

// --- Annual reviews ---

// CFA 2014 s.44(1): "in the period of 12 months starting with" the plan or
// the last review: the period's last day is the day before the anniversary.
TEST(ReviewRules, ReviewIsDueTheDayBeforeTheAnniversary_Cfa2014S44_1) {
  const Date dob = Date::Ymd(2015, 6, 1);  // well over 5
  struct Row {
    Date from, due;
  } table[] = {
      {Date::Ymd(2025, 1, 15), Date::Ymd(2026, 1, 14)},  // DOMAIN.md's example
      {Date::Ymd(2026, 1, 31), Date::Ymd(2027, 1, 30)},
      {Date::Ymd(2026, 3, 1), Date::Ymd(2027, 2, 28)},  // into February
      {Date::Ymd(2027, 3, 1), Date::Ymd(2028, 2, 29)},  // ... of a leap year
      // A leap day: no 29 February in 2025, so the period ends on the last day
      // of February (Dodds v Walker [1981]).
      {Date::Ymd(2024, 2, 29), Date::Ymd(2025, 2, 28)},
      {Date::Ymd(2027, 2, 28), Date::Ymd(2028, 2, 27)},
      {Date::Ymd(2026, 12, 31), Date::Ymd(2027, 12, 30)},
      {Date::Ymd(2026, 1, 1), Date::Ymd(2026, 12, 31)},
  };
  for (const Row& r : table) {
    EXPECT_EQ(ReviewDue(r.from, dob, 6), r.due) << r.from.ToString();
  }
  // No date of birth known: the 12-month rule.
  EXPECT_EQ(ReviewDue(Date::Ymd(2026, 3, 2), Date(), 6), Date::Ymd(2027, 3, 1));
  // Months with fewer days than the start's: the last day of the month.
  EXPECT_EQ(LastDayOfMonthsStartingWith(Date::Ymd(2026, 5, 31), 1),
            Date::Ymd(2026, 6, 30));
  EXPECT_EQ(LastDayOfMonthsStartingWith(Date::Ymd(2026, 5, 30), 1),
            Date::Ymd(2026, 6, 29));
}

TEST(ReviewRules, UnderFivesUseTheShorterConfiguredInterval) {
  const Date dob = Date::Ymd(2021, 3, 10);
  // The day before the 5th birthday: under 5, 6 months.
  EXPECT_EQ(ReviewDue(Date::Ymd(2026, 3, 9), dob, 6), Date::Ymd(2026, 9, 9));
  // On the birthday: the 12 months starting with it.
  EXPECT_EQ(ReviewDue(Date::Ymd(2026, 3, 10), dob, 6), Date::Ymd(2027, 3, 9));
  // A configured 3-month interval, from a month end.
  EXPECT_EQ(ReviewDue(Date::Ymd(2025, 11, 30), dob, 3), Date::Ymd(2026, 2, 28));
  EXPECT_EQ(AgeOn(Date::Ymd(2020, 2, 29), Date::Ymd(2025, 2, 28)), 4);
  EXPECT_EQ(AgeOn(Date::Ymd(2020, 2, 29), Date::Ymd(2025, 3, 1)), 5);
}

// SEND Regs 2014 reg 18(1): "before 15 February" / "before 31 March" of the
// year of the move: the last days are 14 February and 30 March.
TEST(ReviewRules, PhaseTransferDeadlines_Reg18) {
  using P = PhaseTransfer;
  struct Row {
    P kind;
    Date move, deadline;
  } table[] = {
      // Year 6 to 7 in September 2027: before 15 February of 2027, the
      // calendar year of the move (not of the review that sets it, autumn
      // 2026): 14 February.
      {P::kSchoolPhase, Date::Ymd(2027, 9, 1), Date::Ymd(2027, 2, 14)},
      // A January move: still 14 February of the year of the move, which has
      // then already passed when the move is that close.
      {P::kSchoolPhase, Date::Ymd(2028, 1, 8), Date::Ymd(2028, 2, 14)},
      // Before 31 March: 30 March.
      {P::kSecondaryToPost16, Date::Ymd(2027, 9, 6), Date::Ymd(2027, 3, 30)},
      {P::kPost16ToPost16, Date::Ymd(2027, 1, 31), Date::Ymd(2026, 8, 31)},
      {P::kPost16ToPost16, Date::Ymd(2027, 7, 31), Date::Ymd(2027, 2, 28)},
  };
  for (const Row& r : table) {
    EXPECT_EQ(PhaseTransferDeadline(r.kind, r.move), r.deadline)
        << r.move.ToString();
  }
}

TEST(ReviewRules, MeetingClocks) {
  const Calendar calendar;
  const Date meeting = Date::Ymd(2026, 6, 20);
  EXPECT_EQ(Rule(RuleId::kReviewPapers).DueDate(meeting, calendar),
            Date::Ymd(2026, 6, 6));  // 2 weeks before
  EXPECT_EQ(Rule(RuleId::kReviewDecision).DueDate(meeting, calendar),
            Date::Ymd(2026, 7, 18));  // 4 weeks after
  EXPECT_EQ(
      Rule(RuleId::kReviewAmendedPlanFromMeeting).DueDate(meeting, calendar),
      Date::Ymd(2026, 9, 12));  // 12 weeks after
  const Date notice = Date::Ymd(2026, 7, 10);
  EXPECT_EQ(Rule(RuleId::kReviewAmendedPlan).DueDate(notice, calendar),
            Date::Ymd(2026, 9, 4));  // 8 weeks after the amendment notice
  EXPECT_EQ(Rule(RuleId::kReviewAmendmentComment).DueDate(notice, calendar),
            Date::Ymd(2026, 7, 25));  // 15 days
  EXPECT_TRUE(Rule(RuleId::kReviewAmendmentComment).minimum_period);
  // No exception lifts any review clock.
  for (RuleId id :
       {RuleId::kReviewAnnual, RuleId::kReviewUnder5, RuleId::kReviewDecision,
        RuleId::kReviewAmendedPlan, RuleId::kReviewAmendedPlanFromMeeting,
        RuleId::kReviewPhaseTransfer}) {
    EXPECT_EQ(Rule(id).lifted_by, 0u) << Rule(id).code;
  }
}

// --- Home-to-school travel ---

TEST(TransportRules, WorkingDayClocksSkipChristmasAndEaster) {
  const Calendar calendar;
  // 20 working days from Monday 14 December 2026 skip Christmas Day (Fri),
  // Boxing Day's substitute (Mon 28) and New Year's Day (Fri 1 January).
  EXPECT_EQ(Rule(RuleId::kTransportDecision)
                .DueDate(Date::Ymd(2026, 12, 14), calendar),
            Date::Ymd(2027, 1, 14));
  // Stage 1: 20 working days from Monday 15 March 2027 skip Good Friday
  // (26 March) and Easter Monday (29 March).
  EXPECT_EQ(
      Rule(RuleId::kTransportStage1).DueDate(Date::Ymd(2027, 3, 15), calendar),
      Date::Ymd(2027, 4, 14));
  // Stage 2: 40 working days; written outcome 5.
  EXPECT_EQ(Rule(RuleId::kTransportStage2Outcome)
                .DueDate(Date::Ymd(2026, 12, 22), calendar),
            Date::Ymd(2026, 12, 31));  // 23, 24, (25, 28 closed) 29, 30, 31
  EXPECT_EQ(Rule(RuleId::kTransportStage2Panel).amount, 40);
}

// --- Disagreements ---

TEST(DisagreementRules, TribunalAppealDeadline) {
  const Calendar calendar;
  struct Row {
    Date letter, certificate, deadline;
  } table[] = {
      // 2 months from the letter (Tue 10 Feb 2026 -> Fri 10 Apr 2026).
      {Date::Ymd(2026, 2, 10), Date(), Date::Ymd(2026, 4, 10)},
      // r.12(2): Sun 10 May 2026 is not a working day: Mon 11 May.
      {Date::Ymd(2026, 3, 10), Date(), Date::Ymd(2026, 5, 11)},
      // r.12(2): letter 31 Dec 2025, 2 months is Sat 28 Feb 2026: Mon 2 Mar.
      {Date::Ymd(2025, 12, 31), Date(), Date::Ymd(2026, 3, 2)},
      // r.12(2): Mon 25 May 2026 is the spring bank holiday: Tue 26 May.
      {Date::Ymd(2026, 3, 25), Date(), Date::Ymd(2026, 5, 26)},
      // Fri 29 May 2026, a working day, stays.
      {Date::Ymd(2026, 3, 29), Date(), Date::Ymd(2026, 5, 29)},
      // The certificate's month ends later: that wins.
      {Date::Ymd(2026, 3, 10), Date::Ymd(2026, 4, 20), Date::Ymd(2026, 5, 20)},
      // ... and earlier: the letter's 2 months win (Sun 10 May: Mon 11 May).
      {Date::Ymd(2026, 3, 10), Date::Ymd(2026, 3, 20), Date::Ymd(2026, 5, 11)},
      // Falls on 27 December: the next working day after 1 January (Sat 2,
      // Sun 3 January 2027: Monday 4th).
      {Date::Ymd(2026, 10, 27), Date(), Date::Ymd(2027, 1, 4)},
      // Falls on 1 January 2027 exactly.
      {Date::Ymd(2026, 11, 1), Date(), Date::Ymd(2027, 1, 4)},
      // 24 December is not moved.
      {Date::Ymd(2026, 10, 24), Date(), Date::Ymd(2026, 12, 24)},
      // In August: the first working day of September (Tue 1 Sep 2026).
      {Date::Ymd(2026, 6, 15), Date(), Date::Ymd(2026, 9, 1)},
      // 31 July is not moved.
      {Date::Ymd(2026, 5, 31), Date(), Date::Ymd(2026, 7, 31)},
  };
  for (const Row& r : table) {
    EXPECT_EQ(TribunalAppealDeadline(r.letter, r.certificate, calendar),
              r.deadline)
        << r.letter.ToString();
  }
}

// HESC Rules 2008 r.1(3): the Tribunal's working days; an LA closure on the
// last day does not move it.
TEST(DisagreementRules, TribunalAppealDeadlineIgnoresLaClosures_HescR1_3) {
  const Calendar closed(
      Calendar::Options{.extra_closures = {Date::Ymd(2026, 5, 29)}});
  EXPECT_EQ(TribunalAppealDeadline(Date::Ymd(2026, 3, 29), Date(), closed),
            Date::Ymd(2026, 5, 29));
}

TEST(DisagreementRules, OrderComplianceAndMediation) {
  const Calendar calendar;
  const Date made = Date::Ymd(2026, 12, 18);  // a Friday
  EXPECT_EQ(Rule(RuleId::kOrderAssess).DueDate(made, calendar),
            Date::Ymd(2027, 1, 1));  // calendar weeks: not moved
  EXPECT_EQ(Rule(RuleId::kOrderDraftPlan).DueDate(made, calendar),
            Date::Ymd(2027, 1, 22));
  EXPECT_EQ(Rule(RuleId::kOrderFinalPlan).DueDate(made, calendar),
            Date::Ymd(2027, 3, 5));
  // The certificate within 3 working days of mediation ending on Wed 23 Dec.
  EXPECT_EQ(Rule(RuleId::kMediationCertificate)
                .DueDate(Date::Ymd(2026, 12, 23), calendar),
            Date::Ymd(2026, 12, 30));
  // Complaints: acknowledge within 5 working days over Easter 2027.
  EXPECT_EQ(Rule(RuleId::kComplaintAcknowledge)
                .DueDate(Date::Ymd(2027, 3, 25), calendar),
            Date::Ymd(2027, 4, 5));
}

// --- The exceptions' own conditions (SEND Regs 2014 regs 5(4), 8(2), 27(3))

// "closed for a continuous period of not less than 4 weeks": 28 days counted
// from the first closed day to the last, both included.
TEST(ExceptionRules, FourContinuousWeeksIs28Days_Reg5_4) {
  for (ExceptionKind kind :
       {ExceptionKind::kSchoolClosure, ExceptionKind::kAbsenceFromArea}) {
    ExceptionFacts x{.kind = kind,
                     .starts_on = D(2026, 7, 1),
                     .ends_on = D(2026, 7, 28),
                     .advice_requested_on = D(2026, 6, 24)};
    EXPECT_TRUE(CheckExceptionConditions(x).ok());
    x.ends_on = D(2026, 7, 27);
    const absl::Status s = CheckExceptionConditions(x);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("ends_on"));
    x.ends_on.reset();
    EXPECT_FALSE(CheckExceptionConditions(x).ok());
  }
}

// Reg 5(4)(a): "a period beginning one week before any date on which that
// school ... was closed ... and ending one week before the date on which it
// re-opens". Closed 1 Jul to 31 Aug (reopens 1 Sep): 24 Jun to 25 Aug.
TEST(ExceptionRules, ClosureWindowRunsAWeekBeforeEachEnd_Reg5_4_a) {
  const Window w = ClosureAdviceWindow(D(2026, 7, 1), D(2026, 8, 31));
  EXPECT_EQ(w.first, D(2026, 6, 24));
  EXPECT_EQ(w.last, D(2026, 8, 25));
  for (auto [advice, ok] : {std::pair{D(2026, 6, 23), false},
                            {D(2026, 6, 24), true},
                            {D(2026, 8, 25), true},
                            {D(2026, 8, 26), false}}) {
    ExceptionFacts x{.kind = ExceptionKind::kEarlyYearsSettingClosure,
                     .starts_on = D(2026, 7, 1),
                     .ends_on = D(2026, 8, 31),
                     .advice_requested_on = advice};
    EXPECT_EQ(CheckExceptionConditions(x).ok(), ok) << advice.ToString();
  }
}

// "during that time period": each kind falls within a clock's period (start
// and due day included) in its own way, and one recorded after the due date
// lifts nothing.
TEST(ExceptionRules, AnExceptionLiftsOnlyClocksWhosePeriodItFallsIn) {
  const ClockRule& final_plan = Rule(RuleId::kEhcFinalPlan);  // 5 Jan-25 May
  const Date start = D(2026, 1, 5), due = D(2026, 5, 25);
  ExceptionFacts personal{
      .kind = ExceptionKind::kExceptionalPersonalCircumstances,
      .starts_on = D(2026, 5, 25)};
  EXPECT_TRUE(Lifts(personal, final_plan, start, due));
  personal.starts_on = D(2026, 5, 26);
  EXPECT_FALSE(Lifts(personal, final_plan, start, due));
  personal.starts_on = D(2026, 1, 4);
  EXPECT_FALSE(Lifts(personal, final_plan, start, due));
  personal.starts_on = D(2026, 3, 1);
  personal.recorded_on = D(2026, 5, 25);
  EXPECT_TRUE(Lifts(personal, final_plan, start, due));
  personal.recorded_on = D(2026, 5, 26);  // after the clock was missed
  EXPECT_FALSE(Lifts(personal, final_plan, start, due));
  ExceptionFacts away{.kind = ExceptionKind::kAbsenceFromArea,
                      .starts_on = D(2025, 12, 8),
                      .ends_on = D(2026, 1, 5)};
  EXPECT_TRUE(Lifts(away, final_plan, start, due));
  away.ends_on = D(2026, 1, 4);
  EXPECT_FALSE(Lifts(away, final_plan, start, due));
  // A missed appointment lifts an adviser's clock and nothing else.
  ExceptionFacts missed{.kind = ExceptionKind::kMissedAppointment,
                        .starts_on = D(2026, 3, 1),
                        .advice_requested_on = D(2026, 2, 11)};
  EXPECT_FALSE(Lifts(missed, final_plan, start, due));
  EXPECT_TRUE(
      Lifts(missed, Rule(RuleId::kEhcAdvice), D(2026, 2, 11), D(2026, 3, 25)));
}

// What a plan names (SEN2 modules 4-5): codes and identifier formats.
TEST(PlanContentsRules, SettingsNeedsAndBudgetAreChecked) {
  v1::PlanContents c;
  v1::Setting* s = c.add_settings();
  s->set_urn("100001");
  s->set_rank(1);
  v1::SenNeed* n = c.add_needs();
  n->set_type(v1::SEN_TYPE_ASD);
  n->set_rank(1);
  EXPECT_TRUE(CheckPlanContents(c, "contents").ok());
  auto message = [](const absl::Status& st) {
    return std::string(st.message());
  };
  v1::PlanContents bad = c;
  bad.mutable_settings(0)->set_urn("10001");  // 5 digits
  EXPECT_THAT(message(CheckPlanContents(bad, "contents")),
              ::testing::HasSubstr("contents.settings[0].urn"));
  bad = c;
  bad.mutable_settings(0)->set_ukprn("10012345");  // two of URN/UKPRN/code
  EXPECT_THAT(message(CheckPlanContents(bad, "contents")),
              ::testing::HasSubstr("exactly one"));
  bad = c;
  *bad.add_settings() = c.settings(0);  // rank 1 twice
  EXPECT_THAT(message(CheckPlanContents(bad, "contents")),
              ::testing::HasSubstr("repeats a rank"));
  bad = c;
  bad.add_needs()->set_type(v1::SEN_TYPE_ASD);
  bad.mutable_needs(1)->set_rank(2);  // the same need twice
  EXPECT_THAT(message(CheckPlanContents(bad, "contents")),
              ::testing::HasSubstr("repeats a type"));
  bad = c;
  bad.set_direct_payments(v1::DIRECT_PAYMENTS_E);  // without a budget
  EXPECT_THAT(message(CheckPlanContents(bad, "contents")),
              ::testing::HasSubstr("personal_budget"));
  EXPECT_TRUE(CheckLaNumber("825", "to_la").ok());
  EXPECT_FALSE(CheckLaNumber("8250", "to_la").ok());
}

}  // namespace
}  // namespace casework::statutory
