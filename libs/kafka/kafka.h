// Thin RAII wrappers over librdkafka for the casework event contract.
//
// - EmbeddedBroker: librdkafka's mock cluster, a real Kafka-protocol listener
// on loopback that
//   any client (kcat, confluent-kafka) can use; the default broker in
//   development and tests. It keeps its log in memory only: the services' own
//   logs stay the source of truth.
// - Relay: publishes a service's event log in order from a cursor kept in the
// same database,
//   through an idempotent producer (acks=all), and advances the cursor only
//   after delivery. With the broker down, commands are still accepted; the
//   relay publishes everything once it returns (at-least-once: consumers dedupe
//   by event id or (stream, version)).
// - Consumer: reads assigned partitions from offsets the caller keeps in its
// own database.
// - CloudEvents Kafka binding, binary mode: ce_specversion, ce_id, ce_source,
// ce_type,
//   ce_subject, ce_time, content-type, ce_dataschema headers. The value is the
//   protobuf binary encoding (content-type application/protobuf) or, chosen by
//   configuration, the protobuf JSON mapping (application/json).
//
// librdkafka types stay inside kafka.cc. Thread safety: each object is used by
// one owner; Relay runs its own thread.
#ifndef CASEWORK_LIBS_KAFKA_KAFKA_H_
#define CASEWORK_LIBS_KAFKA_KAFKA_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/eventstore/event_store.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace casework::kafka {

// Parses "key=value,key=value" (librdkafka properties passed through from
// configuration, e.g. security.protocol=SASL_SSL,sasl.mechanism=PLAIN).
// INVALID_ARGUMENT on a bad entry.
absl::StatusOr<std::map<std::string, std::string>> ParseProperties(
    const std::string& text);

// INVALID_ARGUMENT naming the setting when `key=value` would weaken a delivery
// guarantee casework rests on (acks other than all, idempotence off, offsets
// committed or stored automatically, offsets reset to anything but the
// earliest, retries limited). ParseProperties applies it to every pair, so a
// service refuses such a --kafka-config at start.
absl::Status RefuseWeakerDelivery(absl::string_view key,
                                  absl::string_view value);

// The client settings of Kafka user `user`: `security` ("key=value,...",
// e.g. security.protocol=SASL_PLAINTEXT,sasl.mechanisms=SCRAM-SHA-512) with
// sasl.username=user and, when `password_dir` is set, sasl.password from the
// first line of password_dir/user. NOT_FOUND naming the file when it is
// missing or empty; INVALID_ARGUMENT for a bad `security`.
absl::StatusOr<std::map<std::string, std::string>> UserProperties(
    const std::string& security, const std::string& user,
    const std::string& password_dir);

class EmbeddedBroker final {
 public:
  // Starts a mock cluster of `brokers` brokers on loopback.
  static absl::StatusOr<std::unique_ptr<EmbeddedBroker>> Start(int brokers = 1);
  ~EmbeddedBroker();
  EmbeddedBroker(const EmbeddedBroker&) = delete;
  EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

  // "127.0.0.1:port,..." for clients' bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstrap_; }
  absl::Status CreateTopic(const std::string& topic, int partitions);
  // Simulates an outage of every broker (connections refused) and the recovery.
  void SetDown(bool down);

 private:
  struct Impl;
  explicit EmbeddedBroker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string bootstrap_;
  int broker_count_ = 1;
};

struct Header {
  std::string key;
  std::string value;
};

// How event values are encoded on a topic.
enum class Encoding {
  kProtobuf,  // content-type application/protobuf: the binary encoding
  kJson,      // content-type application/json: the protobuf JSON mapping
};
// "protobuf" or "json" (the --event-format flag); INVALID_ARGUMENT otherwise.
absl::StatusOr<Encoding> ParseEncoding(const std::string& text);

