// CommandHandler: the generic command path of every domain service.
//
// Every command carries a request id (required: INVALID_ARGUMENT naming
// request_id when missing or malformed) bound to a digest of what it asked.
// Given a stream id and a pure decide function, it returns the stored result
// for a repeat of the same request (same id and digest), refuses the same id
// for a different request (ALREADY_EXISTS naming request_id, nothing
// written), otherwise loads the stream, folds it into state
// with the service's Evolve, decides, stamps each new event's metadata (id,
// stream, version, child, officer, actor, request id as correlation,
// recorded_at, source, schema version), appends with the expected version and
// returns `{stream_id, version, position, event_ids}`. A version conflict with
// a concurrent command is retried (the decision is made again on the new
// state).
//
// Traits supplies the service's types and functions:
//   using State = ...;   // a protobuf message or struct, default-constructible
//   using Event = ...;   // the envelope message: `metadata` (field 1) and a
//   oneof `event` static void Evolve(State&, const Event&); static std::string
//   ChildId(const State&); static std::string OfficerId(const State&); static
//   constexpr const char* kSource;  // e.g. "ehc-assessments"
//
// The store stamps each event's log position into its metadata at commit (see
// RocksEventStore), so payloads read back or published carry their position.
//
// Thread safety: thread-safe if the store is (it is).
#ifndef CASEWORK_LIBS_EVENTSTORE_COMMAND_HANDLER_H_
#define CASEWORK_LIBS_EVENTSTORE_COMMAND_HANDLER_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/common.pb.h"
#include "libs/core/clock.h"
#include "libs/core/status.h"
#include "libs/eventstore/event_store.h"

namespace casework {

// Who is asking and what, for event metadata and idempotency.
struct CommandContext {
  std::string actor;
  std::string request_id;
  // RequestDigest of the request: the request id is bound to it.
  std::string request_digest;
  // The case-level access check, when the caller is a person: called with
  // the officer holding the case ("" for a new case) and the officer holding
  // it after the command (before anything is written); an error refuses the
  // command. Checked before deciding for an existing case, so a refusal
  // reveals nothing of its state.
  std::function<absl::Status(const std::string& holder,
                             const std::string& new_holder)>
      authorize_case;
};

// The digest a request id is bound to: SHA-256 (hex) of the method, the actor
// and the request's deterministic serialization, so a retry of the same call
// matches and anything else under the same id (another step, another case,
// other content, another caller) does not.
std::string RequestDigest(absl::string_view method, absl::string_view actor,
                          const google::protobuf::Message& request);
// The same over bytes that identify a request made by the service itself
// (e.g. the event an intake reacts to).
std::string RequestDigest(absl::string_view method, absl::string_view actor,
                          absl::string_view request_bytes);

// The context of a command request message with a `request_id` string field:
// its request id and RequestDigest.
CommandContext CommandContextFor(absl::string_view actor,
                                 absl::string_view method,
                                 const google::protobuf::Message& request);

// A request id: required, 1-128 characters of [A-Za-z0-9._:-] (a UUID fits).
// INVALID_ARGUMENT naming request_id.
absl::Status ValidateRequestId(absl::string_view request_id);

// What a decide function returns: the new events (metadata unset) and index
// changes.
template <typename Event>
struct Decision {
  std::vector<Event> events;
  std::vector<std::pair<std::string, std::string>> index_puts;
  std::vector<std::string> index_deletes;
};

// The name of the oneof case an envelope holds, e.g. "FinalPlanIssued" (its
// message name).
std::string EventTypeName(const google::protobuf::Message& envelope);

// Fills `result` from an append result.
void ToCommandResult(const AppendResult& append, v1::CommandResult* result);

template <typename Traits>
class CommandHandler final {
 public:
  using State = typename Traits::State;
  using Event = typename Traits::Event;
  using DecideFn = std::function<absl::StatusOr<Decision<Event>>(
      const State&, int64_t version)>;

  CommandHandler(EventStore& store, const Clock& clock)
      : store_(store), clock_(clock) {}

