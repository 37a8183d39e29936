// The consumer runtime driven by a fake source, sink and dead-letter sink:
// batching, offsets stored with the effects, dead letters before skipping,
// retries with backoff, a partition whose history is gone, and health.
#include "libs/kafka/consumer_runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/testing/fake_source.h"

namespace casework::kafka {
namespace {

using testutil::FakeSource;

constexpr char kTopic[] = "casework.ehc-assessments.v1";

// Records applied and offsets stored, as one; fails while told to.
class FakeSink final : public RecordSink {
 public:
  absl::StatusOr<OffsetMap> StoredOffsets(
      const std::vector<TopicPartition>&) override {
    std::lock_guard<std::mutex> lock(mu);
    return stored;
  }
  absl::Status Check(const Message& record) override {
    if (record.value == "bad") return absl::InvalidArgumentError("not valid");
    return absl::OkStatus();
  }
  absl::Status Apply(const std::vector<Message>& records,
                     const OffsetMap& next) override {
    std::lock_guard<std::mutex> lock(mu);
    ++attempts;
    if (failures > 0) {
      --failures;
      return absl::UnavailableError("disk full");
    }
    for (const Message& m : records) applied.push_back(m.value);
    for (const auto& [tp, n] : next) stored[tp] = n;
    ++batches;
    cv.notify_all();
    return absl::OkStatus();
  }
  // Waits (bounded) for `n` records applied.
  bool WaitApplied(size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20),
                       [&] { return applied.size() >= n; });
  }

  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> applied;
  OffsetMap stored;
  int failures = 0;
  int attempts = 0;
  int batches = 0;
};

class FakeDeadLetters final : public DeadLetterSink {
 public:
  absl::Status Send(const std::string& topic,
                    const std::vector<Message>& records) override {
    std::lock_guard<std::mutex> lock(mu);
    if (down) return absl::UnavailableError("broker down");
    for (const Message& m : records) sent.emplace_back(topic, m);
    return absl::OkStatus();
  }
  std::mutex mu;
  bool down = false;
  std::vector<std::pair<std::string, Message>> sent;
};

Message Record(int32_t partition, int64_t offset, std::string value) {
  Message m;
  m.topic = kTopic;
  m.partition = partition;
  m.offset = offset;
  m.value = std::move(value);
  return m;
}

RuntimeOptions Options() {
  RuntimeOptions o;
  o.name = "test";
  o.topics = {kTopic};
  o.backoff = absl::Milliseconds(1);
  o.max_backoff = absl::Milliseconds(5);
  o.poll_wait = absl::Milliseconds(1);
  o.serving_lag = 0;
  return o;
}

// Waits (bounded) until `pred` holds of the runtime's status.
bool WaitStatus(const ConsumerRuntime& runtime,
                const std::function<bool(const RuntimeStatus&)>& pred) {
  return runtime.WaitUntil(pred, absl::Seconds(20));
}

// Waits (bounded) until the source has been polled `n` more times.
void WaitPolls(FakeSource::State& state, int n) {
  std::unique_lock<std::mutex> lock(state.mu);
  const int target = state.polls + n;
  state.cv.wait_for(lock, std::chrono::seconds(20),
                    [&] { return state.polls >= target; });
}

// Every health report of a runtime, from when it is made.
class HealthReports {
 public:
  explicit HealthReports(ConsumerRuntime& runtime) {
    runtime.SetHealthListener([this](const absl::Status& s) {
      std::lock_guard<std::mutex> lock(mu_);
      reports_.push_back(std::string(s.message()));
    });
  }
  // The first report containing `text` ("" when none).
  std::string Find(absl::string_view text) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& r : reports_) {
      if (absl::StrContains(r, text)) return r;
    }
    return "";
  }

 private:
  std::mutex mu_;
  std::vector<std::string> reports_;
};

std::shared_ptr<FakeSource::State> Topic(int partitions, int records) {
  auto state = std::make_shared<FakeSource::State>();
  for (int32_t p = 0; p < partitions; ++p) {
    auto& log = state->logs[{kTopic, p}];
    for (int i = 0; i < records; ++i) {
      log.push_back(Record(p, i, absl::StrCat("p", p, "-", i)));
    }
  }
  return state;
}

