// ConsumerRuntime: the one poll-check-apply-store loop of every casework
// consumer of a topic (the projection, the annual-reviews plan intake).
//
// For each batch it: polls what has arrived (up to max_batch), checks each
// record against its topic's contract (RecordSink::Check), sends the records
// that break it to the topic's dead-letter topic and waits for the broker's
// acknowledgement, and only then applies the rest together with the next
// offset of every partition in the batch (RecordSink::Apply). So a record is
// either applied or dead-lettered before its offset passes (at least once),
// and the offsets only ever move over records handled.
//
// Failures are loud, never skipped:
// - Apply failing (storage) is retried with backoff from the same records;
//   meanwhile the runtime is stalled (health NOT_SERVING, with the reason).
// - Dead letters that cannot be delivered block the batch the same way.
// - A partition whose next offset the broker no longer holds (retention, a
//   recreated topic) stops the runtime with the partition and the missing
//   range; it resumes only when told (Resume) after the owning service has
//   re-published its log, or from the start after a rebuild.
// - Every idle_check, busy or not, the runtime asks the broker for every
//   partition's end (fresh, not the ends the client last saw), and:
//   - a partition with records waiting and none arriving for stall_after
//     while the loop finds nothing to read (a fetch lost in a broker outage)
//     makes it stalled, naming the partition, and it assigns the partitions
//     again, which fetches anew;
//   - ends that cannot be had for stall_after make it stalled;
//   - partitions added to a topic since are read from offset 0.
// - A consume error that lasts until an operator acts (authorization, a
//   failed login, an unknown topic) makes it stalled at once, and any other
//   error lasting stall_after; it clears when records arrive or a check
//   finds the broker answering without the error.
// Stalled means NOT_SERVING with the reason, which stands exactly as long as
// its cause (the gravest first when there are several).
//
// Health: SERVING once every partition's end is known and the records behind
// it are at most serving_lag; NOT_SERVING (with a reason) while starting,
// catching up, or stalled. Status() gives the figures for operators.
//
// The source and sink are interfaces so that tests drive the loop with fakes
// (tests/kafka/consumer_runtime_test.cc); KafkaRecordSource is the real one.
//
// Thread safety: owns one thread; Status, Resume and the health listener are
// thread-safe.
#ifndef CASEWORK_LIBS_KAFKA_CONSUMER_RUNTIME_H_
#define CASEWORK_LIBS_KAFKA_CONSUMER_RUNTIME_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/core/clock.h"
#include "libs/kafka/kafka.h"
#include "libs/metrics/metrics.h"

namespace casework::kafka {

using OffsetMap = std::map<TopicPartition, int64_t>;

// Where records come from.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // NOT_FOUND (or UNAVAILABLE) while the topic does not exist yet.
  virtual absl::StatusOr<int> PartitionCount(const std::string& topic) = 0;
  // Reads exactly these partitions from these offsets from now on.
  virtual absl::Status Assign(const OffsetMap& next) = 0;
  // The next record, or nullopt when none arrives within `timeout`;
  // HistoryGoneError for a partition whose next offset is gone.
  virtual absl::StatusOr<std::optional<Message>> Poll(
      absl::Duration timeout) = 0;
  // The offsets the broker holds of a partition.
  virtual absl::StatusOr<Watermarks> QueryWatermarks(
      const TopicPartition& tp) = 0;
  // The partition's end as last seen (no request); nullopt when unknown.
  virtual std::optional<int64_t> KnownEnd(const TopicPartition& tp) = 0;
  // The ends of `partitions` asked of the broker, each with its value or
  // why not; by default one QueryWatermarks each.
  virtual std::map<TopicPartition, absl::StatusOr<int64_t>> QueryEnds(
      const std::vector<TopicPartition>& partitions);
};

// Where records go.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // The next offset to read of each of `partitions`, as stored with the
  // effects (absent: from offset 0).
  virtual absl::StatusOr<OffsetMap> StoredOffsets(
      const std::vector<TopicPartition>& partitions) = 0;
  // OK when `record` keeps its topic's contract; otherwise why not (the
  // reason goes with the record to the dead-letter topic). Must not depend on
  // what was applied before: it is about the record alone.
  virtual absl::Status Check(const Message& record) = 0;
  // Applies `records` (all checked) and stores `next` (the next offset of
  // every partition of the batch, dead-lettered records included) with their
  // effects. An error leaves the stored offsets as they were; the runtime
  // retries the same records later.
  virtual absl::Status Apply(const std::vector<Message>& records,
                             const OffsetMap& next) = 0;
  // Why the sink is not fit to serve (e.g. streams parked); OK when it is.
  virtual absl::Status Health() { return absl::OkStatus(); }
};

