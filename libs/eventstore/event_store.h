// EventStore: the durable, ordered log of a domain service (its source of truth
// and outbox).
//
// Events belong to streams (one aggregate each: an assessment, a review cycle,
// ...). An append adds events to one stream if the stream is at the expected
// version, records the request id so a repeated request returns the first
// result and writes nothing, assigns gap-free global positions in commit order,
// and returns only once the events are durable. Small named cursors (the
// relay's) and service-maintained index entries live in the same database and
// are written atomically with the events.
//
// Callers: the generic command handler of each service (append, read stream,
// index), the Kafka relay (read from a position, cursor). Thread safety:
// implementations are thread-safe.
#ifndef CASEWORK_LIBS_EVENTSTORE_EVENT_STORE_H_
#define CASEWORK_LIBS_EVENTSTORE_EVENT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace casework {

// Version of a stream that does not exist yet.
inline constexpr int64_t kNoStream = 0;
// Append whatever the stream's version.
inline constexpr int64_t kAnyVersion = -1;

struct NewEvent {
  std::string event_id;  // UUID, unique across the log
  std::string type;      // e.g. "RequestRecorded"
  std::string payload;   // serialized event envelope, opaque to the store
};

struct AppendRequest {
  std::string stream_id;
  std::string child_id;
  int64_t expected_version = kAnyVersion;
  // Client-chosen idempotency key; empty for none (the command handler
  // requires one for every command; bare appends in tests may omit it).
  std::string request_id;
  // What the request asked, as a digest (see RequestDigest): a request id is
  // bound to it, so the same id with another digest is refused.
  std::string request_digest;
  std::vector<NewEvent> events;
  // Index entries written in the same atomic batch (e.g.
  // "officer/<id>/<stream>").
  std::vector<std::pair<std::string, std::string>> index_puts;
  std::vector<std::string> index_deletes;
};

struct AppendResult {
  std::string stream_id;
  int64_t first_version = 0;
  int64_t last_version = 0;
  int64_t first_position = 0;
  int64_t last_position = 0;
  std::vector<std::string> event_ids;
  // True when this is the stored result of an earlier request with the same
  // request id.
  bool repeated = false;
  // The digest stored with the request id (empty for records written before
  // digests were kept).
  std::string request_digest;
};

// OK when `earlier` (the stored result of `request_id`) was made by a request
// with this digest, so the caller may answer with it; otherwise
// ALREADY_EXISTS naming request_id: the id was used for a different command
// (another stream, another step, other content or another caller), and
// nothing is written. Records from before digests were kept match any digest.
absl::Status CheckRepeat(const AppendResult& earlier,
                         absl::string_view request_id,
                         absl::string_view request_digest);

struct StoredEvent {
  int64_t position = 0;
  std::string stream_id;
  int64_t version = 0;
  std::string event_id;
  std::string child_id;
  std::string type;
  std::string payload;
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends `request.events` (at least one) to the stream. Returns when
  // durable. Errors: ABORTED when the stream is not at `expected_version`;
  // INVALID_ARGUMENT for an empty event list or stream id; UNAVAILABLE when
  // storage fails (nothing acknowledged; the message never names server
  // files); RESOURCE_EXHAUSTED when too many appends are already waiting. A
  // request id seen before with the same digest returns the first result (or,
  // within one group commit, the first's failure) with `repeated` set, writing
  // nothing; with another digest it is ALREADY_EXISTS (CheckRepeat). Of
  // several different appends racing under one request id exactly one is
  // recorded.
  virtual absl::StatusOr<AppendResult> Append(AppendRequest request) = 0;

  // The stored result of an earlier append with this request id, if any.
  virtual absl::StatusOr<std::optional<AppendResult>> FindRequest(
      absl::string_view request_id) = 0;

  // The stream's events in version order (empty when the stream does not
  // exist).
  virtual absl::StatusOr<std::vector<StoredEvent>> ReadStream(
      absl::string_view stream_id) = 0;

  // Up to `max` events with position > `after`, in position order.
  virtual absl::StatusOr<std::vector<StoredEvent>> ReadAfter(int64_t after,
                                                             size_t max) = 0;

  // OK while the store can write; UNAVAILABLE with the reason (no space left,
  // I/O error) from a failed write until the store has recovered. Health
  // checks report it.
  virtual absl::Status WriteHealth() const = 0;

  // The highest committed position (0 for an empty log).
  virtual int64_t LastPosition() const = 0;

  // Blocks until LastPosition() > after or the timeout passes; returns whether
  // it did.
  virtual bool WaitForAppend(int64_t after, absl::Duration timeout) = 0;

  // Named cursors (0 when never set), stored beside the log. A cursor write is
  // not synced on its own: after a machine crash it may rewind to an earlier
  // value (never past what was durable), so its user must tolerate repeating
  // work (the relay re-publishes; consumers dedupe).
  virtual absl::StatusOr<int64_t> GetCursor(absl::string_view name) = 0;
  virtual absl::Status SetCursor(absl::string_view name, int64_t value) = 0;

  // Index entries whose key starts with `prefix`, in key order, after
  // `start_after` (exclusive; empty for the start), at most `limit`.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  ScanIndex(absl::string_view prefix, absl::string_view start_after,
            size_t limit) = 0;
};

}  // namespace casework

#endif  // CASEWORK_LIBS_EVENTSTORE_EVENT_STORE_H_
