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
  kWorkingDays,
  // A date fixed by the rule's own function (phase transfers).
  kFixedDate,
};

enum class RuleId : uint8_t {
  kEhcDecisionToAssess,
  kEhcAdvice,
  kEhcNoPlanDecision,
  kEhcDraftComment,
  kEhcFinalPlan,
  kEhcReassessmentDecision,
  kEhcReassessmentFinalPlan,
  kReviewAnnual,
  kReviewUnder5,
  kReviewPapers,
  kReviewDecision,
  kReviewAmendmentComment,
  kReviewAmendedPlan,
  kReviewAmendedPlanFromMeeting,
  kReviewPhaseTransfer,
  kTransportDecision,
  kTransportInPlace,
  kTransportStage1,
  kTransportStage2Panel,
  kTransportStage2Outcome,
  kComplaintAcknowledge,
  kComplaintStage1,
  kComplaintStage2Acknowledge,
  kComplaintStage2,
  kCscStage1,
  kCscStage2,
  kCscStage3,
  kMediationCertificate,
  kMediationHeld,
  kOrderAssess,
  kOrderDraftPlan,
  kOrderFinalPlan,
  kOrderAmendPlan,
  kOrderNamedSchool,
  kQualityAuditAction,
  kQualitySampleAudit,
  kReviewConsiderEarlyReview,
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
  // True for a period "beginning with" its start day (the start day is its
  // first day, so `amount` days end on start + amount - 1), as reg 13(1)'s 15
  // days for comments; false for a period counted from the day after
  // ("within 6 weeks of").
  bool includes_start_day = false;

  bool IsLiftedBy(ExceptionKind kind) const {
    return (lifted_by >> static_cast<int>(kind)) & 1u;
  }
  // The due date for a period counted from `start`: its last day. A step done
  // on the due date is on time.
  Date DueDate(Date start, const Calendar& calendar) const;
};

// --- Annual reviews (Children and Families Act 2014 s.44; SEND Regs 2014
// regs 18-22) ---

// Age in whole years on `on`.
int AgeOn(Date date_of_birth, Date on);
// National curriculum year on `on`, from the year recorded on `as_of` (it
// advances on each 1 September).
int NcYearOn(int nc_year, Date as_of, Date on);
// The last day of a period of `months` months "starting with" `start` (the
// start day is its first day): the day before the corresponding date, or,
// when the later month has no corresponding date, that month's last day.
// 15 Jan 2025, 12 months: 14 Jan 2026; 29 Feb 2024: 28 Feb 2025.
Date LastDayOfMonthsStartingWith(Date start, int months);
// The next review's due date counted from `from` (the plan's issue or the last
// decision notice): the last day of the 12 months starting with it (CFA 2014
// s.44(1)), or `under5_months` after it when the child is under 5 on `from`
// (Code of Practice 9.178: every 3 to 6 months). A missing date of birth
// (epoch) counts as 5 or over.
Date ReviewDue(Date from, Date date_of_birth, int under5_months);

enum class PhaseTransfer : uint8_t {
  // Early years to school, infant to junior, primary to middle or secondary,
  // middle to secondary: "before 15 February" of the calendar year of the
  // move, so by 14 February (reg 18(1)(a); the Code's "by 15 February" is
  // shorthand).
  kSchoolPhase,
  // Secondary school to a post-16 institution: "before 31 March" of the year
  // of the move, so by 30 March (reg 18(1)(b)).
  kSecondaryToPost16,
  // Between post-16 institutions at another time: at least 5 months before the
  // move (reg 18(2)).
  kPost16ToPost16,
};
// The date by which the amended plan naming the new institution must be final.
Date PhaseTransferDeadline(PhaseTransfer kind, Date move_on);

// --- Disagreements (SEND Regulations 2014 Part 6; Tribunal Procedure Rules)
// ---

// The last day to register a SEND Tribunal appeal: 2 months from the decision
// letter or 1 month from the mediation certificate, whichever is later
// (Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008 r.20(1); SEND
// Regulations 2014 Part 6). A day falling from 25 December to 1 January moves
// to the first working day after 1 January, one in August to the first working
// day after 31 August (r.12(3)(a)); any other day that is not a working day
// (a weekend, a bank holiday) to the next working day (r.12(2)). Working days
// are the Tribunal's (r.1(3)): the LA's own closures do not move it.
// `certificate`: epoch when there was none.
Date TribunalAppealDeadline(Date decision_letter, Date certificate,
                            const Calendar& calendar);

// Every rule, in RuleId order.
std::span<const ClockRule> AllRules();
const ClockRule& Rule(RuleId id);
// nullptr when no rule has that code.
const ClockRule* FindRule(absl::string_view code);

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_RULES_H_
