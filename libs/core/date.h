// Date: a calendar date (no time of day, no zone) and calendar arithmetic.
//
// The statutory clocks of SEND casework run on calendar dates ("20 weeks from
// the day the LA received the request"), so business code works in `Date`,
// never in instants. A Date is a value type: cheap to copy, totally ordered,
// thread-compatible.
//
// Example:
//   Date received = Date::FromYmd(2026, 1, 5).value();
//   Date due = received.AddWeeks(20);          // 2026-05-25
//   std::string s = due.ToString();            // "2026-05-25"
#ifndef CASEWORK_LIBS_CORE_DATE_H_
#define CASEWORK_LIBS_CORE_DATE_H_

#include <compare>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace casework {

enum class Weekday {
  kMonday = 0,
  kTuesday,
  kWednesday,
  kThursday,
  kFriday,
  kSaturday,
  kSunday
};

class Date final {
 public:
  // The epoch, 1970-01-01. Prefer FromYmd/Parse.
  constexpr Date() = default;

  // Returns the date, or INVALID_ARGUMENT when the fields do not name a real
  // day in years 1900-2200 (the range a case record can plausibly hold).
  static absl::StatusOr<Date> FromYmd(int year, int month, int day);
  // REQUIRES: the fields name a valid date. For constants and tests.
  static Date Ymd(int year, int month, int day);
  // Parses "YYYY-MM-DD". INVALID_ARGUMENT on anything else.
  static absl::StatusOr<Date> Parse(absl::string_view text);
  static constexpr Date FromDays(int32_t days_since_epoch) {
    return Date(days_since_epoch);
  }

  int year() const;
  int month() const;  // 1-12
  int day() const;    // 1-31
  int32_t days_since_epoch() const { return days_; }
  Weekday weekday() const;
  bool IsWeekend() const;

  Date AddDays(int days) const { return Date(days_ + days); }
  Date AddWeeks(int weeks) const { return Date(days_ + 7 * weeks); }
  // Same day of the month `months` later; a day that month lacks becomes its
  // last day (31 January + 1 month = 28 or 29 February).
  Date AddMonths(int months) const;
  // Days from this date to `later` (negative when `later` is earlier).
  int DaysUntil(Date later) const { return later.days_ - days_; }

  // "YYYY-MM-DD".
  std::string ToString() const;
  // YYYYMMDD as an integer, handy for sortable keys.
  int32_t ToYyyymmdd() const;
  // The inverse: INVALID_ARGUMENT as FromYmd when it names no day.
  static absl::StatusOr<Date> FromYyyymmdd(int64_t yyyymmdd);

  friend constexpr auto operator<=>(Date a, Date b) = default;
  friend constexpr bool operator==(Date a, Date b) = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// Days in the given month of the given year.
int DaysInMonth(int year, int month);

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_DATE_H_
