#include "libs/core/date.h"

#include <cassert>
#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace casework {
namespace {

// Days from civil and civil from days: the proleptic Gregorian calendar as day
// counts relative to 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date
// Algorithms").
int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

struct Civil {
  int y;
  unsigned m;
  unsigned d;
};

Civil CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeap(year)) return 29;
  return kDays[month - 1];
}

absl::StatusOr<Date> Date::FromYmd(int year, int month, int day) {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%04d-%02d-%02d is not a valid date", year, month, day));
  }
  return Date(DaysFromCivil(year, static_cast<unsigned>(month),
                            static_cast<unsigned>(day)));
}

Date Date::Ymd(int year, int month, int day) {
  absl::StatusOr<Date> d = FromYmd(year, month, day);
  assert(d.ok());
  return d.ok() ? *d : Date();
}

absl::StatusOr<Date> Date::Parse(absl::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !absl::SimpleAtoi(text.substr(0, 4), &y) ||
      !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a date of the form YYYY-MM-DD"));
  }
  return FromYmd(y, m, d);
}

int Date::year() const { return CivilFromDays(days_).y; }
int Date::month() const { return static_cast<int>(CivilFromDays(days_).m); }
int Date::day() const { return static_cast<int>(CivilFromDays(days_).d); }

Weekday Date::weekday() const {
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  int w = (days_ % 7 + 7 + 3) % 7;
  return static_cast<Weekday>(w);
}

bool Date::IsWeekend() const {
  Weekday w = weekday();
  return w == Weekday::kSaturday || w == Weekday::kSunday;
}

Date Date::AddMonths(int months) const {
  Civil c = CivilFromDays(days_);
  int total = c.y * 12 + static_cast<int>(c.m) - 1 + months;
  int y = total / 12;
  int m = total % 12 + 1;
  int d = std::min(static_cast<int>(c.d), DaysInMonth(y, m));
  return Date(
      DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

std::string Date::ToString() const {
  Civil c = CivilFromDays(days_);
  return absl::StrFormat("%04d-%02d-%02d", c.y, c.m, c.d);
}

absl::StatusOr<Date> Date::FromYyyymmdd(int64_t yyyymmdd) {
  return FromYmd(static_cast<int>(yyyymmdd / 10000),
                 static_cast<int>(yyyymmdd / 100 % 100),
                 static_cast<int>(yyyymmdd % 100));
}

int32_t Date::ToYyyymmdd() const {
  Civil c = CivilFromDays(days_);
  return c.y * 10000 + static_cast<int>(c.m) * 100 + static_cast<int>(c.d);
}

}  // namespace casework