TEST(DeadLetterTopicTest, NamesFollowTheTopic) {
  EXPECT_EQ(DeadLetterTopic("casework.directory.v1"),
            "casework.directory.deadletter.v1");
  EXPECT_EQ(DeadLetterTopic(kTopic), "casework.ehc-assessments.deadletter.v1");
  EXPECT_EQ(DeadLetterTopic("other"), "other.deadletter");
}

TEST(ConsumerRuntimeTest, AppliesEveryRecordOnceAndStoresOffsets) {
  auto state = Topic(3, 50);
  FakeSink sink;
  {
    ConsumerRuntime runtime(Options(), std::make_unique<FakeSource>(state),
                            sink, nullptr);
    ASSERT_TRUE(sink.WaitApplied(150));
    ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
      return s.serving && s.lag == 0;
    }));
    EXPECT_EQ(runtime.Status().applied, 150);
  }
  EXPECT_EQ(sink.applied.size(), 150u);
  for (int32_t p = 0; p < 3; ++p) EXPECT_EQ((sink.stored[{kTopic, p}]), 50);
  // A restart resumes from the stored offsets: nothing applied twice.
  {
    ConsumerRuntime runtime(Options(), std::make_unique<FakeSource>(state),
                            sink, nullptr);
    ASSERT_TRUE(
        WaitStatus(runtime, [](const RuntimeStatus& s) { return s.serving; }));
  }
  EXPECT_EQ(sink.applied.size(), 150u);
}

TEST(ConsumerRuntimeTest, DeadLettersBeforeSkippingAndOnlyThen) {
  auto state = Topic(1, 3);
  state->logs[{kTopic, 0}][1].value = "bad";
  FakeSink sink;
  FakeDeadLetters letters;
  letters.down = true;  // the dead-letter topic cannot be written at first
  ConsumerRuntime runtime(Options(), std::make_unique<FakeSource>(state), sink,
                          &letters);
  ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
    return s.stalled && s.retries >= 2;
  }));
  // Nothing passed the bad record while its letter was not delivered.
  {
    std::lock_guard<std::mutex> lock(sink.mu);
    EXPECT_TRUE(sink.applied.empty());
    EXPECT_TRUE(sink.stored.empty());
  }
  EXPECT_FALSE(runtime.Status().serving);
  EXPECT_NE(runtime.Status().reason.find("dead-letter"), std::string::npos);
  {
    std::lock_guard<std::mutex> lock(letters.mu);
    letters.down = false;
  }
  ASSERT_TRUE(sink.WaitApplied(2));
  ASSERT_TRUE(
      WaitStatus(runtime, [](const RuntimeStatus& s) { return s.serving; }));
  EXPECT_EQ(sink.applied, (std::vector<std::string>{"p0-0", "p0-2"}));
  EXPECT_EQ((sink.stored[{kTopic, 0}]), 3);
  std::lock_guard<std::mutex> lock(letters.mu);
  ASSERT_EQ(letters.sent.size(), 1u);
  EXPECT_EQ(letters.sent[0].first, "casework.ehc-assessments.deadletter.v1");
  const Message& m = letters.sent[0].second;
  EXPECT_EQ(m.value, "bad");
  std::map<std::string, std::string> headers;
  for (const Header& h : m.headers) headers[h.key] = h.value;
  EXPECT_EQ(headers["casework_reason"], "not valid");
  EXPECT_EQ(headers["casework_source_topic"], kTopic);
  EXPECT_EQ(headers["casework_source_offset"], "0@1");
  EXPECT_EQ(headers["casework_consumer"], "test");
}

TEST(ConsumerRuntimeTest, WithoutADeadLetterTopicABadRecordStallsNotSkips) {
  auto state = Topic(1, 2);
  state->logs[{kTopic, 0}][0].value = "bad";
  FakeSink sink;
  ConsumerRuntime runtime(Options(), std::make_unique<FakeSource>(state), sink,
                          nullptr);
  ASSERT_TRUE(
      WaitStatus(runtime, [](const RuntimeStatus& s) { return s.stalled; }));
  std::lock_guard<std::mutex> lock(sink.mu);
  EXPECT_TRUE(sink.stored.empty());
}

