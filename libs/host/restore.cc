#include "libs/host/restore.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "casework/v1/common.pb.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/eventstore/command_handler.h"
#include "libs/kafka/kafka.h"

namespace casework::host {
namespace {

struct TopicEvent {
  v1::EventMetadata metadata;
  std::string type;
  std::string payload;  // the envelope, protobuf binary
};

// The envelope's metadata (field 1).
absl::StatusOr<v1::EventMetadata> MetadataOf(
    const google::protobuf::Message& envelope) {
  const google::protobuf::FieldDescriptor* f =
      envelope.GetDescriptor()->FindFieldByName("metadata");
  if (f == nullptr || f->message_type() != v1::EventMetadata::descriptor()) {
    return absl::InternalError("the envelope has no metadata field");
  }
  v1::EventMetadata m;
  m.CopyFrom(envelope.GetReflection()->GetMessage(envelope, f));
  return m;
}

void ClearPosition(google::protobuf::Message* envelope) {
  const google::protobuf::FieldDescriptor* f =
      envelope->GetDescriptor()->FindFieldByName("metadata");
  auto* m = static_cast<v1::EventMetadata*>(
      envelope->GetReflection()->MutableMessage(envelope, f));
  m->clear_position();
}

}  // namespace

absl::StatusOr<RestoreSummary> RestoreFromTopic(EventStore& store,
                                                const RestoreOptions& options) {
  if (store.LastPosition() != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--restore-from-topic: the data directory already holds a log (to "
        "position ",
        store.LastPosition(), "); restore into an empty --data-dir"));
  }
  if (options.brokers.empty()) {
    return absl::InvalidArgumentError(
        "--restore-from-topic needs --brokers (the cluster holding " +
        options.topic.topic + ")");
  }
  ASSIGN_OR_RETURN(
      std::unique_ptr<kafka::Consumer> consumer,
      kafka::Consumer::Create(kafka::ConsumerOptions{
          .brokers = options.brokers,
          .properties = options.properties,
          .group_id = absl::StrCat("casework-restore-", options.topic.topic),
          .complete_history = true}));
  ASSIGN_OR_RETURN(int partitions, consumer->PartitionCount(options.topic.topic,
                                                            absl::Seconds(30)));
  std::map<kafka::TopicPartition, int64_t> assign, ends;
  for (int32_t p = 0; p < partitions; ++p) {
    const kafka::TopicPartition tp{options.topic.topic, p};
    ASSIGN_OR_RETURN(kafka::Watermarks w,
                     consumer->QueryWatermarks(tp, absl::Seconds(30)));
    if (w.low > 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--restore-from-topic: partition ", p, " of ", options.topic.topic,
          " starts at offset ", w.low,
          ": the broker no longer holds the whole log (retention removed "
          "offsets 0 to ",
          w.low - 1, "); restore from a backup (docs/operations.md)"));
    }
    assign[tp] = 0;
    if (w.high > 0) ends[tp] = w.high;
  }
  RETURN_IF_ERROR(consumer->Assign(assign));

  // position -> event; every partition read to the end it had when asked.
  std::map<int64_t, TopicEvent> events;
  RestoreSummary summary;
  const absl::Time deadline = absl::Now() + options.timeout;
  std::map<kafka::TopicPartition, int64_t> next;
  auto done = [&] {
    for (const auto& [tp, end] : ends) {
      if (next[tp] < end) return false;
    }
    return true;
  };
  while (!done()) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("--restore-from-topic: ", options.topic.topic,
                       " was not read to its end in time"));
    }
    ASSIGN_OR_RETURN(std::optional<kafka::Message> record,
                     consumer->Poll(absl::Seconds(1)));
    if (!record.has_value()) continue;
    next[{record->topic, record->partition}] = record->offset + 1;
    absl::StatusOr<v1::EventEnvelopeHeader> kept =
        kafka::CheckDomainRecord(options.topic, *record);
    if (!kept.ok()) {
      ++summary.foreign;
      LogWarn("restore: not an event of this service, left out",
              {{"partition", std::to_string(record->partition)},
               {"offset", std::to_string(record->offset)},
               {"reason", std::string(kept.status().message())}});
      continue;
    }
    std::unique_ptr<google::protobuf::Message> envelope(
        options.topic.envelope->New());
    RETURN_IF_ERROR(kafka::DecodeValue(*record, envelope.get()));
    ASSIGN_OR_RETURN(v1::EventMetadata m, MetadataOf(*envelope));
    if (m.position() < 1 || m.version() < 1 || m.stream_id().empty() ||
        m.event_id().empty()) {
      return absl::DataLossError(absl::StrCat(
          "--restore-from-topic: partition ", record->partition, " offset ",
          record->offset, " has no position, version, stream or event id"));
    }
    auto [it, added] = events.try_emplace(m.position());
    if (!added) {
      if (it->second.metadata.event_id() != m.event_id()) {
        return absl::DataLossError(absl::StrCat(
            "--restore-from-topic: two different events claim position ",
            m.position(), " (", it->second.metadata.event_id(), " and ",
            m.event_id(), ")"));
      }
      ++summary.duplicates;  // re-published: the same event again
      continue;
    }
    it->second.type = EventTypeName(*envelope);
    // Stored as the service stored it: the store stamps the position itself.
    ClearPosition(envelope.get());
    it->second.payload = envelope->SerializeAsString();
    it->second.metadata = std::move(m);
  }

  // The log is whole: 1..N, versions gap-free per stream.
  int64_t expected = 1;
  std::map<std::string, int64_t> versions;
  for (const auto& [position, e] : events) {
    if (position != expected) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--restore-from-topic: positions ", expected, " to ", position - 1,
          " are not on ", options.topic.topic,
          " (never published, or removed); the log cannot be restored whole "
          "from the topic: restore from a backup"));
    }
    int64_t& v = versions[e.metadata.stream_id()];
    if (e.metadata.version() != v + 1) {
      return absl::DataLossError(
          absl::StrCat("--restore-from-topic: stream ", e.metadata.stream_id(),
                       " has version ", e.metadata.version(), " at position ",
                       position, " after version ", v));
    }
    v = e.metadata.version();
    ++expected;
  }

  // Each stream's last position and facts, for its index entries.
  std::map<std::string, StreamFacts> facts;
  std::map<std::string, int64_t> last_of;
  for (const auto& [position, e] : events) {
    StreamFacts& f = facts[e.metadata.stream_id()];
    if (f.stream_id.empty()) {
      f.stream_id = e.metadata.stream_id();
      f.first_type = e.type;
    }
    if (!e.metadata.child_id().empty()) f.child_id = e.metadata.child_id();
    f.officer_id = e.metadata.officer_id();
    last_of[e.metadata.stream_id()] = position;
  }

  // Appends, one per command: consecutive events of a stream with one
  // request id.
  std::set<std::string> request_ids;
  auto it = events.begin();
  while (it != events.end()) {
    const v1::EventMetadata& first = it->second.metadata;
    AppendRequest req;
    req.stream_id = first.stream_id();
    req.child_id = first.child_id();
    req.expected_version = first.version() - 1;
    if (!first.correlation_id().empty() &&
        request_ids.insert(first.correlation_id()).second) {
      // Digest unknown: any retry of this id is answered as the repeat.
      req.request_id = first.correlation_id();
    }
    bool has_last = false;
    for (; it != events.end() &&
           it->second.metadata.stream_id() == first.stream_id() &&
           it->second.metadata.correlation_id() == first.correlation_id() &&
           (req.events.empty() ||
            it->second.metadata.version() ==
                first.version() + static_cast<int64_t>(req.events.size()));
         ++it) {
      req.events.push_back(NewEvent{it->second.metadata.event_id(),
                                    it->second.type, it->second.payload});
      if (last_of[first.stream_id()] == it->first) has_last = true;
    }
    if (has_last && options.index_of) {
      req.index_puts = options.index_of(facts[first.stream_id()]);
    }
    ASSIGN_OR_RETURN(AppendResult r, store.Append(std::move(req)));
    if (r.repeated) {
      return absl::InternalError("--restore-from-topic: an append repeated");
    }
  }
  summary.events = static_cast<int64_t>(events.size());
  summary.streams = static_cast<int64_t>(facts.size());
  if (store.LastPosition() != summary.events) {
    return absl::InternalError(
        absl::StrCat("--restore-from-topic: restored to position ",
                     store.LastPosition(), ", expected ", summary.events));
  }
  RETURN_IF_ERROR(store.SetCursor(options.relay_cursor, summary.events));
  LogInfo("log restored from the topic",
          {{"topic", options.topic.topic},
           {"events", std::to_string(summary.events)},
           {"streams", std::to_string(summary.streams)},
           {"duplicates", std::to_string(summary.duplicates)},
           {"foreign", std::to_string(summary.foreign)}});
  return summary;
}

}  // namespace casework::host