  struct Loaded {
    State state;
    int64_t version = 0;
  };

  // Folds the stream. A stream with no events is version 0 and a default State.
  absl::StatusOr<Loaded> Load(const std::string& stream_id) const {
    ASSIGN_OR_RETURN(std::vector<StoredEvent> stored,
                     store_.ReadStream(stream_id));
    Loaded loaded;
    for (const StoredEvent& e : stored) {
      Event event;
      if (!event.ParseFromString(e.payload)) {
        return absl::DataLossError(
            absl::StrCat("cannot parse event ", e.position));
      }
      Traits::Evolve(loaded.state, event);
      loaded.version = e.version;
    }
    return loaded;
  }

  absl::StatusOr<v1::CommandResult> Execute(const std::string& stream_id,
                                            const CommandContext& context,
                                            const DecideFn& decide) const {
    v1::CommandResult result;
    RETURN_IF_ERROR(ValidateRequestId(context.request_id));
    if (context.request_digest.empty()) {
      return absl::InternalError("command without a request digest");
    }
    ASSIGN_OR_RETURN(std::optional<AppendResult> earlier,
                     store_.FindRequest(context.request_id));
    if (earlier.has_value()) {
      RETURN_IF_ERROR(
          CheckRepeat(*earlier, context.request_id, context.request_digest));
      ToCommandResult(*earlier, &result);
      result.set_repeated(true);
      return result;
    }
    absl::Status last = absl::OkStatus();
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      ASSIGN_OR_RETURN(Loaded loaded, Load(stream_id));
      const std::string holder =
          loaded.version > 0 ? Traits::OfficerId(loaded.state) : "";
      if (context.authorize_case && loaded.version > 0) {
        RETURN_IF_ERROR(context.authorize_case(holder, holder));
      }
      ASSIGN_OR_RETURN(Decision<Event> decision,
                       decide(loaded.state, loaded.version));
      if (decision.events.empty())
        return absl::InternalError("decision produced no events");
      AppendRequest append;
      append.stream_id = stream_id;
      append.expected_version = loaded.version;
      append.request_id = context.request_id;
      append.request_digest = context.request_digest;
      append.index_puts = std::move(decision.index_puts);
      append.index_deletes = std::move(decision.index_deletes);
      State state = loaded.state;
      const absl::Time now = clock_.Now();
      int64_t version = loaded.version;
      for (Event& event : decision.events) {
        v1::EventMetadata* m = event.mutable_metadata();
        m->set_event_id(NewUuid());
        m->set_stream_id(stream_id);
        m->set_version(++version);
        m->mutable_recorded_at()->set_seconds(absl::ToUnixSeconds(now));
        m->mutable_recorded_at()->set_nanos(
            static_cast<int32_t>(absl::ToUnixNanos(now) % 1000000000));
        m->set_actor(context.actor);
        m->set_correlation_id(context.request_id);
        m->set_schema_version(1);
        m->set_source(Traits::kSource);
        Traits::Evolve(state, event);
        m->set_child_id(Traits::ChildId(state));
        m->set_officer_id(Traits::OfficerId(state));
        append.child_id = m->child_id();
        append.events.push_back(NewEvent{m->event_id(), EventTypeName(event),
                                         event.SerializeAsString()});
      }
      if (context.authorize_case) {
        const std::string new_holder = Traits::OfficerId(state);
        if (loaded.version == 0 || new_holder != holder) {
          RETURN_IF_ERROR(context.authorize_case(holder, new_holder));
        }
      }
      absl::StatusOr<AppendResult> appended = store_.Append(std::move(append));
      if (appended.ok()) {
        ToCommandResult(*appended, &result);
        return result;
      }
      last = appended.status();
      if (last.code() != absl::StatusCode::kAborted) return last;
    }
    return last;
  }

 private:
  static constexpr int kMaxAttempts = 5;
  EventStore& store_;
  const Clock& clock_;
};

}  // namespace casework

#endif  // CASEWORK_LIBS_EVENTSTORE_COMMAND_HANDLER_H_
