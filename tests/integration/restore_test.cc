// Recovery from the topic (libs/host/restore.h): a log published by the relay
// to the embedded broker is rebuilt into an empty store event for event
// (positions, versions, ids, payloads), with its idempotency records and list
// indexes; what it cannot rebuild (texts kept out of events) is absent; a
// non-empty store and a topic missing part of the log are refused, saying why.
#include "libs/host/restore.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/command_handler.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/kafka/kafka.h"
#include "libs/kafka/topics.h"
#include "services/ehc-assessments/assessment.h"
#include "tests/testing/temp_dir.h"

namespace casework {
namespace {

constexpr char kTopic[] = "casework.ehc-assessments.v1";

std::vector<std::pair<std::string, std::string>> IndexOf(
    const host::StreamFacts& f) {
  return {{ehc::ChildIndexKey(f.child_id, f.stream_id), ""},
          {ehc::OfficerIndexKey(f.officer_id, f.stream_id), ""}};
}

class RestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto broker = kafka::EmbeddedBroker::Start();
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = std::move(*broker);
    ASSERT_TRUE(broker_->CreateTopic(kTopic, 3).ok());
    auto store = RocksEventStore::Open(dir_.Sub("original"));
    ASSERT_TRUE(store.ok());
    original_ = std::move(*store);
  }

  template <typename Request, typename DecideFn>
  void Run(const std::string& id, const std::string& request_id,
           const Request& request, DecideFn decide) {
    CommandHandler<ehc::Traits> handler(*original_, clock_);
    CommandContext context =
        CommandContextFor("officer-01", "/test/Command", request);
    context.request_id = request_id;
    auto result =
        handler.Execute(id, context, [&](const ehc::Assessment& s, int64_t) {
          return decide(s, ehc::Env{clock_.Today(), calendar_});
        });
    ASSERT_TRUE(result.ok()) << result.status();
  }

  // Three assessments: one moved to another officer, one with advice asked
  // of a named adviser (a text kept beside the log).
  void MakeHistory() {
    for (int i = 1; i <= 3; ++i) {
      const std::string id = absl::StrCat("a-", i);
      v1::RecordRequestRequest r;
      r.set_child_id(absl::StrCat("child-", i));
      r.set_officer_id("officer-01");
      r.set_source(v1::REQUEST_SOURCE_PARENT);
      r.set_kind(v1::ASSESSMENT_KIND_FIRST);
      *r.mutable_received_on() = ToProto(Date::Ymd(2026, 9, i));
      Run(id, absl::StrCat("req-", i), r,
          [&](const ehc::Assessment& s, const ehc::Env& env) {
            return ehc::Decide(s, id, r, env);
          });
    }
    v1::ReassignOfficerRequest move;
    move.set_assessment_id("a-2");
    move.set_officer_id("officer-02");
    *move.mutable_reassigned_on() = ToProto(Date::Ymd(2026, 9, 20));
    Run("a-2", "move-2", move,
        [&](const ehc::Assessment& s, const ehc::Env& env) {
          return ehc::Decide(s, move, env);
        });
    v1::DecideToAssessRequest yes;
    yes.set_assessment_id("a-3");
    *yes.mutable_decided_on() = ToProto(Date::Ymd(2026, 10, 1));
    Run("a-3", "yes-3", yes,
        [&](const ehc::Assessment& s, const ehc::Env& env) {
          return ehc::Decide(s, yes, env);
        });
    v1::RequestAdviceRequest advice;
    advice.set_assessment_id("a-3");
    advice.set_advice_id("ep");
    advice.set_advice_type(v1::ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY);
    advice.set_adviser("Dr Made Up");
    *advice.mutable_requested_on() = ToProto(Date::Ymd(2026, 10, 2));
    Run("a-3", "advice-3", advice,
        [&](const ehc::Assessment& s, const ehc::Env& env) {
          return ehc::Decide(s, "ep", advice, env);
        });
  }

