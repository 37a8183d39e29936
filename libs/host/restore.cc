#include "libs/host/restore.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <functional>
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

// The facts of a stream already in the log (for its index entries).
absl::StatusOr<std::pair<int64_t, StreamFacts>> StoredFacts(
    EventStore& store, const std::string& stream_id) {
  ASSIGN_OR_RETURN(std::vector<StoredEvent> stored,
                   store.ReadStream(stream_id));
  StreamFacts f;
  int64_t version = 0;
  for (const StoredEvent& e : stored) {
    if (f.stream_id.empty()) {
      f.stream_id = stream_id;
      f.first_type = e.type;
    }
    if (!e.child_id.empty()) f.child_id = e.child_id;
    v1::EventEnvelopeHeader header;
    if (header.ParseFromString(e.payload)) {
      f.officer_id = header.metadata().officer_id();
    }
    version = e.version;
  }
  return std::make_pair(version, f);
}

// A consumer of the service's own topic (its group is allowed to read it:
// deploy/kafka/setup.sh), reading complete history.
absl::StatusOr<std::unique_ptr<kafka::Consumer>> TopicReader(
    const RestoreOptions& options) {
  return kafka::Consumer::Create(kafka::ConsumerOptions{
      .brokers = options.brokers,
      .properties = options.properties,
      .group_id = absl::StrCat("casework-restore-", options.topic.topic),
      .complete_history = true});
}

// Every partition of the topic read to the end it had when asked: the
// events at positions after `after`, by position; `known` is called with
// the metadata of each event at or before it (to compare with the log).
absl::StatusOr<std::map<int64_t, TopicEvent>> ReadTopic(
    const RestoreOptions& options, int64_t after,
    const std::function<absl::Status(const v1::EventMetadata&)>& known,
    RestoreSummary* summary) {
  ASSIGN_OR_RETURN(std::unique_ptr<kafka::Consumer> consumer,
                   TopicReader(options));
  ASSIGN_OR_RETURN(int partitions, consumer->PartitionCount(options.topic.topic,
                                                            absl::Seconds(30)));
  std::map<kafka::TopicPartition, int64_t> assign, ends;
  for (int32_t p = 0; p < partitions; ++p) {
    const kafka::TopicPartition tp{options.topic.topic, p};
    ASSIGN_OR_RETURN(kafka::Watermarks w,
                     consumer->QueryWatermarks(tp, absl::Seconds(30)));
    if (w.low > 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "partition ", p, " of ", options.topic.topic, " starts at offset ",
          w.low,
          ": the broker no longer holds the whole log (retention removed "
          "offsets 0 to ",
          w.low - 1, "); restore from a backup (docs/operations.md)"));
    }
    assign[tp] = 0;
    if (w.high > 0) ends[tp] = w.high;
  }
  RETURN_IF_ERROR(consumer->Assign(assign));
  std::map<int64_t, TopicEvent> events;
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
      return absl::DeadlineExceededError(absl::StrCat(
          options.topic.topic, " was not read to its end in time"));
    }
    ASSIGN_OR_RETURN(std::optional<kafka::Message> record,
                     consumer->Poll(absl::Seconds(1)));
    if (!record.has_value()) continue;
    next[{record->topic, record->partition}] = record->offset + 1;
    absl::StatusOr<v1::EventEnvelopeHeader> kept =
        kafka::CheckDomainRecord(options.topic, *record);
    if (!kept.ok()) {
      ++summary->foreign;
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
          "partition ", record->partition, " offset ", record->offset,
          " has no position, version, stream or event id"));
    }
    if (m.position() <= after) {
      RETURN_IF_ERROR(known(m));
      continue;
    }
    auto [it, added] = events.try_emplace(m.position());
    if (!added) {
      if (it->second.metadata.event_id() != m.event_id()) {
        return absl::DataLossError(absl::StrCat(
            "two different events claim position ", m.position(), " (",
            it->second.metadata.event_id(), " and ", m.event_id(), ")"));
      }
      ++summary->duplicates;  // re-published: the same event again
      continue;
    }
    it->second.type = EventTypeName(*envelope);
    // Stored as the service stored it: the store stamps the position itself.
    ClearPosition(envelope.get());
    it->second.payload = envelope->SerializeAsString();
    it->second.metadata = std::move(m);
  }
  return events;
}