TEST(ConsumerRuntimeTest, RetriesAFailedApplyWithTheSameRecords) {
  auto state = Topic(1, 0);  // the records arrive once health is watched
  FakeSink sink;
  sink.failures = 3;
  std::vector<std::string> health;
  std::mutex health_mu;
  std::condition_variable health_cv;
  ConsumerRuntime runtime(Options(), std::make_unique<FakeSource>(state), sink,
                          nullptr);
  runtime.SetHealthListener([&](const absl::Status& s) {
    std::lock_guard<std::mutex> lock(health_mu);
    health.push_back(s.ok() ? "SERVING" : std::string(s.message()));
    health_cv.notify_all();
  });
  {
    std::lock_guard<std::mutex> lock(state->mu);
    for (int i = 0; i < 10; ++i) {
      state->logs[{kTopic, 0}].push_back(Record(0, i, absl::StrCat("p0-", i)));
    }
  }
  ASSERT_TRUE(sink.WaitApplied(10));
  ASSERT_TRUE(
      WaitStatus(runtime, [](const RuntimeStatus& s) { return s.serving; }));
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) expected.push_back(absl::StrCat("p0-", i));
  EXPECT_EQ(sink.applied, expected);  // once each, in order
  EXPECT_EQ(runtime.Status().retries, 3);
  std::unique_lock<std::mutex> lock(health_mu);
  ASSERT_TRUE(health_cv.wait_for(lock, std::chrono::seconds(20), [&] {
    return !health.empty() && health.back() == "SERVING";
  }));
  bool saw_stall = false;
  for (const std::string& h : health) {
    saw_stall = saw_stall || h.find("disk full") != std::string::npos;
  }
  EXPECT_TRUE(saw_stall);
  EXPECT_EQ(health.back(), "SERVING");
}

