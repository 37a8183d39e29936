#include "services/projection/projection_consumer.h"

#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
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

ProjectionConsumer::ProjectionConsumer(Projection& projection,
                                       kafka::ConsumerOptions options,
                                       std::vector<std::string> topics,
                                       bool from_start)
    : sink_(projection), dead_letters_(options.brokers, options.properties) {
  absl::StatusOr<std::unique_ptr<kafka::RecordSource>> source =
      kafka::KafkaRecordSource(options);
  if (!source.ok()) {
    LogError("projection: cannot create the consumer",
             {{"error", std::string(source.status().message())}});
    return;
  }
  runtime_ = std::make_unique<kafka::ConsumerRuntime>(
      kafka::RuntimeOptions{.name = "projection",
                            .topics = std::move(topics),
                            .from_start = from_start,
                            .max_batch = kMaxBatch},
      std::move(*source), sink_, &dead_letters_);
}

ProjectionConsumer::~ProjectionConsumer() { runtime_.reset(); }

}  // namespace casework::projection
