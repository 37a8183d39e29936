// Events out of order, missing for a while, forged, or impossible to apply:
// the projection holds what is ahead, parks what it cannot apply, and ends
// with the same figures as a clean in-order rebuild.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/rpc/proto_date.h"
#include "services/projection/projection.h"
#include "services/projection/projection_consumer.h"
#include "services/projection/transition.h"
#include "tests/testing/la_history.h"
#include "tests/testing/temp_dir.h"

namespace casework::projection {
namespace {

using Records = std::vector<kafka::Message>;

testutil::LaHistoryOptions Options() {
  testutil::LaHistoryOptions o;
  o.children = 150;
  o.officers = 5;
  return o;
}

// Every figure the projection answers with for the history's officers and
// children, as text: scorecards (all measures), worklists, timelines.
std::string Figures(Projection& p, const testutil::LaHistoryOptions& o) {
  std::string out;
  for (int n = 1; n <= o.officers; ++n) {
    const std::string officer = testutil::LaOfficer(n);
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id(officer);
    *r.mutable_from() = ToProto(Date::Ymd(2019, 1, 1));
    *r.mutable_to() = ToProto(o.today);
    auto card = p.GetOfficerScorecard(r);
    EXPECT_TRUE(card.ok()) << card.status();
    if (card.ok()) absl::StrAppend(&out, card->ShortDebugString(), "\n");
    v1::GetWorklistRequest w;
    w.set_officer_id(officer);
    w.set_page_size(1000);
    auto list = p.GetWorklist(w, o.today);
    EXPECT_TRUE(list.ok()) << list.status();
    if (list.ok()) absl::StrAppend(&out, list->ShortDebugString(), "\n");
  }
  for (int c = 1; c <= o.children; c += 7) {
    v1::GetTimelineRequest t;
    t.set_child_id(absl::StrCat("child-", absl::Dec(c, absl::kZeroPad5)));
    t.set_page_size(1000);
    auto timeline = p.GetTimeline(t);
    EXPECT_TRUE(timeline.ok()) << timeline.status();
    if (timeline.ok())
      absl::StrAppend(&out, timeline->ShortDebugString(), "\n");
  }
  return out;
}

struct Versioned {
  std::string stream;
  int64_t version = 0;
};
Versioned VersionOf(const kafka::Message& m) {
  v1::EventEnvelopeHeader e;
  if (!kafka::DecodeValue(m, &e).ok()) return {};
  return {absl::StrCat(m.topic, "/", e.metadata().stream_id()),
          e.metadata().version()};
}

class OrderTest : public ::testing::Test {
 protected:
  std::unique_ptr<Projection> Open(const std::string& name) {
    auto p = Projection::Open(dir_.Sub(name));
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }
  static void ApplyInBatches(Projection& p, const Records& records,
                             size_t batch) {
    for (size_t i = 0; i < records.size(); i += batch) {
      Records b(records.begin() + static_cast<std::ptrdiff_t>(i),
                records.begin() + static_cast<std::ptrdiff_t>(
                                      std::min(records.size(), i + batch)));
      ASSERT_TRUE(p.Apply(b).ok());
    }
  }
  void TearDown() override { SetUnknownRulesForTesting({}); }

