#include "libs/core/calendar.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace casework {
namespace {

Date FirstMonday(int year, int month) {
  Date d = Date::Ymd(year, month, 1);
  while (d.weekday() != Weekday::kMonday) d = d.AddDays(1);
  return d;
}

Date LastMonday(int year, int month) {
  Date d = Date::Ymd(year, month, DaysInMonth(year, month));
  while (d.weekday() != Weekday::kMonday) d = d.AddDays(-1);
  return d;
}

// A proclaimed change to the usual pattern: a rule-day moved elsewhere, or an
// extra day.
struct ProclaimedChange {
  int year;
  // The rule-derived day that does not apply that year (0 when the change only
  // adds a day).
  int removed_month, removed_day;
  // The day that applies instead, or the extra day.
  int added_month, added_day;
  const char* why;
};

// Royal proclamations under s.1(3) of the Banking and Financial Dealings Act
// 1971, as listed on gov.uk/bank-holidays and in the London Gazette.
constexpr ProclaimedChange kProclaimedChanges[] = {
    {1995, 5, 1, 5, 8,
     "early May bank holiday moved for the 50th anniversary of VE Day"},
    {1999, 0, 0, 12, 31, "Millennium celebrations"},
    {2002, 5, 27, 6, 4, "spring bank holiday moved for the Golden Jubilee"},
    {2002, 0, 0, 6, 3, "Golden Jubilee of Elizabeth II"},
    {2011, 0, 0, 4, 29, "Wedding of Prince William and Catherine Middleton"},
    {2012, 5, 28, 6, 4, "spring bank holiday moved for the Diamond Jubilee"},
    {2012, 0, 0, 6, 5, "Diamond Jubilee of Elizabeth II"},
    {2020, 5, 4, 5, 8,
     "early May bank holiday moved for the 75th anniversary of VE Day"},
    {2022, 5, 30, 6, 2, "spring bank holiday moved for the Platinum Jubilee"},
    {2022, 0, 0, 6, 3, "Platinum Jubilee of Elizabeth II"},
    {2022, 0, 0, 9, 19, "State Funeral of Queen Elizabeth II"},
    {2023, 0, 0, 5, 8, "Coronation of King Charles III"},
};

}  // namespace

Date EasterSunday(int year) {
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return Date::Ymd(year, month, day);
}

std::vector<Date> EnglandAndWalesBankHolidays(int year) {
  std::vector<Date> days;
  // New Year's Day, or the next Monday when it falls at a weekend.
  Date new_year = Date::Ymd(year, 1, 1);
  while (new_year.IsWeekend()) new_year = new_year.AddDays(1);
  days.push_back(new_year);
  Date easter = EasterSunday(year);
  days.push_back(easter.AddDays(-2));  // Good Friday
  days.push_back(easter.AddDays(1));   // Easter Monday
  days.push_back(FirstMonday(year, 5));
  days.push_back(LastMonday(year, 5));
  days.push_back(LastMonday(year, 8));
  // Christmas Day and Boxing Day; a day at a weekend is replaced by the next
  // weekday not already a holiday (Christmas on Saturday: Monday 27 and Tuesday
  // 28; on Sunday: Boxing Day Monday 26 and the Christmas substitute Tuesday
  // 27).
  Date christmas = Date::Ymd(year, 12, 25);
  Date boxing = Date::Ymd(year, 12, 26);
  std::vector<Date> festive;
  for (Date d : {christmas, boxing}) {
    if (!d.IsWeekend()) festive.push_back(d);
  }
  Date next = Date::Ymd(year, 12, 27);
  for (Date d : {christmas, boxing}) {
    if (!d.IsWeekend()) continue;
    while (next.IsWeekend() ||
           std::find(festive.begin(), festive.end(), next) != festive.end()) {
      next = next.AddDays(1);
    }
    festive.push_back(next);
    next = next.AddDays(1);
  }
  days.insert(days.end(), festive.begin(), festive.end());

  for (const ProclaimedChange& change : kProclaimedChanges) {
    if (change.year != year) continue;
    if (change.removed_month != 0) {
      Date removed = Date::Ymd(year, change.removed_month, change.removed_day);
      days.erase(std::remove(days.begin(), days.end(), removed), days.end());
    }
    days.push_back(Date::Ymd(year, change.added_month, change.added_day));
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

Calendar::Calendar(Options options)
    : closures_(options.extra_closures.begin(), options.extra_closures.end()) {}

absl::StatusOr<std::vector<Date>> Calendar::ParseClosures(
    absl::string_view text) {
  std::vector<Date> dates;
  for (absl::string_view part :
       absl::StrSplit(text, absl::ByAnyChar(",\n"), absl::SkipEmpty())) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(part);
    if (trimmed.empty()) continue;
    absl::StatusOr<Date> d = Date::Parse(trimmed);
    if (!d.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("closure dates: ", d.status().message()));
    }
    dates.push_back(*d);
  }
  return dates;
}

bool Calendar::IsHoliday(Date d) const {
  // One year of holidays is memoised per thread: most lookups in a run fall in
  // one year.
  thread_local int cached_year = 0;
  thread_local std::vector<Date> cached;
  int y = d.year();
  if (y != cached_year) {
    cached = EnglandAndWalesBankHolidays(y);
    cached_year = y;
  }
  return std::binary_search(cached.begin(), cached.end(), d);
}

bool Calendar::IsBankHoliday(Date d) const { return IsHoliday(d); }

bool Calendar::IsWorkingDay(Date d) const {
  return !d.IsWeekend() && !IsHoliday(d) && !closures_.contains(d);
}

Date Calendar::AddWorkingDays(Date from, int n) const {
  Date d = from;
  while (n > 0) {
    d = d.AddDays(1);
    if (IsWorkingDay(d)) --n;
  }
  return d;
}

Date Calendar::NextWorkingDayOnOrAfter(Date d) const {
  while (!IsWorkingDay(d)) d = d.AddDays(1);
  return d;
}

int Calendar::WorkingDaysBetween(Date from, Date to) const {
  if (to < from) return -WorkingDaysBetween(to, from);
  int n = 0;
  for (Date d = from.AddDays(1); d <= to; d = d.AddDays(1)) {
    if (IsWorkingDay(d)) ++n;
  }
  return n;
}

}  // namespace casework