// Appends `events` (positions after+1, after+2, ... with none missing) to a
// log at position `after`, each at its own position and version, one append
// per command (consecutive events with one request id), so the idempotency
// records come back from the events' request ids; the streams' list-index
// entries follow what their last event says.
absl::Status AppendInOrder(EventStore& store,
                           const std::map<int64_t, TopicEvent>& events,
                           int64_t after, const RestoreOptions& options) {
  int64_t expected = after + 1;
  std::map<std::string, int64_t> versions;
  std::map<std::string, StreamFacts> facts, before;
  std::map<std::string, int64_t> last_of;
  for (const auto& [position, e] : events) {
    if (position != expected) {
      return absl::FailedPreconditionError(absl::StrCat(
          "positions ", expected, " to ", position - 1, " are not on ",
          options.topic.topic,
          " (never published, or removed): the log cannot be made whole from "
          "the topic; restore from a backup"));
    }
    const std::string& stream = e.metadata.stream_id();
    if (!versions.contains(stream)) {
      versions[stream] = 0;
      if (after > 0) {
        ASSIGN_OR_RETURN(auto stored, StoredFacts(store, stream));
        versions[stream] = stored.first;
        if (stored.first > 0) facts[stream] = before[stream] = stored.second;
      }
    }
    int64_t& v = versions[stream];
    if (e.metadata.version() != v + 1) {
      return absl::DataLossError(
          absl::StrCat("stream ", stream, " has version ", e.metadata.version(),
                       " at position ", position, " after version ", v));
    }
    v = e.metadata.version();
    ++expected;
    StreamFacts& f = facts[stream];
    if (f.stream_id.empty()) {
      f.stream_id = stream;
      f.first_type = e.type;
    }
    if (!e.metadata.child_id().empty()) f.child_id = e.metadata.child_id();
    f.officer_id = e.metadata.officer_id();
    last_of[stream] = position;
  }
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
      auto old = before.find(first.stream_id());
      if (old != before.end()) {
        for (auto& [key, value] : options.index_of(old->second)) {
          const bool kept =
              std::any_of(req.index_puts.begin(), req.index_puts.end(),
                          [&](const auto& put) { return put.first == key; });
          if (!kept) req.index_deletes.push_back(key);
        }
      }
    }
    ASSIGN_OR_RETURN(AppendResult r, store.Append(std::move(req)));
    if (r.repeated) return absl::InternalError("an append repeated");
  }
  return absl::OkStatus();
}

absl::Status Named(const absl::Status& s, absl::string_view flag) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(flag, ": ", s.message()));
}

}  // namespace

absl::StatusOr<RestoreSummary> RestoreFromTopic(EventStore& store,
                                                const RestoreOptions& options) {
  constexpr absl::string_view kFlag = "--restore-from-topic";
  if (store.LastPosition() != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        kFlag, ": the data directory already holds a log (to position ",
        store.LastPosition(), "); restore into an empty --data-dir"));
  }
  if (options.brokers.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kFlag, " needs --brokers (the cluster holding ",
                     options.topic.topic, ")"));
  }
  RestoreSummary summary;
  absl::StatusOr<std::map<int64_t, TopicEvent>> events = ReadTopic(
      options, 0, [](const v1::EventMetadata&) { return absl::OkStatus(); },
      &summary);
  if (!events.ok()) return Named(events.status(), kFlag);
  const int64_t last = events->empty() ? 0 : events->rbegin()->first;
  if (options.expected_last_position > 0 &&
      last < options.expected_last_position) {
    return absl::FailedPreconditionError(absl::StrCat(
        kFlag, ": ", options.topic.topic, " holds positions up to ", last,
        ", short of the expected ", options.expected_last_position,
        " (events acknowledged but never published are not on it): restore "
        "from a backup"));
  }
  RETURN_IF_ERROR(Named(AppendInOrder(store, *events, 0, options), kFlag));
  std::set<std::string> streams;
  for (const auto& [position, e] : *events) {
    streams.insert(e.metadata.stream_id());
  }
  summary.events = static_cast<int64_t>(events->size());
  summary.streams = static_cast<int64_t>(streams.size());
  summary.last_position = last;
  if (store.LastPosition() != summary.events) {
    return absl::InternalError(absl::StrCat(kFlag, ": restored to position ",
                                            store.LastPosition(), ", expected ",
                                            summary.events));
  }
  RETURN_IF_ERROR(store.SetCursor(options.relay_cursor, summary.events));
  LogInfo("log restored from the topic",
          {{"topic", options.topic.topic},
           {"events", std::to_string(summary.events)},
           {"last_position", std::to_string(summary.last_position)},
           {"streams", std::to_string(summary.streams)},
           {"duplicates", std::to_string(summary.duplicates)},
           {"foreign", std::to_string(summary.foreign)}});
  return summary;
}