  // Publishes the original log (twice when `again`: duplicates on the
  // topic) and waits until the broker has all of it.
  void Publish(bool again) {
    // The relay as the service host starts it.
    auto relay = kafka::StartServiceRelay(
        *original_, "ehc-assessments", "uk.send.casework.ehc.v1.",
        v1::EhcAssessmentEvent::default_instance(),
        kafka::RelayFlags{.brokers = broker_->bootstrap_servers(),
                          .event_format = "protobuf"});
    ASSERT_TRUE(relay.ok()) << relay.status();
    const int64_t last = original_->LastPosition();
    for (int i = 0; i < 2000 && (*relay)->published() < last; ++i) {
      original_->WaitForAppend(last, absl::Milliseconds(5));
    }
    ASSERT_EQ((*relay)->published(), last);
    if (again) {
      (*relay)->RepublishFrom(1);
      // Until the topic holds every event twice.
      auto consumer = kafka::Consumer::Create(
          kafka::ConsumerOptions{.brokers = broker_->bootstrap_servers()});
      ASSERT_TRUE(consumer.ok());
      int64_t records = 0;
      for (int i = 0; i < 500 && records < 2 * last; ++i) {
        records = 0;
        for (int32_t p = 0; p < 3; ++p) {
          auto w = (*consumer)->QueryWatermarks({kTopic, p}, absl::Seconds(5));
          ASSERT_TRUE(w.ok());
          records += w->high;
        }
        original_->WaitForAppend(last, absl::Milliseconds(10));
      }
      ASSERT_EQ(records, 2 * last);
    }
  }

  host::RestoreOptions Options(const std::string& topic = kTopic) {
    kafka::DomainTopic contract = *kafka::FindDomainTopic(kTopic);
    contract.topic = topic;
    return host::RestoreOptions{.brokers = broker_->bootstrap_servers(),
                                .topic = contract,
                                .index_of = IndexOf,
                                .timeout = absl::Seconds(60)};
  }

  testutil::TempDir dir_;
  FakeClock clock_{
      absl::FromCivil(absl::CivilDay(2026, 11, 2), absl::UTCTimeZone())};
  Calendar calendar_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<RocksEventStore> original_;
};

TEST_F(RestoreTest, RebuildsTheLogItsRequestsAndIndexesButNotTheTexts) {
  MakeHistory();
  Publish(/*again=*/true);
  // A forged record (another source) is not one of the service's events.
  {
    auto producer = kafka::Producer::Create(broker_->bootstrap_servers());
    ASSERT_TRUE(producer.ok());
    kafka::Message forged;
    forged.key = "child-1";
    forged.value = "forged";
    forged.headers = {{"ce_source", "/somewhere/else"}};
    ASSERT_TRUE((*producer)->Send(kTopic, {forged}).ok());
  }
  auto restored = RocksEventStore::Open(dir_.Sub("restored"));
  ASSERT_TRUE(restored.ok());
  absl::StatusOr<host::RestoreSummary> summary =
      host::RestoreFromTopic(**restored, Options());
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->events, original_->LastPosition());
  EXPECT_EQ(summary->streams, 3);
  EXPECT_EQ(summary->foreign, 1);
  EXPECT_EQ(summary->duplicates, original_->LastPosition());

  auto want = original_->ReadAfter(0, 1000);
  auto got = (*restored)->ReadAfter(0, 1000);
  ASSERT_TRUE(want.ok() && got.ok());
  ASSERT_EQ(got->size(), want->size());
  for (size_t i = 0; i < want->size(); ++i) {
    EXPECT_EQ((*got)[i].position, (*want)[i].position);
    EXPECT_EQ((*got)[i].stream_id, (*want)[i].stream_id);
    EXPECT_EQ((*got)[i].version, (*want)[i].version);
    EXPECT_EQ((*got)[i].event_id, (*want)[i].event_id);
    EXPECT_EQ((*got)[i].child_id, (*want)[i].child_id);
    EXPECT_EQ((*got)[i].payload, (*want)[i].payload) << "position " << i + 1;
  }
  // A retry of a command made before the loss is answered as a repeat.
  for (const char* id : {"req-1", "move-2", "advice-3"}) {
    auto a = original_->FindRequest(id);
    auto b = (*restored)->FindRequest(id);
    ASSERT_TRUE(a.ok() && b.ok() && a->has_value() && b->has_value()) << id;
    EXPECT_EQ((*b)->first_position, (*a)->first_position) << id;
    EXPECT_EQ((*b)->event_ids, (*a)->event_ids) << id;
  }
  // The list indexes: by child and by the officer holding each case now.
  for (const std::string& prefix : {ehc::ChildIndexKey("child-2", ""),
                                    ehc::OfficerIndexKey("officer-01", ""),
                                    ehc::OfficerIndexKey("officer-02", "")}) {
    auto a = original_->ScanIndex(prefix, "", 100);
    auto b = (*restored)->ScanIndex(prefix, "", 100);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*b, *a) << prefix;
    EXPECT_FALSE(b->empty()) << prefix;
  }
  // The adviser's name was never on the topic: a backup is what keeps it.
  auto text = original_->ScanIndex(ehc::TextPrefix("a-3"), "", 10);
  auto lost = (*restored)->ScanIndex(ehc::TextPrefix("a-3"), "", 10);
  ASSERT_TRUE(text.ok() && lost.ok());
  EXPECT_EQ(text->size(), 1u);
  EXPECT_TRUE(lost->empty());
  // Nothing is published again.
  auto cursor = (*restored)->GetCursor("relay");
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor, original_->LastPosition());

  // A store that holds a log is never overwritten.
  absl::StatusOr<host::RestoreSummary> again =
      host::RestoreFromTopic(**restored, Options());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("already holds a log"),
            std::string::npos)
      << again.status();
}

