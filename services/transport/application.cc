#include "services/transport/application.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/clock_ops.h"
#include "libs/statutory/eligibility.h"
#include "libs/statutory/rules.h"

namespace casework::transport {
namespace {

using statutory::CloseClock;
using statutory::DateOf;
using statutory::FindOpenClock;
using statutory::OpenClock;
using statutory::Rule;
using statutory::RuleId;

constexpr char kDecisionClock[] = "decision";
constexpr char kInPlaceClock[] = "in_place";
constexpr char kStage1Clock[] = "stage1";
constexpr char kPanelClock[] = "stage2_panel";
constexpr char kOutcomeClock[] = "stage2_outcome";
// The family's time to ask for a review or appeal (DfE guidance): a later
// request is still heard, and recorded as late.
constexpr int kRequestWorkingDays = 20;

TransportDecision One(Event event) {
  TransportDecision d;
  d.events.push_back(std::move(event));
  return d;
}

Event At(Date on) {
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  return e;
}

absl::Status RequireExists(const Application& s) {
  if (s.application_id().empty()) {
    return absl::NotFoundError("application_id: no such application");
  }
  return absl::OkStatus();
}

bool Awarded(v1::TransportDecision d) {
  return d == v1::TRANSPORT_DECISION_ELIGIBLE ||
         d == v1::TRANSPORT_DECISION_DISCRETIONARY ||
         d == v1::TRANSPORT_DECISION_POST16_POLICY;
}

absl::Status RequireMiles(absl::string_view field, double miles) {
  if (!std::isfinite(miles) || miles < 0) {
    return FieldError(field, "must be a distance in miles, 0 or more");
  }
  if (miles > 300) return FieldError(field, "is more than 300 miles");
  return absl::OkStatus();
}

// Opens the in-place clock for transport awarded on `on`: due at the term the
// child needs it for, or the next term start when that has passed.
void OpenInPlace(Event& e, const Application& s, Date on, const Env& env) {
  Date due = IsSet(s.needed_from()) ? DateOf(s.needed_from()) : on;
  if (due < on) due = TermStartFrom(env, on);
  // A child entitled only from the day they reach compulsory school age needs
  // transport in place from that day (Education Act 1996 s.8, s.508B).
  if (IsSet(s.assessment().entitled_from())) {
    due = std::max(due, DateOf(s.assessment().entitled_from()));
  }
  OpenClock(e, kInPlaceClock, Rule(RuleId::kTransportInPlace), on, due);
}

}  // namespace

std::string ChildIndexKey(absl::string_view child_id,
                          absl::string_view application_id) {
  return absl::StrCat("child/", child_id, "/", application_id);
}

std::string OfficerIndexKey(absl::string_view officer_id,
                            absl::string_view application_id) {
  return absl::StrCat("officer/", officer_id, "/", application_id);
}

std::string ReasonKey(absl::string_view application_id) {
  return absl::StrCat("text/", application_id, "/reason");
}

Date TermStartFrom(const Env& env, Date after) {
  auto it =
      std::lower_bound(env.term_starts.begin(), env.term_starts.end(), after);
  if (it != env.term_starts.end() && *it < after.AddMonths(6)) return *it;
  Date d = after;
  while (!env.calendar.IsWorkingDay(d)) d = d.AddDays(1);
  return d;
}

absl::StatusOr<v1::EligibilityAssessment> Assess(const v1::TravelFacts& f,
                                                 const v1::Date& needed_from,
                                                 const Env& env) {
  ASSIGN_OR_RETURN(Date dob,
                   FromProto("facts.date_of_birth", f.date_of_birth()));
  if (dob > env.today) {
    return FieldError("facts.date_of_birth", "is in the future");
  }
  if (f.academic_year() < env.today.year() - 2 ||
      f.academic_year() > env.today.year() + 2) {
    return FieldError("facts.academic_year",
                      "must be within two years of today (the year it "
                      "starts, e.g. 2026 for 2026/27)");
  }
  if (f.has_walking_miles()) {
    RETURN_IF_ERROR(RequireMiles("facts.walking_miles", f.walking_miles()));
  }
  if (f.has_road_miles()) {
    RETURN_IF_ERROR(RequireMiles("facts.road_miles", f.road_miles()));
  }
  std::optional<Date> on;
  if (IsSet(needed_from)) {
    ASSIGN_OR_RETURN(on, FromProto("needed_from", needed_from));
  }
  if (!f.school_id().empty()) {
    RETURN_IF_ERROR(ValidateId("facts.school_id", f.school_id()));
  }
  statutory::TravelFacts facts{
      .date_of_birth = dob,
      .academic_year = f.academic_year(),
      .on = on,
      .nearest_suitable_school = f.nearest_suitable_school(),
      .among_three_nearest = f.among_three_nearest(),
      .religion_or_belief = f.religion_or_belief(),
      .walking_miles = f.has_walking_miles()
                           ? std::optional<double>(f.walking_miles())
                           : std::nullopt,
      .road_miles = f.has_road_miles() ? std::optional<double>(f.road_miles())
                                       : std::nullopt,
      .cannot_walk_sen_disability = f.cannot_walk_sen_disability(),
      .route_unsafe = f.route_unsafe(),
      .low_income = f.low_income(),
      .post16 = f.post16(),
      .term_starts = env.term_starts};
  const statutory::TravelAssessment a =
      statutory::AssessTravelEligibility(facts);
  v1::EligibilityAssessment out;
  switch (a.outcome) {
    case statutory::TravelOutcome::kEligible:
      out.set_outcome(v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
      break;
    case statutory::TravelOutcome::kNotEligible:
      out.set_outcome(v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
      break;
    case statutory::TravelOutcome::kPolicyDecision:
      out.set_outcome(v1::ELIGIBILITY_OUTCOME_POLICY_DECISION);
      break;
    case statutory::TravelOutcome::kCannotDecide:
      return FieldError(absl::StrCat("facts.", a.field), a.explanation);
  }
  for (statutory::TravelGround g : a.grounds) {
    out.add_grounds(statutory::TravelGroundCode(g));
  }
  out.set_age(a.age);
  out.set_walking_distance_limit_miles(a.walking_distance_limit);
  out.set_explanation(a.explanation);
  *out.mutable_assessed_on() = ToProto(a.assessed_on);
  if (a.entitled_from) *out.mutable_entitled_from() = ToProto(*a.entitled_from);
  if (a.entitled_until) {
    *out.mutable_entitled_until() = ToProto(*a.entitled_until);
  }
  *out.mutable_compulsory_school_age_from() = ToProto(a.school_age.from);
  *out.mutable_compulsory_school_age_until() = ToProto(a.school_age.until);
  return out;
}

absl::StatusOr<TransportDecision> Decide(const Application& s,
                                         const std::string& application_id,
                                         const v1::SubmitApplicationRequest& c,
                                         const Env& env) {
  RETURN_IF_ERROR(ValidateId("application_id", application_id));
  RETURN_IF_ERROR(ValidateId("child_id", c.child_id()));
  RETURN_IF_ERROR(ValidateId("officer_id", c.officer_id()));
  ASSIGN_OR_RETURN(Date received, FromProto("received_on", c.received_on()));
  if (received > env.today) {
    return NotAllowed(absl::StrCat("received_on: ", received.ToString(),
                                   " is in the future (today is ",
                                   env.today.ToString(), ")"));
  }
  if (!c.has_facts()) return FieldError("facts", "is required");
  ASSIGN_OR_RETURN(v1::EligibilityAssessment assessment,
                   Assess(c.facts(), c.needed_from(), env));
  Date needed;
  if (IsSet(c.needed_from())) {
    ASSIGN_OR_RETURN(needed, FromProto("needed_from", c.needed_from()));
  } else {
    needed = TermStartFrom(
        env, std::max(received, Date::Ymd(c.facts().academic_year(), 9, 1)));
    // The date in question is the term start it is needed for.
    ASSIGN_OR_RETURN(assessment, Assess(c.facts(), ToProto(needed), env));
  }
  if (!s.application_id().empty()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "application_id: application ", application_id, " already exists"));
  }
  Event e = At(received);
  e.mutable_metadata()->set_child_id(c.child_id());
  e.mutable_metadata()->set_officer_id(c.officer_id());
  v1::ApplicationReceived* body = e.mutable_application_received();
  *body->mutable_received_on() = ToProto(received);
  *body->mutable_facts() = c.facts();
  *body->mutable_assessment() = assessment;
  *body->mutable_needed_from() = ToProto(needed);
  const statutory::ClockRule& rule = Rule(RuleId::kTransportDecision);
  OpenClock(e, kDecisionClock, rule, received,
            env.calendar.AddWorkingDays(received, env.decision_working_days));
  TransportDecision d = One(std::move(e));
  d.index_puts.emplace_back(ChildIndexKey(c.child_id(), application_id), "");
  d.index_puts.emplace_back(OfficerIndexKey(c.officer_id(), application_id),
                            "");
  return d;
}

std::vector<std::string> Traits::AllowedActions(const State& s) {
  if (s.application_id().empty()) return {};
  std::vector<std::string> out = {"ReassignOfficer"};
  switch (s.status()) {
    case v1::APPLICATION_STATUS_RECEIVED:
      out.push_back("RecordDecision");
      break;
    case v1::APPLICATION_STATUS_AWARDED:
      out.push_back("ArrangeTransport");
      break;
    case v1::APPLICATION_STATUS_ARRANGED:
      out.push_back("ChangeArrangement");
      out.push_back("EndArrangement");
      break;
    default:
      break;
  }
  if ((s.status() == v1::APPLICATION_STATUS_AWARDED ||
       s.status() == v1::APPLICATION_STATUS_ARRANGED) &&
      !IsSet(s.travel_training_completed_on())) {
    out.push_back("RecordTravelTraining");
  }
  if (IsSet(s.decided_on()) && !IsSet(s.stage1_requested_on())) {
    out.push_back("RequestStage1Review");
  }
  if (IsSet(s.stage1_requested_on()) && !IsSet(s.stage1_decided_on())) {
    out.push_back("RecordStage1Decision");
  }
  if (IsSet(s.stage1_decided_on()) &&
      s.stage1_outcome() == v1::APPEAL_OUTCOME_UPHELD &&
      !IsSet(s.stage2_requested_on())) {
    out.push_back("RequestStage2Appeal");
  }
  if (IsSet(s.stage2_requested_on()) && !IsSet(s.panel_decided_on())) {
    out.push_back("RecordPanelDecision");
  }
  if (IsSet(s.panel_decided_on()) && !IsSet(s.written_outcome_on())) {
    out.push_back("RecordWrittenOutcome");
  }
  return out;
}

absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordTransportDecisionRequest& c,
    const Env& env) {
  if (!v1::TransportDecision_IsValid(c.decision()) ||
      c.decision() == v1::TRANSPORT_DECISION_UNSPECIFIED) {
    return FieldError("decision",
                      "is required (eligible, discretionary, post16_policy, "
                      "refused)");
  }
  if (c.reason().size() > 1000)
    return FieldError("reason", "must be at most 1000 characters");
  RETURN_IF_ERROR(RequireExists(s));
  if (s.status() != v1::APPLICATION_STATUS_RECEIVED) {
    return NotAllowed("the application has already been decided");
  }
  const v1::EligibilityOutcome outcome = s.assessment().outcome();
  if (outcome == v1::ELIGIBILITY_OUTCOME_ELIGIBLE &&
      c.decision() != v1::TRANSPORT_DECISION_ELIGIBLE) {
    return NotAllowed(absl::StrCat(
        "decision: the child is eligible by law (",
        s.assessment().explanation(),
        "); free travel must be arranged (Education Act 1996 s.508B)"));
  }
  if (c.decision() == v1::TRANSPORT_DECISION_ELIGIBLE &&
      outcome != v1::ELIGIBILITY_OUTCOME_ELIGIBLE) {
    return NotAllowed(
        absl::StrCat("decision: the child is not eligible by law (",
                     s.assessment().explanation(),
                     "); award discretionary or post-16 transport, or refuse"));
  }
  if (c.decision() == v1::TRANSPORT_DECISION_POST16_POLICY &&
      !s.facts().post16() && s.assessment().age() < 16) {
    return NotAllowed(
        "decision: post-16 policy transport is for post-16 students");
  }
  if (c.decision() != v1::TRANSPORT_DECISION_ELIGIBLE && c.reason().empty()) {
    return FieldError("reason",
                      "is required for a discretionary or policy award and "
                      "for a refusal");
  }
  ASSIGN_OR_RETURN(Date on,
                   StepDate("notified_on", c.notified_on(), env.today,
                            DateOf(s.received_on()), "the application"));
  Event e = At(on);
  e.mutable_transport_decided()->set_decision(c.decision());
  *e.mutable_transport_decided()->mutable_notified_on() = ToProto(on);
  CloseClock(e, s, kDecisionClock, on);
  if (Awarded(c.decision())) OpenInPlace(e, s, on, env);
  TransportDecision d = One(std::move(e));
  if (!c.reason().empty()) {
    d.index_puts.emplace_back(ReasonKey(s.application_id()), c.reason());
  }
  return d;
}

