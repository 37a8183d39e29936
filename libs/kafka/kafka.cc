#include "libs/kafka/kafka.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <fstream>

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
#include "libs/kafka/client_internal.h"

namespace casework::kafka {

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

absl::StatusOr<std::map<std::string, std::string>> UserProperties(
    const std::string& security, const std::string& user,
    const std::string& password_dir) {
  ASSIGN_OR_RETURN(auto props, ParseProperties(absl::StrCat(
                                   security, ",sasl.username=", user)));
  if (!password_dir.empty()) {
    std::ifstream in(password_dir + "/" + user);
    std::string password;
    if (!std::getline(in, password) || password.empty()) {
      return absl::NotFoundError(absl::StrCat("no password for Kafka user ",
                                              user, " in ", password_dir, "/",
                                              user));
    }
    props["sasl.password"] = password;
  }
  return props;
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

// Sets the properties every delivery guarantee rests on, over any value
// given (ParseProperties already refused a weaker one at start).
void SetDeliveryGuarantees(std::map<std::string, std::string>& props,
                           bool producer, bool complete_history) {
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

std::string HeaderOf(const Message& message, absl::string_view key) {
  for (const Header& h : message.headers) {
    if (h.key == key) return h.value;
  }
  return "";
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

namespace {

struct BatchDelivery {
  std::atomic<int> pending{0};
  std::atomic<int> failed{0};
  std::atomic<int> last_error{0};
};

}  // namespace

void DeliveryCallback(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  auto* batch = static_cast<BatchDelivery*>(msg->_private);
  if (batch == nullptr) return;
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    batch->failed++;
    batch->last_error = msg->err;
  }
  batch->pending--;
}

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
    if (stop != nullptr && stop->load()) {
      // Stopping: what is in flight is given up (the caller keeps its cursor
      // and sends it again later; consumers skip a repeat).
      rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      while (delivery.pending > 0) rd_kafka_poll(rk, 20);
      return absl::CancelledError(
          absl::StrCat("kafka: stopped before ", topic, " acknowledged"));
    }
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
    const auto err =
        static_cast<rd_kafka_resp_err_t>(delivery.last_error.load());
    const std::string why =
        absl::StrCat("kafka delivery failed for ", delivery.failed.load(),
                     " record(s): ", rd_kafka_err2str(err));
    // Refused by the ACLs: lasts until an operator acts.
    if (err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
        err == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED) {
      return absl::PermissionDeniedError(why);
    }
    return absl::UnavailableError(why);
  }
  return absl::OkStatus();
}

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

namespace {

// librdkafka's error callback: the errors that last until an operator acts
// go to the producer's ProducerTrouble (its opaque).
void TroubleCallback(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* trouble = static_cast<ProducerTrouble*>(opaque);
  if (trouble == nullptr) return;
  switch (err) {
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
      trouble->Set(absl::UnauthenticatedError(
          absl::StrCat("kafka: the broker refused the login: ", reason)));
      break;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      trouble->Set(absl::PermissionDeniedError(
          absl::StrCat("kafka: not authorized: ", reason)));
      break;
    default:
      break;
  }
}

}  // namespace

absl::StatusOr<rd_kafka_t*> NewProducer(
    const std::string& brokers, std::map<std::string, std::string> properties,
    ProducerTrouble* trouble) {
  SetDeliveryGuarantees(properties, /*producer=*/true);
  // Events of a batch share most of their bytes (headers, ids, dates): LZ4
  // stores about a quarter of them, so a broker's retention (and the
  // embedded broker's fixed log size) holds four times the history.
  properties.emplace("compression.type", "lz4");
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, NewConf(brokers, properties));
  rd_kafka_conf_set_dr_msg_cb(conf, DeliveryCallback);
  if (trouble != nullptr) {
    rd_kafka_conf_set_opaque(conf, trouble);
    rd_kafka_conf_set_error_cb(conf, TroubleCallback);
  }
  char err[512];
  rd_kafka_t* producer =
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (producer == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  }
  return producer;
}

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(
    const std::string& brokers,
    const std::map<std::string, std::string>& properties) {
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->producer, NewProducer(brokers, properties));
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

}  // namespace casework::kafka
