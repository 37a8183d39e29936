#include "libs/kafka/kafka.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "casework/v1/common.pb.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/core/thread.h"

namespace casework::kafka {
namespace {

int Millis(absl::Duration d) {
  return static_cast<int>(absl::ToInt64Milliseconds(d));
}

absl::Status Set(rd_kafka_conf_t* conf, const std::string& key,
                 const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof(err)) !=
      RD_KAFKA_CONF_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("kafka property ", key, ": ", err));
  }
  return absl::OkStatus();
}

void LogCallback(const rd_kafka_t*, int level, const char* fac,
                 const char* buf) {
  if (level <= 3) {
    LogWarn("kafka",
            {{"facility", fac}, {"detail", absl::StrCat("\"", buf, "\"")}});
  } else {
    LogDebug("kafka",
             {{"facility", fac}, {"detail", absl::StrCat("\"", buf, "\"")}});
  }
}

absl::StatusOr<rd_kafka_conf_t*> NewConf(
    const std::string& brokers,
    const std::map<std::string, std::string>& properties) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  absl::Status s = Set(conf, "bootstrap.servers", brokers);
  for (const auto& [k, v] : properties) {
    if (s.ok()) s = Set(conf, k, v);
  }
  if (!s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  rd_kafka_conf_set_log_cb(conf, LogCallback);
  return conf;
}

std::string Rfc3339(const google::protobuf::Timestamp& t) {
  return absl::FormatTime(
      "%Y-%m-%dT%H:%M:%E6SZ",
      absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos()),
      absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ParseProperties(
    const std::string& text) {
  std::map<std::string, std::string> out;
  for (absl::string_view part :
       absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    std::string key(absl::StripAsciiWhitespace(kv.first));
    if (key.empty() || part.find('=') == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("kafka config: '", part, "' is not key=value"));
    }
    out[key] = std::string(absl::StripAsciiWhitespace(kv.second));
    RETURN_IF_ERROR(RefuseWeakerDelivery(key, out[key]));
  }
  return out;
}

absl::Status RefuseWeakerDelivery(absl::string_view key,
                                  absl::string_view value) {
  const std::string v = absl::AsciiStrToLower(value);
  struct Guarantee {
    const char* key;
    std::vector<const char*> allowed;
    const char* why;
  };
  static const std::vector<Guarantee>* const kGuarantees =
      new std::vector<Guarantee>{
          {"acks",
           {"all", "-1"},
           "an event counts as published only once every in-sync replica has "
           "it"},
          {"request.required.acks",
           {"all", "-1"},
           "an event counts as published only once every in-sync replica has "
           "it"},
          {"enable.idempotence",
           {"true"},
           "a retried send must not publish an event twice or out of order"},
          {"enable.auto.commit",
           {"false"},
           "a consumer commits an offset only after applying the record"},
          {"enable.auto.offset.store",
           {"false"},
           "a consumer stores an offset only after applying the record"},
          {"auto.offset.reset",
           {"error"},
           "a consumer must never skip history it has not read: it stops and "
           "says which offsets are gone"},
          {"retries",
           {},
           "a failed send is retried until delivered (the default)"},
          {"message.send.max.retries",
           {},
           "a failed send is retried until delivered (the default)"},
      };
  for (const Guarantee& g : *kGuarantees) {
    if (key != g.key) continue;
    for (const char* ok : g.allowed) {
      if (v == ok) return absl::OkStatus();
    }
    return absl::InvalidArgumentError(
        absl::StrCat("--kafka-config: ", key, "=", value,
                     " would weaken delivery guarantees (", g.why,
                     "); casework sets it itself: remove it"));
  }
  return absl::OkStatus();
}

namespace {

// Sets the properties every delivery guarantee rests on, over any value
// given (ParseProperties already refused a weaker one at start).
void SetDeliveryGuarantees(std::map<std::string, std::string>& props,
                           bool producer, bool complete_history = true) {
  if (producer) {
    props["enable.idempotence"] = "true";
    props["acks"] = "all";
    props.erase("request.required.acks");
    props.erase("retries");
    props.erase("message.send.max.retries");
  } else {
    props["enable.auto.commit"] = "false";
    props["enable.auto.offset.store"] = "false";
    // A consumer that keeps its own offsets must see every record from
    // them: librdkafka reports an offset the broker no longer holds as an
    // error rather than jumping to the earliest it has.
    props["auto.offset.reset"] = complete_history ? "error" : "earliest";
  }
}

}  // namespace

// ----------------------------------------------------------------
// EmbeddedBroker

struct EmbeddedBroker::Impl {
  rd_kafka_t* handle = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  ~Impl() {
    if (cluster) rd_kafka_mock_cluster_destroy(cluster);
    if (handle) rd_kafka_destroy(handle);
  }
};

