// FinalPlanIntake: what the annual reviews service takes in from other
// topics, through the consumer runtime (libs/kafka/consumer_runtime.h):
// - casework.ehc-assessments.v1: each FinalPlanIssued event registers the
//   plan (request id "ehc:" + the event id, so a re-delivered or re-published
//   event writes nothing);
// - casework.school-events.v1 (the back office's): each record of a child
//   with an active plan is recorded on the plan (request id "school:" + the
//   record id). A record of a child without an active plan here is not
//   casework's and is passed over (counted); one the plan refuses (a term's
//   attendance twice, a term not over) is sent to the dead-letter topic with
//   the reason before the offset passes it.
// Offsets are cursors in the service's own store, saved after the batch's
// work (at least once; the request id makes it effectively once), and never
// past a record not handled: a failure for want of storage is retried (the
// runtime stalls and reports it), a stop leaves the record to the next start,
// a record that breaks the topic's contract is dead-lettered first, and a
// partition whose history the broker no longer holds stops the intake
// loudly rather than skipping plans.
//
// Thread safety: owns its thread; construct and destroy from one thread.
#ifndef CASEWORK_SERVICES_ANNUAL_REVIEWS_PLAN_INTAKE_H_
#define CASEWORK_SERVICES_ANNUAL_REVIEWS_PLAN_INTAKE_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "libs/eventstore/event_store.h"
#include "libs/kafka/consumer_runtime.h"
#include "libs/kafka/kafka.h"
#include "libs/statutory/school.h"
#include "services/annual-reviews/review_service.h"

namespace casework::reviews {

inline constexpr char kEhcTopic[] = "casework.ehc-assessments.v1";

// The intake's checks and work, for the runtime (and tests with fakes).
class PlanIntakeSink final : public kafka::RecordSink {
 public:
  // `dead_letters`: where school events the plan refuses go (may be null
  // in tests: then a refusal is only logged).
  PlanIntakeSink(AnnualReviewServiceImpl& service, EventStore& store,
                 kafka::DeadLetterSink* dead_letters = nullptr)
      : service_(service), store_(store), dead_letters_(dead_letters) {}
  absl::StatusOr<kafka::OffsetMap> StoredOffsets(
      const std::vector<kafka::TopicPartition>& partitions) override;
  absl::Status Check(const kafka::Message& record) override;
  absl::Status Apply(const std::vector<kafka::Message>& records,
                     const kafka::OffsetMap& next) override;

  int64_t plans_opened() const { return opened_.load(); }
  int64_t records_seen() const { return seen_.load(); }
  // School events recorded on a plan, passed over (no active plan), and
  // refused by the plan (dead-lettered).
  int64_t school_events_recorded() const { return school_recorded_.load(); }
  int64_t school_events_passed_over() const { return school_passed_.load(); }
  int64_t school_events_refused() const { return school_refused_.load(); }

 private:
  // OK when done (or not to be retried); the error when it must be retried.
  absl::Status Handle(const kafka::Message& record);
  // The same for a school event; a refusal adds the record to `refused`.
  absl::Status HandleSchoolEvent(const kafka::Message& record,
                                 std::vector<kafka::Message>* refused);

  AnnualReviewServiceImpl& service_;
  EventStore& store_;
  kafka::DeadLetterSink* dead_letters_;
  std::atomic<int64_t> opened_{0};
  std::atomic<int64_t> seen_{0};
  std::atomic<int64_t> school_recorded_{0};
  std::atomic<int64_t> school_passed_{0};
  std::atomic<int64_t> school_refused_{0};
};

// The record of a casework.school-events.v1 message when it keeps the
// topic's contract: ce_type kSchoolEventRecordType, a value that decodes,
// statutory::CheckSchoolEvent, and the key its child id. INVALID_ARGUMENT
// saying why otherwise.
absl::StatusOr<v1::SchoolEventRecord> CheckSchoolEventRecord(
    const kafka::Message& record);

class FinalPlanIntake {
 public:
  // from_start: read the EHC topic from offset 0 (the topics were recreated).
  // retry_interval: the first wait before a batch that failed is tried again
  // (doubling up to 5 s).
  FinalPlanIntake(AnnualReviewServiceImpl& service, EventStore& store,
                  kafka::ConsumerOptions options, bool from_start,
                  absl::Duration retry_interval = absl::Seconds(1));
  ~FinalPlanIntake();
  FinalPlanIntake(const FinalPlanIntake&) = delete;
  FinalPlanIntake& operator=(const FinalPlanIntake&) = delete;

  int64_t plans_opened() const { return sink_.plans_opened(); }
  const PlanIntakeSink& sink() const { return sink_; }
  // Records of the EHC topic handled (any event type) since construction.
  int64_t records_seen() const { return sink_.records_seen(); }
  // Attempts that failed and were retried.
  int64_t retries() const { return runtime_ ? runtime_->Status().retries : 0; }
  // Null when the Kafka consumer could not be created (logged).
  kafka::ConsumerRuntime* runtime() { return runtime_.get(); }

 private:
  PlanIntakeSink sink_;
  kafka::KafkaDeadLetters dead_letters_;
  std::unique_ptr<kafka::ConsumerRuntime> runtime_;
};

}  // namespace casework::reviews

#endif  // CASEWORK_SERVICES_ANNUAL_REVIEWS_PLAN_INTAKE_H_