struct RelayOptions {
  std::string brokers;
  std::map<std::string, std::string> properties;  // extra librdkafka properties
  std::string topic;  // e.g. casework.ehc-assessments.v1
  std::string cursor_name = "relay";
  std::string ce_source;       // e.g. /casework/ehc-assessments
  std::string ce_type_prefix;  // e.g. uk.send.casework.ehc.v1.
  std::string dataschema;      // e.g. casework.v1.EhcAssessmentEvent
  Encoding encoding = Encoding::kProtobuf;
  // The envelope type of the log's payloads (e.g.
  // &v1::EhcAssessmentEvent::default_instance()); required for kJson.
  const google::protobuf::Message* event_type = nullptr;
  size_t batch = 1000;
  // How long librdkafka keeps retrying a record (message.timeout.ms) before
  // the relay sends its batch again. Longer than a leader election (broker
  // session timeout, ~9 s, plus the election), so a failover delivers each
  // event once; the Java producer's delivery.timeout.ms default.
  absl::Duration delivery_timeout = absl::Seconds(120);
  // Publish the whole log again from position 1, ignoring the stored cursor:
  // for topics recreated empty (a new cluster, the embedded broker after a
  // restart). Consumers skip what they already applied.
  bool from_start = false;
  // Benchmarks: called from the relay's thread once the broker acknowledged
  // the events at positions first..last.
  std::function<void(int64_t first, int64_t last)> on_published;
  // Health: called from the relay's thread with the reason publishing is
  // refused until an operator acts (the broker refused the login, or the
  // ACLs the topic: UNAUTHENTICATED, PERMISSION_DENIED), and with OK once a
  // batch is delivered again. An outage (nothing answers) is not reported
  // here: commands stay durable in the log and the lag shows it.
  std::function<void(const absl::Status&)> on_health;
};

// The CloudEvents headers for a stored event (exposed for tests and the CLI).
std::vector<Header> CloudEventHeaders(const RelayOptions& options,
                                      const StoredEvent& event);

class Relay final {
 public:
  // Starts publishing in the background from the stored cursor.
  static absl::StatusOr<std::unique_ptr<Relay>> Start(EventStore& store,
                                                      RelayOptions options);
  ~Relay();  // stops after the batch in flight
  // Publishes the log again from `position` (1: all of it), after the batch in
  // flight; the cursor moves back with it.
  void RepublishFrom(int64_t position);
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // The highest log position known delivered.
  int64_t published() const { return published_.load(); }

 private:
  struct Impl;
  Relay(EventStore& store, RelayOptions options, std::unique_ptr<Impl> impl,
        int64_t cursor);
  void Loop();
  absl::Status PublishBatch(const std::vector<StoredEvent>& events);

