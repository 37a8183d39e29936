// The projection's read models, fed records directly (no broker): batches,
// re-delivery, officer changes, skipped records, reopen and the storage layout
// guard.
#include "services/projection/projection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "casework/v1/common.pb.h"
#include "casework/v1/directory.pb.h"
#include "libs/rpc/proto_date.h"
#include "tests/testing/la_history.h"
#include "tests/testing/temp_dir.h"

namespace casework::projection {
namespace {

constexpr char kTopic[] = "casework.ehc-assessments.v1";

v1::Date P(int y, int m, int d) { return ToProto(Date::Ymd(y, m, d)); }

// Builds the record the relay would publish for one event.
class Events {
 public:
  kafka::Message Event(const std::string& type, const std::string& stream,
                       int64_t version, const std::string& officer,
                       v1::Date occurred,
                       std::vector<v1::ClockChange> clocks = {}) {
    v1::EventEnvelopeHeader e;
    v1::EventMetadata* m = e.mutable_metadata();
    m->set_event_id(absl::StrCat("ev-", ++position_));
    m->set_stream_id(stream);
    m->set_version(version);
    m->set_position(position_);
    m->set_child_id(child);
    m->set_officer_id(officer);
    *m->mutable_occurred_on() = occurred;
    m->set_source("ehc-assessments");
    for (v1::ClockChange& c : clocks) *e.add_clocks() = std::move(c);
    kafka::Message msg;
    msg.topic = kTopic;
    msg.partition = 0;
    msg.offset = offset_++;
    msg.key = child;
    msg.value = e.SerializeAsString();
    msg.headers = {{"ce_type", absl::StrCat("uk.send.casework.ehc.v1.", type)}};
    return msg;
  }
  std::string child = "child-1";  // of the events built next
  // The same record delivered again at a later offset (a re-publish).
  kafka::Message Again(kafka::Message msg) {
    msg.offset = offset_++;
    return msg;
  }

 private:
  int64_t position_ = 0;
  int64_t offset_ = 0;
};

v1::ClockChange Opened(const std::string& id, const std::string& rule,
                       v1::Date started, v1::Date due) {
  v1::ClockChange c;
  c.set_clock_id(id);
  c.set_rule(rule);
  c.set_action(v1::CLOCK_OPENED);
  *c.mutable_started_on() = started;
  *c.mutable_due_on() = due;
  return c;
}

v1::ClockChange Closed(const std::string& id, const std::string& rule,
                       v1::ClockAction action, v1::Date closed) {
  v1::ClockChange c;
  c.set_clock_id(id);
  c.set_rule(rule);
  c.set_action(action);
  *c.mutable_closed_on() = closed;
  return c;
}

class ProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    projection_.reset();
    auto opened = Projection::Open(dir_.Sub("projection"));
    ASSERT_TRUE(opened.ok()) << opened.status();
    projection_ = std::move(*opened);
  }
  v1::Worklist Worklist(const std::string& officer) {
    v1::GetWorklistRequest r;
    r.set_officer_id(officer);
    auto w = projection_->GetWorklist(r, Date::Ymd(2026, 11, 23));
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? *w : v1::Worklist();
  }
  v1::Measure Measure(const std::string& officer, const std::string& code) {
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id(officer);
    *r.mutable_from() = P(2026, 1, 1);
    *r.mutable_to() = P(2026, 12, 31);
    auto card = projection_->GetOfficerScorecard(r);
    EXPECT_TRUE(card.ok()) << card.status();
    if (card.ok()) {
      for (const v1::Measure& m : card->measures()) {
        if (m.code() == code) return m;
      }
    }
    return v1::Measure();
  }
  int64_t Caseload(const std::string& officer) {
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id(officer);
    *r.mutable_from() = P(2026, 1, 1);
    *r.mutable_to() = P(2026, 12, 31);
    auto card = projection_->GetOfficerScorecard(r);
    EXPECT_TRUE(card.ok()) << card.status();
    return card.ok() ? card->caseload() : -1;
  }
  int TimelineSize() {
    v1::GetTimelineRequest r;
    r.set_child_id("child-1");
    auto t = projection_->GetTimeline(r);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? t->entries_size() : -1;
  }

  testutil::TempDir dir_;
  std::unique_ptr<Projection> projection_;
  Events events_;
};

TEST_F(ProjectionTest, EventsOfOneStreamInOneBatchSeeEachOther) {
  // Opened and met in the same batch: the second event must see the clock
  // the first one opened.
  std::vector<kafka::Message> batch = {
      events_.Event("AssessmentRequested", "a1", 1, "officer-a", P(2026, 1, 5),
                    {Opened("decision", "ehc.decision_to_assess", P(2026, 1, 5),
                            P(2026, 2, 16))}),
      events_.Event(
          "DecidedToAssess", "a1", 2, "officer-a", P(2026, 2, 10),
          {Closed("decision", "ehc.decision_to_assess", v1::CLOCK_MET,
                  P(2026, 2, 10)),
           Opened("final", "ehc.final_plan", P(2026, 1, 5), P(2026, 5, 25))})};
  absl::StatusOr<int> skipped = projection_->Apply(batch);
  ASSERT_TRUE(skipped.ok()) << skipped.status();
  EXPECT_EQ(*skipped, 0);
  v1::Worklist w = Worklist("officer-a");
  ASSERT_EQ(w.items_size(), 1);
  EXPECT_EQ(w.items(0).clock_id(), "final");
  // The stored item is slim; the worklist gives it whole.
  EXPECT_EQ(w.items(0).child_id(), "child-1");
  EXPECT_EQ(w.items(0).source(), "ehc-assessments");
  EXPECT_EQ(w.items(0).stream_id(), "a1");
  EXPECT_EQ(w.items(0).rule(), "ehc.final_plan");
  EXPECT_EQ(w.items(0).name(), "Issue the final EHC plan");
  EXPECT_EQ(w.items(0).due_on().month(), 5);
  v1::Measure decisions = Measure("officer-a", "ehc.decision_6_weeks");
  EXPECT_EQ(decisions.numerator(), 1);
  EXPECT_EQ(decisions.denominator(), 1);
  EXPECT_EQ(TimelineSize(), 2);
  EXPECT_EQ(projection_->applied(), 2);
}