absl::StatusOr<int64_t> LastPublishedPosition(const RestoreOptions& options,
                                              absl::Duration timeout) {
  ASSIGN_OR_RETURN(std::unique_ptr<kafka::Consumer> consumer,
                   TopicReader(options));
  ASSIGN_OR_RETURN(int partitions,
                   consumer->PartitionCount(options.topic.topic, timeout));
  // The relay publishes in position order (a re-publish too, to the end), so
  // each partition's last record holds its highest position.
  std::map<kafka::TopicPartition, int64_t> assign;
  for (int32_t p = 0; p < partitions; ++p) {
    const kafka::TopicPartition tp{options.topic.topic, p};
    ASSIGN_OR_RETURN(kafka::Watermarks w,
                     consumer->QueryWatermarks(tp, timeout));
    if (w.high > w.low) assign[tp] = w.high - 1;
  }
  int64_t last = 0;
  if (assign.empty()) return last;
  RETURN_IF_ERROR(consumer->Assign(assign));
  std::set<kafka::TopicPartition> pending;
  for (const auto& [tp, offset] : assign) pending.insert(tp);
  const absl::Time deadline = absl::Now() + timeout;
  while (!pending.empty()) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "the last records of ", options.topic.topic, " did not arrive"));
    }
    ASSIGN_OR_RETURN(std::optional<kafka::Message> record,
                     consumer->Poll(absl::Milliseconds(500)));
    if (!record.has_value()) continue;
    pending.erase({record->topic, record->partition});
    if (!kafka::CheckDomainRecord(options.topic, *record).ok()) continue;
    std::unique_ptr<google::protobuf::Message> envelope(
        options.topic.envelope->New());
    if (!kafka::DecodeValue(*record, envelope.get()).ok()) continue;
    absl::StatusOr<v1::EventMetadata> m = MetadataOf(*envelope);
    if (m.ok()) last = std::max(last, m->position());
  }
  return last;
}

absl::StatusOr<RestoreSummary> CatchUpFromTopic(EventStore& store,
                                                const RestoreOptions& options) {
  constexpr absl::string_view kWhat = "catching up with the topic";
  const int64_t after = store.LastPosition();
  RestoreSummary summary;
  // The topic and the log must tell one history where both hold it.
  auto same = [&store, &options](const v1::EventMetadata& m) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<StoredEvent> at,
                     store.ReadAfter(m.position() - 1, 1));
    if (at.empty() || at[0].position != m.position() ||
        at[0].event_id != m.event_id()) {
      return absl::DataLossError(absl::StrCat(
          options.topic.topic, " holds event ", m.event_id(), " at position ",
          m.position(), " where the log holds ",
          at.empty() || at[0].position != m.position() ? "nothing"
                                                       : at[0].event_id,
          ": they tell two histories (a backup of another cluster's "
          "service?)"));
    }
    return absl::OkStatus();
  };
  absl::StatusOr<std::map<int64_t, TopicEvent>> events =
      ReadTopic(options, after, same, &summary);
  if (!events.ok()) return Named(events.status(), kWhat);
  RETURN_IF_ERROR(Named(AppendInOrder(store, *events, after, options), kWhat));
  summary.events = static_cast<int64_t>(events->size());
  summary.last_position = store.LastPosition();
  std::set<std::string> streams;
  for (const auto& [position, e] : *events) {
    streams.insert(e.metadata.stream_id());
  }
  summary.streams = static_cast<int64_t>(streams.size());
  if (summary.events > 0) {
    // Already on the topic: not published again.
    ASSIGN_OR_RETURN(int64_t cursor, store.GetCursor(options.relay_cursor));
    if (cursor < summary.last_position) {
      RETURN_IF_ERROR(
          store.SetCursor(options.relay_cursor, summary.last_position));
    }
    LogWarn("the log lacked events its topic holds: appended them",
            {{"topic", options.topic.topic},
             {"from_position", std::to_string(after + 1)},
             {"last_position", std::to_string(summary.last_position)},
             {"events", std::to_string(summary.events)}});
  }
  return summary;
}

}  // namespace casework::host