absl::StatusOr<TransportDecision> Decide(const Application& s,
                                         const v1::ArrangeTransportRequest& c,
                                         const Env& env) {
  if (!v1::ArrangementType_IsValid(c.type()) ||
      c.type() == v1::ARRANGEMENT_TYPE_UNSPECIFIED) {
    return FieldError("type", "is required");
  }
  RETURN_IF_ERROR(RequireExists(s));
  if (s.status() != v1::APPLICATION_STATUS_AWARDED) {
    return NotAllowed(
        s.status() == v1::APPLICATION_STATUS_ARRANGED
            ? "transport is already arranged: change the arrangement instead"
            : "transport is arranged after it is awarded");
  }
  ASSIGN_OR_RETURN(Date starts, FromProto("starts_on", c.starts_on()));
  if (starts < DateOf(s.received_on())) {
    return NotAllowed("starts_on: before the application was received");
  }
  if (starts > env.today.AddMonths(12)) {
    return FieldError("starts_on", "is more than a year ahead");
  }
  Date arranged = env.today;
  if (IsSet(c.arranged_on())) {
    ASSIGN_OR_RETURN(arranged,
                     StepDate("arranged_on", c.arranged_on(), env.today,
                              DateOf(s.decided_on()), "the decision"));
  }
  Event e = At(arranged);
  e.mutable_transport_arranged()->set_type(c.type());
  *e.mutable_transport_arranged()->mutable_starts_on() = ToProto(starts);
  // In place for term start: judged on the day it starts.
  CloseClock(e, s, kInPlaceClock, starts);
  return One(std::move(e));
}

