#include "libs/core/calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace casework {
namespace {

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }

// England and Wales bank holidays as published on gov.uk/bank-holidays.
const std::map<int, std::vector<Date>>& Published() {
  static const auto* table = new std::map<int, std::vector<Date>>{
      {2020,
       {D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8),
        D(2020, 5, 25), D(2020, 8, 31), D(2020, 12, 25), D(2020, 12, 28)}},
      {2021,
       {D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3),
        D(2021, 5, 31), D(2021, 8, 30), D(2021, 12, 27), D(2021, 12, 28)}},
      {2022,
       {D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2),
        D(2022, 6, 2), D(2022, 6, 3), D(2022, 8, 29), D(2022, 9, 19),
        D(2022, 12, 26), D(2022, 12, 27)}},
      {2023,
       {D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1),
        D(2023, 5, 8), D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25),
        D(2023, 12, 26)}},
      {2024,
       {D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6),
        D(2024, 5, 27), D(2024, 8, 26), D(2024, 12, 25), D(2024, 12, 26)}},
      {2025,
       {D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5),
        D(2025, 5, 26), D(2025, 8, 25), D(2025, 12, 25), D(2025, 12, 26)}},
      {2026,
       {D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4),
        D(2026, 5, 25), D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28)}},
      {2027,
       {D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3),
        D(2027, 5, 31), D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28)}},
  };
  return *table;
}

TEST(Calendar, BankHolidays2020To2027MatchThePublishedLists) {
  for (const auto& [year, expected] : Published()) {
    EXPECT_EQ(EnglandAndWalesBankHolidays(year), expected) << year;
  }
}

TEST(Calendar, EasterSundayByComputus) {
  EXPECT_EQ(EasterSunday(2024), D(2024, 3, 31));
  EXPECT_EQ(EasterSunday(2025), D(2025, 4, 20));
  EXPECT_EQ(EasterSunday(2038), D(2038, 4, 25));
  EXPECT_EQ(EasterSunday(2190), D(2190, 4, 25));  // (dates run to 2200)
}

TEST(Calendar, ChristmasOnSundaySubstitutesTuesday) {
  // 2022: Christmas Day a Sunday, Boxing Day Monday 26, substitute Tuesday 27.
  Calendar cal;
  EXPECT_TRUE(cal.IsBankHoliday(D(2022, 12, 26)));
  EXPECT_TRUE(cal.IsBankHoliday(D(2022, 12, 27)));
  EXPECT_FALSE(cal.IsBankHoliday(D(2022, 12, 28)));
}

TEST(Calendar, WorkingDaysSkipWeekendsAndBankHolidays) {
  Calendar cal;
  // Thursday 2 April 2026 + 1 working day: Good Friday and Easter Monday
  // skipped.
  EXPECT_EQ(cal.AddWorkingDays(D(2026, 4, 2), 1), D(2026, 4, 7));
  // Friday + 1 = Monday.
  EXPECT_EQ(cal.AddWorkingDays(D(2026, 11, 20), 1), D(2026, 11, 23));
  // Zero working days is the day itself.
  EXPECT_EQ(cal.AddWorkingDays(D(2026, 11, 21), 0), D(2026, 11, 21));
  // 20 working days from 14 December 2026 crosses 25 and 28 December and 1
  // January 2027.
  EXPECT_EQ(cal.AddWorkingDays(D(2026, 12, 14), 20), D(2027, 1, 14));
  EXPECT_EQ(cal.WorkingDaysBetween(D(2026, 12, 14), D(2027, 1, 14)), 20);
  EXPECT_EQ(cal.WorkingDaysBetween(D(2027, 1, 14), D(2026, 12, 14)), -20);
  EXPECT_EQ(cal.NextWorkingDayOnOrAfter(D(2026, 12, 25)), D(2026, 12, 29));
}

TEST(Calendar, WorkingDaysAcrossTheVeDayMove) {
  Calendar cal;
  // 2020: Monday 4 May was a working day, Friday 8 May was not.
  EXPECT_TRUE(cal.IsWorkingDay(D(2020, 5, 4)));
  EXPECT_FALSE(cal.IsWorkingDay(D(2020, 5, 8)));
  EXPECT_EQ(cal.AddWorkingDays(D(2020, 5, 7), 1), D(2020, 5, 11));
}

TEST(Calendar, LaClosuresAreNotWorkingDays) {
  absl::StatusOr<std::vector<Date>> closures =
      Calendar::ParseClosures("2026-12-29, 2026-12-30");
  ASSERT_TRUE(closures.ok());
  Calendar cal(Calendar::Options{.extra_closures = *closures});
  EXPECT_FALSE(cal.IsWorkingDay(D(2026, 12, 29)));
  EXPECT_EQ(cal.AddWorkingDays(D(2026, 12, 24), 1), D(2026, 12, 31));
  EXPECT_EQ(Calendar().AddWorkingDays(D(2026, 12, 24), 1), D(2026, 12, 29));
}

TEST(Calendar, BadClosureListNamesTheEntry) {
  absl::StatusOr<std::vector<Date>> closures =
      Calendar::ParseClosures("2026-12-29,29/12/2026");
  ASSERT_FALSE(closures.ok());
  EXPECT_EQ(closures.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(closures.status().message()),
              testing::HasSubstr("29/12/2026"));
}

}  // namespace
}  // namespace casework