TEST_F(ProjectionTest, RedeliveredEventsChangeNothingButTheOffset) {
  kafka::Message first =
      events_.Event("AssessmentRequested", "a1", 1, "officer-a", P(2026, 1, 5),
                    {Opened("decision", "ehc.decision_to_assess", P(2026, 1, 5),
                            P(2026, 2, 16))});
  kafka::Message second =
      events_.Event("DecidedToAssess", "a1", 2, "officer-a", P(2026, 3, 2),
                    {Closed("decision", "ehc.decision_to_assess",
                            v1::CLOCK_MISSED, P(2026, 3, 2))});
  ASSERT_TRUE(projection_->Apply({first, second}).ok());
  // A re-publish of the whole stream, one record at a time and then together.
  kafka::Message again1 = events_.Again(first);
  kafka::Message again2 = events_.Again(second);
  ASSERT_TRUE(projection_->Apply(again1).ok());
  ASSERT_TRUE(projection_->Apply({again1, again2}).ok());

  EXPECT_EQ(TimelineSize(), 2);
  v1::Measure decisions = Measure("officer-a", "ehc.decision_6_weeks");
  EXPECT_EQ(decisions.numerator(), 0);
  EXPECT_EQ(decisions.denominator(), 1);  // missed once, not three times
  EXPECT_EQ(Worklist("officer-a").items_size(), 0);
  auto offsets = projection_->StoredOffsets();
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ((offsets->at({kTopic, 0})), again2.offset + 1);
}

TEST_F(ProjectionTest, ReassignmentMovesOpenClocksAndCaseload) {
  ASSERT_TRUE(
      projection_
          ->Apply(events_.Event("AssessmentRequested", "a1", 1, "officer-a",
                                P(2026, 1, 5),
                                {Opened("decision", "ehc.decision_to_assess",
                                        P(2026, 1, 5), P(2026, 2, 16))}))
          .ok());
  ASSERT_EQ(Worklist("officer-a").items_size(), 1);
  ASSERT_TRUE(projection_
                  ->Apply(events_.Event("OfficerReassigned", "a1", 2,
                                        "officer-b", P(2026, 1, 20)))
                  .ok());
  EXPECT_EQ(Worklist("officer-a").items_size(), 0);
  v1::Worklist b = Worklist("officer-b");
  ASSERT_EQ(b.items_size(), 1);
  EXPECT_TRUE(b.items(0).overdue());  // due 16 Feb, as of 23 Nov
  // The decision, now made by officer-b, counts for officer-b.
  ASSERT_TRUE(projection_
                  ->Apply(events_.Event(
                      "DecidedToAssess", "a1", 3, "officer-b", P(2026, 2, 9),
                      {Closed("decision", "ehc.decision_to_assess",
                              v1::CLOCK_MET, P(2026, 2, 9))}))
                  .ok());
  EXPECT_EQ(Measure("officer-b", "ehc.decision_6_weeks").numerator(), 1);
  EXPECT_EQ(Measure("officer-a", "ehc.decision_6_weeks").denominator(), 0);
}

// Caseload: the children with at least one open stream of the officer's,
// through a second stream of the same child, closes, a move to another
// officer, a stream opened and closed within one batch, and a re-delivery.
TEST_F(ProjectionTest, CaseloadCountsChildrenWithAnOpenStream) {
  auto open = [&](const std::string& child, const std::string& stream,
                  const std::string& officer) {
    events_.child = child;
    return events_.Event("AssessmentRequested", stream, 1, officer,
                         P(2026, 1, 5),
                         {Opened("decision", "ehc.decision_to_assess",
                                 P(2026, 1, 5), P(2026, 2, 16))});
  };
  auto close = [&](const std::string& child, const std::string& stream,
                   int64_t version, const std::string& officer) {
    events_.child = child;
    return events_.Event("DecidedToAssess", stream, version, officer,
                         P(2026, 2, 9),
                         {Closed("decision", "ehc.decision_to_assess",
                                 v1::CLOCK_MET, P(2026, 2, 9))});
  };
  const kafka::Message a2 = open("child-1", "a2", "officer-a");
  ASSERT_TRUE(projection_->Apply(open("child-1", "a1", "officer-a")).ok());
  EXPECT_EQ(Caseload("officer-a"), 1);
  ASSERT_TRUE(projection_->Apply(a2).ok());
  EXPECT_EQ(Caseload("officer-a"), 1);  // the same child
  ASSERT_TRUE(projection_->Apply(open("child-2", "a3", "officer-a")).ok());
  EXPECT_EQ(Caseload("officer-a"), 2);
  ASSERT_TRUE(projection_->Apply(close("child-1", "a1", 2, "officer-a")).ok());
  EXPECT_EQ(Caseload("officer-a"), 2);  // a2 keeps child-1 open
  events_.child = "child-1";
  ASSERT_TRUE(projection_
                  ->Apply(events_.Event("OfficerReassigned", "a2", 2,
                                        "officer-b", P(2026, 1, 20)))
                  .ok());
  EXPECT_EQ(Caseload("officer-a"), 1);
  EXPECT_EQ(Caseload("officer-b"), 1);
  ASSERT_TRUE(projection_->Apply(close("child-2", "a3", 2, "officer-a")).ok());
  EXPECT_EQ(Caseload("officer-a"), 0);
  // Opened and closed in one batch: never on the caseload.
  ASSERT_TRUE(projection_
                  ->Apply(std::vector<kafka::Message>{
                      open("child-3", "a4", "officer-a"),
                      close("child-3", "a4", 2, "officer-a")})
                  .ok());
  EXPECT_EQ(Caseload("officer-a"), 0);
  // A re-delivered opening changes nothing.
  ASSERT_TRUE(projection_->Apply(events_.Again(a2)).ok());
  EXPECT_EQ(Caseload("officer-a"), 0);
  EXPECT_EQ(Caseload("officer-b"), 1);
  Reopen();
  EXPECT_EQ(Caseload("officer-b"), 1);
}

