#include "services/annual-reviews/plan_intake.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/core/log.h"
#include "libs/core/thread.h"
#include "libs/statutory/clock_ops.h"

namespace casework::reviews {
namespace {

std::string CursorName(int32_t partition) {
  return absl::StrCat("intake:", kEhcTopic, ":", partition);
}

std::string Header(const kafka::Message& m, absl::string_view key) {
  for (const kafka::Header& h : m.headers) {
    if (h.key == key) return h.value;
  }
  return "";
}

}  // namespace

FinalPlanIntake::FinalPlanIntake(AnnualReviewServiceImpl& service,
                                 EventStore& store,
                                 kafka::ConsumerOptions options,
                                 bool from_start, absl::Duration retry_interval)
    : service_(service),
      store_(store),
      options_(std::move(options)),
      from_start_(from_start),
      retry_interval_(retry_interval) {
  thread_ = std::thread([this] {
    SetCurrentThreadName("plan-intake");
    Loop();
  });
}

FinalPlanIntake::~FinalPlanIntake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

bool FinalPlanIntake::WaitOrStop(absl::Duration d) {
  std::unique_lock<std::mutex> lock(mu_);
  stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(d),
                    [&] { return stop_.load(); });
  return !stop_;
}

bool FinalPlanIntake::Handle(const kafka::Message& message) {
  if (!absl::EndsWith(Header(message, "ce_type"), ".FinalPlanIssued")) {
    return true;
  }
  v1::EhcAssessmentEvent event;
  if (!kafka::DecodeValue(message, &event).ok() ||
      !event.has_final_plan_issued()) {
    LogWarn("plan intake: skipped an unreadable FinalPlanIssued record",
            {{"partition", std::to_string(message.partition)},
             {"offset", std::to_string(message.offset)}});
    return true;
  }
  const v1::EventMetadata& m = event.metadata();
  FinalPlanIssuedFacts facts{
      .assessment_id = m.stream_id(),
      .child_id = m.child_id(),
      .officer_id = m.officer_id(),
      .issued_on = statutory::DateOf(event.final_plan_issued().issued_on()),
      .event_id = m.event_id()};
  absl::StatusOr<v1::CommandResult> result = service_.OpenFromFinalPlan(facts);
  if (result.ok()) {
    if (!result->repeated()) ++opened_;
    return true;
  }
  const absl::StatusCode code = result.status().code();
  if (code == absl::StatusCode::kUnavailable ||
      code == absl::StatusCode::kAborted ||
      code == absl::StatusCode::kResourceExhausted ||
      code == absl::StatusCode::kInternal) {
    ++retries_;
    LogWarn("plan intake: cannot record a plan now; will retry",
            {{"error", std::string(result.status().message())}});
    return false;
  }
  // ALREADY_EXISTS (the plan was registered by another route) and invalid
  // records are not retried.
  LogWarn("plan intake: final plan not registered",
          {{"assessment", facts.assessment_id},
           {"why", std::string(result.status().message())}});
  return true;
}

void FinalPlanIntake::Loop() {
  absl::StatusOr<std::unique_ptr<kafka::Consumer>> consumer =
      kafka::Consumer::Create(options_);
  if (!consumer.ok()) {
    LogError("plan intake: cannot create consumer",
             {{"error", std::string(consumer.status().message())}});
    return;
  }
  absl::StatusOr<int> partitions = absl::UnavailableError("not asked yet");
  while (!stop_) {
    partitions = (*consumer)->PartitionCount(kEhcTopic, absl::Seconds(2));
    if (partitions.ok()) break;
    if (!WaitOrStop(absl::Milliseconds(200))) return;
  }
  if (stop_) return;
  std::map<std::pair<std::string, int32_t>, int64_t> assignment;
  for (int32_t p = 0; p < *partitions; ++p) {
    int64_t next = 0;
    if (!from_start_) {
      // A cursor that cannot be read now is waited for, never taken as 0
      // (which would re-read the partition) nor skipped.
      absl::StatusOr<int64_t> stored = store_.GetCursor(CursorName(p));
      while (!stored.ok()) {
        LogWarn("plan intake: cannot read cursor; will retry",
                {{"error", std::string(stored.status().message())}});
        if (!WaitOrStop(absl::Seconds(1))) return;
        stored = store_.GetCursor(CursorName(p));
      }
      next = *stored;
    }
    assignment[{kEhcTopic, p}] = next;
  }
  absl::Status assigned = (*consumer)->Assign(assignment);
  if (!assigned.ok()) {
    LogError("plan intake: cannot assign",
             {{"error", std::string(assigned.message())}});
    return;
  }
  LogInfo("plan intake: consuming", {{"topic", kEhcTopic}});
  std::map<int32_t, int64_t> pending;  // partition -> next offset, unsaved
  auto save = [&] {
    for (const auto& [partition, next] : pending) {
      absl::Status s = store_.SetCursor(CursorName(partition), next);
      if (!s.ok()) {
        LogWarn("plan intake: cannot save cursor",
                {{"error", std::string(s.message())}});
      }
    }
    pending.clear();
  };
  while (!stop_) {
    absl::StatusOr<std::optional<kafka::Message>> msg =
        (*consumer)->Poll(absl::Milliseconds(100));
    if (!msg.ok()) {
      LogWarn("plan intake: consume error",
              {{"error", std::string(msg.status().message())}});
      continue;
    }
    if (!msg->has_value()) {
      save();
      continue;
    }
    const kafka::Message& m = **msg;
    bool handled = Handle(m);
    while (!handled && WaitOrStop(retry_interval_)) handled = Handle(m);
    // Stopped before the record could be handled: its offset is not passed,
    // so the next start reads it again.
    if (!handled) break;
    ++seen_;
    pending[m.partition] = m.offset + 1;
    if (pending.size() > 0 && m.offset % 100 == 0) save();
  }
  save();
}

}  // namespace casework::reviews