TEST_F(RestoreTest, RefusesATopicMissingPartOfTheLog) {
  MakeHistory();
  Publish(false);
  // A copy of the topic without position 3 (as if it had never been
  // published).
  ASSERT_TRUE(broker_->CreateTopic("casework.gap.v1", 1).ok());
  auto producer = kafka::Producer::Create(broker_->bootstrap_servers());
  ASSERT_TRUE(producer.ok());
  auto events = original_->ReadAfter(0, 1000);
  ASSERT_TRUE(events.ok());
  std::vector<kafka::Message> records;
  for (const StoredEvent& e : *events) {
    if (e.position == 3) continue;
    kafka::Message m;
    m.key = e.child_id;
    m.value = e.payload;
    m.headers = {{"content-type", "application/protobuf"},
                 {"ce_source", "/casework/ehc-assessments"},
                 {"ce_type", "uk.send.casework.ehc.v1." + e.type}};
    records.push_back(std::move(m));
  }
  ASSERT_TRUE((*producer)->Send("casework.gap.v1", records).ok());
  auto restored = RocksEventStore::Open(dir_.Sub("restored"));
  ASSERT_TRUE(restored.ok());
  absl::StatusOr<host::RestoreSummary> summary =
      host::RestoreFromTopic(**restored, Options("casework.gap.v1"));
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(summary.status().message().find("positions 3 to 3 are not on"),
            std::string::npos)
      << summary.status();
  EXPECT_EQ((*restored)->LastPosition(), 0) << "nothing written";
}