// The trend of figures on a date: each past month's point is the figure at
// the month's end (what the officer held after its last day), the current
// month's the figure today - through a move to another officer, a close and
// a clock opened again later.
TEST_F(ProjectionTest, TrendsOfBacklogAndComplaintsPerCaseAreMonthEndFigures) {
  auto review = [](const std::string& id, v1::Date start, v1::Date due) {
    return Opened(id, "review.annual", start, due);
  };
  std::vector<kafka::Message> history = {
      events_.Event("PlanRegistered", "p1", 1, "officer-a", P(2026, 1, 10),
                    {review("review/1", P(2026, 1, 10), P(2026, 3, 10))}),
      events_.Event("OfficerReassigned", "p1", 2, "officer-b", P(2026, 4, 20)),
      events_.Event("ReviewDecisionNotified", "p1", 3, "officer-b",
                    P(2026, 5, 5),
                    {Closed("review/1", "review.annual", v1::CLOCK_MISSED,
                            P(2026, 5, 5))}),
      events_.Event("ReviewDecisionNotified", "p1", 4, "officer-b",
                    P(2026, 6, 1),
                    {review("review/2", P(2026, 6, 1), P(2026, 7, 1))})};
  events_.child = "child-2";
  history.push_back(events_.Event(
      "ComplaintLogged", "c1", 1, "officer-a", P(2026, 2, 3),
      {Opened("ack", "complaint.acknowledge", P(2026, 2, 3), P(2026, 2, 10))}));
  history.push_back(events_.Event(
      "ComplaintAcknowledged", "c1", 2, "officer-a", P(2026, 2, 6),
      {Closed("ack", "complaint.acknowledge", v1::CLOCK_MET, P(2026, 2, 6))}));
  // One record per batch, then all again in one batch elsewhere: the same.
  for (const kafka::Message& m : history) {
    ASSERT_TRUE(projection_->Apply(m).ok());
  }
  auto trend = [&](const std::string& officer, const std::string& measure) {
    v1::GetTrendRequest r;
    r.set_officer_id(officer);
    r.set_measure(measure);
    r.set_months(11);  // January to November 2026
    auto t = projection_->GetTrend(r, Date::Ymd(2026, 11, 23));
    EXPECT_TRUE(t.ok()) << t.status();
    // "numerator/denominator" a month, January first.
    std::string out;
    if (t.ok()) {
      EXPECT_EQ(t->points(0).month(), 1);
      for (const v1::TrendPoint& p : t->points()) {
        absl::StrAppend(&out, out.empty() ? "" : " ", p.numerator(), "/",
                        p.denominator());
      }
    }
    return out;
  };
  // officer-a held review/1 from 10 Jan to 20 Apr; due 10 Mar, so overdue at
  // the end of March only.
  EXPECT_EQ(trend("officer-a", "review.backlog"),
            "0/1 0/1 1/1 0/0 0/0 0/0 0/0 0/0 0/0 0/0 0/0");
  // officer-b: review/1 overdue from 20 Apr to 5 May (April's end); review/2
  // from 1 Jun, due 1 Jul: active at June's end, overdue from July's; today
  // (23 Nov) still open and overdue.
  EXPECT_EQ(trend("officer-b", "review.backlog"),
            "0/0 0/0 0/0 1/1 0/0 0/1 1/1 1/1 1/1 1/1 1/1");
  // Complaints logged in the month per the caseload at its end: child-2's
  // complaint (3-6 Feb) is logged in February but never open at a month end;
  // child-1 is officer-a's from 10 Jan to 20 Apr.
  EXPECT_EQ(trend("officer-a", "complaints.per_100_cases"),
            "0/1 1/1 0/1 0/0 0/0 0/0 0/0 0/0 0/0 0/0 0/0");
  // officer-b: child-1 from 20 Apr to 5 May, and again from 1 Jun.
  EXPECT_EQ(trend("officer-b", "complaints.per_100_cases"),
            "0/0 0/0 0/0 0/1 0/0 0/1 0/1 0/1 0/1 0/1 0/1");
  // The same history in one batch gives the same points.
  testutil::TempDir other;
  auto once = Projection::Open(other.Sub("projection"));
  ASSERT_TRUE(once.ok());
  ASSERT_TRUE((*once)->Apply(history).ok());
  v1::GetTrendRequest r;
  r.set_officer_id("officer-b");
  r.set_measure("review.backlog");
  r.set_months(11);
  auto a = projection_->GetTrend(r, Date::Ymd(2026, 11, 23));
  auto b = (*once)->GetTrend(r, Date::Ymd(2026, 11, 23));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString());
}

