#include "libs/core/date.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace casework {
namespace {

TEST(Date, RoundTripsThroughYmdAcrossFourHundredYears) {
  for (int days = Date::Ymd(1900, 1, 1).days_since_epoch();
       days <= Date::Ymd(2200, 12, 31).days_since_epoch(); days += 1) {
    Date d = Date::FromDays(days);
    absl::StatusOr<Date> again = Date::FromYmd(d.year(), d.month(), d.day());
    ASSERT_TRUE(again.ok()) << d.ToString();
    ASSERT_EQ(*again, d);
  }
}

TEST(Date, KnowsTheWeekday) {
  EXPECT_EQ(Date::Ymd(1970, 1, 1).weekday(), Weekday::kThursday);
  EXPECT_EQ(Date::Ymd(2026, 11, 23).weekday(), Weekday::kMonday);
  EXPECT_EQ(Date::Ymd(2024, 2, 29).weekday(), Weekday::kThursday);
  EXPECT_TRUE(Date::Ymd(2026, 11, 22).IsWeekend());
}

TEST(Date, RejectsDaysThatDoNotExist) {
  EXPECT_EQ(Date::FromYmd(2025, 2, 29).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Date::FromYmd(2024, 2, 29).ok());
  EXPECT_EQ(Date::FromYmd(2026, 13, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Date::FromYmd(2026, 4, 31).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Date, ParsesOnlyIsoDates) {
  EXPECT_EQ(*Date::Parse("2026-01-05"), Date::Ymd(2026, 1, 5));
  EXPECT_FALSE(Date::Parse("05/01/2026").ok());
  EXPECT_FALSE(Date::Parse("2026-1-5").ok());
  EXPECT_FALSE(Date::Parse("").ok());
  EXPECT_THAT(std::string(Date::Parse("2026-02-30").status().message()),
              testing::HasSubstr("2026-02-30"));
}

TEST(Date, AddsWeeksAndMonthsAsCalendarArithmetic) {
  // 20 weeks from 5 January 2026 is 25 May 2026.
  EXPECT_EQ(Date::Ymd(2026, 1, 5).AddWeeks(20), Date::Ymd(2026, 5, 25));
  EXPECT_EQ(Date::Ymd(2026, 1, 31).AddMonths(1), Date::Ymd(2026, 2, 28));
  EXPECT_EQ(Date::Ymd(2024, 1, 31).AddMonths(1), Date::Ymd(2024, 2, 29));
  EXPECT_EQ(Date::Ymd(2025, 3, 15).AddMonths(12), Date::Ymd(2026, 3, 15));
  EXPECT_EQ(Date::Ymd(2026, 3, 15).AddMonths(-3), Date::Ymd(2025, 12, 15));
  EXPECT_EQ(Date::Ymd(2026, 1, 1).DaysUntil(Date::Ymd(2026, 12, 31)), 364);
}

TEST(Date, FormatsAsIso) {
  EXPECT_EQ(Date::Ymd(2026, 3, 9).ToString(), "2026-03-09");
  EXPECT_EQ(Date::Ymd(2026, 3, 9).ToYyyymmdd(), 20260309);
}

}  // namespace
}  // namespace casework
