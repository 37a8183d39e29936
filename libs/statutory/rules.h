// The statutory clocks of SEND casework as data, with the regulation cited
// beside each, and due-date computation.
//
// Each rule says how long a step may take (unit and amount), what it is counted
// from, which regulation sets it, and which recorded exceptions lift it.
// Services own the law: they open and close clocks with these rules and publish
// the outcome in their events; consumers read the clocks and never re-implement
// them.
//
// Pure functions over immutable data; thread-safe.
#ifndef CASEWORK_LIBS_STATUTORY_RULES_H_
#define CASEWORK_LIBS_STATUTORY_RULES_H_

#include <cstdint>
#include <span>

#include "absl/strings/string_view.h"
#include "libs/core/calendar.h"
#include "libs/core/date.h"

namespace casework::statutory {

// Kinds of exception an officer can record against an assessment (SEND Regs
// 2014 regs 5(4), 8(2), 10(4), 13(3)).
enum class ExceptionKind : uint8_t {
  // (a) advice asked of a school or post-16 institution from 1 week before a
  // closure of at
  // least 4 continuous weeks until 1 week before it reopens.
  kSchoolClosure = 0,
  // (b) the same for an early-years setting.
  kEarlyYearsSettingClosure = 1,
  // (c) exceptional personal circumstances of the child, parent or young
  // person.
  kExceptionalPersonalCircumstances = 2,
  // (d) the child, parent or young person is away from the LA's area for at
  // least 4 weeks.
  kAbsenceFromArea = 3,
  // Reg 8(2)(c): failure to keep an appointment for an examination or test
  // (advice only).
  kMissedAppointment = 4,
};
inline constexpr int kExceptionKindCount = 5;
absl::string_view ExceptionKindName(ExceptionKind kind);

enum class Unit : uint8_t {
  kCalendarDays,
  kCalendarWeeks,
  kCalendarMonths,
  kWorkingDays
};

enum class RuleId : uint8_t {
  kEhcDecisionToAssess,
  kEhcAdvice,
  kEhcNoPlanDecision,
  kEhcDraftComment,
  kEhcFinalPlan,
  kEhcReassessmentFinalPlan,
};

struct ClockRule {
  RuleId id;
  // Stable code used in events and by consumers, e.g. "ehc.final_plan".
  absl::string_view code;
  // What must happen, for people.
  absl::string_view name;
  Unit unit;
  int amount;
  // What the period is counted from.
  absl::string_view counted_from;
  // The source of the rule.
  absl::string_view citation;
  // Bit (1 << ExceptionKind) set when that exception lifts the limit.
  uint32_t lifted_by;
  // True for a minimum period (the family's time to comment) rather than a
  // deadline for the LA.
  bool minimum_period;

  bool IsLiftedBy(ExceptionKind kind) const {
    return (lifted_by >> static_cast<int>(kind)) & 1u;
  }
  // The due date for a period counted from `start`. A step done on the due date
  // is on time.
  Date DueDate(Date start, const Calendar& calendar) const;
};

// Every rule, in RuleId order.
std::span<const ClockRule> AllRules();
const ClockRule& Rule(RuleId id);
// nullptr when no rule has that code.
const ClockRule* FindRule(absl::string_view code);

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_RULES_H_