// Open and overdue items, active plans, backlog and caseload on any date are
// what the officer held that day: items opened or moved to them by then, not
// closed or moved away by then; overdue from the day after the due date.
TEST_F(ProjectionTest, OpenItemsOnAnyDateAreThoseHeldThatDay) {
  ASSERT_TRUE(
      projection_
          ->Apply({events_.Event("AssessmentRequested", "a1", 1, "officer-a",
                                 P(2026, 1, 5),
                                 {Opened("decision", "ehc.decision_to_assess",
                                         P(2026, 1, 5), P(2026, 2, 16)),
                                  Opened("draft_comment", "ehc.draft_comment",
                                         P(2026, 2, 23), P(2026, 3, 10)),
                                  Opened("final_plan", "ehc.final_plan",
                                         P(2026, 1, 5), P(2026, 5, 25))}),
                   events_.Event("AssessmentRequested", "a2", 1, "officer-a",
                                 P(2026, 4, 8),
                                 {Opened("decision", "ehc.decision_to_assess",
                                         P(2026, 4, 8), P(2026, 5, 20)),
                                  Opened("final_plan", "ehc.final_plan",
                                         P(2026, 4, 8), P(2026, 5, 28))}),
                   events_.Event("PlanRegistered", "p1", 1, "officer-a",
                                 P(2025, 3, 1),
                                 {Opened("review", "review.annual",
                                         P(2025, 3, 1), P(2026, 3, 1))})})
          .ok());
  auto held = [&](const std::string& officer, v1::Date as_of) {
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id(officer);
    *r.mutable_from() = P(2026, 1, 1);
    *r.mutable_to() = P(2026, 12, 31);
    *r.mutable_as_of() = as_of;
    auto c = projection_->GetOfficerScorecard(r);
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return std::string();
    return absl::StrCat(c->open_items(), " ", c->overdue_items(), " ",
                        c->active_plans(), " ", c->review_backlog(), " ",
                        c->caseload());
  };
  // open, overdue, active plans, backlog, caseload (all of child-1)
  EXPECT_EQ(held("officer-a", P(2026, 2, 19)), "4 1 1 0 1");
  // Later events: the a1 decision met late on 20 Feb, a2 moved to officer-b
  // on 20 Apr. Days before them keep their figures.
  ASSERT_TRUE(
      projection_
          ->Apply({events_.Event("DecidedToAssess", "a1", 2, "officer-a",
                                 P(2026, 2, 20),
                                 {Closed("decision", "ehc.decision_to_assess",
                                         v1::CLOCK_MISSED, P(2026, 2, 20))}),
                   events_.Event("OfficerReassigned", "a2", 2, "officer-b",
                                 P(2026, 4, 20))})
          .ok());
  struct Expected {
    const char* officer;
    v1::Date on;
    const char* figures;
  } expected[] = {
      // Only the review (taken on 1 Mar 2025, due 1 Mar 2026).
      {"officer-a", P(2025, 2, 28), "0 0 0 0 0"},
      {"officer-a", P(2025, 3, 1), "1 0 1 0 1"},
      {"officer-a", P(2026, 1, 4), "1 0 1 0 1"},
      // a1's three clocks from 5 Jan; its decision is due 16 Feb, so
      // overdue from 17 Feb until it is closed on 20 Feb.
      {"officer-a", P(2026, 1, 5), "4 0 1 0 1"},
      {"officer-a", P(2026, 2, 16), "4 0 1 0 1"},
      {"officer-a", P(2026, 2, 17), "4 1 1 0 1"},
      {"officer-a", P(2026, 2, 19), "4 1 1 0 1"},
      {"officer-a", P(2026, 2, 20), "3 0 1 0 1"},
      // The review is due 1 Mar: in the backlog from 2 Mar.
      {"officer-a", P(2026, 3, 1), "3 0 1 0 1"},
      {"officer-a", P(2026, 3, 2), "3 1 1 1 1"},
      // The draft comment period ends 10 Mar: a minimum period, never late.
      {"officer-a", P(2026, 3, 11), "3 1 1 1 1"},
      // a2 from 8 Apr until it moves on 20 Apr.
      {"officer-a", P(2026, 4, 8), "5 1 1 1 1"},
      {"officer-a", P(2026, 4, 19), "5 1 1 1 1"},
      {"officer-a", P(2026, 4, 20), "3 1 1 1 1"},
      {"officer-b", P(2026, 4, 19), "0 0 0 0 0"},
      {"officer-b", P(2026, 4, 20), "2 0 0 0 1"},
      // a2's decision is due 20 May (officer-b's), a1's final plan 25 May.
      {"officer-b", P(2026, 5, 21), "2 1 0 0 1"},
      {"officer-a", P(2026, 5, 25), "3 1 1 1 1"},
      {"officer-a", P(2026, 5, 26), "3 2 1 1 1"},
      {"officer-b", P(2026, 5, 29), "2 2 0 0 1"},
  };
  for (const Expected& e : expected) {
    EXPECT_EQ(held(e.officer, e.on), e.figures)
        << e.officer << " on " << e.on.ShortDebugString();
  }
}

// Applying an LA's history in date order, the worklist on each checkpoint
// day (what the officer held then, read key by key) must be what the
// scorecard reports as of that day once the whole history is applied.
TEST_F(ProjectionTest, FiguresOnPastDaysAreWhatTheWorklistShowedThen) {
  testutil::LaHistoryOptions options;
  options.children = 240;
  options.officers = 6;
  std::vector<kafka::Message> records = testutil::LaHistory(options);
  auto day_of = [](const kafka::Message& m) {
    v1::EventEnvelopeHeader e;
    if (!kafka::DecodeValue(m, &e).ok() || !e.metadata().has_occurred_on()) {
      return 0;  // directory records first
    }
    return Date::Ymd(e.metadata().occurred_on().year(),
                     e.metadata().occurred_on().month(),
                     e.metadata().occurred_on().day())
        .ToYyyymmdd();
  };
  // The history is in the order of the events' days (as published), and a
  // stream's events in version order (else the projection would take the
  // later ones for re-deliveries); checkpoints cut it by day.
  {
    std::map<std::string, int64_t> last;
    for (const kafka::Message& m : records) {
      v1::EventEnvelopeHeader e;
      if (!kafka::DecodeValue(m, &e).ok() || e.metadata().version() == 0) {
        continue;  // a directory record
      }
      int64_t& v = last[absl::StrCat(m.topic, "/", e.metadata().stream_id())];
      ASSERT_EQ(e.metadata().version(), v + 1) << e.metadata().stream_id();
      v = e.metadata().version();
    }
  }
  // The worklist's figures, every page read.
  auto worklist_figures = [&](const std::string& officer, Date on) {
    int64_t open = 0, overdue = 0, active = 0, backlog = 0;
    std::set<std::string> children;
    v1::GetWorklistRequest r;
    r.set_officer_id(officer);
    r.set_page_size(1000);
    *r.mutable_as_of() = ToProto(on);
    do {
      auto w = projection_->GetWorklist(r, on);
      EXPECT_TRUE(w.ok()) << w.status();
      if (!w.ok()) break;
      for (const v1::WorklistItem& item : w->items()) {
        ++open;
        if (item.overdue()) ++overdue;
        const bool review =
            item.rule() == "review.annual" || item.rule() == "review.under_5";
        if (review) ++active;
        if (review && *FromProto("due_on", item.due_on()) < on) ++backlog;
        children.insert(item.child_id());
      }
      r.set_page_token(w->next_page_token());
    } while (!r.page_token().empty());
    return absl::StrCat(open, " ", overdue, " ", active, " ", backlog, " ",
                        children.size());
  };
  std::vector<Date> checkpoints;
  for (Date d = Date::Ymd(2020, 1, 1); d < options.today; d = d.AddDays(47)) {
    checkpoints.push_back(d);
  }
  std::map<std::pair<std::string, int32_t>, std::string> then;
  size_t next = 0;
  for (const Date& day : checkpoints) {
    std::vector<kafka::Message> batch;
    while (next < records.size() && day_of(records[next]) <= day.ToYyyymmdd()) {
      batch.push_back(records[next++]);
    }
    ASSERT_TRUE(projection_->Apply(batch).ok());
    for (int n = 1; n <= options.officers; ++n) {
      then[{testutil::LaOfficer(n), day.ToYyyymmdd()}] =
          worklist_figures(testutil::LaOfficer(n), day);
    }
  }
  std::vector<kafka::Message> rest(records.begin() + next, records.end());
  ASSERT_TRUE(projection_->Apply(rest).ok());
  // The same history in another order, as a consumer may read the topics:
  // one topic after another (each stream's events still in order), so a
  // child's review events come before its assessment's.
  std::vector<kafka::Message> by_topic = records;
  std::stable_sort(by_topic.begin(), by_topic.end(),
                   [](const kafka::Message& a, const kafka::Message& b) {
                     return a.topic > b.topic;
                   });
  auto opened = Projection::Open(dir_.Sub("by-topic"));
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Projection> other = std::move(*opened);
  for (size_t i = 0; i < by_topic.size(); i += 500) {
    std::vector<kafka::Message> batch(
        by_topic.begin() + static_cast<std::ptrdiff_t>(i),
        by_topic.begin() +
            static_cast<std::ptrdiff_t>(std::min(by_topic.size(), i + 500)));
    ASSERT_TRUE(other->Apply(batch).ok());
  }
  int64_t nonzero = 0;
  for (const auto& [at, figures] : then) {
    const absl::StatusOr<Date> on = Date::FromYmd(
        at.second / 10000, at.second / 100 % 100, at.second % 100);
    ASSERT_TRUE(on.ok());
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id(at.first);
    *r.mutable_from() = ToProto(on->AddDays(-30));
    *r.mutable_to() = ToProto(*on);
    for (Projection* p : {projection_.get(), other.get()}) {
      auto c = p->GetOfficerScorecard(r);
      ASSERT_TRUE(c.ok()) << c.status();
      EXPECT_EQ(absl::StrCat(c->open_items(), " ", c->overdue_items(), " ",
                             c->active_plans(), " ", c->review_backlog(), " ",
                             c->caseload()),
                figures)
          << at.first << " on " << at.second
          << (p == other.get() ? " (topics one after another)" : "");
      if (p == other.get()) continue;
      if (c->open_items() > 0 && c->overdue_items() > 0 &&
          c->review_backlog() > 0) {
        ++nonzero;
      }
    }
  }
  // The history exercises every figure, not only zeros.
  EXPECT_GT(nonzero, static_cast<int64_t>(then.size() / 4));
}

