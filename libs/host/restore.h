// Recovery from Kafka, for a domain service's log.
//
// RestoreFromTopic: a service whose disk is lost rebuilds its log from its own
// topic (--restore-from-topic), into an empty data directory. It reads every
// partition of the topic from offset 0, keeping the records that keep the
// topic's contract (refusing, with the reason, when the broker no longer
// holds a partition's start: retention removed part of the log), orders the
// events by their log position and checks the positions it found are whole:
// 1..N with none missing (a missing position is an event the broker never got
// or has lost), no position claimed by two different events, versions 1, 2,
// ... in each stream. Then it appends them in position order, so each lands
// at its own position and version, one append per command (consecutive events
// with one request id), which rebuilds the idempotency records from the
// events' request ids (a retry of a command made before the loss is answered
// as a repeat). The list indexes are rebuilt from the last event of each
// stream (the child and the officer holding it). The relay's cursor is set to
// N: nothing is published again. It cannot know of events the service
// acknowledged but never published (the relay's tail at the loss): N is the
// last position the topic holds, logged; given expected_last_position (from
// a backup or the casework_eventstore_last_position metric), a topic that
// stops short of it is refused.
//
// CatchUpFromTopic: a log restored from a backup lacks what was acknowledged
// after the backup, which the relay had mostly published. Before the service
// takes a command it appends, position for position, every event its topic
// holds after the log's last position (acknowledged history, not new steps),
// after checking that the topic and the log agree on every position both
// hold; so no position is ever written twice with two events.
//
// What it cannot bring back: the free text each service keeps beside its log
// and out of events (advisers' names and exception notes, transport decision
// reasons), and the audit trail of reads. A backup (AdminService.Backup)
// holds both; docs/operations.md.
//
// Thread safety: call before the service starts serving.
#ifndef CASEWORK_LIBS_HOST_RESTORE_H_
#define CASEWORK_LIBS_HOST_RESTORE_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/eventstore/event_store.h"
#include "libs/host/catalogue.h"
#include "libs/kafka/topics.h"

namespace casework::host {

// A stream's list-index entries from what its events say: the stream, the
// child and the officer holding it after its last event, and the type of its
// first event (for a log with two kinds of stream).
struct StreamFacts {
  std::string stream_id;
  std::string child_id;
  std::string officer_id;
  std::string first_type;  // "ComplaintLogged"
};
using IndexOfFn =
    std::function<std::vector<std::pair<std::string, std::string>>(
        const StreamFacts& stream)>;

struct RestoreOptions {
  std::string brokers;
  std::map<std::string, std::string> properties;
  // The service's topic and its contract (kafka::DomainTopics()): a record
  // that breaks it (another source, a type the envelope does not carry, a
  // value that does not decode) is not one of the service's events and is
  // left out, counted and logged.
  kafka::DomainTopic topic;
  IndexOfFn index_of;
  std::string relay_cursor = "relay";
  absl::Duration timeout = absl::Minutes(10);
  // RestoreFromTopic: refuse a topic whose last position is below this (0:
  // no expectation).
  int64_t expected_last_position = 0;
};

struct RestoreSummary {
  int64_t events = 0;
  int64_t streams = 0;
  int64_t duplicates = 0;     // records of an event delivered more than once
  int64_t foreign = 0;        // records that break the topic's contract
  int64_t last_position = 0;  // the log's last position afterwards
};

// Errors name --restore-from-topic: FAILED_PRECONDITION for a store that is
// not empty, a topic with positions missing or short of the expected last
// position, or history gone from the broker; DATA_LOSS for two events at one
// position or a stream's versions out of order.
absl::StatusOr<RestoreSummary> RestoreFromTopic(EventStore& store,
                                                const RestoreOptions& options);

// The highest log position on the topic (0 for an empty topic), from each
// partition's last record; DEADLINE_EXCEEDED or UNAVAILABLE when the broker
// does not answer within `timeout`.
absl::StatusOr<int64_t> LastPublishedPosition(const RestoreOptions& options,
                                              absl::Duration timeout);

// Appends what the topic holds after the log's last position (events 0 when
// nothing). DATA_LOSS when the topic and the log disagree at a position both
// hold; FAILED_PRECONDITION when the topic's positions after the log's are not
// contiguous from it. The relay's cursor moves past what was appended.
absl::StatusOr<RestoreSummary> CatchUpFromTopic(EventStore& store,
                                                const RestoreOptions& options);

}  // namespace casework::host

#endif  // CASEWORK_LIBS_HOST_RESTORE_H_
