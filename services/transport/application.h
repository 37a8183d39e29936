// The transport domain core: pure Decide and Evolve functions over one
// home-to-school travel application (`casework.v1.TransportApplication`
// state, `TransportEvent` events).
//
// On receipt the service computes the statutory outcome (Schedule 35B,
// libs/statutory/eligibility.h) and opens the decision clock (the LA's target
// in working days). The officer confirms an eligible child's entitlement (it
// cannot be refused), or awards discretionary or post-16 policy transport, or
// refuses with a reason. An award opens the in-place clock: arrangements must
// start by the term the child needs them for. Stage 1 reviews and stage 2
// appeals run on the DfE guidance's working-day clocks; a late request is
// recorded as such. Free text (reasons) stays out of events.
//
// Thread safety: pure functions; thread-safe.
#ifndef CASEWORK_SERVICES_TRANSPORT_APPLICATION_H_
#define CASEWORK_SERVICES_TRANSPORT_APPLICATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/transport.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/date.h"
#include "libs/eventstore/command_handler.h"

namespace casework::transport {

using Application = v1::TransportApplication;
using Event = v1::TransportEvent;
using TransportDecision = Decision<Event>;

struct Env {
  Date today;
  const Calendar& calendar;
  int decision_working_days = 20;  // the LA's target
  std::vector<Date> term_starts;   // sorted; the first days of term
};

struct Traits {
  using State = Application;
  using Event = v1::TransportEvent;
  static void Evolve(State& state, const Event& event);
  // The steps the state allows now (RPC names, for front-ends: the
  // allowed_actions of the Get and List answers): what Decide does not
  // refuse for the state alone.
  static std::vector<std::string> AllowedActions(const State& s);
  static std::string ChildId(const State& s) { return s.child_id(); }
  static std::string OfficerId(const State& s) { return s.officer_id(); }
  static constexpr const char* kSource = "transport";
};

std::string ChildIndexKey(absl::string_view child_id,
                          absl::string_view application_id);
std::string OfficerIndexKey(absl::string_view officer_id,
                            absl::string_view application_id);
// The decision's reason, kept beside the log (not in events).
std::string ReasonKey(absl::string_view application_id);

// The first term start on or after `after` (from Env::term_starts); when none
// is configured that far, the first working day on or after `after`.
Date TermStartFrom(const Env& env, Date after);

// The statutory outcome for the facts on the date in question (`needed_from`;
// unset: 1 September of the academic year); INVALID_ARGUMENT naming a bad
// fact, a distance a ground needs that is not given, or a post-16 label on a
// child of compulsory school age.
absl::StatusOr<v1::EligibilityAssessment> Assess(const v1::TravelFacts& facts,
                                                 const v1::Date& needed_from,
                                                 const Env& env);

absl::StatusOr<TransportDecision> Decide(const Application& s,
                                         const std::string& application_id,
                                         const v1::SubmitApplicationRequest& c,
                                         const Env& env);
absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordTransportDecisionRequest& c,
    const Env& env);
absl::StatusOr<TransportDecision> Decide(const Application& s,
                                         const v1::ArrangeTransportRequest& c,
                                         const Env& env);
absl::StatusOr<TransportDecision> Decide(const Application& s,
                                         const v1::ChangeArrangementRequest& c,
                                         const Env& env);
absl::StatusOr<TransportDecision> Decide(const Application& s,
                                         const v1::EndArrangementRequest& c,
                                         const Env& env);
absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordTravelTrainingRequest& c,
    const Env& env);
absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RequestStage1ReviewRequest& c,
    const Env& env);
absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordStage1DecisionRequest& c,
    const Env& env);
absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RequestStage2AppealRequest& c,
    const Env& env);
absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordPanelDecisionRequest& c,
    const Env& env);
absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordWrittenOutcomeRequest& c,
    const Env& env);
absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::ReassignApplicationOfficerRequest& c,
    const Env& env);

}  // namespace casework::transport

#endif  // CASEWORK_SERVICES_TRANSPORT_APPLICATION_H_
