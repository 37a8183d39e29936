// FinalPlanIntake: opens a plan's review cycle for each final plan the EHC
// service issues. Consumes casework.ehc-assessments.v1 on a background thread
// and, for each FinalPlanIssued event, registers the plan through the service
// (request id = "ehc:" + the event id, so a re-delivered or re-published event
// writes nothing). Offsets are cursors in the service's own store, advanced
// after the work (at least once; the request id makes it effectively once),
// and never past a record not handled: a storage failure is retried, and a
// stop during the retries leaves the record to the next start.
//
// Thread safety: owns its thread; construct and destroy from one thread.
#ifndef CASEWORK_SERVICES_ANNUAL_REVIEWS_PLAN_INTAKE_H_
#define CASEWORK_SERVICES_ANNUAL_REVIEWS_PLAN_INTAKE_H_

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "libs/eventstore/event_store.h"
#include "libs/kafka/kafka.h"
#include "services/annual-reviews/review_service.h"

namespace casework::reviews {

inline constexpr char kEhcTopic[] = "casework.ehc-assessments.v1";

class FinalPlanIntake {
 public:
  // from_start: read the EHC topic from offset 0 (the topics were recreated).
  // retry_interval: the wait before a record that failed for want of storage
  // is tried again.
  FinalPlanIntake(AnnualReviewServiceImpl& service, EventStore& store,
                  kafka::ConsumerOptions options, bool from_start,
                  absl::Duration retry_interval = absl::Seconds(1));
  ~FinalPlanIntake();
  FinalPlanIntake(const FinalPlanIntake&) = delete;
  FinalPlanIntake& operator=(const FinalPlanIntake&) = delete;

  int64_t plans_opened() const { return opened_.load(); }
  // Records of the EHC topic handled (any event type) since construction.
  int64_t records_seen() const { return seen_.load(); }
  // Attempts that failed for a reason worth retrying (storage unavailable).
  int64_t retries() const { return retries_.load(); }

 private:
  void Loop();
  // false: a storage failure; the record must be tried again.
  bool Handle(const kafka::Message& message);
  // Waits `d` or until stopped; false when stopped.
  bool WaitOrStop(absl::Duration d);

  AnnualReviewServiceImpl& service_;
  EventStore& store_;
  const kafka::ConsumerOptions options_;
  const bool from_start_;
  const absl::Duration retry_interval_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> opened_{0};
  std::atomic<int64_t> seen_{0};
  std::atomic<int64_t> retries_{0};
  std::mutex mu_;
  std::condition_variable stop_cv_;
  std::thread thread_;
};

}  // namespace casework::reviews

#endif  // CASEWORK_SERVICES_ANNUAL_REVIEWS_PLAN_INTAKE_H_