TEST_F(ProjectionTest, RecordsThatAreNotCaseworkEventsAreSkippedNotFatal) {
  kafka::Message junk;
  junk.topic = kTopic;
  junk.partition = 1;
  junk.offset = 7;
  junk.value = "not a protobuf event";
  kafka::Message good =
      events_.Event("AssessmentRequested", "a1", 1, "officer-a", P(2026, 1, 5));
  absl::StatusOr<int> skipped = projection_->Apply({junk, good});
  ASSERT_TRUE(skipped.ok()) << skipped.status();
  EXPECT_EQ(*skipped, 1);
  EXPECT_EQ(TimelineSize(), 1);
  auto offsets = projection_->StoredOffsets();
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ((offsets->at({kTopic, 1})), 8);  // past the junk: never re-read
}

TEST_F(ProjectionTest, ReopenKeepsOffsetsAndState) {
  kafka::Message first =
      events_.Event("AssessmentRequested", "a1", 1, "officer-a", P(2026, 1, 5),
                    {Opened("decision", "ehc.decision_to_assess", P(2026, 1, 5),
                            P(2026, 2, 16))});
  ASSERT_TRUE(projection_->Apply(first).ok());
  Reopen();
  auto offsets = projection_->StoredOffsets();
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ((offsets->at({kTopic, 0})), first.offset + 1);
  // The stream's state survived: a re-delivery is still recognised.
  ASSERT_TRUE(projection_->Apply(events_.Again(first)).ok());
  EXPECT_EQ(TimelineSize(), 1);
  EXPECT_EQ(Worklist("officer-a").items_size(), 1);
}

TEST_F(ProjectionTest, TravelTrainingCompletionsAreCountedFromEvents) {
  ASSERT_TRUE(projection_
                  ->Apply({events_.Event("TravelTrainingStarted", "t1", 1,
                                         "officer-a", P(2026, 3, 1)),
                           events_.Event("TravelTrainingStarted", "t2", 1,
                                         "officer-a", P(2026, 4, 1)),
                           events_.Event("TravelTrainingCompleted", "t1", 2,
                                         "officer-a", P(2026, 6, 1))})
                  .ok());
  v1::Measure itt = Measure("officer-a", "transport.itt_completions");
  EXPECT_EQ(itt.numerator(), 1);
  EXPECT_EQ(itt.denominator(), 2);
  EXPECT_DOUBLE_EQ(itt.percent(), 50.0);
}

TEST_F(ProjectionTest, ComplaintEscalationRatesAreCountedFromEvents) {
  ASSERT_TRUE(projection_
                  ->Apply({events_.Event("ComplaintLogged", "c1", 1,
                                         "officer-a", P(2026, 3, 1)),
                           events_.Event("ComplaintLogged", "c2", 1,
                                         "officer-a", P(2026, 3, 2)),
                           events_.Event("ComplaintEscalated", "c1", 2,
                                         "officer-a", P(2026, 4, 1)),
                           events_.Event("ComplaintReferredToOmbudsman", "c1",
                                         3, "officer-a", P(2026, 6, 1))})
                  .ok());
  v1::Measure escalated =
      Measure("officer-a", "complaints.escalated_to_stage2");
  EXPECT_EQ(escalated.numerator(), 1);
  EXPECT_EQ(escalated.denominator(), 2);
  EXPECT_EQ(
      Measure("officer-a", "complaints.referred_to_ombudsman").numerator(), 1);
}