TEST(ConsumerRuntimeTest, MissingHistoryStopsLoudlyUntilResumed) {
  auto state = Topic(3, 20);
  state->low[{kTopic, 1}] = 12;  // offsets 0-11 of partition 1 are gone
  state->low[{kTopic, 2}] = 15;  // and 0-14 of partition 2
  FakeSink sink;
  ConsumerRuntime runtime(Options(), std::make_unique<FakeSource>(state), sink,
                          nullptr);
  ASSERT_TRUE(WaitStatus(
      runtime, [](const RuntimeStatus& s) { return s.gone.has_value(); }));
  RuntimeStatus s = runtime.Status();
  EXPECT_FALSE(s.serving);
  EXPECT_EQ(s.gone->second, 1);
  EXPECT_EQ(s.missing_from, 0);
  EXPECT_EQ(s.missing_to, 12);
  EXPECT_NE(s.reason.find("offsets 0 to 11"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("casectl admin republish"), std::string::npos);
  {
    std::lock_guard<std::mutex> lock(sink.mu);
    EXPECT_EQ(sink.stored.count({kTopic, 1}), 0u);  // nothing past the hole
    EXPECT_EQ(sink.stored.count({kTopic, 2}), 0u);
  }
  // Told to resume (after a re-publish), it reads what the broker holds of
  // every partition whose history was gone, and the rest of the others.
  ASSERT_TRUE(runtime.Resume().ok());
  ASSERT_TRUE(sink.WaitApplied(20 + 8 + 5));
  ASSERT_TRUE(
      WaitStatus(runtime, [](const RuntimeStatus& s) { return s.serving; }));
  EXPECT_EQ((sink.stored[{kTopic, 0}]), 20);
  EXPECT_EQ((sink.stored[{kTopic, 1}]), 20);
  EXPECT_EQ((sink.stored[{kTopic, 2}]), 20);
  EXPECT_EQ(sink.applied.size(), 33u);
  EXPECT_FALSE(runtime.Resume().ok());  // nothing gone any more
}

TEST(ConsumerRuntimeTest, FromStartReadsEveryPartitionFromZero) {
  auto state = Topic(1, 5);
  FakeSink sink;
  sink.stored[{kTopic, 0}] = 5;
  RuntimeOptions options = Options();
  options.from_start = true;
  ConsumerRuntime runtime(options, std::make_unique<FakeSource>(state), sink,
                          nullptr);
  ASSERT_TRUE(sink.WaitApplied(5));
}

TEST(ConsumerRuntimeTest, NotServingWhileFarBehind) {
  auto state = Topic(1, 0);
  FakeSink sink;
  sink.failures = 1000000;  // never catches up
  for (int i = 0; i < 50; ++i) {
    state->logs[{kTopic, 0}].push_back(Record(0, i, "x"));
  }
  RuntimeOptions options = Options();
  options.serving_lag = 10;
  ConsumerRuntime runtime(options, std::make_unique<FakeSource>(state), sink,
                          nullptr);
  ASSERT_TRUE(WaitStatus(runtime,
                         [](const RuntimeStatus& s) { return s.retries > 0; }));
  RuntimeStatus s = runtime.Status();
  EXPECT_FALSE(s.serving);
  EXPECT_EQ(s.lag, 50);
}

// A fetch lost in a broker outage (records wait, none arrives, and the ends
// the client knows go stale): the runtime asks the broker for the ends while
// idle, says it is not serving and why, and assigns the partitions again; the
// records then arrive and it serves.
TEST(ConsumerRuntimeTest, ALostFetchIsNoticedAndFetchedAgain) {
  auto state = Topic(1, 3);
  state->lose_fetch_after_assigns = 1;  // the first assignment's fetch is lost
  FakeSink sink;
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  RuntimeOptions options = Options();
  options.serving_lag = 10;  // 3 behind would still count as serving
  options.idle_check = absl::ZeroDuration();
  options.stall_after = absl::Minutes(1);
  options.clock = &clock;
  ConsumerRuntime runtime(options, std::make_unique<FakeSource>(state), sink,
                          nullptr);
  HealthReports reports(runtime);
  // Polled and found nothing (the fetch is lost) while the records wait.
  WaitPolls(*state, 5);
  {
    std::lock_guard<std::mutex> lock(sink.mu);
    EXPECT_TRUE(sink.applied.empty());
  }
  clock.Advance(absl::Minutes(2));
  ASSERT_TRUE(sink.WaitApplied(3));
  EXPECT_EQ(sink.applied, (std::vector<std::string>{"p0-0", "p0-1", "p0-2"}));
  ASSERT_TRUE(WaitStatus(
      runtime, [](const RuntimeStatus& s) { return s.serving && s.lag == 0; }));
  {
    std::lock_guard<std::mutex> lock(state->mu);
    EXPECT_GE(state->assigns, 2);
  }
  EXPECT_FALSE(reports.Find("fetching again").empty())
      << "no report said the fetch stopped";
}

// An error that lasts until an operator acts (a changed ACL or password, a
// deleted topic) makes the consumer not serving at once, saying why; it
// serves again by itself once the cause goes.
TEST(ConsumerRuntimeTest, APersistentConsumeErrorIsNotServingUntilItGoes) {
  auto state = Topic(1, 3);
  FakeSink sink;
  RuntimeOptions options = Options();
  options.idle_check = absl::ZeroDuration();
  ConsumerRuntime runtime(options, std::make_unique<FakeSource>(state), sink,
                          nullptr);
  ASSERT_TRUE(sink.WaitApplied(3));
  ASSERT_TRUE(
      WaitStatus(runtime, [](const RuntimeStatus& s) { return s.serving; }));
  for (const absl::Status& error :
       {absl::PermissionDeniedError("kafka consume: not authorized"),
        absl::NotFoundError("kafka consume: unknown topic or partition"),
        absl::UnauthenticatedError("kafka consume: authentication failed")}) {
    {
      std::lock_guard<std::mutex> lock(state->mu);
      state->poll_error = error;
    }
    ASSERT_TRUE(WaitStatus(runtime, [&](const RuntimeStatus& s) {
      return !s.serving && s.stalled &&
             s.reason.find(std::string(error.message())) != std::string::npos;
    })) << runtime.Status().reason;
    {
      std::lock_guard<std::mutex> lock(state->mu);
      state->poll_error = absl::OkStatus();
      state->logs[{kTopic, 0}].push_back(Record(0, 3, "after"));
    }
    ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
      return s.serving && !s.stalled;
    })) << runtime.Status().reason;
    std::lock_guard<std::mutex> lock(state->mu);
    state->logs[{kTopic, 0}].pop_back();
  }
}

