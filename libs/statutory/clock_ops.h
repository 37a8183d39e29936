// Clock bookkeeping shared by every domain service: building the ClockChanges
// an event carries, and folding them into the `clocks` of a service's state.
//
// Templates over the event envelope (anything with add_clocks()/clocks(), e.g.
// v1::EhcAssessmentEvent) and the state (anything with clocks() of
// v1::Clock). A service decides which clocks to open and close; these helpers
// make every service describe it the same way.
//
// Thread safety: pure functions.
#ifndef CASEWORK_LIBS_STATUTORY_CLOCK_OPS_H_
#define CASEWORK_LIBS_STATUTORY_CLOCK_OPS_H_

#include <algorithm>
#include <string>

#include "absl/strings/string_view.h"
#include "casework/v1/common.pb.h"
#include "libs/core/date.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/rules.h"

namespace casework::statutory {

inline Date DateOf(const v1::Date& d) {
  return Date::Ymd(d.year(), d.month(), d.day());
}

template <typename State>
const v1::Clock* FindClock(const State& s, absl::string_view clock_id) {
  for (const v1::Clock& c : s.clocks()) {
    if (c.clock_id() == clock_id) return &c;
  }
  return nullptr;
}

template <typename State>
const v1::Clock* FindOpenClock(const State& s, absl::string_view clock_id) {
  const v1::Clock* c = FindClock(s, clock_id);
  return c != nullptr && c->status() == v1::CLOCK_STATUS_OPEN ? c : nullptr;
}

// Opens `clock_id` under `rule`, due on `due` (from rule.DueDate or a rule of
// the service's own, such as a phase-transfer deadline).
template <typename Event>
v1::ClockChange* OpenClock(Event& event, absl::string_view clock_id,
                           const ClockRule& rule, Date start, Date due,
                           absl::string_view subtype = "",
                           bool exception = false) {
  v1::ClockChange* c = event.add_clocks();
  c->set_clock_id(std::string(clock_id));
  c->set_rule(std::string(rule.code));
  c->set_action(v1::CLOCK_OPENED);
  *c->mutable_started_on() = ToProto(start);
  *c->mutable_due_on() = ToProto(due);
  c->set_citation(std::string(rule.citation));
  c->set_measure_subtype(std::string(subtype));
  c->set_exception(exception);
  return c;
}

// A change to an open clock, carrying its rule, dates, exception and citation.
template <typename Event>
v1::ClockChange* ChangeOf(Event& event, const v1::Clock& open,
                          v1::ClockAction action) {
  v1::ClockChange* c = event.add_clocks();
  c->set_clock_id(open.clock_id());
  c->set_rule(open.rule());
  c->set_action(action);
  *c->mutable_started_on() = open.started_on();
  *c->mutable_due_on() = open.due_on();
  c->set_exception(open.exception());
  c->set_citation(open.citation());
  c->set_measure_subtype(open.measure_subtype());
  c->set_assignee(open.assignee());
  return c;
}

// Closes an open clock as met (on or before its due date) or missed; nothing
// when it is not open.
template <typename Event, typename State>
void CloseClock(Event& event, const State& s, absl::string_view clock_id,
                Date on) {
  const v1::Clock* open = FindOpenClock(s, clock_id);
  if (open == nullptr) return;
  const Date due = DateOf(open->due_on());
  v1::ClockChange* c =
      ChangeOf(event, *open, on <= due ? v1::CLOCK_MET : v1::CLOCK_MISSED);
  *c->mutable_closed_on() = ToProto(on);
  if (on > due) c->set_days_late(due.DaysUntil(on));
}

template <typename Event, typename State>
void CancelClock(Event& event, const State& s, absl::string_view clock_id,
                 Date on) {
  const v1::Clock* open = FindOpenClock(s, clock_id);
  if (open == nullptr) return;
  *ChangeOf(event, *open, v1::CLOCK_CANCELLED)->mutable_closed_on() =
      ToProto(on);
}

// Cancels every clock still open that this event has not already changed.
template <typename Event, typename State>
void CancelAllOpen(Event& event, const State& s, Date on) {
  for (const v1::Clock& c : s.clocks()) {
    if (c.status() != v1::CLOCK_STATUS_OPEN) continue;
    const bool changed_here =
        std::any_of(event.clocks().begin(), event.clocks().end(),
                    [&](const v1::ClockChange& change) {
                      return change.clock_id() == c.clock_id();
                    });
    if (!changed_here) CancelClock(event, s, c.clock_id(), on);
  }
}

// Folds an event's ClockChanges into the state's clocks (for Evolve).
template <typename State, typename Event>
void ApplyClockChanges(State& s, const Event& e) {
  for (const v1::ClockChange& change : e.clocks()) {
    v1::Clock* clock = nullptr;
    for (v1::Clock& c : *s.mutable_clocks()) {
      if (c.clock_id() == change.clock_id()) clock = &c;
    }
    if (change.action() == v1::CLOCK_OPENED) {
      if (clock == nullptr) clock = s.add_clocks();
      clock->set_clock_id(change.clock_id());
      clock->set_rule(change.rule());
      const ClockRule* rule = FindRule(change.rule());
      clock->set_name(rule ? std::string(rule->name) : change.rule());
      clock->set_citation(change.citation());
      *clock->mutable_started_on() = change.started_on();
      *clock->mutable_due_on() = change.due_on();
      clock->set_status(v1::CLOCK_STATUS_OPEN);
      clock->clear_closed_on();
      clock->set_exception(change.exception());
      clock->set_measure_subtype(change.measure_subtype());
      clock->set_assignee(change.assignee());
      continue;
    }
    if (clock == nullptr) continue;
    switch (change.action()) {
      case v1::CLOCK_MET:
        clock->set_status(v1::CLOCK_STATUS_MET);
        *clock->mutable_closed_on() = change.closed_on();
        break;
      case v1::CLOCK_MISSED:
        clock->set_status(v1::CLOCK_STATUS_MISSED);
        *clock->mutable_closed_on() = change.closed_on();
        break;
      case v1::CLOCK_CANCELLED:
        clock->set_status(v1::CLOCK_STATUS_CANCELLED);
        *clock->mutable_closed_on() = change.closed_on();
        break;
      case v1::CLOCK_EXCEPTION_APPLIED:
        clock->set_exception(true);
        break;
      default:
        break;
    }
  }
}

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_CLOCK_OPS_H_