EmbeddedBroker::EmbeddedBroker(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
EmbeddedBroker::~EmbeddedBroker() = default;

absl::StatusOr<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::Start(
    int brokers) {
  auto impl = std::make_unique<Impl>();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, LogCallback);
  char err[512];
  impl->handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (impl->handle == nullptr) {
    return absl::UnavailableError(absl::StrCat("embedded broker: ", err));
  }
  impl->cluster = rd_kafka_mock_cluster_new(impl->handle, brokers);
  if (impl->cluster == nullptr) {
    return absl::UnavailableError(
        "embedded broker: cannot start the mock cluster");
  }
  std::unique_ptr<EmbeddedBroker> broker(new EmbeddedBroker(std::move(impl)));
  broker->bootstrap_ = rd_kafka_mock_cluster_bootstraps(broker->impl_->cluster);
  broker->broker_count_ = brokers;
  return broker;
}

absl::Status EmbeddedBroker::CreateTopic(const std::string& topic,
                                         int partitions) {
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
      impl_->cluster, topic.c_str(), partitions, std::min(broker_count_, 3));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(
        absl::StrCat("create topic ", topic, ": ", rd_kafka_err2str(err)));
  }
  return absl::OkStatus();
}

void EmbeddedBroker::SetDown(bool down) {
  for (int id = 1; id <= broker_count_; ++id) {
    if (down) {
      rd_kafka_mock_broker_set_down(impl_->cluster, id);
    } else {
      rd_kafka_mock_broker_set_up(impl_->cluster, id);
    }
  }
}

// ---------------------------------------------------------------- Relay

absl::StatusOr<Encoding> ParseEncoding(const std::string& text) {
  if (text == "protobuf") return Encoding::kProtobuf;
  if (text == "json") return Encoding::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("--event-format: '", text, "' is not protobuf or json"));
}

absl::Status DecodeValue(const Message& message,
                         google::protobuf::Message* out) {
  bool json = false;
  for (const Header& h : message.headers) {
    if (h.key == "content-type") json = h.value == "application/json";
  }
  if (json) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto s = google::protobuf::util::JsonStringToMessage(message.value,
                                                               out, options);
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a ", out->GetTypeName(),
                       " in the protobuf JSON mapping: ", s.ToString()));
    }
    return absl::OkStatus();
  }
  if (!out->ParseFromString(message.value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a ", out->GetTypeName(), " (protobuf)"));
  }
  return absl::OkStatus();
}

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
  ~Impl() {
    if (producer) {
      rd_kafka_flush(producer, 2000);
      rd_kafka_destroy(producer);
    }
  }
};

namespace {

struct BatchDelivery {
  std::atomic<int> pending{0};
  std::atomic<int> failed{0};
  std::atomic<int> last_error{0};
};

void DeliveryCallback(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  auto* batch = static_cast<BatchDelivery*>(msg->_private);
  if (batch == nullptr) return;
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    batch->failed++;
    batch->last_error = msg->err;
  }
  batch->pending--;
}

// One record to produce: views into bytes the caller keeps until
// ProduceAndWait returns.
struct Outgoing {
  absl::string_view key;
  absl::string_view value;
  const std::vector<Header>* headers;
};

// The one produce-and-wait routine (the relay, the producer, dead letters):
// queues every record (waiting while the local queue is full, unless
// `stop` is set), then waits for every delivery report. OK only when the
// broker acknowledged all of them. With a `timeout`, records not acknowledged
// by then are purged and it is UNAVAILABLE; without one, message.timeout.ms
// bounds the wait.
absl::Status ProduceAndWait(rd_kafka_t* rk, const std::string& topic,
                            const std::vector<Outgoing>& records,
                            std::optional<absl::Duration> timeout,
                            const std::atomic<bool>* stop) {
  BatchDelivery delivery;
  absl::Status queued = absl::OkStatus();
  for (const Outgoing& r : records) {
    rd_kafka_headers_t* headers =
        rd_kafka_headers_new(std::max<size_t>(1, r.headers->size()));
    for (const Header& h : *r.headers) {
      rd_kafka_header_add(headers, h.key.data(),
                          static_cast<ssize_t>(h.key.size()), h.value.data(),
                          static_cast<ssize_t>(h.value.size()));
    }
    delivery.pending++;
    rd_kafka_resp_err_t err;
    for (;;) {
      err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_KEY(r.key.data(), r.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers),
          RD_KAFKA_V_OPAQUE(&delivery), RD_KAFKA_V_END);
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL ||
          (stop != nullptr && stop->load())) {
        break;
      }
      rd_kafka_poll(rk, 50);
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_headers_destroy(headers);
      delivery.pending--;
      queued = absl::UnavailableError(
          absl::StrCat("kafka produce: ", rd_kafka_err2str(err)));
      break;
    }
  }
  // What was queued holds `delivery`: every callback runs before it goes.
  const absl::Time deadline =
      timeout.has_value() ? absl::Now() + *timeout : absl::InfiniteFuture();
  while (delivery.pending > 0) {
    rd_kafka_poll(rk, 20);
    if (absl::Now() > deadline) {
      rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      while (delivery.pending > 0) rd_kafka_poll(rk, 20);
      return absl::UnavailableError(
          absl::StrCat("kafka: records to ", topic, " not acknowledged in ",
                       absl::FormatDuration(*timeout)));
    }
  }
  RETURN_IF_ERROR(queued);
  if (delivery.failed > 0) {
    return absl::UnavailableError(absl::StrCat(
        "kafka delivery failed for ", delivery.failed.load(), " record(s): ",
        rd_kafka_err2str(
            static_cast<rd_kafka_resp_err_t>(delivery.last_error.load()))));
  }
  return absl::OkStatus();
}

}  // namespace