// librdkafka says once that it may not read a partition: the refusal stands,
// with or without records waiting, for as long as fetching anew is refused,
// and goes once it is not.
TEST(ConsumerRuntimeTest, ARefusalSaidOnceStandsUntilFetchingIsAllowed) {
  for (const bool waiting : {true, false}) {
    auto state = Topic(2, 3);
    FakeSink sink;
    RuntimeOptions options = Options();
    options.idle_check = absl::ZeroDuration();
    options.stall_after = absl::Hours(1);  // no lost-fetch handling here
    options.serving_lag = 10;              // one waiting record is not behind
    ConsumerRuntime runtime(options, std::make_unique<FakeSource>(state), sink,
                            nullptr);
    ASSERT_TRUE(sink.WaitApplied(6));
    ASSERT_TRUE(
        WaitStatus(runtime, [](const RuntimeStatus& s) { return s.serving; }));
    const TopicPartition refused{kTopic, 1};
    {
      std::lock_guard<std::mutex> lock(state->mu);
      state->refused.insert(refused);
      state->refusal_said = false;
      if (waiting) state->logs[refused].push_back(Record(1, 3, "waiting"));
    }
    ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
      return !s.serving && s.reason.find("not authorized") != std::string::npos;
    })) << runtime.Status().reason;
    WaitPolls(*state, 50);  // many checks
    EXPECT_FALSE(runtime.Status().serving) << waiting;
    EXPECT_NE(runtime.Status().reason.find("not authorized"), std::string::npos)
        << runtime.Status().reason;
    {
      std::lock_guard<std::mutex> lock(state->mu);
      state->refused.clear();  // the ACL is back
    }
    ASSERT_TRUE(sink.WaitApplied(waiting ? 7 : 6));
    ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
      return s.serving;
    })) << runtime.Status().reason;
  }
}

// Any other error counts once it has lasted stall_after.
TEST(ConsumerRuntimeTest, APassingConsumeErrorCountsOnlyOnceItLasts) {
  auto state = Topic(1, 3);
  FakeSink sink;
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  RuntimeOptions options = Options();
  options.idle_check = absl::Hours(1);  // no check clears it meanwhile
  options.stall_after = absl::Minutes(1);
  options.clock = &clock;
  ConsumerRuntime runtime(options, std::make_unique<FakeSource>(state), sink,
                          nullptr);
  ASSERT_TRUE(sink.WaitApplied(3));
  ASSERT_TRUE(
      WaitStatus(runtime, [](const RuntimeStatus& s) { return s.serving; }));
  {
    std::lock_guard<std::mutex> lock(state->mu);
    state->poll_error = absl::UnavailableError("kafka consume: timed out");
  }
  WaitPolls(*state, 20);
  EXPECT_TRUE(runtime.Status().serving) << runtime.Status().reason;
  clock.Advance(absl::Minutes(2));
  ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
    return !s.serving && s.reason.find("timed out") != std::string::npos;
  })) << runtime.Status().reason;
  EXPECT_NE(runtime.Status().reason.find("for 2m"), std::string::npos)
      << runtime.Status().reason;
  {
    std::lock_guard<std::mutex> lock(state->mu);
    state->poll_error = absl::OkStatus();
    state->logs[{kTopic, 0}].push_back(Record(0, 3, "after"));
  }
  ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
    return s.serving;
  })) << runtime.Status().reason;
}