// Where records that break their topic's contract go.
class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;
  // OK once the broker acknowledged every record.
  virtual absl::Status Send(const std::string& topic,
                            const std::vector<Message>& records) = 0;
};

// The next offset of every partition `records` came from (one past the
// highest offset of each), without a map lookup per record.
OffsetMap NextOffsets(const std::vector<Message>& records);

// The dead-letter topic of a topic: casework.<name>.v1 ->
// casework.<name>.deadletter.v1 (any other name: <name>.deadletter).
std::string DeadLetterTopic(const std::string& topic);

// A dead letter: the original key, value and headers, plus the reason, where
// it came from and who refused it (casework_reason, casework_source_topic,
// casework_source_offset "partition@offset", casework_consumer).
Message DeadLetter(const Message& record, absl::string_view reason,
                   absl::string_view consumer);

struct RuntimeOptions {
  std::string name;  // for logs and status: "projection", "plan-intake"
  std::vector<std::string> topics;
  // Read every partition from offset 0, not from the stored offsets (the
  // topics were recreated and every service re-publishes its log; the sink
  // skips what it applied before).
  bool from_start = false;
  // The most records applied in one Apply: what has arrived, up to this.
  size_t max_batch = 4000;
  // Waits between attempts while something fails (doubling up to the max).
  absl::Duration backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // How long one poll waits for the first record of a batch.
  absl::Duration poll_wait = absl::Milliseconds(100);
  // SERVING when at most this many records are behind the topics' ends.
  int64_t serving_lag = 1000;
  // While no record arrives, the partitions' ends are asked of the broker
  // this often (the ends known from fetches go stale when fetching stops).
  absl::Duration idle_check = absl::Seconds(5);
  // Records waiting on the broker and none arriving for this long: a fetch
  // was lost (e.g. in a broker outage). Not serving, with the reason, and
  // the partitions are assigned again to fetch anew.
  absl::Duration stall_after = absl::Seconds(15);
  // The time for the checks above (tests: a FakeClock); null: the system's.
  const Clock* clock = nullptr;
};

struct PartitionStatus {
  int64_t next = 0;  // the next offset to apply
  int64_t end = -1;  // the partition's end as last seen (-1: unknown)
  int64_t lag() const { return end < 0 ? 0 : std::max<int64_t>(0, end - next); }
};

struct RuntimeStatus {
  bool serving = false;
  std::string reason;  // why not serving (empty when serving)
  bool stalled = false;
  int64_t lag = 0;  // records behind the topics' ends
  std::map<TopicPartition, PartitionStatus> partitions;
  int64_t applied = 0;        // records applied since start
  int64_t batches = 0;        // batches applied since start
  int64_t dead_lettered = 0;  // records sent to dead-letter topics
  int64_t retries = 0;        // failed attempts retried
  // A partition whose history is gone: [missing_from, missing_to) offsets.
  std::optional<TopicPartition> gone;
  int64_t missing_from = 0, missing_to = 0;
};

class ConsumerRuntime;
// Adds the runtime's figures to the process's metrics at every scrape,
// labelled consumer=<name>: lag per partition, records applied and
// dead-lettered, retries, serving and stalled. Removed when the handle goes.
metrics::CollectorHandle CollectRuntimeMetrics(const std::string& consumer,
                                               const ConsumerRuntime& runtime);

class ConsumerRuntime final {
 public:
  ConsumerRuntime(RuntimeOptions options, std::unique_ptr<RecordSource> source,
                  RecordSink& sink, DeadLetterSink* dead_letters);
  ~ConsumerRuntime();  // stops after the batch in flight
  ConsumerRuntime(const ConsumerRuntime&) = delete;
  ConsumerRuntime& operator=(const ConsumerRuntime&) = delete;

  RuntimeStatus Status() const;
  // Called with OK when the runtime becomes fit to serve and with the reason
  // when it stops being (from the runtime's thread, and once at once).
  void SetHealthListener(std::function<void(const absl::Status&)> listener);
  // After the owning services re-published their logs: every partition
  // whose next offset the broker no longer holds is read from the earliest
  // offset it holds (the others from where they were). FAILED_PRECONDITION
  // when no partition's history is gone.
  absl::Status Resume();
  // Blocks until `pred` holds of the status (checked at each change) or
  // `timeout` passes; true when it holds.
  bool WaitUntil(const std::function<bool(const RuntimeStatus&)>& pred,
                 absl::Duration timeout) const;