// A cohort: a tally dated on its cohort's day (an appeal counted on the day
// of the mediation it followed) counts in that day's period, not the
// event's, so "of disagreements mediated in March, how many went on to
// appeal" is the same however late the appeal came.
TEST_F(ProjectionTest, ACohortTallyCountsOnItsCohortsDay) {
  auto with = [](kafka::Message msg, const std::string& counter,
                 std::optional<v1::Date> on) {
    v1::EventEnvelopeHeader e;
    EXPECT_TRUE(e.ParseFromString(msg.value));
    v1::Tally* t = e.add_tallies();
    t->set_counter(counter);
    t->set_count(1);
    if (on) *t->mutable_on() = *on;
    msg.value = e.SerializeAsString();
    return msg;
  };
  ASSERT_TRUE(
      projection_
          ->Apply({with(events_.Event("MediationHeld", "d1", 1, "officer-a",
                                      P(2026, 3, 10)),
                        "disagreements.mediated", std::nullopt),
                   with(events_.Event("AppealRegistered", "d1", 2, "officer-a",
                                      P(2026, 5, 20)),
                        "disagreements.mediated_appealed", P(2026, 3, 10))})
          .ok());
  auto figure = [&](v1::Date from, v1::Date to) {
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id("officer-a");
    *r.mutable_from() = from;
    *r.mutable_to() = to;
    auto card = projection_->GetOfficerScorecard(r);
    EXPECT_TRUE(card.ok()) << card.status();
    for (const v1::Measure& m : card->measures()) {
      if (m.code() == "disagreements.mediation_to_appeal") {
        return absl::StrCat(m.numerator(), "/", m.denominator());
      }
    }
    return std::string("none");
  };
  EXPECT_EQ(figure(P(2026, 3, 1), P(2026, 3, 31)), "1/1");
  EXPECT_EQ(figure(P(2026, 5, 1), P(2026, 5, 31)), "0/0");
}

// The cases behind a rate: every case its numerator and denominator counted
// in the period, short of the target first, each with what it added.
TEST_F(ProjectionTest, ARatesCasesAreTheCasesItCounted) {
  // Complaints c1 and c2 logged in March, c1 escalated in April; c3 logged
  // in July (outside the period).
  events_.child = "child-1";
  auto c1 =
      events_.Event("ComplaintLogged", "c1", 1, "officer-a", P(2026, 3, 1));
  events_.child = "child-2";
  auto c2 =
      events_.Event("ComplaintLogged", "c2", 1, "officer-a", P(2026, 3, 2));
  events_.child = "child-1";
  auto esc =
      events_.Event("ComplaintEscalated", "c1", 2, "officer-a", P(2026, 4, 1));
  events_.child = "child-3";
  auto c3 =
      events_.Event("ComplaintLogged", "c3", 1, "officer-a", P(2026, 7, 1));
  ASSERT_TRUE(projection_->Apply({c1, c2, esc, c3}).ok());
  v1::GetExceptionReportRequest x;
  x.set_officer_id("officer-a");
  x.set_measure("complaints.escalated_to_stage2");
  *x.mutable_from() = P(2026, 3, 1);
  *x.mutable_to() = P(2026, 6, 30);
  auto report = projection_->GetExceptionReport(x);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->rate());
  std::vector<std::string> got;
  for (const v1::ExceptionItem& i : report->items()) {
    got.push_back(absl::StrCat(i.stream_id(), " ", i.child_id(), " ",
                               i.numerator(), "/", i.denominator(), " ",
                               i.counted_on().month(), "-",
                               i.counted_on().day()));
  }
  // Lower is better: the escalated complaint counts against the target.
  EXPECT_THAT(
      got, ::testing::ElementsAre("c1 child-1 1/1 3-1", "c2 child-2 0/1 3-2"));
  // The same cases as the scorecard's figure, both ways.
  v1::Measure m = Measure("officer-a", "complaints.escalated_to_stage2");
  EXPECT_EQ(m.numerator(), 1);
  EXPECT_EQ(m.denominator(), 3);  // the whole year: c3 too
  *x.mutable_to() = P(2026, 2, 28);
  *x.mutable_from() = P(2026, 2, 1);
  report = projection_->GetExceptionReport(x);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->items_size(), 0);
}

// A clock assigned to someone other than the case's officer is on the
// assignee's worklist, and stays there when the case changes hands.
TEST_F(ProjectionTest, AnAssignedClockIsOnTheAssigneesWorklist) {
  v1::ClockChange sample = Opened("sample/s1", "quality.sample_audit",
                                  P(2026, 11, 2), P(2026, 11, 30));
  sample.set_assignee("qa-1");
  ASSERT_TRUE(projection_
                  ->Apply({events_.Event("PlanSampled", "p1", 1, "officer-a",
                                         P(2026, 11, 2), {sample}),
                           events_.Event("PlanOfficerReassigned", "p1", 2,
                                         "officer-b", P(2026, 11, 3))})
                  .ok());
  ASSERT_EQ(Worklist("qa-1").items_size(), 1);
  EXPECT_EQ(Worklist("qa-1").items(0).stream_id(), "p1");
  EXPECT_EQ(Worklist("officer-a").items_size(), 0);
  EXPECT_EQ(Worklist("officer-b").items_size(), 0);
}

