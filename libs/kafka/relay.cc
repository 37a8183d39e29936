// The relay: a service's log published in order (kafka.h).
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <librdkafka/rdkafka.h>

#include "absl/strings/str_cat.h"
#include "casework/v1/common.pb.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/core/thread.h"
#include "libs/kafka/client_internal.h"
#include "libs/kafka/kafka.h"

namespace casework::kafka {

std::vector<Header> CloudEventHeaders(const RelayOptions& options,
                                      const StoredEvent& event) {
  v1::EventEnvelopeHeader envelope;
  envelope.ParseFromString(event.payload);
  const v1::EventMetadata& m = envelope.metadata();
  return {
      {"ce_specversion", "1.0"},
      {"ce_id", event.event_id},
      {"ce_source", options.ce_source},
      {"ce_type", absl::StrCat(options.ce_type_prefix, event.type)},
      {"ce_subject", event.child_id},
      {"ce_time", Rfc3339(m.recorded_at())},
      {"content-type", options.encoding == Encoding::kJson
                           ? "application/json"
                           : "application/protobuf"},
      {"ce_dataschema", options.dataschema},
      {"casework_stream_id", event.stream_id},
      {"casework_version", std::to_string(event.version)},
      {"casework_position", std::to_string(event.position)},
  };
}

struct Relay::Impl {
  rd_kafka_t* producer = nullptr;
  ProducerTrouble trouble;
  ~Impl() {
    if (producer) {
      rd_kafka_flush(producer, 2000);
      rd_kafka_destroy(producer);
    }
  }
};

Relay::Relay(EventStore& store, RelayOptions options,
             std::unique_ptr<Impl> impl, int64_t cursor)
    : store_(store),
      options_(std::move(options)),
      impl_(std::move(impl)),
      published_(cursor) {
  thread_ = std::thread([this] {
    SetCurrentThreadName("relay");
    Loop();
  });
}

Relay::~Relay() {
  stop_ = true;
  thread_.join();
}

absl::StatusOr<std::unique_ptr<Relay>> StartServiceRelay(
    EventStore& store, const std::string& service,
    const std::string& type_prefix, const google::protobuf::Message& event_type,
    const RelayFlags& flags) {
  if (flags.brokers.empty()) {
    LogWarn("no --brokers: events are kept in the log and not published");
    return nullptr;
  }
  ASSIGN_OR_RETURN(auto properties, ParseProperties(flags.kafka_config));
  ASSIGN_OR_RETURN(Encoding encoding, ParseEncoding(flags.event_format));
  return Relay::Start(
      store, RelayOptions{.brokers = flags.brokers,
                          .properties = std::move(properties),
                          .topic = absl::StrCat("casework.", service, ".v1"),
                          .ce_source = absl::StrCat("/casework/", service),
                          .ce_type_prefix = type_prefix,
                          .dataschema = event_type.GetDescriptor()->full_name(),
                          .encoding = encoding,
                          .event_type = &event_type,
                          .from_start = flags.topics_reset,
                          .on_health = flags.on_health});
}

absl::StatusOr<std::unique_ptr<Relay>> Relay::Start(EventStore& store,
                                                    RelayOptions options) {
  if (options.encoding == Encoding::kJson && options.event_type == nullptr) {
    return absl::InvalidArgumentError("relay: JSON needs the event type");
  }
  std::map<std::string, std::string> props = options.properties;
  props.emplace("linger.ms", "5");
  // Partitions added to the topic take their share of children within 30 s
  // (librdkafka's default is 5 minutes).
  props.emplace("topic.metadata.refresh.interval.ms", "30000");
  props.emplace("message.timeout.ms",
                std::to_string(Millis(options.delivery_timeout)));
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->producer,
                   NewProducer(options.brokers, props, &impl->trouble));
  ASSIGN_OR_RETURN(int64_t cursor, store.GetCursor(options.cursor_name));
  if (options.from_start && cursor > 0) {
    LogInfo("relay: re-publishing the whole log",
            {{"topic", options.topic}, {"was_at", std::to_string(cursor)}});
    cursor = 0;
  }
  return std::unique_ptr<Relay>(
      new Relay(store, std::move(options), std::move(impl), cursor));
}

absl::Status Relay::PublishBatch(const std::vector<StoredEvent>& events) {
  std::unique_ptr<google::protobuf::Message> decoded;
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  // The values (JSON when so configured) and headers, kept until every
  // record is acknowledged.
  std::vector<std::string> values;
  std::vector<std::vector<Header>> headers;
  values.reserve(events.size());
  headers.reserve(events.size());
  std::vector<Outgoing> out;
  out.reserve(events.size());
  for (const StoredEvent& e : events) {
    absl::string_view payload = e.payload;
    if (options_.encoding == Encoding::kJson) {
      if (decoded == nullptr) decoded.reset(options_.event_type->New());
      std::string value;
      if (!decoded->ParseFromString(e.payload)) {
        return absl::DataLossError(absl::StrCat("relay: event at position ",
                                                e.position, " is not a ",
                                                decoded->GetTypeName()));
      }
      if (const auto printed = google::protobuf::util::MessageToJsonString(
              *decoded, &value, json);
          !printed.ok()) {
        return absl::InternalError(absl::StrCat(
            "relay: JSON of position ", e.position, ": ", printed.ToString()));
      }
      values.push_back(std::move(value));
      payload = values.back();
    }
    headers.push_back(CloudEventHeaders(options_, e));
    out.push_back({e.child_id, payload, &headers.back()});
  }
  // message.timeout.ms bounds the wait: every message is delivered or fails
  // by then.
  return ProduceAndWait(impl_->producer, options_.topic, out, std::nullopt,
                        &stop_);
}

