// The golden scenario: a few EHC cases with chosen dates, an exception, a
// reassignment and late steps, run through the real domain core and event
// store, published as the relay would, and projected. Every expected figure is
// written out and derived in the comments from DOMAIN.md section 6.
//
// officer-a, 2026 (period 1 January - 31 December, as of 31 December):
//   a1  request Mon 5 Jan          decision due Mon 16 Feb (6 weeks, reg 5(1))
//       decide to assess 10 Feb    -> decision MET
//       EP advice asked 11 Feb (due 25 Mar), received 20 Mar -> advice MET
//       health advice asked 11 Feb (due 25 Mar), received 1 Apr -> MISSED (7)
//       draft 20 Apr, final 18 May; final due Mon 25 May (20 weeks) -> MET
//   a2  request Mon 12 Jan          decision due Mon 23 Feb
//       decide to assess Mon 2 Mar -> decision MISSED (7 days late)
//       exception (personal circumstances) from 5 Mar: lifts the 20 weeks
//       draft 20 May, final 15 Jun (due 1 Jun) -> EXCLUDED, not missed
//   a3  request Mon 2 Feb by officer-b; decision due Mon 16 Mar
//       reassigned to officer-a 20 Feb
//       decide not to assess Fri 20 Mar -> decision MISSED (4 days), officer-a
// So for officer-a:
//   decision within 6 weeks      1 of 3   (a1 met; a2, a3 missed)
//   final plan within 20 weeks   1 of 1   (a1; a2 excluded by its exception)
//   advice within 6 weeks        1 of 2   (EP met, health missed)
//     educational psychology     1 of 1
//     health                     0 of 1
// and officer-b closed nothing: 0 of 0 everywhere (a3 moved before it closed).
// The exception report for decisions lists a2 and a3; the monthly trend of
// decisions is February 1/1, March 0/2.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/command_handler.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/kafka/kafka.h"
#include "services/ehc-assessments/assessment.h"
#include "services/projection/projection.h"
#include "tests/testing/temp_dir.h"

namespace casework {
namespace {

v1::Date P(int y, int m, int d) { return ToProto(Date::Ymd(y, m, d)); }

class GoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*RocksEventStore::Open(dir_.Sub("ehc")));
    handler_ = std::make_unique<CommandHandler<ehc::Traits>>(*store_, clock_);
    projection_ =
        std::move(*projection::Projection::Open(dir_.Sub("projection")));
  }

  template <typename Req>
  void Do(const std::string& id, const Req& req, Date today) {
    clock_.SetToday(today);
    const ehc::Env env{today, calendar_};
    const std::string request_id = absl::StrCat("r", ++request_);
    auto result = handler_->Execute(
        id,
        CommandContext{"officer-a", request_id,
                       RequestDigest("golden", "officer-a",
                                     request_id + req.SerializeAsString())},
        [&](const ehc::Assessment& s,
            int64_t) -> absl::StatusOr<ehc::EhcDecision> {
          if constexpr (std::is_same_v<Req, v1::RecordRequestRequest>) {
            return ehc::Decide(s, id, req, env);
          } else if constexpr (std::is_same_v<Req, v1::RequestAdviceRequest>) {
            return ehc::Decide(s, req.advice_id(), req, env);
          } else if constexpr (std::is_same_v<Req,
                                              v1::RecordExceptionRequest>) {
            return ehc::Decide(s, std::string("x1"), req, env);
          } else {
            return ehc::Decide(s, req, env);
          }
        });
    ASSERT_TRUE(result.ok()) << id << ": " << result.status();
  }

  // Publishes the log to the projection as the relay would (3 partitions by
  // child), then applies it.
  void Project() {
    auto events = store_->ReadAfter(0, 1000);
    ASSERT_TRUE(events.ok());
    kafka::RelayOptions relay{.topic = "casework.ehc-assessments.v1",
                              .ce_source = "/casework/ehc-assessments",
                              .ce_type_prefix = "uk.send.casework.ehc.v1.",
                              .dataschema = "casework.v1.EhcAssessmentEvent"};
    std::vector<kafka::Message> batch;
    int64_t offset = 0;
    for (const StoredEvent& e : *events) {
      kafka::Message m;
      m.topic = relay.topic;
      m.partition = 0;
      m.offset = offset++;
      m.key = e.child_id;
      m.value = e.payload;
      m.headers = kafka::CloudEventHeaders(relay, e);
      batch.push_back(std::move(m));
    }
    ASSERT_TRUE(projection_->Apply(batch).ok());
  }

  v1::Measure Measure(const std::string& officer, const std::string& code) {
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id(officer);
    *r.mutable_from() = P(2026, 1, 1);
    *r.mutable_to() = P(2026, 12, 31);
    auto card = projection_->GetOfficerScorecard(r);
    EXPECT_TRUE(card.ok()) << card.status();
    for (const v1::Measure& m : card->measures()) {
      if (m.code() == code) return m;
    }
    ADD_FAILURE() << "no measure " << code;
    return v1::Measure();
  }

  testutil::TempDir dir_;
  FakeClock clock_{Date::Ymd(2026, 1, 5)};
  Calendar calendar_;
  std::unique_ptr<RocksEventStore> store_;
  std::unique_ptr<CommandHandler<ehc::Traits>> handler_;
  std::unique_ptr<projection::Projection> projection_;
  int request_ = 0;
};

