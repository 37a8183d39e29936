// Calendar: England and Wales bank holidays and working-day arithmetic.
//
// Working days (mediation certificates, complaint replies, transport appeals)
// exclude Saturdays, Sundays, England and Wales bank holidays and any closure
// days the LA configures. Bank holidays come from three sources, in this order:
//   1. the rules of the Banking and Financial Dealings Act 1971 and annual
//   proclamations:
//      New Year's Day, Good Friday, Easter Monday, early May (first Monday),
//      spring (last Monday of May), summer (last Monday of August), Christmas
//      Day and Boxing Day, with substitute weekdays when one falls at a
//      weekend;
//   2. a table of proclaimed changes (a day moved or an extra day: VE Day 2020,
//   the Platinum
//      Jubilee and the State Funeral of 2022, the Coronation of 2023, and
//      earlier ones);
//   3. LA-configurable extra closures (`Options::extra_closures`), e.g. a
//   future one-off
//      holiday proclaimed after this release.
//
// Thread safety: immutable after construction; safe to share between threads.
#ifndef CASEWORK_LIBS_CORE_CALENDAR_H_
#define CASEWORK_LIBS_CORE_CALENDAR_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/core/date.h"

namespace casework {

// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm).
Date EasterSunday(int year);

// The England and Wales bank holidays of `year`, by rule plus the
// proclaimed-changes table, in date order.
std::vector<Date> EnglandAndWalesBankHolidays(int year);

class Calendar final {
 public:
  struct Options {
    // Days the LA's offices are closed besides bank holidays (counted as
    // non-working days).
    std::vector<Date> extra_closures;
  };

  Calendar() : Calendar(Options{}) {}
  explicit Calendar(Options options);

  // Parses a comma- or newline-separated list of YYYY-MM-DD closure dates (as
  // given in configuration). INVALID_ARGUMENT naming the bad entry.
  static absl::StatusOr<std::vector<Date>> ParseClosures(
      absl::string_view text);

  bool IsBankHoliday(Date d) const;
  bool IsWorkingDay(Date d) const;

  // The date `n` working days after `from` (`from` itself is not counted). n >=
  // 0; n == 0 returns `from`. "Within 20 working days of the decision" is
  // AddWorkingDays(decision, 20).
  Date AddWorkingDays(Date from, int n) const;

  // The first working day on or after `d`.
  Date NextWorkingDayOnOrAfter(Date d) const;

  // Working days in (from, to]: how many working days `to` is after `from`.
  // Negative when `to` is before `from`.
  int WorkingDaysBetween(Date from, Date to) const;

 private:
  bool IsHoliday(Date d) const;
  std::set<Date> closures_;
};

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_CALENDAR_H_
