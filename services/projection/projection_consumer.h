// ProjectionConsumer: the projection fed by the consumer runtime
// (libs/kafka/consumer_runtime.h) from the domain topics and the directory.
// Every record is checked against its topic's contract first (owner,
// type, decodable value; libs/kafka/topics.h and directory.h); what breaks
// it goes to the topic's dead-letter topic before its offset is stored.
//
// Thread safety: as ConsumerRuntime.
#ifndef CASEWORK_SERVICES_PROJECTION_PROJECTION_CONSUMER_H_
#define CASEWORK_SERVICES_PROJECTION_PROJECTION_CONSUMER_H_

#include <memory>
#include <string>
#include <vector>

#include "libs/admin/consumer_admin.h"
#include "libs/kafka/consumer_runtime.h"
#include "services/projection/projection.h"

namespace casework::projection {

// The topics the projection reads: the four domain topics and the directory.
std::vector<std::string> ProjectionTopics();

// The contract check and the apply step of the projection.
class ProjectionSink final : public kafka::RecordSink {
 public:
  explicit ProjectionSink(Projection& projection) : projection_(projection) {}
  absl::StatusOr<kafka::OffsetMap> StoredOffsets(
      const std::vector<kafka::TopicPartition>&) override {
    return projection_.StoredOffsets();
  }
  absl::Status Check(const kafka::Message& record) override;
  absl::Status Apply(const std::vector<kafka::Message>& records,
                     const kafka::OffsetMap& next) override {
    return projection_.Apply(records, next).status();
  }

 private:
  Projection& projection_;
};

// The projection's held and parked streams for the consumer admin RPCs.
class ProjectionRepair final : public admin::StreamRepair {
 public:
  explicit ProjectionRepair(Projection& projection) : projection_(projection) {}
  absl::StatusOr<std::vector<v1::ParkedStream>> Parked(size_t limit) override;
  absl::Status Retry(const std::string& source,
                     const std::string& stream_id) override {
    return projection_.RetryStream(source, stream_id);
  }
  std::pair<int64_t, int64_t> Counts() override {
    const TroubleCounts t = projection_.Trouble();
    return {t.held, t.parked};
  }

 private:
  Projection& projection_;
};

class ProjectionConsumer final {
 public:
  // The most records applied in one write: what has arrived, up to this.
  // Caught up, batches are small; catching up (a rebuild, a restart after an
  // outage), a batch holds about two weeks of an LA's events, so a stream's
  // several events and a month's counters are written once rather than once
  // per record (measured: 2,000-5,000 gave a rebuild 25-40% more events/s
  // than 500).
  static constexpr size_t kMaxBatch = 4000;

  // from_start: read every partition from offset 0 instead of the stored
  // offsets (the topics were recreated; applied events are skipped).
  ProjectionConsumer(Projection& projection, kafka::ConsumerOptions options,
                     std::vector<std::string> topics, bool from_start = false);
  ~ProjectionConsumer();
  ProjectionConsumer(const ProjectionConsumer&) = delete;
  ProjectionConsumer& operator=(const ProjectionConsumer&) = delete;

  // Null when the Kafka consumer could not be created (logged).
  kafka::ConsumerRuntime* runtime() { return runtime_.get(); }

 private:
  ProjectionSink sink_;
  kafka::KafkaDeadLetters dead_letters_;
  std::unique_ptr<kafka::ConsumerRuntime> runtime_;
};

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_PROJECTION_CONSUMER_H_
