#include "libs/statutory/rules.h"

#include <array>
#include <cassert>

namespace casework::statutory {
namespace {

constexpr uint32_t Bit(ExceptionKind k) { return 1u << static_cast<int>(k); }

// Regs 5(4), 10(4), 13(3) (and 27(4) by reference to 10(4)): closures (a)/(b),
// exceptional personal circumstances (c), absence from the area (d).
constexpr uint32_t kAssessmentExceptions =
    Bit(ExceptionKind::kSchoolClosure) |
    Bit(ExceptionKind::kEarlyYearsSettingClosure) |
    Bit(ExceptionKind::kExceptionalPersonalCircumstances) |
    Bit(ExceptionKind::kAbsenceFromArea);

// Reg 8(2): exceptional circumstances, absence of 4 weeks, a missed
// appointment. A closure is not on this list, and a missed appointment is on no
// other.
constexpr uint32_t kAdviceExceptions =
    Bit(ExceptionKind::kExceptionalPersonalCircumstances) |
    Bit(ExceptionKind::kAbsenceFromArea) |
    Bit(ExceptionKind::kMissedAppointment);

constexpr std::array<ClockRule, 6> kRules = {{
    {RuleId::kEhcDecisionToAssess, "ehc.decision_to_assess",
     "Decide whether to assess and notify the family", Unit::kCalendarWeeks, 6,
     "the day the LA received the request",
     "SEND Regulations 2014 reg 5(1); exceptions reg 5(4)",
     kAssessmentExceptions, false},
    {RuleId::kEhcAdvice, "ehc.advice", "Adviser returns advice",
     Unit::kCalendarWeeks, 6, "the day the LA requested the advice",
     "SEND Regulations 2014 reg 8(1); exceptions reg 8(2)", kAdviceExceptions,
     false},
    {RuleId::kEhcNoPlanDecision, "ehc.no_plan_decision",
     "Decide, after assessing, whether to issue a plan (a decision not to "
     "issue)",
     Unit::kCalendarWeeks, 16, "the day the LA received the request",
     "SEND Regulations 2014 reg 10(1); exceptions reg 10(4)",
     kAssessmentExceptions, false},
    {RuleId::kEhcDraftComment, "ehc.draft_comment",
     "Family's period to comment on the draft plan and request a school",
     Unit::kCalendarDays, 15, "the day the draft plan was served",
     "SEND Regulations 2014 reg 13(1)", 0, true},
    {RuleId::kEhcFinalPlan, "ehc.final_plan", "Issue the final EHC plan",
     Unit::kCalendarWeeks, 20, "the day the LA received the request",
     "SEND Regulations 2014 reg 13(2); exceptions reg 13(3)",
     kAssessmentExceptions, false},
    {RuleId::kEhcReassessmentFinalPlan, "ehc.reassessment_final_plan",
     "Issue the final plan after a re-assessment", Unit::kCalendarWeeks, 14,
     "the day the LA received the re-assessment request",
     "SEND Regulations 2014 reg 27(3); exceptions reg 27(4)",
     kAssessmentExceptions, false},
}};

}  // namespace

absl::string_view ExceptionKindName(ExceptionKind kind) {
  switch (kind) {
    case ExceptionKind::kSchoolClosure:
      return "school or post-16 institution closure (a)";
    case ExceptionKind::kEarlyYearsSettingClosure:
      return "early-years setting closure (b)";
    case ExceptionKind::kExceptionalPersonalCircumstances:
      return "exceptional personal circumstances (c)";
    case ExceptionKind::kAbsenceFromArea:
      return "absence from the area for 4 weeks or more (d)";
    case ExceptionKind::kMissedAppointment:
      return "missed appointment for an examination or test";
  }
  return "unknown";
}

Date ClockRule::DueDate(Date start, const Calendar& calendar) const {
  switch (unit) {
    case Unit::kCalendarDays:
      return start.AddDays(amount);
    case Unit::kCalendarWeeks:
      return start.AddWeeks(amount);
    case Unit::kCalendarMonths:
      return start.AddMonths(amount);
    case Unit::kWorkingDays:
      return calendar.AddWorkingDays(start, amount);
  }
  return start;
}

std::span<const ClockRule> AllRules() { return kRules; }

const ClockRule& Rule(RuleId id) {
  const ClockRule& rule = kRules[static_cast<size_t>(id)];
  assert(rule.id == id);
  return rule;
}

const ClockRule* FindRule(absl::string_view code) {
  for (const ClockRule& rule : kRules) {
    if (rule.code == code) return &rule;
  }
  return nullptr;
}

}  // namespace casework::statutory