void Relay::RepublishFrom(int64_t position) {
  // Taken by the loop at its next turn (within its idle wait).
  rewind_to_ = std::max<int64_t>(0, position - 1);
}

void Relay::Loop() {
  {
    // Learn the topic's partitions and leaders before the first publish, not
    // in it (~1 s on a fresh producer, while the first commands' events
    // wait); in this thread, so a broker that is down never delays the
    // service's start. Best effort: the publish loop waits for the broker.
    rd_kafka_topic_t* topic =
        rd_kafka_topic_new(impl_->producer, options_.topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    if (topic != nullptr &&
        rd_kafka_metadata(impl_->producer, 0, topic, &md, 5000) ==
            RD_KAFKA_RESP_ERR_NO_ERROR) {
      // A topic the ACLs hide from this user: said at once (health).
      if (md->topic_cnt > 0 &&
          md->topics[0].err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
        impl_->trouble.Set(absl::PermissionDeniedError(
            absl::StrCat("kafka: not authorized for topic ", options_.topic,
                         ": ", rd_kafka_err2str(md->topics[0].err))));
      }
      rd_kafka_metadata_destroy(md);
    }
    if (topic != nullptr) rd_kafka_topic_destroy(topic);
  }
  bool was_failing = false;
  while (!stop_) {
    if (const int64_t rewind = rewind_to_.exchange(-1); rewind >= 0) {
      LogInfo("relay: re-publishing", {{"topic", options_.topic},
                                       {"from", std::to_string(rewind + 1)}});
      published_ = rewind;
      absl::Status saved = store_.SetCursor(options_.cursor_name, rewind);
      if (!saved.ok()) {
        LogError("relay: cannot save cursor",
                 {{"error", std::string(saved.message())}});
      }
    }
    const int64_t cursor = published_.load();
    absl::StatusOr<std::vector<StoredEvent>> events =
        store_.ReadAfter(cursor, options_.batch);
    if (!events.ok()) {
      LogError("relay: cannot read log",
               {{"error", std::string(events.status().message())}});
      store_.WaitForAppend(INT64_MAX, absl::Seconds(1));
      continue;
    }
    if (events->empty()) {
      rd_kafka_poll(impl_->producer, 0);
      // Nothing to publish, but a login or authorization the broker refused
      // is said at once, not at the first command.
      if (absl::Status refused = impl_->trouble.Get();
          !refused.ok() && !was_failing && options_.on_health) {
        options_.on_health(absl::Status(
            refused.code(), absl::StrCat("relay to ", options_.topic,
                                         " refused: ", refused.message())));
        was_failing = true;
      }
      store_.WaitForAppend(cursor, absl::Milliseconds(200));
      continue;
    }
    absl::Status published = PublishBatch(*events);
    if (!published.ok()) {
      if (!was_failing) {
        LogWarn("relay: publishing paused, will retry",
                {{"topic", options_.topic},
                 {"error", std::string(published.message())}});
      }
      // Refused until an operator acts: health says so (an outage does not).
      absl::Status refused = impl_->trouble.Get();
      if (refused.ok() &&
          published.code() == absl::StatusCode::kPermissionDenied) {
        refused = published;
      }
      if (!refused.ok() && options_.on_health) {
        options_.on_health(absl::Status(
            refused.code(), absl::StrCat("relay to ", options_.topic,
                                         " refused: ", refused.message())));
      }
      was_failing = true;
      // Back off before retrying from the same cursor (at-least-once).
      for (int i = 0; i < 10 && !stop_; ++i)
        rd_kafka_poll(impl_->producer, 100);
      continue;
    }
    if (was_failing) {
      LogInfo("relay: publishing resumed", {{"topic", options_.topic}});
      impl_->trouble.Clear();
      if (options_.on_health) options_.on_health(absl::OkStatus());
    }
    was_failing = false;
    const int64_t last = events->back().position;
    if (options_.on_published) {
      options_.on_published(events->front().position, last);
    }
    absl::Status saved = store_.SetCursor(options_.cursor_name, last);
    if (!saved.ok()) {
      LogError("relay: cannot save cursor",
               {{"error", std::string(saved.message())}});
    }
    published_ = last;
  }
}

}  // namespace casework::kafka