struct Producer::Impl {
  rd_kafka_t* producer = nullptr;
  ~Impl() {
    if (producer) {
      rd_kafka_flush(producer, 2000);
      rd_kafka_destroy(producer);
    }
  }
};

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Producer::~Producer() = default;

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(
    const std::string& brokers,
    const std::map<std::string, std::string>& properties) {
  std::map<std::string, std::string> props = properties;
  SetDeliveryGuarantees(props, /*producer=*/true);
  props.emplace("compression.type", "lz4");
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, NewConf(brokers, props));
  rd_kafka_conf_set_dr_msg_cb(conf, DeliveryCallback);
  auto impl = std::make_unique<Impl>();
  char err[512];
  impl->producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (impl->producer == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  }
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

absl::Status Producer::Send(const std::string& topic,
                            const std::vector<Message>& records,
                            absl::Duration timeout) {
  std::vector<Outgoing> out;
  out.reserve(records.size());
  for (const Message& m : records) out.push_back({m.key, m.value, &m.headers});
  return ProduceAndWait(impl_->producer, topic, out, timeout, nullptr);
}

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
                          .from_start = flags.topics_reset});
}

absl::StatusOr<std::unique_ptr<Relay>> Relay::Start(EventStore& store,
                                                    RelayOptions options) {
  std::map<std::string, std::string> props = options.properties;
  SetDeliveryGuarantees(props, /*producer=*/true);
  props.emplace("linger.ms", "5");
  // Events of a batch share most of their bytes (headers, ids, dates): LZ4
  // stores about a quarter of them, so a broker's retention (and the
  // embedded broker's fixed log size) holds four times the history.
  props.emplace("compression.type", "lz4");
  props.emplace("message.timeout.ms",
                std::to_string(Millis(options.delivery_timeout)));
  if (options.encoding == Encoding::kJson && options.event_type == nullptr) {
    return absl::InvalidArgumentError("relay: JSON needs the event type");
  }
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, NewConf(options.brokers, props));
  rd_kafka_conf_set_dr_msg_cb(conf, DeliveryCallback);
  auto impl = std::make_unique<Impl>();
  char err[512];
  impl->producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (impl->producer == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  }
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
      was_failing = true;
      // Back off before retrying from the same cursor (at-least-once).
      for (int i = 0; i < 10 && !stop_; ++i)
        rd_kafka_poll(impl_->producer, 100);
      continue;
    }
    if (was_failing)
      LogInfo("relay: publishing resumed", {{"topic", options_.topic}});
    was_failing = false;
    const int64_t last = events->back().position;
    absl::Status saved = store_.SetCursor(options_.cursor_name, last);
    if (!saved.ok()) {
      LogError("relay: cannot save cursor",
               {{"error", std::string(saved.message())}});
    }
    published_ = last;
  }
}

// ---------------------------------------------------------------- Consumer

namespace {
constexpr char kGonePayload[] = "casework.kafka/history-gone";
}  // namespace

absl::Status HistoryGoneError(const TopicPartition& where,
                              absl::string_view detail) {
  absl::Status s = absl::OutOfRangeError(absl::StrCat(
      "partition ", where.second, " of ", where.first,
      ": the broker no longer holds the next offset (", detail, ")"));
  s.SetPayload(kGonePayload,
               absl::Cord(absl::StrCat(where.second, "@", where.first)));
  return s;
}