 private:
  void Loop();
  absl::Time Now() const { return clock_.Now(); }
  bool Start();  // false when stopped before the partitions were assigned
  // Waits `d` or until stopped or poked; false when stopped.
  bool Wait(absl::Duration d);
  // Why the runtime is stalled, gravest first: each cause is set and cleared
  // by what it is about; the reason shown is derived from them (UpdateHealth
  // is the one writer of status_.reason).
  enum class Problem {
    kGone,
    kOffsets,
    kAssign,
    kApply,
    kConsume,
    kFetch,
    kWatermarks
  };
  void SetProblem(Problem problem, std::string text);
  void ClearProblem(Problem problem);
  void UpdateHealth();
  // A batch being handled: the records to apply, the dead letters not yet
  // delivered, and the next offsets to store.
  struct Pending {
    std::vector<Message> good;
    std::map<std::string, std::vector<Message>> letters;  // by topic
    OffsetMap next;
  };
  Pending Sort(std::vector<Message>& batch);  // takes the records
  // Delivers the letters (each topic once), then applies; retried on error.
  absl::Status Handle(Pending& pending);
  void RefreshEnds();
  // Every idle_check: new partitions, fresh ends, stopped fetches, lasting
  // errors (see the class comment).
  void Check(absl::Time now);
  // Assigns the topics' partitions not read yet, from 0; returns them.
  std::vector<TopicPartition> FollowPartitions();
  // Records of these partitions were applied (or dead-lettered) at `now`.
  void NoteProgress(const OffsetMap& next, absl::Time now);

  const RuntimeOptions options_;
  const Clock& clock_;
  std::unique_ptr<RecordSource> source_;
  RecordSink& sink_;
  DeadLetterSink* const dead_letters_;

  mutable std::mutex mu_;
  std::condition_variable cv_;                 // wakes the loop
  mutable std::condition_variable status_cv_;  // status changed
  bool stop_ = false;
  bool resume_ = false;
  RuntimeStatus status_;
  std::map<Problem, std::string> problems_;
  std::string start_reason_ = "starting";
  bool started_ = false;
  // The loop thread's own.
  std::map<TopicPartition, absl::Time> last_progress_;
  absl::Time last_check_;
  // When a poll last found nothing to read.
  absl::Time last_idle_ = absl::InfinitePast();
  std::set<TopicPartition> stuck_;
  std::optional<absl::Time> consume_error_since_;
  bool consume_error_seen_ = false;
  // Partitions the broker refused to read (ACLs, login, unknown): librdkafka
  // says so once, so each stands until records of it arrive or a check finds
  // that a fetch since the last check (the partitions assigned again) was not
  // refused.
  std::set<TopicPartition> refused_;
  bool refused_probed_ = false;
  std::optional<absl::Time> watermarks_failing_since_;
  std::string last_health_;  // "" serving; else the reason last reported
  bool health_reported_ = false;
  std::function<void(const absl::Status&)> listener_;
  std::thread thread_;
};

// The Kafka source: a librdkafka consumer with complete history.
absl::StatusOr<std::unique_ptr<RecordSource>> KafkaRecordSource(
    ConsumerOptions options);

// A runtime reading Kafka (KafkaRecordSource of `consumer`) into `sink`;
// null, with the error logged as `options.name`'s, when the consumer cannot
// be created.
std::unique_ptr<ConsumerRuntime> StartKafkaRuntime(
    RuntimeOptions options, const ConsumerOptions& consumer, RecordSink& sink,
    DeadLetterSink* dead_letters);

// Dead letters through an idempotent producer (created on first use).
class KafkaDeadLetters final : public DeadLetterSink {
 public:
  KafkaDeadLetters(std::string brokers,
                   std::map<std::string, std::string> properties)
      : brokers_(std::move(brokers)), properties_(std::move(properties)) {}
  absl::Status Send(const std::string& topic,
                    const std::vector<Message>& records) override;

 private:
  const std::string brokers_;
  const std::map<std::string, std::string> properties_;
  std::unique_ptr<Producer> producer_;
};

}  // namespace casework::kafka

#endif  // CASEWORK_LIBS_KAFKA_CONSUMER_RUNTIME_H_
