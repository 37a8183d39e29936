// Early warning (services/projection/forecast.h): the stage an assessment is
// at, the reference times of the last 12 months, the forecast at its
// boundaries (enough history or not, the window's first and last day), who
// is at risk, what holds them up, and the back-test's counting.
#include "services/projection/forecast.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/rpc/proto_date.h"

namespace casework::projection::forecast {
namespace {

using internal::Journey;

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }
Date DateOf(const v1::Date& d) { return FromProto("date", d).value(); }
int32_t Y(Date d) { return d.ToYyyymmdd(); }

// A first assessment requested on `started` (due 20 weeks on), with the days
// it reached each stage (epoch: not yet).
Journey J(std::string id, Date started, Date decided = Date(),
          Date advice = Date(), Date draft = Date(), Date finished = Date(),
          std::string officer = "officer-1") {
  Journey j;
  j.set_stream_id(std::move(id));
  j.set_child_id("child-" + j.stream_id());
  j.set_officer_id(std::move(officer));
  j.set_started(Y(started));
  j.set_due(Y(started.AddWeeks(20)));
  if (decided != Date()) j.set_decided(Y(decided));
  if (advice != Date()) j.set_advice_done(Y(advice));
  if (draft != Date()) j.set_draft(Y(draft));
  if (finished != Date()) j.set_finished(Y(finished));
  return j;
}

// `n` finished assessments each taking `days` from request to final plan,
// finished on `finished`.
std::vector<Journey> History(int n, int days, Date finished,
                             std::string prefix = "h") {
  std::vector<Journey> out;
  for (int i = 0; i < n; ++i) {
    const Date started = finished.AddDays(-days);
    out.push_back(J(prefix + std::to_string(i), started, started.AddDays(40),
                    started.AddDays(80), started.AddDays(100), finished));
  }
  return out;
}

TEST(ForecastTest, TheStageIsWhatHadHappenedByTheDay) {
  const Journey j =
      J("a", D(2026, 1, 5), D(2026, 2, 10), D(2026, 3, 20), D(2026, 4, 10));
  EXPECT_EQ(StageOf(j, D(2026, 2, 9)).index, 0);
  EXPECT_EQ(StageOf(j, D(2026, 2, 10)).index, 1);
  EXPECT_EQ(StageOf(j, D(2026, 2, 10)).entered, D(2026, 2, 10));
  EXPECT_EQ(StageOf(j, D(2026, 3, 19)).index, 1);
  EXPECT_EQ(StageOf(j, D(2026, 3, 20)).index, 2);
  EXPECT_EQ(StageOf(j, D(2026, 4, 9)).index, 2);
  EXPECT_EQ(StageOf(j, D(2026, 4, 10)).index, 3);
  EXPECT_TRUE(OpenOn(j, D(2026, 1, 5)));
  EXPECT_FALSE(OpenOn(j, D(2026, 1, 4)));
  Journey done = j;
  done.set_finished(Y(D(2026, 5, 1)));
  EXPECT_TRUE(OpenOn(done, D(2026, 4, 30)));
  EXPECT_FALSE(OpenOn(done, D(2026, 5, 1)));
}

TEST(ForecastTest, NeedsFiveReferenceTimesOfAtLeastTheTimeElapsed) {
  const Date today = D(2026, 12, 7);
  // Four assessments took 150 days, one 100: for a request 120 days ago,
  // only the four took as long - too few.
  std::vector<Journey> all = History(4, 150, D(2026, 10, 1));
  std::vector<Journey> quick = History(1, 100, D(2026, 10, 1), "q");
  all.insert(all.end(), quick.begin(), quick.end());
  const Journey open = J("o", today.AddDays(-120));
  int refs = 0;
  EXPECT_FALSE(Model(all, today).Forecast(open, today, &refs).has_value());
  EXPECT_EQ(refs, 4);
  // A request 100 days ago: all five took 100 days or more; the median is
  // 150, so the forecast is 150 days after the request.
  const Journey newer = J("n", today.AddDays(-100));
  auto when = Model(all, today).Forecast(newer, today, &refs);
  ASSERT_TRUE(when.has_value());
  EXPECT_EQ(refs, 5);
  EXPECT_EQ(*when, today.AddDays(-100 + 150));
}

TEST(ForecastTest, TheHistoryIsTheTwelveMonthsBeforeTheDay) {
  const Date today = D(2026, 12, 7);
  const Journey open = J("o", today.AddDays(-10));
  int refs = 0;
  // Finished exactly 365 days before: in; 366: out; on the day itself: out.
  Model(History(5, 150, today.AddDays(-365)), today)
      .Forecast(open, today, &refs);
  EXPECT_EQ(refs, 5);
  Model(History(5, 150, today.AddDays(-366)), today)
      .Forecast(open, today, &refs);
  EXPECT_EQ(refs, 0);
  Model(History(5, 150, today), today).Forecast(open, today, &refs);
  EXPECT_EQ(refs, 0);
  // Assessments with an exception are not references.
  std::vector<Journey> excepted = History(5, 150, D(2026, 10, 1));
  for (Journey& j : excepted) j.set_excepted(true);
  Model(excepted, today).Forecast(open, today, &refs);
  EXPECT_EQ(refs, 0);
}

TEST(ForecastTest, AtRiskWhenTheForecastPassesTheDueDateNotYetPassed) {
  const Date today = D(2026, 12, 7);
  // History: 150 days from request to plan (due at 140): late.
  std::vector<Journey> all = History(6, 150, D(2026, 9, 1));
  all.push_back(J("late-soon", today.AddDays(-60)));  // due in 80 days
  all.push_back(J("other", today.AddDays(-60), Date(), Date(), Date(), Date(),
                  "officer-2"));                          // not ours
  all.push_back(J("already-late", today.AddDays(-141)));  // due yesterday
  Journey excepted = J("excepted", today.AddDays(-60));
  excepted.set_excepted(true);
  all.push_back(excepted);
  v1::AtRiskReport r = AtRisk(all, {"officer-1"}, today);
  ASSERT_EQ(r.items_size(), 1) << r.DebugString();
  EXPECT_EQ(r.items(0).stream_id(), "late-soon");
  EXPECT_EQ(DateOf(r.items(0).forecast_on()), today.AddDays(-60 + 150));
  EXPECT_EQ(r.items(0).stage(), "awaiting the decision to assess");
  EXPECT_EQ(r.items(0).holding_up(),
            "decision to assess not made 8 weeks after the request");
  EXPECT_EQ(r.open_cases(), 1);  // not the late, excepted or others'
  // With history of 130 days (on time), nothing is at risk.
  std::vector<Journey> fine = History(6, 130, D(2026, 9, 1));
  fine.push_back(J("late-soon", today.AddDays(-60)));
  EXPECT_EQ(AtRisk(fine, {"officer-1"}, today).items_size(), 0);
  // 140 days exactly: on the due date, on time.
  std::vector<Journey> edge = History(6, 140, D(2026, 9, 1));
  edge.push_back(J("late-soon", today.AddDays(-60)));
  EXPECT_EQ(AtRisk(edge, {"officer-1"}, today).items_size(), 0);
}

TEST(ForecastTest, AtRiskFromOneChanceInThree) {
  const Date today = D(2026, 12, 7);
  // Of six past assessments, two took 141 days (a day late): one in three.
  std::vector<Journey> all = History(4, 130, D(2026, 9, 1));
  std::vector<Journey> late = History(2, 141, D(2026, 9, 1), "l");
  all.insert(all.end(), late.begin(), late.end());
  all.push_back(J("open", today.AddDays(-60)));
  v1::AtRiskReport r = AtRisk(all, {"officer-1"}, today);
  ASSERT_EQ(r.items_size(), 1);
  EXPECT_NEAR(r.items(0).late_percent(), 100.0 / 3, 1e-9);
  // The median (130 days) is on time: the forecast day is before the due
  // date; the risk is in the late third.
  EXPECT_EQ(DateOf(r.items(0).forecast_on()), today.AddDays(-60 + 130));
  // One of six: not at risk.
  std::vector<Journey> fewer = History(5, 130, D(2026, 9, 1));
  std::vector<Journey> one = History(1, 141, D(2026, 9, 1), "l");
  fewer.insert(fewer.end(), one.begin(), one.end());
  fewer.push_back(J("open", today.AddDays(-60)));
  EXPECT_EQ(AtRisk(fewer, {"officer-1"}, today).items_size(), 0);
}

TEST(ForecastTest, HoldingUpNamesTheAdviceOutstandingLongest) {
  Journey j = J("a", D(2026, 9, 1), D(2026, 10, 1));
  Journey::Advice health;
  health.set_subtype("health");
  health.set_started(Y(D(2026, 10, 5)));
  Journey::Advice ep;
  ep.set_subtype("educational_psychology");
  ep.set_started(Y(D(2026, 10, 20)));
  (*j.mutable_open_advice())["advice/1"] = health;
  (*j.mutable_open_advice())["advice/2"] = ep;
  EXPECT_EQ(HoldingUp(j, D(2026, 11, 23)),
            "advice from health outstanding for 7 weeks");
  j.mutable_open_advice()->erase("advice/1");
  EXPECT_EQ(HoldingUp(j, D(2026, 11, 23)),
            "advice from educational psychology outstanding for 4 weeks");
}

TEST(ForecastTest, TheBackTestCountsFlagsAgainstOutcomes) {
  const Date as_of = D(2026, 12, 7);
  // A year of history in which every plan took 150 days (late), then four
  // assessments due in November 2026: two late, one on time, one open past
  // its due date (late).
  std::vector<Journey> all = History(8, 150, D(2026, 3, 1));
  const Date start = D(2026, 6, 22);  // due 9 November
  all.push_back(J("late-1", start, Date(), Date(), Date(), start.AddDays(150)));
  all.push_back(J("late-2", start, Date(), Date(), Date(), start.AddDays(145)));
  all.push_back(J("on-time", start.AddDays(7), start.AddDays(20),
                  start.AddDays(40), start.AddDays(60), start.AddDays(90)));
  all.push_back(J("open", start));
  v1::ForecastBackTest t =
      BackTest(all, D(2026, 11, 1), D(2026, 11, 30), 8, as_of);
  EXPECT_EQ(t.assessments(), 4);
  EXPECT_EQ(t.breached(), 3);
  ASSERT_EQ(t.rules_size(), 3);
  // At 8 weeks before the due date (12 weeks in) the three late ones are
  // still awaiting the decision, and the history's plans came 150 days
  // after the request: flagged. The on-time one had its draft on day 60;
  // the history's plans came 50 days after the draft: forecast day 110,
  // not flagged.
  const v1::RuleScore& f = t.rules(0);
  EXPECT_EQ(f.breached(), 3);
  EXPECT_EQ(f.breached_flagged(), 3);
  EXPECT_EQ(f.flagged_breached(), 3);
  // The naive rule flags every assessment still open at 14 weeks: the on-
  // time one finished at 90 days (under 98), so it is not flagged either.
  const v1::RuleScore& naive = t.rules(2);
  EXPECT_EQ(naive.flagged(), 3);
  EXPECT_EQ(naive.breached_flagged(), 3);
}

// A review's decision (4 weeks from the meeting): its journey, at risk from
// past reviews' times, named by what holds it up, for the officer who holds
// the plan now.
TEST(ForecastTest, AReviewsDecisionIsForecastFromPastReviews) {
  const Date today = D(2026, 12, 7);
  auto review = [](std::string id, Date meeting, Date done) {
    Journey j;
    j.set_source("annual-reviews");
    j.set_rule("review.decision");
    j.set_clock_id("decision/1");
    j.set_stream_id(std::move(id));
    j.set_child_id("child-" + j.stream_id());
    j.set_officer_id("officer-1");
    j.set_started(Y(meeting));
    j.set_due(Y(meeting.AddWeeks(4)));
    if (done != Date()) j.set_finished(Y(done));
    return j;
  };
  std::vector<Journey> all;
  // Six past decisions 35 days after the meeting (a week late).
  for (int i = 0; i < 6; ++i) {
    const Date meeting = D(2026, 6, 1).AddDays(i);
    all.push_back(
        review("p" + std::to_string(i), meeting, meeting.AddDays(35)));
  }
  // An assessment's history does not count for reviews.
  std::vector<Journey> ehc = History(6, 100, D(2026, 9, 1));
  all.insert(all.end(), ehc.begin(), ehc.end());
  all.push_back(review("open", today.AddDays(-14), Date()));
  const auto now = [](const Journey& j) {
    return j.stream_id() == "open" ? std::string("officer-2") : j.officer_id();
  };
  v1::AtRiskReport r = AtRisk(all, {"officer-2"}, today, now);
  ASSERT_EQ(r.items_size(), 1) << r.DebugString();
  EXPECT_EQ(r.items(0).rule(), "review.decision");
  EXPECT_EQ(r.items(0).source(), "annual-reviews");
  EXPECT_EQ(r.items(0).officer_id(), "officer-2");
  EXPECT_EQ(DateOf(r.items(0).forecast_on()), today.AddDays(-14 + 35));
  EXPECT_EQ(r.items(0).stage(), "review meeting held; decision not notified");
  EXPECT_EQ(r.items(0).holding_up(),
            "decision not notified 2 weeks after the review meeting");
  // Not the officer's who held it before.
  EXPECT_EQ(AtRisk(all, {"officer-1"}, today, now).items_size(), 0);
  // The back-test is of assessments alone.
  EXPECT_EQ(
      BackTest(all, D(2026, 6, 1), D(2026, 7, 31), 8, today).assessments(), 0);
}

}  // namespace
}  // namespace casework::projection::forecast