TEST_F(GoldenTest, EveryEhcMeasureMatchesTheHandComputedFigures) {
  auto request = [](const char* child, const char* officer, v1::Date on) {
    v1::RecordRequestRequest r;
    r.set_child_id(child);
    r.set_officer_id(officer);
    *r.mutable_received_on() = on;
    r.set_source(v1::REQUEST_SOURCE_PARENT);
    r.set_kind(v1::ASSESSMENT_KIND_FIRST);
    return r;
  };
  auto assess = [](v1::Date on) {
    v1::DecideToAssessRequest r;
    *r.mutable_decided_on() = on;
    return r;
  };
  auto advice = [](const char* id, v1::AdviceType type, v1::Date on) {
    v1::RequestAdviceRequest r;
    r.set_advice_id(id);
    r.set_advice_type(type);
    *r.mutable_requested_on() = on;
    return r;
  };
  auto received = [](const char* id, v1::Date on) {
    v1::RecordAdviceReceivedRequest r;
    r.set_advice_id(id);
    *r.mutable_received_on() = on;
    return r;
  };
  auto draft = [](v1::Date on) {
    v1::IssueDraftPlanRequest r;
    *r.mutable_issued_on() = on;
    return r;
  };
  auto final_plan = [](v1::Date on) {
    v1::IssueFinalPlanRequest r;
    *r.mutable_issued_on() = on;
    return r;
  };
  const Date late = Date::Ymd(2026, 12, 31);  // "today" for the later steps

  Do("a1", request("child-1", "officer-a", P(2026, 1, 5)), late);
  Do("a1", assess(P(2026, 2, 10)), late);
  Do("a1", advice("ep", v1::ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY, P(2026, 2, 11)),
     late);
  Do("a1", advice("health", v1::ADVICE_TYPE_HEALTH, P(2026, 2, 11)), late);
  Do("a1", received("ep", P(2026, 3, 20)), late);
  Do("a1", received("health", P(2026, 4, 1)), late);
  Do("a1", draft(P(2026, 4, 20)), late);
  Do("a1", final_plan(P(2026, 5, 18)), late);

  Do("a2", request("child-2", "officer-a", P(2026, 1, 12)), late);
  Do("a2", assess(P(2026, 3, 2)), late);
  v1::RecordExceptionRequest exception;
  exception.set_kind(v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES);
  *exception.mutable_starts_on() = P(2026, 3, 5);
  // Recorded while the limits still ran (an exception recorded after a clock
  // was missed would not lift it).
  Do("a2", exception, Date::Ymd(2026, 3, 6));
  Do("a2", draft(P(2026, 5, 20)), late);
  Do("a2", final_plan(P(2026, 6, 15)), late);

  Do("a3", request("child-3", "officer-b", P(2026, 2, 2)), late);
  v1::ReassignOfficerRequest reassign;
  reassign.set_officer_id("officer-a");
  *reassign.mutable_reassigned_on() = P(2026, 2, 20);
  Do("a3", reassign, late);
  v1::DecideNotToAssessRequest refuse;
  *refuse.mutable_decided_on() = P(2026, 3, 20);
  Do("a3", refuse, late);

  Project();

  struct Expected {
    const char* code;
    int64_t numerator, denominator, excluded;
  } officer_a[] = {
      {"ehc.decision_6_weeks", 1, 3, 0},
      {"ehc.final_plan_20_weeks", 1, 1, 1},
      {"ehc.advice_6_weeks", 1, 2, 0},
      {"ehc.advice_6_weeks.educational_psychology", 1, 1, 0},
      {"ehc.advice_6_weeks.health", 0, 1, 0},
      {"ehc.no_plan_decision_16_weeks", 0, 0, 0},
  };
  for (const Expected& e : officer_a) {
    v1::Measure m = Measure("officer-a", e.code);
    EXPECT_EQ(m.numerator(), e.numerator) << e.code;
    EXPECT_EQ(m.denominator(), e.denominator) << e.code;
    EXPECT_EQ(m.excluded(), e.excluded) << e.code;
  }
  EXPECT_EQ(Measure("officer-b", "ehc.decision_6_weeks").denominator(), 0);
  // RAG against the default targets: decisions 33% of 90 -> red; final plans
  // 100% of 60 -> green.
  EXPECT_EQ(Measure("officer-a", "ehc.decision_6_weeks").rag(), v1::RAG_RED);
  EXPECT_EQ(Measure("officer-a", "ehc.final_plan_20_weeks").rag(),
            v1::RAG_GREEN);

  v1::GetExceptionReportRequest report;
  report.set_officer_id("officer-a");
  report.set_measure("ehc.decision_6_weeks");
  *report.mutable_from() = P(2026, 1, 1);
  *report.mutable_to() = P(2026, 12, 31);
  auto exceptions = projection_->GetExceptionReport(report);
  ASSERT_TRUE(exceptions.ok()) << exceptions.status();
  ASSERT_EQ(exceptions->items_size(), 2);
  EXPECT_EQ(exceptions->items(0).stream_id(), "a2");  // closed 2 March
  EXPECT_EQ(exceptions->items(0).days_late(), 7);
  EXPECT_EQ(exceptions->items(1).stream_id(), "a3");  // closed 20 March
  EXPECT_EQ(exceptions->items(1).days_late(), 4);

  v1::GetTrendRequest trend;
  trend.set_officer_id("officer-a");
  trend.set_measure("ehc.decision_6_weeks");
  *trend.mutable_to() = P(2026, 3, 31);
  trend.set_months(3);
  auto t = projection_->GetTrend(trend, Date::Ymd(2026, 12, 31));
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->points_size(), 3);
  EXPECT_EQ(t->points(0).denominator(), 0);  // January
  EXPECT_EQ(t->points(1).numerator(), 1);    // February: a1
  EXPECT_EQ(t->points(1).denominator(), 1);
  EXPECT_EQ(t->points(2).numerator(), 0);  // March: a2, a3
  EXPECT_EQ(t->points(2).denominator(), 2);

  // The same log applied again (a full re-publish) changes no figure.
  Project();
  EXPECT_EQ(Measure("officer-a", "ehc.decision_6_weeks").denominator(), 3);
  EXPECT_EQ(Measure("officer-a", "ehc.advice_6_weeks").denominator(), 2);
}

}  // namespace
}  // namespace casework