  EventStore& store_;
  const RelayOptions options_;
  std::unique_ptr<Impl> impl_;
  std::atomic<int64_t> published_;
  std::atomic<int64_t> rewind_to_{-1};  // a cursor asked for by RepublishFrom
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A domain service's relay from its flags: publishes its log to
// casework.<service>.v1 with CloudEvents source /casework/<service>, types
// `type_prefix` + event name and dataschema the envelope's full name. Null
// (and a warning) when `brokers` is empty: events stay in the log.
struct RelayFlags {
  std::string brokers;
  std::string kafka_config;  // "key=value,..." (ParseProperties)
  std::string event_format;  // ParseEncoding
  bool topics_reset = false;
  std::function<void(const absl::Status&)> on_health;  // RelayOptions
};
absl::StatusOr<std::unique_ptr<Relay>> StartServiceRelay(
    EventStore& store, const std::string& service,
    const std::string& type_prefix, const google::protobuf::Message& event_type,
    const RelayFlags& flags);

struct Message {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<Header> headers;
};

// The value of a record's header `key` (the first), or "" when it has none.
std::string HeaderOf(const Message& message, absl::string_view key);

// Decodes a record's value into `out`: the protobuf JSON mapping when its
// content-type header is application/json (unknown fields ignored, as v1 only
// grows by additions), otherwise the protobuf binary encoding.
// INVALID_ARGUMENT, naming the encoding, when it does not decode.
absl::Status DecodeValue(const Message& message,
                         google::protobuf::Message* out);

struct ConsumerOptions {
  std::string brokers;
  std::map<std::string, std::string> properties;
  std::string group_id = "casework";
  // True for a consumer that must see every record from the offsets it keeps
  // (the projection, the plan intake): offset 0 means offset 0, and an offset
  // the broker no longer holds is an error (HistoryGoneError) rather than a
  // jump to the earliest it has. False for readers content with what the
  // broker still holds (the directory follower, casectl events tail).
  bool complete_history = true;
};

using TopicPartition = std::pair<std::string, int32_t>;

// The offsets a broker holds of a partition: [low, high).
struct Watermarks {
  int64_t low = 0;
  int64_t high = 0;
};

// OUT_OF_RANGE for a partition whose next offset the broker no longer holds
// (retention, or a topic recreated); the partition travels in the status.
absl::Status HistoryGoneError(const TopicPartition& where,
                              absl::string_view detail);
// The partition of a HistoryGoneError; nullopt for any other status.
std::optional<TopicPartition> HistoryGonePartition(const absl::Status& status);
// `status`, marked as about partition `where` (ErrorPartition reads it).
absl::Status AboutPartition(absl::Status status, const TopicPartition& where);
// The partition a Consumer::Poll error is about; nullopt when it names none.
std::optional<TopicPartition> ErrorPartition(const absl::Status& status);

class Consumer final {
 public:
  static absl::StatusOr<std::unique_ptr<Consumer>> Create(
      ConsumerOptions options);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Number of partitions of `topic`; NOT_FOUND when the broker does not know it
  // yet.
  absl::StatusOr<int> PartitionCount(const std::string& topic,
                                     absl::Duration timeout);
  // Assigns exactly these (topic, partition) -> next offset to read (0 = the
  // beginning).
  absl::Status Assign(
      const std::map<std::pair<std::string, int32_t>, int64_t>& offsets);
  // The next message, or nullopt after `timeout` with nothing; errors other
  // than the end of a partition are returned: HistoryGoneError when a
  // partition's next offset is gone; PERMISSION_DENIED (ACLs),
  // UNAUTHENTICATED (SASL) and NOT_FOUND (unknown topic or partition) for
  // errors that last until an operator acts; UNAVAILABLE for the rest.
  absl::StatusOr<std::optional<Message>> Poll(absl::Duration timeout);
  // Asks the broker which offsets it holds of a partition.
  absl::StatusOr<Watermarks> QueryWatermarks(const TopicPartition& tp,
                                             absl::Duration timeout);
  // The next offset to be written of each of `partitions`, asked of their
  // leaders at once (one wait of at most `timeout` for all); each partition
  // has its value or why not (UNAVAILABLE: a leader that does not answer).
  std::map<TopicPartition, absl::StatusOr<int64_t>> QueryEnds(
      const std::vector<TopicPartition>& partitions, absl::Duration timeout);
  // The partition's end as last seen in a fetch (no request); nullopt when
  // not known yet.
  std::optional<int64_t> CachedHighWatermark(const TopicPartition& tp);

 private:
  struct Impl;
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A plain idempotent producer for records that are not events of a log (the
// officer directory): Send returns once every record is acknowledged by the
// broker (acks=all) or has failed.
class Producer final {
 public:
  static absl::StatusOr<std::unique_ptr<Producer>> Create(
      const std::string& brokers,
      const std::map<std::string, std::string>& properties = {});
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // UNAVAILABLE naming the error when any record was not delivered within
  // `timeout`.
  absl::Status Send(const std::string& topic,
                    const std::vector<Message>& records,
                    absl::Duration timeout = absl::Seconds(10));

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace casework::kafka

#endif  // CASEWORK_LIBS_KAFKA_KAFKA_H_
