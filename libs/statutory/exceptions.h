// The conditions of the exceptions that lift the EHC time limits (SEND
// Regulations 2014 regs 5(4), 8(2), 10(4), 13(3), 27(3)), and which clocks an
// exception lifts.
//
// An exception meets its own conditions or is refused with the reason:
//  - (a)/(b) closure of a school, post-16 institution or early-years setting:
//    the closure's first and last days are required and span at least 4
//    continuous weeks (28 days), and the advice request it concerns was made
//    in the window from 1 week before the closure to 1 week before the setting
//    reopens (the day after the last closed day);
//  - (c) exceptional personal circumstances: the day they arose;
//  - (d) absence from the area: the first and last days away, at least 4
//    continuous weeks;
//  - reg 8(2)(c) missed appointment: the day of the appointment, on or after
//    the advice request it concerns.
// It lifts a clock only when the clock's rule lists its kind, it falls within
// the clock's period (from its start to its due date: (a)/(b) by the advice
// request's date, (c) by the day the circumstances arose, (d) by the absence
// overlapping the period, a missed appointment by its day), and it was
// recorded on or before the due date: an exception recorded after a clock was
// already missed does not lift it.
//
// Thread safety: pure functions.
#ifndef CASEWORK_LIBS_STATUTORY_EXCEPTIONS_H_
#define CASEWORK_LIBS_STATUTORY_EXCEPTIONS_H_

#include <optional>

#include "absl/status/status.h"
#include "libs/core/date.h"
#include "libs/statutory/rules.h"

namespace casework::statutory {

// "continuous period of not less than 4 weeks" (regs 5(4)(a),(b),(d), 8(2)).
inline constexpr int kExceptionMinimumDays = 28;

struct ExceptionFacts {
  ExceptionKind kind;
  // Closure: the first day closed; (c): the day the circumstances arose;
  // (d): the first day away; missed appointment: its day.
  Date starts_on;
  // Closure: the last day closed (it reopens the next day); (d): the last day
  // away. Optional for (c).
  std::optional<Date> ends_on;
  // The advice request the exception concerns (required for a closure and a
  // missed appointment).
  std::optional<Date> advice_requested_on;
  // The business day the exception was recorded (unset for events written
  // before it was kept: then it is taken as recorded in time).
  std::optional<Date> recorded_on;
};

// The exception's own conditions. INVALID_ARGUMENT naming the field
// ("ends_on", "advice_id") with the provision, or OK.
absl::Status CheckExceptionConditions(const ExceptionFacts& x);

// Whether the exception falls within the period of a clock running from
// `start` to `due` (both included).
bool FallsWithin(const ExceptionFacts& x, Date start, Date due);

// Whether the exception lifts a clock of `rule` running from `start` to `due`:
// the rule lists its kind, it falls within the period, and it was recorded on
// or before `due`.
bool Lifts(const ExceptionFacts& x, const ClockRule& rule, Date start,
           Date due);

// The closure window of reg 5(4)(a)/(b): from 1 week before the first closed
// day to 1 week before the day the setting reopens (`last_closed` + 1).
struct Window {
  Date first;
  Date last;
};
Window ClosureAdviceWindow(Date first_closed, Date last_closed);

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_EXCEPTIONS_H_
