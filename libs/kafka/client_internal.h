// librdkafka helpers shared by the files of libs/kafka (kafka.cc, relay.cc,
// consumer.cc); not part of the library's interface.
#ifndef CASEWORK_LIBS_KAFKA_CLIENT_INTERNAL_H_
#define CASEWORK_LIBS_KAFKA_CLIENT_INTERNAL_H_

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "libs/kafka/kafka.h"

namespace casework::kafka {

int Millis(absl::Duration d);
// A librdkafka configuration with `brokers`, `properties` and our logger.
absl::StatusOr<rd_kafka_conf_t*> NewConf(
    const std::string& brokers,
    const std::map<std::string, std::string>& properties);
// Sets the properties every delivery guarantee rests on, over any value
// given (ParseProperties already refused a weaker one at start).
void SetDeliveryGuarantees(std::map<std::string, std::string>& props,
                           bool producer, bool complete_history = true);
std::string Rfc3339(const google::protobuf::Timestamp& t);

// What a producer met that lasts until an operator acts - a failed login (a
// wrong password or user), a refused authorization - as the broker said it;
// OK when nothing (Clear after a delivery succeeds). Thread-safe.
class ProducerTrouble {
 public:
  void Set(absl::Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = std::move(s);
  }
  void Clear() { Set(absl::OkStatus()); }
  absl::Status Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  mutable std::mutex mu_;
  absl::Status status_;
};

// An idempotent, acks=all, LZ4-compressing producer with `properties` (and
// the delivery callback ProduceAndWait relies on). The relay and Producer
// both make theirs here. `trouble` (may be null) receives the broker's
// authentication and authorization errors.
absl::StatusOr<rd_kafka_t*> NewProducer(
    const std::string& brokers, std::map<std::string, std::string> properties,
    ProducerTrouble* trouble = nullptr);

// The delivery-report callback ProduceAndWait relies on: set it on every
// producer's configuration.
void DeliveryCallback(rd_kafka_t*, const rd_kafka_message_t* msg, void*);

// One record to produce: views into bytes the caller keeps until
// ProduceAndWait returns.
struct Outgoing {
  absl::string_view key;
  absl::string_view value;
  const std::vector<Header>* headers;
};

// The one produce-and-wait routine (the relay, the producer, dead letters):
// queues every record (waiting while the local queue is full, unless `stop`
// is set), then waits for every delivery report. OK only when the broker
// acknowledged all of them. With a `timeout`, records not acknowledged by
// then are purged and it is UNAVAILABLE; without one, message.timeout.ms
// bounds the wait.
absl::Status ProduceAndWait(rd_kafka_t* rk, const std::string& topic,
                            const std::vector<Outgoing>& records,
                            std::optional<absl::Duration> timeout,
                            const std::atomic<bool>* stop);

}  // namespace casework::kafka

#endif  // CASEWORK_LIBS_KAFKA_CLIENT_INTERNAL_H_