// A scorecard sums whole months from the monthly rollups and the days at
// each end of the period from the daily counters; every period must count
// each closed clock once, compared here with counting the clocks one by one.
TEST_F(ProjectionTest, ScorecardsOfAnyPeriodCountEachClosedClockOnce) {
  // One decision clock closed every day from 20 Jan to 10 May (met on odd
  // days of the month) and 130 more on 15 Feb (counts above a byte), and
  // health advice every third day; officer-a2 (whose id extends officer-a's)
  // gets clocks on the same days.
  const Date first = Date::Ymd(2026, 1, 20), last = Date::Ymd(2026, 5, 10);
  const Date busy = Date::Ymd(2026, 2, 15);
  auto decisions_on = [&](Date d) { return d == busy ? 131 : 1; };
  std::vector<kafka::Message> batch;
  int n = 0;
  for (Date d = first; d <= last; d = d.AddDays(1), ++n) {
    std::vector<v1::ClockChange> clocks;
    for (int i = 0; i < decisions_on(d); ++i) {
      clocks.push_back(Closed(
          absl::StrCat("decision-", i), "ehc.decision_to_assess",
          d.day() % 2 == 1 ? v1::CLOCK_MET : v1::CLOCK_MISSED, ToProto(d)));
    }
    if (n % 3 == 0) {
      clocks.push_back(
          Closed("advice", "ehc.advice", v1::CLOCK_MET, ToProto(d)));
      clocks.back().set_measure_subtype("health");
    }
    batch.push_back(events_.Event("DecidedToAssess", absl::StrCat("a", n), 1,
                                  "officer-a", ToProto(d), clocks));
    batch.push_back(events_.Event("DecidedToAssess", absl::StrCat("b", n), 1,
                                  "officer-a2", ToProto(d), clocks));
  }
  ASSERT_TRUE(projection_->Apply(batch).ok());

  const std::vector<Date> ends = {
      Date::Ymd(2026, 1, 1),  Date::Ymd(2026, 1, 19), Date::Ymd(2026, 1, 20),
      Date::Ymd(2026, 1, 31), Date::Ymd(2026, 2, 1),  Date::Ymd(2026, 2, 15),
      Date::Ymd(2026, 2, 28), Date::Ymd(2026, 3, 1),  Date::Ymd(2026, 3, 31),
      Date::Ymd(2026, 4, 1),  Date::Ymd(2026, 4, 30), Date::Ymd(2026, 5, 10),
      Date::Ymd(2026, 5, 11), Date::Ymd(2026, 5, 31)};
  int periods = 0;
  for (Date from : ends) {
    for (Date to : ends) {
      if (to < from) continue;
      int64_t met = 0, decided = 0, advice = 0;
      int k = 0;
      for (Date d = first; d <= last; d = d.AddDays(1), ++k) {
        if (d < from || to < d) continue;
        decided += decisions_on(d);
        if (d.day() % 2 == 1) met += decisions_on(d);
        if (k % 3 == 0) ++advice;
      }
      v1::GetOfficerScorecardRequest r;
      r.set_officer_id("officer-a");
      *r.mutable_from() = ToProto(from);
      *r.mutable_to() = ToProto(to);
      absl::StatusOr<v1::OfficerScorecard> card =
          projection_->GetOfficerScorecard(r);
      ASSERT_TRUE(card.ok()) << card.status();
      std::map<std::string, v1::Measure> by_code;
      for (const v1::Measure& m : card->measures()) by_code[m.code()] = m;
      const std::string period =
          absl::StrCat(from.ToYyyymmdd(), "-", to.ToYyyymmdd());
      EXPECT_EQ(by_code["ehc.decision_6_weeks"].numerator(), met) << period;
      EXPECT_EQ(by_code["ehc.decision_6_weeks"].denominator(), decided)
          << period;
      EXPECT_EQ(by_code["ehc.advice_6_weeks"].denominator(), advice) << period;
      EXPECT_EQ(by_code["ehc.advice_6_weeks.health"].denominator(), advice)
          << period;
      // Every kind of adviser is listed, counted or not.
      EXPECT_EQ(by_code.count("ehc.advice_6_weeks.educational_psychology"), 1u)
          << period;
      EXPECT_EQ(by_code["ehc.advice_6_weeks.social_care"].denominator(), 0)
          << period;
      ++periods;
    }
  }
  EXPECT_EQ(periods, 105);

  // The monthly trend counts the same clocks by month.
  v1::GetTrendRequest t;
  t.set_officer_id("officer-a");
  t.set_measure("ehc.decision_6_weeks");
  t.set_months(6);
  *t.mutable_to() = P(2026, 6, 30);
  absl::StatusOr<v1::Trend> trend =
      projection_->GetTrend(t, Date::Ymd(2026, 11, 23));
  ASSERT_TRUE(trend.ok()) << trend.status();
  ASSERT_EQ(trend->points_size(), 6);
  // Jan 20-31: 12 decided, 6 met (21, 23, ..., 31); Feb: 28 + 130, 14 + 130;
  // Mar: 31, 16; Apr: 30, 15; May 1-10: 10, 5; Jun: none.
  const int64_t decided[] = {12, 158, 31, 30, 10, 0};
  const int64_t met[] = {6, 144, 16, 15, 5, 0};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(trend->points(i).month(), i + 1);
    EXPECT_EQ(trend->points(i).denominator(), decided[i]) << i;
    EXPECT_EQ(trend->points(i).numerator(), met[i]) << i;
  }
}