std::optional<TopicPartition> HistoryGonePartition(const absl::Status& status) {
  auto payload = status.GetPayload(kGonePayload);
  if (!payload.has_value()) return std::nullopt;
  const std::string text(*payload);
  const size_t at = text.find('@');
  int32_t partition = 0;
  if (at == std::string::npos ||
      !absl::SimpleAtoi(text.substr(0, at), &partition)) {
    return std::nullopt;
  }
  return TopicPartition{text.substr(at + 1), partition};
}

struct Consumer::Impl {
  rd_kafka_t* consumer = nullptr;
  bool complete_history = true;
  ~Impl() {
    if (consumer) {
      rd_kafka_consumer_close(consumer);
      rd_kafka_destroy(consumer);
    }
  }
};

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Consumer::~Consumer() = default;

absl::StatusOr<std::unique_ptr<Consumer>> Consumer::Create(
    ConsumerOptions options) {
  std::map<std::string, std::string> props = options.properties;
  props.emplace("group.id", options.group_id);
  SetDeliveryGuarantees(props, /*producer=*/false, options.complete_history);
  props.emplace("enable.partition.eof", "false");
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, NewConf(options.brokers, props));
  auto impl = std::make_unique<Impl>();
  char err[512];
  impl->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (impl->consumer == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  }
  rd_kafka_poll_set_consumer(impl->consumer);
  impl->complete_history = options.complete_history;
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

absl::StatusOr<int> Consumer::PartitionCount(const std::string& topic,
                                             absl::Duration timeout) {
  rd_kafka_topic_t* t =
      rd_kafka_topic_new(impl_->consumer, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(impl_->consumer, 0, t, &md, Millis(timeout));
  rd_kafka_topic_destroy(t);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("kafka metadata: ", rd_kafka_err2str(err)));
  }
  int count = 0;
  absl::Status status =
      absl::NotFoundError(absl::StrCat("topic ", topic, " not found"));
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
      md->topics[0].partition_cnt > 0) {
    count = md->topics[0].partition_cnt;
    status = absl::OkStatus();
  }
  rd_kafka_metadata_destroy(md);
  if (!status.ok()) return status;
  return count;
}

absl::StatusOr<Watermarks> Consumer::QueryWatermarks(const TopicPartition& tp,
                                                     absl::Duration timeout) {
  int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(impl_->consumer, tp.first.c_str(),
                                       tp.second, &low, &high, Millis(timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("kafka watermarks of ", tp.first,
                                               "/", tp.second, ": ",
                                               rd_kafka_err2str(err)));
  }
  return Watermarks{low, high};
}

std::optional<int64_t> Consumer::CachedHighWatermark(const TopicPartition& tp) {
  int64_t low = 0, high = 0;
  if (rd_kafka_get_watermark_offsets(impl_->consumer, tp.first.c_str(),
                                     tp.second, &low,
                                     &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      high < 0) {
    return std::nullopt;
  }
  return high;
}

absl::Status Consumer::Assign(
    const std::map<std::pair<std::string, int32_t>, int64_t>& offsets) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& [tp, offset] : offsets) {
    // With complete history, 0 is offset 0 itself: a partition whose start
    // the broker no longer holds is reported, not skipped to what it has.
    rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)
        ->offset = offset > 0 || impl_->complete_history
                       ? offset
                       : RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(impl_->consumer, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("kafka assign: ", rd_kafka_err2str(err)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Message>> Consumer::Poll(absl::Duration timeout) {
  rd_kafka_message_t* msg =
      rd_kafka_consumer_poll(impl_->consumer, Millis(timeout));
  if (msg == nullptr) return std::optional<Message>();
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string why = rd_kafka_message_errstr(msg);
    const rd_kafka_resp_err_t err = msg->err;
    std::optional<TopicPartition> where;
    if (msg->rkt != nullptr) {
      where = TopicPartition{rd_kafka_topic_name(msg->rkt), msg->partition};
    }
    rd_kafka_message_destroy(msg);
    if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
      return std::optional<Message>();
    if ((err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
         err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) &&
        where.has_value()) {
      return HistoryGoneError(*where, why);
    }
    return absl::UnavailableError(absl::StrCat("kafka consume: ", why));
  }
  Message m;
  m.topic = rd_kafka_topic_name(msg->rkt);
  m.partition = msg->partition;
  m.offset = msg->offset;
  if (msg->key) m.key.assign(static_cast<const char*>(msg->key), msg->key_len);
  if (msg->payload)
    m.value.assign(static_cast<const char*>(msg->payload), msg->len);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
         RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      m.headers.push_back(
          {name, std::string(static_cast<const char*>(value), size)});
    }
  }
  rd_kafka_message_destroy(msg);
  return std::optional<Message>(std::move(m));
}

}  // namespace casework::kafka
