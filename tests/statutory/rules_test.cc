#include "libs/statutory/rules.h"

#include <gtest/gtest.h>

#include <set>

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
      // Reg 13(1): at least 15 days to comment.
      {RuleId::kEhcDraftComment, D(2026, 4, 1), D(2026, 4, 16)},
      // Reg 13(2): 20 weeks, crossing the leap day of 2028.
      {RuleId::kEhcFinalPlan, D(2027, 12, 1), D(2028, 4, 19)},
      // Reg 27: 14 weeks for a re-assessment.
      {RuleId::kEhcReassessmentFinalPlan, D(2026, 1, 5), D(2026, 4, 13)},
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
       false},  // Reg 27(4)
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
    EXPECT_GT(rule.amount, 0) << rule.code;
    EXPECT_EQ(FindRule(rule.code), &rule);
    EXPECT_EQ(&Rule(rule.id), &rule);
  }
  EXPECT_EQ(FindRule("no.such.rule"), nullptr);
}

}  // namespace
}  // namespace casework::statutory
