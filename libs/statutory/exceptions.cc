#include "libs/statutory/exceptions.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace casework::statutory {
namespace {

bool IsClosure(ExceptionKind k) {
  return k == ExceptionKind::kSchoolClosure ||
         k == ExceptionKind::kEarlyYearsSettingClosure;
}

// Both dates required, the end not before the start, and at least 28 days
// from the first to the last (both included).
absl::Status FourContinuousWeeks(const ExceptionFacts& x,
                                 absl::string_view what,
                                 absl::string_view provision) {
  if (!x.ends_on) {
    return FieldError("ends_on", absl::StrCat("is required: the last day ",
                                              what, " (", provision, ")"));
  }
  if (*x.ends_on < x.starts_on) {
    return FieldError("ends_on", "is before starts_on");
  }
  const int days = x.starts_on.DaysUntil(*x.ends_on) + 1;
  if (days < kExceptionMinimumDays) {
    return FieldError("ends_on",
                      absl::StrCat(x.starts_on.ToString(), " to ",
                                   x.ends_on->ToString(), " is ", days,
                                   " days; the exception needs a continuous "
                                   "period of not less than 4 weeks (",
                                   provision, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

Window ClosureAdviceWindow(Date first_closed, Date last_closed) {
  return {first_closed.AddDays(-7), last_closed.AddDays(1).AddDays(-7)};
}

absl::Status CheckExceptionConditions(const ExceptionFacts& x) {
  if (x.ends_on && *x.ends_on < x.starts_on) {
    return FieldError("ends_on", "is before starts_on");
  }
  switch (x.kind) {
    case ExceptionKind::kSchoolClosure:
    case ExceptionKind::kEarlyYearsSettingClosure: {
      const char* provision = x.kind == ExceptionKind::kSchoolClosure
                                  ? "reg 5(4)(a)"
                                  : "reg 5(4)(b)";
      RETURN_IF_ERROR(
          FourContinuousWeeks(x, "the setting is closed", provision));
      if (!x.advice_requested_on) {
        return FieldError(
            "advice_id",
            absl::StrCat("is required: a closure exception concerns advice "
                         "asked of the school or setting during its closure "
                         "window (",
                         provision, ")"));
      }
      const Window w = ClosureAdviceWindow(x.starts_on, *x.ends_on);
      if (*x.advice_requested_on < w.first || *x.advice_requested_on > w.last) {
        return FieldError(
            "advice_id",
            absl::StrCat("the advice was requested on ",
                         x.advice_requested_on->ToString(),
                         ", outside the closure window ", w.first.ToString(),
                         " to ", w.last.ToString(),
                         " (1 week before the closure to 1 week before the "
                         "setting reopens, ",
                         provision, ")"));
      }
      return absl::OkStatus();
    }
    case ExceptionKind::kAbsenceFromArea:
      return FourContinuousWeeks(x, "away from the area", "reg 5(4)(d)");
    case ExceptionKind::kExceptionalPersonalCircumstances:
      return absl::OkStatus();
    case ExceptionKind::kMissedAppointment:
      if (!x.advice_requested_on) {
        return FieldError("advice_id",
                          "is required for a missed appointment (reg "
                          "8(2)(c) concerns one adviser)");
      }
      if (x.starts_on < *x.advice_requested_on) {
        return FieldError(
            "starts_on",
            absl::StrCat("the appointment on ", x.starts_on.ToString(),
                         " is before the advice was requested on ",
                         x.advice_requested_on->ToString(), " (reg 8(2)(c))"));
      }
      return absl::OkStatus();
  }
  return FieldError("kind", "is not a known exception");
}

bool FallsWithin(const ExceptionFacts& x, Date start, Date due) {
  auto inside = [&](Date d) { return start <= d && d <= due; };
  if (IsClosure(x.kind)) {
    return x.advice_requested_on && inside(*x.advice_requested_on);
  }
  if (x.kind == ExceptionKind::kAbsenceFromArea) {
    const Date last = x.ends_on.value_or(x.starts_on);
    return x.starts_on <= due && last >= start;
  }
  return inside(x.starts_on);
}

bool Lifts(const ExceptionFacts& x, const ClockRule& rule, Date start,
           Date due) {
  return rule.IsLiftedBy(x.kind) && FallsWithin(x, start, due) &&
         (!x.recorded_on || *x.recorded_on <= due);
}

}  // namespace casework::statutory