// One partition's fetch stops while the others deliver: it is noticed from
// the fresh ends, named, and fetched again.
TEST(ConsumerRuntimeTest, OneStoppedPartitionIsNamedAndFetchedAgain) {
  auto state = Topic(2, 5);
  FakeSink sink;
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  RuntimeOptions options = Options();
  options.serving_lag = 100;  // lag alone would not say it
  options.idle_check = absl::ZeroDuration();
  options.stall_after = absl::Minutes(1);
  options.clock = &clock;
  ConsumerRuntime runtime(options, std::make_unique<FakeSource>(state), sink,
                          nullptr);
  HealthReports reports(runtime);
  ASSERT_TRUE(sink.WaitApplied(10));
  {
    // Partition 1's fetch stops; both get three more records.
    std::lock_guard<std::mutex> lock(state->mu);
    state->stuck = {{kTopic, 1}};
    for (int32_t p = 0; p < 2; ++p) {
      for (int i = 5; i < 8; ++i) {
        state->logs[{kTopic, p}].push_back(Record(p, i, "later"));
      }
    }
  }
  ASSERT_TRUE(sink.WaitApplied(13));  // partition 0's
  EXPECT_TRUE(runtime.Status().serving);
  clock.Advance(absl::Minutes(2));
  ASSERT_TRUE(sink.WaitApplied(16));  // partition 1's, fetched again
  ASSERT_TRUE(WaitStatus(
      runtime, [](const RuntimeStatus& s) { return s.serving && s.lag == 0; }));
  const std::string named = reports.Find("fetching again");
  ASSERT_FALSE(named.empty()) << "no report said the fetch stopped";
  EXPECT_NE(named.find("casework.ehc-assessments.v1/1: 3 records wait"),
            std::string::npos)
      << named;
}

TEST(ConsumerRuntimeTest, EndsThatCannotBeHadPastTheLimitAreNotServing) {
  auto state = Topic(1, 3);
  FakeSink sink;
  RuntimeOptions options = Options();
  options.idle_check = absl::ZeroDuration();
  options.stall_after = absl::ZeroDuration();
  ConsumerRuntime runtime(options, std::make_unique<FakeSource>(state), sink,
                          nullptr);
  ASSERT_TRUE(sink.WaitApplied(3));
  ASSERT_TRUE(
      WaitStatus(runtime, [](const RuntimeStatus& s) { return s.serving; }));
  {
    std::lock_guard<std::mutex> lock(state->mu);
    state->watermarks_fail = true;
  }
  ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
    return !s.serving &&
           s.reason.find(
               "has not told the end of "
               "casework.ehc-assessments.v1/0") != std::string::npos;
  })) << runtime.Status().reason;
  {
    std::lock_guard<std::mutex> lock(state->mu);
    state->watermarks_fail = false;
  }
  ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
    return s.serving;
  })) << runtime.Status().reason;
}

// Partitions raised while the consumer runs (docs/operations.md) are read
// from offset 0, without a restart.
TEST(ConsumerRuntimeTest, APartitionAddedWhileRunningIsReadFromZero) {
  auto state = Topic(2, 3);
  FakeSink sink;
  RuntimeOptions options = Options();
  options.idle_check = absl::ZeroDuration();
  ConsumerRuntime runtime(options, std::make_unique<FakeSource>(state), sink,
                          nullptr);
  ASSERT_TRUE(sink.WaitApplied(6));
  {
    std::lock_guard<std::mutex> lock(state->mu);
    auto& log = state->logs[{kTopic, 2}];
    for (int i = 0; i < 4; ++i) log.push_back(Record(2, i, "new"));
  }
  ASSERT_TRUE(sink.WaitApplied(10));
  ASSERT_TRUE(WaitStatus(runtime, [](const RuntimeStatus& s) {
    return s.serving && s.partitions.size() == 3 && s.lag == 0;
  }));
  std::lock_guard<std::mutex> lock(sink.mu);
  EXPECT_EQ((sink.stored[{kTopic, 2}]), 4);
  EXPECT_EQ(std::count(sink.applied.begin(), sink.applied.end(), "new"), 4);
}

}  // namespace
}  // namespace casework::kafka
