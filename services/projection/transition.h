// Transition: what one event of a stream does to the read models, computed
// from the stream's state alone (no storage), so it is tested with tables
// (tests/services/projection/transition_test.cc).
//
// Classify() says whether the event is the stream's next one, a repeat (a
// re-delivery or a re-publish: nothing to do) or ahead of it (earlier
// versions missing: held until they arrive). Transition() then gives the
// next state and the changes: the timeline entry; worklist items put and
// deleted (in order); clocks taken on and let go by officers (the holding
// histories); clocks closed (outcome counters, exception report); the child
// entering or leaving an officer's caseload; the event counter. An event it
// cannot apply (a clock rule this build does not know, a date that is not a
// date) is an error naming why: the projection parks its stream.
#ifndef CASEWORK_SERVICES_PROJECTION_TRANSITION_H_
#define CASEWORK_SERVICES_PROJECTION_TRANSITION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/internal/projection_store.pb.h"
#include "casework/v1/common.pb.h"
#include "casework/v1/projection.pb.h"
#include "libs/core/date.h"
#include "libs/statutory/rules.h"

namespace casework::projection {

// An event as the projection reads it.
struct EventFacts {
  std::string source;  // the service ("ehc-assessments")
  std::string type;    // the event's name ("FinalPlanIssued")
  v1::EventEnvelopeHeader envelope;
};

enum class Order { kNext, kRepeat, kAhead };
Order Classify(const internal::StreamState& state, int64_t version);

struct WorklistOp {
  enum Kind { kPut, kPutNew, kDelete };
  Kind kind;
  std::string officer;
  v1::WorklistItem item;  // slim: clock id, rule, dates, exception
};

// An officer's holding of an open clock changes by `sign` from day `on`
// (taken on `taken`): +1 when taken on (opened, or moved to them), -1 when
// let go (closed, replaced, or moved away). `rule` is the clock's (known:
// the transition refuses unknown rules) and `due` its due date.
struct ClockHolding {
  std::string officer;
  const statutory::ClockRule* rule = nullptr;
  Date due;
  Date taken;
  Date on;
  int sign = 0;
};

struct ClosedClock {
  std::string officer;
  // CLOCK_MET or CLOCK_MISSED: the event's own clock change (the delta is
  // good while the EventFacts it came from are).
  const v1::ClockChange* change;
};

// The officer starts (`held`) or stops holding the stream on `on`.
struct CaseChange {
  std::string officer;
  bool held = false;
  Date on;
};

// A tally of an event: its counter, how much, and the day it counts on (the
// event's day, or the cohort's day the tally names).
struct TallyCount {
  std::string counter;
  int64_t count = 0;
  v1::Date on;
};

struct StreamDelta {
  std::string source;
  std::string stream_id;
  std::string child_id;
  v1::TimelineEntry entry;
  std::vector<WorklistOp> worklist;
  std::vector<ClockHolding> holdings;
  std::vector<ClosedClock> closed;
  std::vector<CaseChange> cases;
  const char* counter = nullptr;  // the event counter it adds one to
  // The event's tallies (v1::Tally): counters it adds to, and how much.
  std::vector<TallyCount> tallies;
  std::string officer;  // responsible after the event
  Date occurred;
};

// For an event Classify() calls kNext: the changes, with `state` moved on
// to the stream's state after the event. INVALID_ARGUMENT naming what is
// wrong when the event cannot be applied (`state` then unchanged).
absl::StatusOr<StreamDelta> Transition(internal::StreamState& state,
                                       const EventFacts& facts);

// Tests only: rules to treat as unknown to this build (an upgrade that adds
// a rule is then simulated by clearing the set). Not thread-safe: set it
// before applying.
void SetUnknownRulesForTesting(std::vector<std::string> rules);

// The humanised timeline line of an event ("Final plan issued; on time: ...").
std::string TimelineLine(absl::string_view type,
                         const v1::EventEnvelopeHeader& e);

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_TRANSITION_H_