absl::StatusOr<TransportDecision> Decide(const Application& s,
                                         const v1::ChangeArrangementRequest& c,
                                         const Env& env) {
  if (!v1::ArrangementType_IsValid(c.type()) ||
      c.type() == v1::ARRANGEMENT_TYPE_UNSPECIFIED) {
    return FieldError("type", "is required");
  }
  RETURN_IF_ERROR(RequireExists(s));
  if (s.status() != v1::APPLICATION_STATUS_ARRANGED) {
    return NotAllowed("there is no arrangement in place to change");
  }
  ASSIGN_OR_RETURN(Date starts, FromProto("starts_on", c.starts_on()));
  if (starts < DateOf(s.arrangement_starts_on())) {
    return NotAllowed("starts_on: before the current arrangement began");
  }
  Event e = At(std::min(starts, env.today));
  e.mutable_arrangement_changed()->set_type(c.type());
  *e.mutable_arrangement_changed()->mutable_starts_on() = ToProto(starts);
  return One(std::move(e));
}

absl::StatusOr<TransportDecision> Decide(const Application& s,
                                         const v1::EndArrangementRequest& c,
                                         const Env& env) {
  RETURN_IF_ERROR(RequireExists(s));
  if (s.status() != v1::APPLICATION_STATUS_ARRANGED) {
    return NotAllowed("there is no arrangement in place to end");
  }
  ASSIGN_OR_RETURN(Date ends, FromProto("ends_on", c.ends_on()));
  if (ends < DateOf(s.arrangement_starts_on())) {
    return NotAllowed("ends_on: before the arrangement began");
  }
  Event e = At(std::min(ends, env.today));
  *e.mutable_arrangement_ended()->mutable_ends_on() = ToProto(ends);
  return One(std::move(e));
}

absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordTravelTrainingRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(RequireExists(s));
  if (s.status() != v1::APPLICATION_STATUS_ARRANGED &&
      s.status() != v1::APPLICATION_STATUS_AWARDED) {
    return NotAllowed("travel training follows an award of transport");
  }
  if (!c.completed()) {
    if (IsSet(s.travel_training_started_on())) {
      return NotAllowed("travel training has already started");
    }
    ASSIGN_OR_RETURN(Date on,
                     StepDate("on", c.on(), env.today, DateOf(s.received_on()),
                              "the application"));
    Event e = At(on);
    *e.mutable_travel_training_started()->mutable_started_on() = ToProto(on);
    return One(std::move(e));
  }
  if (!IsSet(s.travel_training_started_on())) {
    return NotAllowed("record the start of travel training first");
  }
  ASSIGN_OR_RETURN(Date on, StepDate("on", c.on(), env.today,
                                     DateOf(s.travel_training_started_on()),
                                     "the training started"));
  Event e = At(on);
  *e.mutable_travel_training_completed()->mutable_completed_on() = ToProto(on);
  return One(std::move(e));
}

absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RequestStage1ReviewRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(RequireExists(s));
  if (!IsSet(s.decided_on())) {
    return NotAllowed("a review is of a decision: record the decision first");
  }
  if (IsSet(s.stage1_requested_on())) {
    return NotAllowed("a stage 1 review was already requested");
  }
  const Date decided = DateOf(s.decided_on());
  ASSIGN_OR_RETURN(Date on, StepDate("requested_on", c.requested_on(),
                                     env.today, decided, "the decision"));
  Event e = At(on);
  e.mutable_stage1_requested()->set_late(
      on > env.calendar.AddWorkingDays(decided, kRequestWorkingDays));
  *e.mutable_stage1_requested()->mutable_requested_on() = ToProto(on);
  const statutory::ClockRule& rule = Rule(RuleId::kTransportStage1);
  OpenClock(e, kStage1Clock, rule, on, rule.DueDate(on, env.calendar));
  return One(std::move(e));
}

absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordStage1DecisionRequest& c,
    const Env& env) {
  if (!v1::AppealOutcome_IsValid(c.outcome()) ||
      c.outcome() == v1::APPEAL_OUTCOME_UNSPECIFIED) {
    return FieldError("outcome", "is required (upheld or changed)");
  }
  RETURN_IF_ERROR(RequireExists(s));
  if (!IsSet(s.stage1_requested_on()) || IsSet(s.stage1_decided_on())) {
    return NotAllowed("there is no stage 1 review awaiting a decision");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("decided_on", c.decided_on(), env.today,
                        DateOf(s.stage1_requested_on()), "the review request"));
  Event e = At(on);
  e.mutable_stage1_decided()->set_outcome(c.outcome());
  *e.mutable_stage1_decided()->mutable_decided_on() = ToProto(on);
  CloseClock(e, s, kStage1Clock, on);
  if (c.outcome() == v1::APPEAL_OUTCOME_CHANGED &&
      s.status() == v1::APPLICATION_STATUS_REFUSED) {
    OpenInPlace(e, s, on, env);
  }
  return One(std::move(e));
}

absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RequestStage2AppealRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(RequireExists(s));
  if (!IsSet(s.stage1_decided_on())) {
    return NotAllowed("stage 2 follows a stage 1 review decision");
  }
  if (s.stage1_outcome() != v1::APPEAL_OUTCOME_UPHELD) {
    return NotAllowed(
        "stage 1 changed the decision: there is nothing to "
        "appeal");
  }
  if (IsSet(s.stage2_requested_on())) {
    return NotAllowed("a stage 2 appeal was already requested");
  }
  const Date stage1 = DateOf(s.stage1_decided_on());
  ASSIGN_OR_RETURN(Date on,
                   StepDate("requested_on", c.requested_on(), env.today, stage1,
                            "the stage 1 decision"));
  Event e = At(on);
  e.mutable_stage2_requested()->set_late(
      on > env.calendar.AddWorkingDays(stage1, kRequestWorkingDays));
  *e.mutable_stage2_requested()->mutable_requested_on() = ToProto(on);
  const statutory::ClockRule& rule = Rule(RuleId::kTransportStage2Panel);
  OpenClock(e, kPanelClock, rule, on, rule.DueDate(on, env.calendar));
  return One(std::move(e));
}

absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordPanelDecisionRequest& c,
    const Env& env) {
  if (!v1::AppealOutcome_IsValid(c.outcome()) ||
      c.outcome() == v1::APPEAL_OUTCOME_UNSPECIFIED) {
    return FieldError("outcome", "is required (upheld or changed)");
  }
  RETURN_IF_ERROR(RequireExists(s));
  if (!IsSet(s.stage2_requested_on()) || IsSet(s.panel_decided_on())) {
    return NotAllowed("there is no stage 2 appeal awaiting the panel");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("decided_on", c.decided_on(), env.today,
                        DateOf(s.stage2_requested_on()), "the appeal request"));
  Event e = At(on);
  e.mutable_panel_decided()->set_outcome(c.outcome());
  *e.mutable_panel_decided()->mutable_decided_on() = ToProto(on);
  CloseClock(e, s, kPanelClock, on);
  const statutory::ClockRule& rule = Rule(RuleId::kTransportStage2Outcome);
  OpenClock(e, kOutcomeClock, rule, on, rule.DueDate(on, env.calendar));
  if (c.outcome() == v1::APPEAL_OUTCOME_CHANGED &&
      s.status() == v1::APPLICATION_STATUS_REFUSED) {
    OpenInPlace(e, s, on, env);
  }
  return One(std::move(e));
}

absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::RecordWrittenOutcomeRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(RequireExists(s));
  if (!IsSet(s.panel_decided_on()) || IsSet(s.written_outcome_on())) {
    return NotAllowed(
        "there is no panel decision awaiting its written outcome");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("sent_on", c.sent_on(), env.today,
                        DateOf(s.panel_decided_on()), "the panel decision"));
  Event e = At(on);
  *e.mutable_written_outcome_sent()->mutable_sent_on() = ToProto(on);
  CloseClock(e, s, kOutcomeClock, on);
  return One(std::move(e));
}

absl::StatusOr<TransportDecision> Decide(
    const Application& s, const v1::ReassignApplicationOfficerRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(ValidateId("officer_id", c.officer_id()));
  RETURN_IF_ERROR(RequireExists(s));
  if (c.officer_id() == s.officer_id()) {
    return NotAllowed(absl::StrCat(
        "officer_id: the application is already assigned to ", c.officer_id()));
  }
  Date on = env.today;
  if (IsSet(c.reassigned_on())) {
    ASSIGN_OR_RETURN(on, StepDate("reassigned_on", c.reassigned_on(), env.today,
                                  DateOf(s.received_on()), "the application"));
  }
  Event e = At(on);
  e.mutable_metadata()->set_officer_id(c.officer_id());
  e.mutable_officer_reassigned()->set_from_officer_id(s.officer_id());
  e.mutable_officer_reassigned()->set_to_officer_id(c.officer_id());
  TransportDecision d = One(std::move(e));
  d.index_deletes.push_back(
      OfficerIndexKey(s.officer_id(), s.application_id()));
  d.index_puts.emplace_back(OfficerIndexKey(c.officer_id(), s.application_id()),
                            "");
  return d;
}

