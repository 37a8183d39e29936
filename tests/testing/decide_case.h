// One case of a domain service in memory, for the tests of its decisions:
// Do(command...) calls the service's Decide(state, command..., env) (found
// by argument-dependent lookup), stamps each event as the command handler
// does (stream, next version, source; the child and officer from the state
// after it), applies it with Traits::Evolve, and returns the decision (the
// events, or the refusal). The case's business date is env().today.
#ifndef CASEWORK_TESTS_TESTING_DECIDE_CASE_H_
#define CASEWORK_TESTS_TESTING_DECIDE_CASE_H_

#include <string>
#include <utility>

#include "casework/v1/common.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/date.h"

namespace casework::testutil {

template <typename Traits, typename Env>
class DecideCase {
 public:
  using State = typename Traits::State;

  // `more`: the rest of the service's Env after the date and the calendar
  // (an LA's settings).
  template <typename... More>
  DecideCase(std::string stream_id, Date today, More&&... more)
      : stream_id_(std::move(stream_id)),
        env_{today, calendar_, std::forward<More>(more)...} {}
  DecideCase(const DecideCase&) = delete;
  DecideCase& operator=(const DecideCase&) = delete;

  template <typename... Args>
  auto Do(const Args&... args) {
    auto decision = Decide(state_, args..., env_);
    if (decision.ok()) {
      for (auto& e : decision->events) {
        v1::EventMetadata* m = e.mutable_metadata();
        m->set_stream_id(stream_id_);
        m->set_version(state_.version() + 1);
        m->set_source(Traits::kSource);
        Traits::Evolve(state_, e);
        m->set_child_id(Traits::ChildId(state_));
        m->set_officer_id(Traits::OfficerId(state_));
      }
    }
    return decision;
  }

  void SetToday(Date d) { env_.today = d; }
  Env& env() { return env_; }
  const State& state() const { return state_; }
  // The clock with this id (the empty clock when there is none).
  const v1::Clock& clock(absl::string_view id) const {
    for (const v1::Clock& c : state_.clocks()) {
      if (c.clock_id() == id) return c;
    }
    static const v1::Clock kNone;
    return kNone;
  }

 private:
  const std::string stream_id_;
  Calendar calendar_;
  Env env_;
  State state_;
};

}  // namespace casework::testutil

#endif  // CASEWORK_TESTS_TESTING_DECIDE_CASE_H_
