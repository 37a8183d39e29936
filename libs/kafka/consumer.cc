// The consumer: assigned partitions from offsets the caller keeps (kafka.h).
#include <librdkafka/rdkafka.h>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/kafka/client_internal.h"
#include "libs/kafka/kafka.h"

namespace casework::kafka {

// ---------------------------------------------------------------- Consumer

namespace {
constexpr char kGonePayload[] = "casework.kafka/history-gone";
constexpr char kPartitionPayload[] = "casework.kafka/partition";

// A partition marked on a status under `key` ("partition@topic").
absl::Status Mark(absl::Status s, absl::string_view key,
                  const TopicPartition& where) {
  s.SetPayload(key, absl::Cord(absl::StrCat(where.second, "@", where.first)));
  return s;
}

std::optional<TopicPartition> Marked(const absl::Status& status,
                                     absl::string_view key) {
  auto payload = status.GetPayload(key);
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

absl::Status WithPartition(absl::Status s,
                           const std::optional<TopicPartition>& where) {
  return where.has_value() ? AboutPartition(std::move(s), *where) : s;
}
}  // namespace

absl::Status AboutPartition(absl::Status status, const TopicPartition& where) {
  return Mark(std::move(status), kPartitionPayload, where);
}

std::optional<TopicPartition> ErrorPartition(const absl::Status& status) {
  return Marked(status, kPartitionPayload);
}

absl::Status HistoryGoneError(const TopicPartition& where,
                              absl::string_view detail) {
  return Mark(
      absl::OutOfRangeError(absl::StrCat(
          "partition ", where.second, " of ", where.first,
          ": the broker no longer holds the next offset (", detail, ")")),
      kGonePayload, where);
}

std::optional<TopicPartition> HistoryGonePartition(const absl::Status& status) {
  return Marked(status, kGonePayload);
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

std::map<TopicPartition, absl::StatusOr<int64_t>> Consumer::QueryEnds(
    const std::vector<TopicPartition>& partitions, absl::Duration timeout) {
  std::map<TopicPartition, absl::StatusOr<int64_t>> out;
  if (partitions.empty()) return out;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  for (const TopicPartition& tp : partitions) {
    // ListOffsets with the timestamp "latest": the partition's end.
    rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)
        ->offset = RD_KAFKA_OFFSET_END;
  }
  const rd_kafka_resp_err_t err =
      rd_kafka_offsets_for_times(impl_->consumer, list, Millis(timeout));
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = list->elems[i];
    const TopicPartition tp{e.topic, e.partition};
    const rd_kafka_resp_err_t why =
        e.err != RD_KAFKA_RESP_ERR_NO_ERROR ? e.err : err;
    if (why != RD_KAFKA_RESP_ERR_NO_ERROR || e.offset < 0) {
      out.emplace(tp,
                  absl::UnavailableError(absl::StrCat(
                      "kafka end of ", tp.first, "/", tp.second, ": ",
                      why != RD_KAFKA_RESP_ERR_NO_ERROR ? rd_kafka_err2str(why)
                                                        : "no offset")));
    } else {
      out.emplace(tp, e.offset);
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return out;
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
    const std::string where_text =
        where.has_value() ? absl::StrCat(" (", where->first, " partition ",
                                         where->second, ")")
                          : "";
    switch (err) {
      // Persistent until an operator acts: a password or ACL change, a topic
      // deleted or never created.
      case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
      case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
        return WithPartition(
            absl::PermissionDeniedError(absl::StrCat(
                "kafka consume: not authorized", where_text, ": ", why)),
            where);
      case RD_KAFKA_RESP_ERR__AUTHENTICATION:
      case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
        return WithPartition(
            absl::UnauthenticatedError(absl::StrCat(
                "kafka consume: authentication failed", where_text, ": ", why)),
            where);
      case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        return WithPartition(absl::NotFoundError(absl::StrCat(
                                 "kafka consume: unknown topic or partition",
                                 where_text, ": ", why)),
                             where);
      default:
        return WithPartition(absl::UnavailableError(absl::StrCat(
                                 "kafka consume: ", why, where_text)),
                             where);
    }
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