void Traits::Evolve(Application& s, const Event& e) {
  const v1::EventMetadata& m = e.metadata();
  s.set_version(m.version());
  if (!m.officer_id().empty()) s.set_officer_id(m.officer_id());
  statutory::ApplyClockChanges(s, e);
  switch (e.event_case()) {
    case Event::kApplicationReceived: {
      const v1::ApplicationReceived& r = e.application_received();
      s.set_application_id(m.stream_id());
      s.set_child_id(m.child_id());
      s.set_status(v1::APPLICATION_STATUS_RECEIVED);
      *s.mutable_received_on() = r.received_on();
      *s.mutable_facts() = r.facts();
      *s.mutable_assessment() = r.assessment();
      *s.mutable_needed_from() = r.needed_from();
      break;
    }
    case Event::kTransportDecided:
      s.set_decision(e.transport_decided().decision());
      *s.mutable_decided_on() = e.transport_decided().notified_on();
      s.set_status(Awarded(e.transport_decided().decision())
                       ? v1::APPLICATION_STATUS_AWARDED
                       : v1::APPLICATION_STATUS_REFUSED);
      break;
    case Event::kTransportArranged:
      s.set_status(v1::APPLICATION_STATUS_ARRANGED);
      s.set_arrangement(e.transport_arranged().type());
      *s.mutable_arrangement_starts_on() = e.transport_arranged().starts_on();
      break;
    case Event::kArrangementChanged:
      s.set_arrangement(e.arrangement_changed().type());
      *s.mutable_arrangement_starts_on() = e.arrangement_changed().starts_on();
      break;
    case Event::kArrangementEnded:
      s.set_status(v1::APPLICATION_STATUS_ENDED);
      *s.mutable_arrangement_ends_on() = e.arrangement_ended().ends_on();
      break;
    case Event::kTravelTrainingStarted:
      *s.mutable_travel_training_started_on() =
          e.travel_training_started().started_on();
      break;
    case Event::kTravelTrainingCompleted:
      // The child now travels independently: the arrangement ends.
      *s.mutable_travel_training_completed_on() =
          e.travel_training_completed().completed_on();
      if (s.status() == v1::APPLICATION_STATUS_ARRANGED) {
        s.set_status(v1::APPLICATION_STATUS_ENDED);
        *s.mutable_arrangement_ends_on() =
            e.travel_training_completed().completed_on();
      }
      break;
    case Event::kStage1Requested:
      *s.mutable_stage1_requested_on() = e.stage1_requested().requested_on();
      s.set_stage1_late(e.stage1_requested().late());
      break;
    case Event::kStage1Decided:
      *s.mutable_stage1_decided_on() = e.stage1_decided().decided_on();
      s.set_stage1_outcome(e.stage1_decided().outcome());
      if (e.stage1_decided().outcome() == v1::APPEAL_OUTCOME_CHANGED &&
          s.status() == v1::APPLICATION_STATUS_REFUSED) {
        s.set_status(v1::APPLICATION_STATUS_AWARDED);
      }
      break;
    case Event::kStage2Requested:
      *s.mutable_stage2_requested_on() = e.stage2_requested().requested_on();
      s.set_stage2_late(e.stage2_requested().late());
      break;
    case Event::kPanelDecided:
      *s.mutable_panel_decided_on() = e.panel_decided().decided_on();
      s.set_panel_outcome(e.panel_decided().outcome());
      if (e.panel_decided().outcome() == v1::APPEAL_OUTCOME_CHANGED &&
          s.status() == v1::APPLICATION_STATUS_REFUSED) {
        s.set_status(v1::APPLICATION_STATUS_AWARDED);
      }
      break;
    case Event::kWrittenOutcomeSent:
      *s.mutable_written_outcome_on() = e.written_outcome_sent().sent_on();
      break;
    default:
      break;
  }
}

}  // namespace casework::transport