  testutil::TempDir dir_;
};

// The generated history is what the relays publish: every record keeps its
// topic's contract (the benchmarks feed it through the consumer runtime).
TEST(LaHistoryTest, EveryRecordKeepsItsTopicsContract) {
  Records records = testutil::LaHistory(Options());
  testutil::TempDir dir;
  auto p = Projection::Open(dir.Sub("unused"));
  ASSERT_TRUE(p.ok());
  ProjectionSink sink(**p);
  for (const kafka::Message& m : records) {
    absl::Status s = sink.Check(m);
    ASSERT_TRUE(s.ok()) << m.topic << " " << kafka::HeaderOf(m, "ce_type")
                        << ": " << s;
  }
}

// The source names the stream together with its id: an event without it
// breaks the contract (dead-lettered, naming why), never filed apart from
// its stream under the topic's name.
TEST(LaHistoryTest, AnEventWithoutItsSourceBreaksTheContract) {
  Records records = testutil::LaHistory(Options());
  testutil::TempDir dir;
  auto p = Projection::Open(dir.Sub("unused"));
  ASSERT_TRUE(p.ok());
  ProjectionSink sink(**p);
  auto ehc = std::find_if(records.begin(), records.end(), [](const auto& r) {
    return r.topic == "casework.ehc-assessments.v1";
  });
  ASSERT_NE(ehc, records.end());
  kafka::Message m = *ehc;
  ASSERT_TRUE(sink.Check(m).ok());
  v1::EhcAssessmentEvent event;
  ASSERT_TRUE(event.ParseFromString(m.value));
  ASSERT_FALSE(event.metadata().source().empty());
  event.mutable_metadata()->clear_source();
  m.value = event.SerializeAsString();
  const absl::Status refused = sink.Check(m);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("metadata.source is empty"),
            std::string::npos)
      << refused;
}

TEST_F(OrderTest, ShuffledWithMissingEventsEndsAsTheCleanRebuild) {
  const testutil::LaHistoryOptions o = Options();
  Records records = testutil::LaHistory(o);
  auto clean = Open("clean");
  ApplyInBatches(*clean, records, 700);
  const std::string expected = Figures(*clean, o);
  ASSERT_GT(expected.size(), 1000u);

  // Shuffle everything (directory records stay first), then take one event
  // out of every fifth stream (not its last) and deliver those at the end.
  Records shuffled(records.begin(), records.end());
  const auto events_begin = std::find_if(
      shuffled.begin(), shuffled.end(),
      [](const kafka::Message& m) { return m.topic != kDirectoryTopic; });
  std::mt19937_64 rng(7);
  std::shuffle(events_begin, shuffled.end(), rng);
  std::map<std::string, int64_t> last;
  for (const kafka::Message& m : records) {
    Versioned v = VersionOf(m);
    if (v.version > 0) last[v.stream] = std::max(last[v.stream], v.version);
  }
  Records late, first;
  int stream_no = 0;
  std::map<std::string, bool> taken;
  for (const kafka::Message& m : shuffled) {
    Versioned v = VersionOf(m);
    if (v.version > 0 && v.version == 2 && last[v.stream] > 2 &&
        !taken[v.stream] && (stream_no++ % 5) == 0) {
      taken[v.stream] = true;
      late.push_back(m);
      continue;
    }
    first.push_back(m);
  }
  ASSERT_GT(late.size(), 10u);
  auto messy = Open("messy");
  ApplyInBatches(*messy, first, 300);
  // While the missing events are missing, their streams are held: visible,
  // and not applied past the gap.
  EXPECT_EQ(messy->Trouble().held, static_cast<int64_t>(late.size()));
  EXPECT_EQ(messy->Trouble().parked, 0);
  auto troubled = messy->Troubled(1000);
  ASSERT_TRUE(troubled.ok());
  ASSERT_EQ(troubled->size(), late.size());
  for (const internal::StreamTrouble& t : *troubled) {
    EXPECT_EQ(t.applied_version(), 1) << t.ShortDebugString();
    EXPECT_EQ(t.waiting_for(), 2);
    EXPECT_GT(t.held_count(), 0);
  }
  EXPECT_NE(Figures(*messy, o), expected);
  // The missing events arrive (a re-publish): everything applies in order.
  ApplyInBatches(*messy, late, 7);
  EXPECT_EQ(messy->Trouble().held, 0);
  EXPECT_TRUE(messy->Troubled(10)->empty());
  EXPECT_EQ(Figures(*messy, o), expected);
  // Delivered all over again (a re-publish of everything): nothing changes.
  ApplyInBatches(*messy, records, 1000);
  EXPECT_EQ(Figures(*messy, o), expected);
}

TEST_F(OrderTest, APoisonEventParksItsStreamOnlyUntilRetried) {
  const testutil::LaHistoryOptions o = Options();
  Records records = testutil::LaHistory(o);
  auto clean = Open("clean");
  ApplyInBatches(*clean, records, 700);
  const std::string expected = Figures(*clean, o);

  // A build that does not know the final-plan rule: every assessment
  // reaching a final plan parks there; every other stream goes on.
  SetUnknownRulesForTesting({"ehc.final_plan"});
  auto p = Open("poisoned");
  ApplyInBatches(*p, records, 700);
  const TroubleCounts trouble = p->Trouble();
  EXPECT_GT(trouble.parked, 10);
  EXPECT_EQ(trouble.held, 0);
  auto troubled = p->Troubled(1000);
  ASSERT_TRUE(troubled.ok());
  ASSERT_EQ(static_cast<int64_t>(troubled->size()), trouble.parked);
  const internal::StreamTrouble first = troubled->front();
  EXPECT_NE(first.parked_reason().find("rule 'ehc.final_plan' is not known"),
            std::string::npos)
      << first.parked_reason();
  EXPECT_EQ(first.parked_version(), first.applied_version() + 1);
  EXPECT_EQ(first.source(), "ehc-assessments");
  // Retried by the same build: parked again, with the reason.
  absl::Status again = p->RetryStream(first.source(), first.stream_id());
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
  EXPECT_NE(again.message().find("not known"), std::string::npos);
  EXPECT_EQ(p->Trouble().parked, trouble.parked);
  // A stream that is not parked cannot be retried.
  EXPECT_EQ(p->RetryStream("ehc-assessments", "no-such-stream").code(),
            absl::StatusCode::kNotFound);

  // The upgrade: the rule is known; each parked stream retried applies its
  // held events in order, and the figures are the clean rebuild's.
  SetUnknownRulesForTesting({});
  for (const internal::StreamTrouble& t : *troubled) {
    ASSERT_TRUE(p->RetryStream(t.source(), t.stream_id()).ok())
        << t.ShortDebugString();
  }
  EXPECT_EQ(p->Trouble().parked, 0);
  EXPECT_EQ(p->Trouble().held, 0);
  EXPECT_EQ(Figures(*p, o), expected);
}

TEST_F(OrderTest, ParkedAndHeldStreamsSurviveAReopen) {
  const testutil::LaHistoryOptions o = Options();
  Records records = testutil::LaHistory(o);
  SetUnknownRulesForTesting({"ehc.final_plan"});
  {
    auto p = Open("p");
    ApplyInBatches(*p, records, 700);
  }
  auto p = Open("p");
  EXPECT_GT(p->Trouble().parked, 10);
}

TEST_F(OrderTest, AForgedFutureVersionDoesNotHideTheRealEvents) {
  const testutil::LaHistoryOptions o = Options();
  Records records = testutil::LaHistory(o);
  auto clean = Open("clean");
  ApplyInBatches(*clean, records, 700);
  const std::string expected = Figures(*clean, o);

  // The first event of some stream, copied with version 50 and delivered
  // before everything else.
  kafka::Message forged;
  for (const kafka::Message& m : records) {
    if (VersionOf(m).version == 1) {
      forged = m;
      break;
    }
  }
  v1::EventEnvelopeHeader e;
  ASSERT_TRUE(kafka::DecodeValue(forged, &e).ok());
  e.mutable_metadata()->set_version(50);
  e.mutable_metadata()->set_event_id("forged");
  forged.value = e.SerializeAsString();
  auto p = Open("forged");
  ASSERT_TRUE(p->Apply(forged).ok());
  ApplyInBatches(*p, records, 700);
  // The real events all applied; the forgery waits, visible, for versions
  // that will never come.
  EXPECT_EQ(Figures(*p, o), expected);
  auto troubled = p->Troubled(10);
  ASSERT_TRUE(troubled.ok());
  ASSERT_EQ(troubled->size(), 1u);
  EXPECT_EQ(troubled->front().stream_id(), e.metadata().stream_id());
  EXPECT_EQ(troubled->front().held_count(), 1);
}

TEST_F(OrderTest, TwoEventsClaimingOneVersionParkTheStream) {
  const testutil::LaHistoryOptions o = Options();
  Records records = testutil::LaHistory(o);
  // A stream's version 3, and a different event claiming version 3, both
  // ahead of the stream.
  kafka::Message third;
  for (const kafka::Message& m : records) {
    if (VersionOf(m).version == 3) {
      third = m;
      break;
    }
  }
  ASSERT_FALSE(third.value.empty());
  v1::EventEnvelopeHeader e;
  ASSERT_TRUE(kafka::DecodeValue(third, &e).ok());
  e.mutable_metadata()->set_event_id("impostor");
  kafka::Message impostor = third;
  impostor.value = e.SerializeAsString();
  auto p = Open("conflict");
  ASSERT_TRUE(p->Apply(Records{third, impostor, third}).ok());
  auto troubled = p->Troubled(10);
  ASSERT_TRUE(troubled.ok());
  ASSERT_EQ(troubled->size(), 1u);
  EXPECT_NE(troubled->front().parked_reason().find(
                "two different events claim version 3"),
            std::string::npos)
      << troubled->front().parked_reason();
}

// A service restored from a backup may write anew, under versions already
// published, events that differ from those on the topic: the version the
// projection applied arriving as another event parks its stream, saying
// why; a re-delivery of the same event does not.
TEST_F(OrderTest, AnAppliedVersionArrivingAsAnotherEventParksTheStream) {
  Records records = testutil::LaHistory(Options());
  std::string stream;
  Records upto3;
  kafka::Message third;
  for (const kafka::Message& m : records) {
    const Versioned v = VersionOf(m);
    if (m.topic != "casework.ehc-assessments.v1" || v.version == 0) continue;
    if (stream.empty() && v.version == 1) stream = v.stream;
    if (v.stream != stream || v.version > 3) continue;
    upto3.push_back(m);
    if (v.version == 3) third = m;
  }
  ASSERT_EQ(upto3.size(), 3u);
  auto p = Open("two-histories");
  ASSERT_TRUE(p->Apply(upto3).ok());
  ASSERT_TRUE(p->Apply(Records{third}).ok());  // a re-delivery
  auto troubled = p->Troubled(10);
  ASSERT_TRUE(troubled.ok());
  EXPECT_TRUE(troubled->empty());
  v1::EhcAssessmentEvent e;
  ASSERT_TRUE(e.ParseFromString(third.value));
  e.mutable_metadata()->set_event_id("written-again-after-a-restore");
  kafka::Message other = third;
  other.value = e.SerializeAsString();
  ASSERT_TRUE(p->Apply(Records{other}).ok());
  troubled = p->Troubled(10);
  ASSERT_TRUE(troubled.ok());
  ASSERT_EQ(troubled->size(), 1u);
  EXPECT_NE(
      troubled->front().parked_reason().find("version 3 was applied as event"),
      std::string::npos)
      << troubled->front().parked_reason();
  EXPECT_NE(
      troubled->front().parked_reason().find("written-again-after-a-restore"),
      std::string::npos);
}

}  // namespace
}  // namespace casework::projection
