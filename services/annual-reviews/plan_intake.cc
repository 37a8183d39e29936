#include "services/annual-reviews/plan_intake.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/kafka/topics.h"
#include "libs/statutory/clock_ops.h"

namespace casework::reviews {
namespace {

std::string CursorName(const kafka::TopicPartition& tp) {
  return absl::StrCat("intake:", tp.first, ":", tp.second);
}

bool Retryable(absl::StatusCode code) {
  return code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kAborted ||
         code == absl::StatusCode::kResourceExhausted ||
         code == absl::StatusCode::kInternal;
}

}  // namespace

absl::StatusOr<kafka::OffsetMap> PlanIntakeSink::StoredOffsets(
    const std::vector<kafka::TopicPartition>& partitions) {
  kafka::OffsetMap out;
  for (const kafka::TopicPartition& tp : partitions) {
    // A cursor that cannot be read now is an error (the runtime waits and
    // asks again), never taken as 0 (which would re-read the partition).
    ASSIGN_OR_RETURN(int64_t next, store_.GetCursor(CursorName(tp)));
    out[tp] = next;
  }
  return out;
}

absl::StatusOr<v1::SchoolEventRecord> CheckSchoolEventRecord(
    const kafka::Message& record) {
  const std::string type = kafka::HeaderOf(record, "ce_type");
  if (type != statutory::kSchoolEventRecordType) {
    return absl::InvalidArgumentError(
        absl::StrCat("ce_type: '", type.substr(0, 100), "' is not ",
                     statutory::kSchoolEventRecordType, " (the only type ",
                     statutory::kSchoolEventsTopic, " carries)"));
  }
  v1::SchoolEventRecord out;
  RETURN_IF_ERROR(kafka::DecodeValue(record, &out));
  RETURN_IF_ERROR(statutory::CheckSchoolEvent(out));
  if (record.key != out.child_id()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key: '", record.key.substr(0, 100), "' is not the record's child_id"));
  }
  return out;
}

absl::Status PlanIntakeSink::Check(const kafka::Message& record) {
  if (record.topic == statutory::kSchoolEventsTopic) {
    return CheckSchoolEventRecord(record).status();
  }
  const kafka::DomainTopic* topic = kafka::FindDomainTopic(record.topic);
  if (topic == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic ", record.topic, " is not one casework reads"));
  }
  return kafka::CheckDomainRecord(*topic, record).status();
}

absl::Status PlanIntakeSink::Handle(const kafka::Message& record) {
  if (!absl::EndsWith(kafka::HeaderOf(record, "ce_type"), ".FinalPlanIssued")) {
    return absl::OkStatus();
  }
  v1::EhcAssessmentEvent event;
  RETURN_IF_ERROR(kafka::DecodeValue(record, &event));
  const v1::EventMetadata& m = event.metadata();
  FinalPlanIssuedFacts facts{
      .assessment_id = m.stream_id(),
      .child_id = m.child_id(),
      .officer_id = m.officer_id(),
      .issued_on = statutory::DateOf(event.final_plan_issued().issued_on()),
      .event_id = m.event_id(),
      .date_of_birth =
          event.final_plan_issued().has_date_of_birth()
              ? statutory::DateOf(event.final_plan_issued().date_of_birth())
              : Date(),
      .contents = event.final_plan_issued().contents(),
      .nc_year = event.final_plan_issued().has_nc_year()
                     ? std::optional<int>(event.final_plan_issued().nc_year())
                     : std::nullopt};
  absl::StatusOr<v1::CommandResult> result = service_.OpenFromFinalPlan(facts);
  if (result.ok()) {
    if (!result->repeated()) ++opened_;
    return absl::OkStatus();
  }
  if (Retryable(result.status().code())) {
    return absl::UnavailableError(
        absl::StrCat("cannot record plan ", facts.assessment_id,
                     " now: ", result.status().message()));
  }
  // ALREADY_EXISTS (the plan was registered by another route) and invalid
  // facts are not retried.
  LogWarn("plan intake: final plan not registered",
          {{"assessment", facts.assessment_id},
           {"why", std::string(result.status().message())}});
  return absl::OkStatus();
}

absl::Status PlanIntakeSink::HandleSchoolEvent(
    const kafka::Message& record, std::vector<kafka::Message>* refused) {
  absl::StatusOr<v1::SchoolEventRecord> event = CheckSchoolEventRecord(record);
  if (!event.ok()) return absl::OkStatus();  // Check dead-lettered it
  absl::StatusOr<v1::CommandResult> result = service_.TakeSchoolEvent(*event);
  if (result.ok()) {
    if (!result->repeated()) ++school_recorded_;
    return absl::OkStatus();
  }
  if (Retryable(result.status().code())) {
    return absl::UnavailableError(
        absl::StrCat("cannot record school event ", event->record_id(),
                     " now: ", result.status().message()));
  }
  if (result.status().code() == absl::StatusCode::kNotFound) {
    ++school_passed_;  // no active plan here: not casework's
    return absl::OkStatus();
  }
  ++school_refused_;
  LogWarn("school events: record refused",
          {{"record", event->record_id()},
           {"why", std::string(result.status().message())}});
  refused->push_back(
      kafka::DeadLetter(record, result.status().message(), "plan-intake"));
  return absl::OkStatus();
}

absl::Status PlanIntakeSink::Apply(const std::vector<kafka::Message>& records,
                                   const kafka::OffsetMap& next) {
  // A retry starts the batch again: plans opened and school events recorded
  // before are repeats (the request id), so nothing is written twice.
  std::vector<kafka::Message> refused;
  for (const kafka::Message& record : records) {
    if (record.topic == statutory::kSchoolEventsTopic) {
      RETURN_IF_ERROR(HandleSchoolEvent(record, &refused));
    } else {
      RETURN_IF_ERROR(Handle(record));
    }
  }
  // Refusals reach their dead-letter topic before the offsets pass them.
  if (!refused.empty() && dead_letters_ != nullptr) {
    RETURN_IF_ERROR(dead_letters_->Send(
        kafka::DeadLetterTopic(statutory::kSchoolEventsTopic), refused));
  }
  for (const auto& [tp, offset] : next) {
    RETURN_IF_ERROR(store_.SetCursor(CursorName(tp), offset));
  }
  seen_ += static_cast<int64_t>(records.size());
  return absl::OkStatus();
}

FinalPlanIntake::FinalPlanIntake(AnnualReviewServiceImpl& service,
                                 EventStore& store,
                                 kafka::ConsumerOptions options,
                                 bool from_start, absl::Duration retry_interval)
    : sink_(service, store, &dead_letters_),
      dead_letters_(options.brokers, options.properties) {
  runtime_ = kafka::StartKafkaRuntime(
      kafka::RuntimeOptions{
          .name = "plan-intake",
          .topics = {kEhcTopic, statutory::kSchoolEventsTopic},
          .from_start = from_start,
          .max_batch = 500,
          .backoff = retry_interval},
      options, sink_, &dead_letters_);
}

FinalPlanIntake::~FinalPlanIntake() { runtime_.reset(); }

}  // namespace casework::reviews