// The LA overview: every team's totals and the LA's, which count every
// officer once - those of no team, or missing from the directory, too.
TEST_F(ProjectionTest, LaScorecardSumsEveryTeamAndEveryOfficerOnce) {
  std::vector<kafka::Message> batch;
  int64_t offset = 0;
  auto directory = [&](v1::DirectoryRecord r, const std::string& key) {
    kafka::Message m;
    m.topic = kDirectoryTopic;
    m.offset = offset++;
    m.key = key;
    m.value = r.SerializeAsString();
    m.headers = {{"ce_type", "uk.send.casework.directory.v1.DirectoryRecord"}};
    batch.push_back(std::move(m));
  };
  for (auto [team, name] : std::vector<std::pair<std::string, std::string>>{
           {"team-n", "North"}, {"team-s", "South"}, {"team-e", "Empty"}}) {
    v1::DirectoryRecord r;
    r.mutable_team()->set_team_id(team);
    r.mutable_team()->set_name(name);
    directory(r, team);
  }
  for (auto [officer, team] : std::vector<std::pair<std::string, std::string>>{
           {"officer-a", "team-n"},
           {"officer-b", "team-n"},
           {"officer-c", "team-s"}}) {
    v1::DirectoryRecord r;
    r.mutable_officer()->set_officer_id(officer);
    r.mutable_officer()->set_team_id(team);
    r.mutable_officer()->set_active(true);
    directory(r, officer);
  }
  // Decisions: officer-a 2 met + 1 missed, officer-c 1 missed, officer-x
  // (not in the directory) 1 met.
  int n = 0;
  for (auto [officer, action] :
       std::vector<std::pair<std::string, v1::ClockAction>>{
           {"officer-a", v1::CLOCK_MET},
           {"officer-a", v1::CLOCK_MET},
           {"officer-a", v1::CLOCK_MISSED},
           {"officer-c", v1::CLOCK_MISSED},
           {"officer-x", v1::CLOCK_MET}}) {
    ++n;
    batch.push_back(events_.Event(
        "DecidedToAssess", absl::StrCat("s", n), 1, officer, P(2026, 3, n),
        {Closed("decision", "ehc.decision_to_assess", action, P(2026, 3, n))}));
  }
  ASSERT_TRUE(projection_->Apply(batch).ok());

  v1::GetLaScorecardRequest r;
  *r.mutable_from() = P(2026, 1, 1);
  *r.mutable_to() = P(2026, 12, 31);
  absl::StatusOr<v1::LaScorecard> la = projection_->GetLaScorecard(r);
  ASSERT_TRUE(la.ok()) << la.status();
  auto decisions = [](const v1::OfficerScorecard& card) {
    for (const v1::Measure& m : card.measures()) {
      if (m.code() == "ehc.decision_6_weeks") {
        return std::make_pair(m.numerator(), m.denominator());
      }
    }
    return std::make_pair(int64_t{-1}, int64_t{-1});
  };
  EXPECT_EQ(la->totals().officer_id(), "la");
  EXPECT_EQ(decisions(la->totals()), std::make_pair(int64_t{3}, int64_t{5}));
  ASSERT_EQ(la->teams_size(), 4);  // sorted by id: "" first
  EXPECT_EQ(la->teams(0).team_id(), "");
  EXPECT_EQ(la->teams(0).officers(), 1);  // officer-x
  EXPECT_EQ(decisions(la->teams(0).totals()),
            std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(la->teams(1).team_id(), "team-e");
  EXPECT_EQ(la->teams(1).officers(), 0);
  EXPECT_EQ(decisions(la->teams(1).totals()),
            std::make_pair(int64_t{0}, int64_t{0}));
  EXPECT_EQ(la->teams(1).totals().measures(0).rag(), v1::RAG_NO_DATA);
  EXPECT_EQ(la->teams(2).team_id(), "team-n");
  EXPECT_EQ(la->teams(2).team_name(), "North");
  EXPECT_EQ(la->teams(2).officers(), 2);
  EXPECT_EQ(decisions(la->teams(2).totals()),
            std::make_pair(int64_t{2}, int64_t{3}));
  EXPECT_EQ(la->teams(3).team_id(), "team-s");
  EXPECT_EQ(decisions(la->teams(3).totals()),
            std::make_pair(int64_t{0}, int64_t{1}));
  // The team rows equal the team scorecards' totals.
  v1::GetTeamScorecardRequest t;
  t.set_team_id("team-n");
  *t.mutable_from() = r.from();
  *t.mutable_to() = r.to();
  absl::StatusOr<v1::TeamScorecard> team = projection_->GetTeamScorecard(t);
  ASSERT_TRUE(team.ok());
  EXPECT_EQ(decisions(team->totals()), decisions(la->teams(2).totals()));
  // Sorted by a measure, worst first; a typo names the field.
  r.set_sort_by("ehc.decision_6_weeks");
  la = projection_->GetLaScorecard(r);
  ASSERT_TRUE(la.ok());
  EXPECT_EQ(la->teams(0).team_id(), "team-e");  // no data: -1 sorts first
  EXPECT_EQ(la->teams(1).team_id(), "team-s");  // 0%
  r.set_sort_by("ehc.decision_6_week");
  EXPECT_EQ(projection_->GetLaScorecard(r).status().message(),
            "sort_by: 'ehc.decision_6_week' is not a measure code");

  // The LA's exception report and trend cover every officer.
  v1::GetExceptionReportRequest x;
  x.set_la(true);
  x.set_measure("ehc.decision_6_weeks");
  *x.mutable_from() = r.from();
  *x.mutable_to() = r.to();
  absl::StatusOr<v1::ExceptionReport> report =
      projection_->GetExceptionReport(x);
  ASSERT_TRUE(report.ok()) << report.status();
  std::set<std::string> late;
  for (const v1::ExceptionItem& i : report->items())
    late.insert(i.officer_id());
  EXPECT_EQ(late, (std::set<std::string>{"officer-a", "officer-c"}));
  x.set_team_id("team-n");
  EXPECT_EQ(projection_->GetExceptionReport(x).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::GetTrendRequest tr;
  tr.set_la(true);
  tr.set_measure("ehc.decision_6_weeks");
  *tr.mutable_to() = P(2026, 3, 31);
  tr.set_months(1);
  absl::StatusOr<v1::Trend> trend =
      projection_->GetTrend(tr, Date::Ymd(2026, 11, 23));
  ASSERT_TRUE(trend.ok()) << trend.status();
  EXPECT_EQ(trend->points(0).numerator(), 3);
  EXPECT_EQ(trend->points(0).denominator(), 5);
}

// Counters that cannot be read are reported as lost data, naming whose,
// rather than read as zeros.
TEST_F(ProjectionTest, UnreadableCountersAreDataLossNotZeros) {
  ASSERT_TRUE(projection_
                  ->Apply({events_.Event(
                      "DecidedToAssess", "a1", 1, "officer-a", P(2026, 3, 10),
                      {Closed("decision", "ehc.decision_to_assess",
                              v1::CLOCK_MET, P(2026, 3, 10))})})
                  .ok());
  projection_.reset();
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::Options(), dir_.Sub("projection"), &raw)
            .ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    // Month totals, then a day numbered 40.
    const std::string nul(1, '\0');
    const std::string bad_days = std::string(24, '\0') + "\x28\x01";
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        absl::StrCat("Qofficer-a", nul, "202603", nul,
                                     "ehc.decision_6_weeks"),
                        bad_days)
                    .ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        absl::StrCat("Hofficer-b", nul, "202603"), "short")
                    .ok());
  }
  Reopen();
  auto card = [&](const std::string& officer, v1::Date from, v1::Date to) {
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id(officer);
    *r.mutable_from() = from;
    *r.mutable_to() = to;
    return projection_->GetOfficerScorecard(r);
  };
  // A period that ends inside March reads March's days.
  auto a = card("officer-a", P(2026, 1, 1), P(2026, 3, 15));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(a.status().message().find("officer-a"), absl::string_view::npos)
      << a.status();
  // Whole months read the totals, which are intact.
  EXPECT_TRUE(card("officer-a", P(2026, 1, 1), P(2026, 3, 31)).ok());
  // The figures on 15 March read March's holding changes.
  auto b = card("officer-b", P(2026, 1, 1), P(2026, 3, 15));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(b.status().message().find("officer-b"), absl::string_view::npos)
      << b.status();
}

TEST(ProjectionLayoutTest, DataOfAnotherLayoutIsRefusedWithAClearError) {
  testutil::TempDir dir;
  {
    // A directory written before the layout was recorded.
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.Sub("p"), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "Ka1", "x").ok());
  }
  auto opened = Projection::Open(dir.Sub("p"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("delete the directory"),
            absl::string_view::npos)
      << opened.status();
}

}  // namespace
}  // namespace casework::projection
