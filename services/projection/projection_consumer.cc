#include "services/projection/projection_consumer.h"

#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/kafka/topics.h"
#include "services/projection/directory.h"

namespace casework::projection {

std::vector<std::string> ProjectionTopics() {
  std::vector<std::string> out;
  for (const kafka::DomainTopic& t : kafka::DomainTopics()) {
    out.push_back(t.topic);
  }
  out.push_back(kDirectoryTopic);
  return out;
}

absl::Status ProjectionSink::Check(const kafka::Message& record) {
  if (record.topic == kDirectoryTopic) {
    return directory::Read(record).status();
  }
  const kafka::DomainTopic* topic = kafka::FindDomainTopic(record.topic);
  if (topic == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic ", record.topic, " is not one casework reads"));
  }
  return kafka::CheckDomainRecord(*topic, record).status();
}

absl::StatusOr<std::vector<v1::ParkedStream>> ProjectionRepair::Parked(
    size_t limit) {
  ASSIGN_OR_RETURN(std::vector<internal::StreamTrouble> troubled,
                   projection_.Troubled(limit));
  std::vector<v1::ParkedStream> out;
  for (const internal::StreamTrouble& t : troubled) {
    v1::ParkedStream p;
    p.set_source(t.source());
    p.set_stream_id(t.stream_id());
    p.set_child_id(t.child_id());
    p.set_applied_version(t.applied_version());
    p.set_held_events(t.held_count());
    p.set_waiting_for_version(t.waiting_for());
    p.set_parked_reason(t.parked_reason());
    p.set_parked_version(t.parked_version());
    out.push_back(std::move(p));
  }
  return out;
}

ProjectionConsumer::ProjectionConsumer(Projection& projection,
                                       kafka::ConsumerOptions options,
                                       std::vector<std::string> topics,
                                       bool from_start)
    : sink_(projection), dead_letters_(options.brokers, options.properties) {
  runtime_ = kafka::StartKafkaRuntime(
      kafka::RuntimeOptions{.name = "projection",
                            .topics = std::move(topics),
                            .from_start = from_start,
                            .max_batch = kMaxBatch},
      options, sink_, &dead_letters_);
}

ProjectionConsumer::~ProjectionConsumer() { runtime_.reset(); }

}  // namespace casework::projection