// A backup restored after more steps were acknowledged (and published) is
// brought up to date from the topic before it writes: every step is there,
// at its own position, and the next step lands after them - no position is
// ever written twice.
TEST_F(RestoreTest, ABackupCatchesUpWithItsTopicBeforeItWrites) {
  MakeHistory();
  Publish(false);
  ASSERT_TRUE(original_->Checkpoint(dir_.Sub("backup")).ok());
  const int64_t at_backup = original_->LastPosition();
  // After the backup: a decision, and a case moved to another officer.
  v1::DecideToAssessRequest yes;
  yes.set_assessment_id("a-1");
  *yes.mutable_decided_on() = ToProto(Date::Ymd(2026, 10, 5));
  Run("a-1", "yes-1", yes, [&](const ehc::Assessment& s, const ehc::Env& env) {
    return ehc::Decide(s, yes, env);
  });
  v1::ReassignOfficerRequest move;
  move.set_assessment_id("a-1");
  move.set_officer_id("officer-03");
  *move.mutable_reassigned_on() = ToProto(Date::Ymd(2026, 10, 6));
  Run("a-1", "move-1", move,
      [&](const ehc::Assessment& s, const ehc::Env& env) {
        return ehc::Decide(s, move, env);
      });
  Publish(false);
  const int64_t last = original_->LastPosition();
  ASSERT_EQ(last, at_backup + 2);

  auto restored = RocksEventStore::Open(dir_.Sub("backup"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  ASSERT_EQ((*restored)->LastPosition(), at_backup);
  absl::StatusOr<int64_t> published =
      host::LastPublishedPosition(Options(), absl::Seconds(30));
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, last);
  absl::StatusOr<host::RestoreSummary> caught =
      host::CatchUpFromTopic(**restored, Options());
  ASSERT_TRUE(caught.ok()) << caught.status();
  EXPECT_EQ(caught->events, 2);
  EXPECT_EQ(caught->last_position, last);
  auto want = original_->ReadAfter(0, 1000);
  auto got = (*restored)->ReadAfter(0, 1000);
  ASSERT_TRUE(want.ok() && got.ok());
  ASSERT_EQ(got->size(), want->size());
  for (size_t i = 0; i < want->size(); ++i) {
    EXPECT_EQ((*got)[i].position, (*want)[i].position);
    EXPECT_EQ((*got)[i].event_id, (*want)[i].event_id) << "position " << i + 1;
    EXPECT_EQ((*got)[i].payload, (*want)[i].payload) << "position " << i + 1;
  }
  // The moved case is listed under its new officer only; the retry of a step
  // made after the backup is a repeat; nothing is published again.
  auto listed = [&](const std::string& officer) {
    auto rows =
        (*restored)->ScanIndex(ehc::OfficerIndexKey(officer, ""), "", 100);
    EXPECT_TRUE(rows.ok());
    int n = 0;
    for (const auto& [key, value] : *rows) n += absl::EndsWith(key, "a-1");
    return n;
  };
  EXPECT_EQ(listed("officer-03"), 1);
  EXPECT_EQ(listed("officer-01"), 0);
  auto retried = (*restored)->FindRequest("move-1");
  ASSERT_TRUE(retried.ok() && retried->has_value());
  EXPECT_EQ((*retried)->first_position, last);
  EXPECT_EQ(*(*restored)->GetCursor("relay"), last);
  // Caught up: a second pass finds nothing; the next step is position last+1.
  caught = host::CatchUpFromTopic(**restored, Options());
  ASSERT_TRUE(caught.ok());
  EXPECT_EQ(caught->events, 0);
  AppendRequest next;
  next.stream_id = "a-9";
  next.child_id = "child-9";
  next.expected_version = 0;
  next.events.push_back(
      NewEvent{"e-new", "RequestRecorded", (*want)[0].payload});
  auto appended = (*restored)->Append(std::move(next));
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->first_position, last + 1);
}

// A log and a topic that tell two histories (say, the backup of another
// service) are refused, naming the position, and nothing is written.
TEST_F(RestoreTest, ALogAndATopicWithTwoHistoriesAreRefused) {
  MakeHistory();
  Publish(false);
  auto other = RocksEventStore::Open(dir_.Sub("other"));
  ASSERT_TRUE(other.ok());
  auto first = original_->ReadAfter(0, 1);
  ASSERT_TRUE(first.ok() && first->size() == 1);
  AppendRequest req;
  req.stream_id = (*first)[0].stream_id;
  req.child_id = (*first)[0].child_id;
  req.expected_version = 0;
  req.events.push_back(
      NewEvent{"another-event", (*first)[0].type, (*first)[0].payload});
  ASSERT_TRUE((*other)->Append(std::move(req)).ok());
  absl::StatusOr<host::RestoreSummary> caught =
      host::CatchUpFromTopic(**other, Options());
  EXPECT_EQ(caught.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(caught.status().message().find("at position 1 where the log "
                                           "holds another-event"),
            std::string::npos)
      << caught.status();
  EXPECT_EQ((*other)->LastPosition(), 1) << "nothing written";
}

// A topic shorter than the position the operator expects (from a backup or
// the last-position metric) is refused rather than restored short.
TEST_F(RestoreTest, ATopicShortOfTheExpectedLastPositionIsRefused) {
  MakeHistory();
  Publish(false);
  const int64_t last = original_->LastPosition();
  auto restored = RocksEventStore::Open(dir_.Sub("restored"));
  ASSERT_TRUE(restored.ok());
  host::RestoreOptions options = Options();
  options.expected_last_position = last + 3;
  absl::StatusOr<host::RestoreSummary> summary =
      host::RestoreFromTopic(**restored, options);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(summary.status().message().find(
                absl::StrCat("holds positions up to ", last,
                             ", short of the "
                             "expected ",
                             last + 3)),
            std::string::npos)
      << summary.status();
  EXPECT_EQ((*restored)->LastPosition(), 0);
  options.expected_last_position = last;
  summary = host::RestoreFromTopic(**restored, options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->last_position, last);
}

}  // namespace
}  // namespace casework
