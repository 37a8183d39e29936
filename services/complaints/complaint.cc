#include "services/complaints/complaint.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/clock_ops.h"
#include "libs/statutory/experience.h"
#include "libs/statutory/quality.h"
#include "libs/statutory/rules.h"

namespace casework::complaints {
namespace {

using statutory::CancelAllOpen;
using statutory::CloseClock;
using statutory::DateOf;
using statutory::FindOpenClock;
using statutory::OpenClock;
using statutory::Rule;
using statutory::RuleId;

constexpr char kAckClock[] = "acknowledge";
// The acknowledgement of a stage 2 escalation (Complaint Handling Code part 6).
constexpr char kStage2AckClock[] = "stage2/acknowledge";

std::string StageClock(int stage) { return absl::StrCat("stage", stage); }

ComplaintsDecision One(Event event) {
  ComplaintsDecision d;
  d.events.push_back(std::move(event));
  return d;
}

Event At(Date on) {
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  return e;
}

bool IsCsc(const Complaint& s) {
  return s.procedure() == v1::COMPLAINT_PROCEDURE_CHILDRENS_SOCIAL_CARE;
}

int LastStage(const Complaint& s) { return IsCsc(s) ? 3 : 2; }

// The rule and base limit (working days) of a complaint's stage.
std::pair<RuleId, int> StageRule(const Complaint& s, int stage,
                                 const Timescales& t) {
  if (IsCsc(s)) {
    if (stage == 1) return {RuleId::kCscStage1, t.csc_stage1};
    if (stage == 2) return {RuleId::kCscStage2, t.csc_stage2};
    return {RuleId::kCscStage3, t.csc_stage3};
  }
  if (stage == 1) return {RuleId::kComplaintStage1, t.stage1};
  return {RuleId::kComplaintStage2, t.stage2};
}

void OpenStage(Event& e, const Complaint& s, int stage, Date start,
               int extra_days, const Env& env) {
  auto [rule, days] = StageRule(s, stage, env.limits);
  OpenClock(e, StageClock(stage), Rule(rule), start,
            env.calendar.AddWorkingDays(start, days + extra_days));
}

absl::Status RequireComplaint(const Complaint& s) {
  if (s.complaint_id().empty()) {
    return absl::NotFoundError("complaint_id: no such complaint");
  }
  if (s.status() == v1::COMPLAINT_STATUS_WITHDRAWN ||
      s.status() == v1::COMPLAINT_STATUS_CLOSED) {
    return NotAllowed(absl::StrCat("complaint ", s.complaint_id(),
                                   " has ended; no further steps"));
  }
  return absl::OkStatus();
}

absl::Status RequireDisagreement(const Disagreement& s) {
  if (s.disagreement_id().empty()) {
    return absl::NotFoundError("disagreement_id: no such disagreement");
  }
  return absl::OkStatus();
}

std::string OrderClock(absl::string_view order_id, absl::string_view step) {
  return step.empty() ? absl::StrCat("order/", order_id)
                      : absl::StrCat("order/", order_id, "/", step);
}

}  // namespace

std::string ChildIndexKey(absl::string_view child_id, absl::string_view key) {
  return absl::StrCat("child/", child_id, "/", key);
}

std::string OfficerIndexKey(absl::string_view officer_id,
                            absl::string_view key) {
  return absl::StrCat("officer/", officer_id, "/", key);
}

std::string TextKey(absl::string_view id, absl::string_view what) {
  return absl::StrCat("text/", id, "/", what);
}

// --- Complaints ---

absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const std::string& complaint_id,
                                          const v1::LogComplaintRequest& c,
                                          const Env& env) {
  RETURN_IF_ERROR(ValidateId("complaint_id", complaint_id));
  RETURN_IF_ERROR(ValidateId("child_id", c.child_id()));
  RETURN_IF_ERROR(ValidateId("officer_id", c.officer_id()));
  if (!c.process_id().empty())
    RETURN_IF_ERROR(ValidateId("process_id", c.process_id()));
  if (!v1::Complainant_IsValid(c.complainant()) ||
      c.complainant() == v1::COMPLAINANT_UNSPECIFIED) {
    return FieldError("complainant", "is required");
  }
  if (!v1::ComplaintSubject_IsValid(c.subject()) ||
      c.subject() == v1::COMPLAINT_SUBJECT_UNSPECIFIED) {
    return FieldError("subject", "is required");
  }
  if (!v1::ComplaintProcedure_IsValid(c.procedure()) ||
      c.procedure() == v1::COMPLAINT_PROCEDURE_UNSPECIFIED) {
    return FieldError("procedure",
                      "is required (corporate or children's social care)");
  }
  ASSIGN_OR_RETURN(Date received, FromProto("received_on", c.received_on()));
  if (received > env.today) {
    return NotAllowed(absl::StrCat("received_on: ", received.ToString(),
                                   " is in the future (today is ",
                                   env.today.ToString(), ")"));
  }
  // Any case of the service under the id (a disagreement, feedback) too:
  // complaints, disagreements and feedback share the service's streams.
  if (s.version() != 0) {
    return absl::AlreadyExistsError(absl::StrCat(
        "complaint_id: ", complaint_id,
        s.complaint_id().empty() ? " is already a case of this service"
                                 : " already exists"));
  }
  Event e = At(received);
  e.mutable_metadata()->set_child_id(c.child_id());
  e.mutable_metadata()->set_officer_id(c.officer_id());
  v1::ComplaintLogged* body = e.mutable_complaint_logged();
  body->set_complainant(c.complainant());
  body->set_subject(c.subject());
  body->set_process_id(c.process_id());
  body->set_procedure(c.procedure());
  *body->mutable_received_on() = ToProto(received);
  if (c.procedure() == v1::COMPLAINT_PROCEDURE_CORPORATE) {
    // Acknowledge within 5 working days; stage 1 counts from then.
    OpenClock(e, kAckClock, Rule(RuleId::kComplaintAcknowledge), received,
              env.calendar.AddWorkingDays(received, env.limits.acknowledge));
  } else {
    // SI 2006/1738: stage 1 runs from receipt.
    OpenClock(e, StageClock(1), Rule(RuleId::kCscStage1), received,
              env.calendar.AddWorkingDays(received, env.limits.csc_stage1));
  }
  if (const int subject = static_cast<int>(c.subject()) - 1;
      subject >= 0 &&
      subject < static_cast<int>(statutory::kComplaintSubjects.size())) {
    statutory::AddTally(
        e, absl::StrCat(
               statutory::kSubjectPrefix,
               statutory::kComplaintSubjects[static_cast<size_t>(subject)]));
  }
  ComplaintsDecision d = One(std::move(e));
  const std::string key = absl::StrCat("c:", complaint_id);
  d.index_puts.emplace_back(ChildIndexKey(c.child_id(), key), "");
  d.index_puts.emplace_back(OfficerIndexKey(c.officer_id(), key), "");
  return d;
}

std::vector<std::string> ComplaintTraits::AllowedActions(const State& s) {
  if (!RequireComplaint(s).ok()) return {};
  std::vector<std::string> out = {"WithdrawComplaint"};
  const bool stage_open = FindOpenClock(s, StageClock(s.stage())) != nullptr;
  if (!IsCsc(s) && s.stage() == 2) {
    if (!IsSet(s.stage2_acknowledged_on()) &&
        !(FindOpenClock(s, kStage2AckClock) == nullptr && stage_open)) {
      out.push_back("AcknowledgeComplaint");
    }
  } else if (!IsSet(s.acknowledged_on())) {
    out.push_back("AcknowledgeComplaint");
  }
  if (stage_open) {
    out.push_back("RespondToComplaint");
    if (IsCsc(s) || s.extended_working_days() == 0) {
      out.push_back("ExtendComplaint");
    }
  }
  if (s.status() == v1::COMPLAINT_STATUS_RESPONDED) {
    if (s.stage() < LastStage(s)) out.push_back("EscalateComplaint");
    out.push_back("ReferToOmbudsman");
  }
  if (s.status() == v1::COMPLAINT_STATUS_WITH_OMBUDSMAN) {
    out.push_back("RecordOmbudsmanDecision");
  }
  if (!stage_open && FindOpenClock(s, kAckClock) == nullptr) {
    out.push_back("CloseComplaint");
  }
  return out;
}

std::vector<std::string> DisagreementTraits::AllowedActions(const State& s) {
  if (!RequireDisagreement(s).ok()) return {};
  std::vector<std::string> out;
  if (!IsSet(s.mediation_contacted_on())) {
    out.push_back("RecordMediationContact");
  }
  if (s.mediation_wanted() && !IsSet(s.mediation_held_on())) {
    out.push_back("RecordMediationHeld");
  }
  if (FindOpenClock(s, "certificate") != nullptr) {
    out.push_back("IssueMediationCertificate");
  }
  if (!IsSet(s.appeal_registered_on())) {
    out.push_back("RegisterAppeal");
  } else if (!IsSet(s.tribunal_decided_on())) {
    out.push_back("RecordTribunalDecision");
  }
  const v1::TribunalOutcome outcome = s.tribunal_outcome();
  if (outcome == v1::TRIBUNAL_OUTCOME_ALLOWED ||
      outcome == v1::TRIBUNAL_OUTCOME_PARTLY_ALLOWED ||
      outcome == v1::TRIBUNAL_OUTCOME_CONCEDED) {
    out.push_back("RecordTribunalOrder");
  }
  if (!s.orders().empty()) out.push_back("RecordOrderCompliance");
  return out;
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Complaint& s, const v1::AcknowledgeComplaintRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(RequireComplaint(s));
  if (!IsCsc(s) && s.stage() == 2) {
    // Complaint Handling Code part 6: the escalation request is itself
    // acknowledged (within 5 working days), and the stage 2 reply is due 20
    // working days from that acknowledgement.
    if (IsSet(s.stage2_acknowledged_on())) {
      return NotAllowed("the stage 2 escalation was already acknowledged");
    }
    const v1::Clock* ack = FindOpenClock(s, kStage2AckClock);
    if (ack == nullptr && FindOpenClock(s, StageClock(2)) != nullptr) {
      // Escalated before acknowledgements were recorded (events before issue
      // 17): its reply clock already runs from the escalation.
      return NotAllowed(
          "this stage 2 escalation's reply clock already runs from the "
          "escalation; there is no acknowledgement to record");
    }
    ASSIGN_OR_RETURN(Date on,
                     StepDate("acknowledged_on", c.acknowledged_on(), env.today,
                              ack != nullptr ? DateOf(ack->started_on())
                                             : DateOf(s.received_on()),
                              "the complaint was escalated"));
    Event e = At(on);
    *e.mutable_complaint_acknowledged()->mutable_acknowledged_on() =
        ToProto(on);
    e.mutable_complaint_acknowledged()->set_stage(2);
    CloseClock(e, s, kStage2AckClock, on);
    OpenStage(e, s, 2, on, 0, env);
    return One(std::move(e));
  }
  if (IsSet(s.acknowledged_on())) {
    return NotAllowed("the complaint was already acknowledged");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("acknowledged_on", c.acknowledged_on(), env.today,
                        DateOf(s.received_on()), "the complaint was received"));
  Event e = At(on);
  *e.mutable_complaint_acknowledged()->mutable_acknowledged_on() = ToProto(on);
  e.mutable_complaint_acknowledged()->set_stage(1);
  CloseClock(e, s, kAckClock, on);
  if (!IsCsc(s)) OpenStage(e, s, 1, on, 0, env);
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::ExtendComplaintRequest& c,
                                          const Env& env) {
  if (c.working_days() < 1) {
    return FieldError("working_days", "must be 1 or more");
  }
  if (c.reason().empty()) {
    return FieldError("reason", "is required: an extension must be explained");
  }
  if (c.reason().size() > 1000)
    return FieldError("reason", "must be at most 1000 characters");
  RETURN_IF_ERROR(RequireComplaint(s));
  const v1::Clock* open = FindOpenClock(s, StageClock(s.stage()));
  if (open == nullptr) {
    return NotAllowed("no stage is awaiting a reply");
  }
  // How far each stage may be extended.
  int allowed = 0;
  if (IsCsc(s)) {
    if (s.stage() == 1)
      allowed = env.limits.csc_stage1_max - env.limits.csc_stage1;
    if (s.stage() == 2)
      allowed = env.limits.csc_stage2_max - env.limits.csc_stage2;
  } else if (s.stage() == 1) {
    allowed = env.limits.stage1_extension;
  } else if (s.stage() == 2) {
    // Complaint Handling Code part 6: stage 2 may be extended once, by up to
    // 20 working days (configurable), with a reason given to the complainant.
    allowed = env.limits.stage2_extension;
  }
  const int total = s.extended_working_days() + c.working_days();
  if (allowed == 0) {
    return NotAllowed(absl::StrCat("stage ", s.stage(),
                                   " of this procedure cannot be extended"));
  }
  if (!IsCsc(s) && s.extended_working_days() > 0) {
    return NotAllowed(absl::StrCat("stage ", s.stage(),
                                   " was already extended once (Complaint "
                                   "Handling Code)"));
  }
  if (total > allowed) {
    return NotAllowed(absl::StrCat("working_days: stage ", s.stage(),
                                   " may be extended by at most ", allowed,
                                   " working days in all"));
  }
  Event e = At(env.today);
  e.mutable_complaint_extended()->set_stage(s.stage());
  e.mutable_complaint_extended()->set_working_days(c.working_days());
  // The stage's clock again, due later (same start).
  OpenStage(e, s, s.stage(), DateOf(open->started_on()), total, env);
  ComplaintsDecision d = One(std::move(e));
  d.index_puts.emplace_back(
      TextKey(s.complaint_id(), absl::StrCat("extension", s.stage())),
      c.reason());
  return d;
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Complaint& s, const v1::RespondToComplaintRequest& c,
    const Env& env) {
  if (!v1::ComplaintFinding_IsValid(c.finding()) ||
      c.finding() == v1::COMPLAINT_FINDING_UNSPECIFIED) {
    return FieldError("finding", "is required (upheld, partly, not upheld)");
  }
  if (!c.handler_id().empty())
    RETURN_IF_ERROR(ValidateId("handler_id", c.handler_id()));
  RETURN_IF_ERROR(RequireComplaint(s));
  if (FindOpenClock(s, StageClock(s.stage())) == nullptr) {
    if (!IsCsc(s) && s.stage() == 2 && !IsSet(s.stage2_acknowledged_on())) {
      return NotAllowed(
          "acknowledge the stage 2 escalation first (the stage 2 reply is "
          "due 20 working days from that acknowledgement)");
    }
    return NotAllowed(
        IsSet(s.acknowledged_on()) || IsCsc(s)
            ? absl::StrCat("stage ", s.stage(), " has already been answered")
            : "acknowledge the complaint first (stage 1 runs from then)");
  }
  std::string handler = c.handler_id();
  if (handler.empty()) {
    handler = s.stage() == 2 && !s.stage2_handler_id().empty()
                  ? s.stage2_handler_id()
                  : s.officer_id();
  }
  if (s.stage() == 2 && !s.stage1_handler_id().empty() &&
      handler == s.stage1_handler_id() && !IsCsc(s)) {
    return NotAllowed(
        "handler_id: stage 2 must be handled by someone other than the stage "
        "1 handler (Complaint Handling Code)");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("responded_on", c.responded_on(), env.today,
                        DateOf(s.received_on()), "the complaint was received"));
  Event e = At(on);
  v1::ComplaintResponded* body = e.mutable_complaint_responded();
  body->set_stage(s.stage());
  body->set_finding(c.finding());
  body->set_remedy_offered(c.remedy_offered());
  *body->mutable_responded_on() = ToProto(on);
  body->set_handler_id(handler);
  CloseClock(e, s, StageClock(s.stage()), on);
  if (const int f = static_cast<int>(c.finding()) - 1;
      f >= 0 && f < static_cast<int>(statutory::kComplaintFindings.size())) {
    statutory::AddTally(e, statutory::kReplies);
    statutory::AddTally(
        e, absl::StrCat(statutory::kFindingPrefix,
                        statutory::kComplaintFindings[static_cast<size_t>(f)]));
  }
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::EscalateComplaintRequest& c,
                                          const Env& env) {
  RETURN_IF_ERROR(RequireComplaint(s));
  if (s.status() != v1::COMPLAINT_STATUS_RESPONDED) {
    return NotAllowed("a complaint is escalated after the stage's reply");
  }
  if (s.stage() >= LastStage(s)) {
    return NotAllowed(absl::StrCat(
        "stage ", s.stage(),
        " is the last stage of this procedure: refer to the Ombudsman"));
  }
  const std::string handler =
      c.handler_id().empty() ? std::string() : c.handler_id();
  if (!handler.empty()) RETURN_IF_ERROR(ValidateId("handler_id", handler));
  if (!IsCsc(s) && (handler.empty() || handler == s.stage1_handler_id())) {
    return NotAllowed(
        "handler_id: name the stage 2 handler, someone other than the stage 1 "
        "handler (Complaint Handling Code)");
  }
  ASSIGN_OR_RETURN(Date on,
                   StepDate("escalated_on", c.escalated_on(), env.today,
                            DateOf(s.responded_on()), "the last reply"));
  Event e = At(on);
  v1::ComplaintEscalated* body = e.mutable_complaint_escalated();
  body->set_to_stage(s.stage() + 1);
  *body->mutable_escalated_on() = ToProto(on);
  body->set_handler_id(handler);
  if (IsCsc(s)) {
    // SI 2006/1738: each stage runs from the request for it.
    OpenStage(e, s, s.stage() + 1, on, 0, env);
  } else {
    // Complaint Handling Code part 6: acknowledge the escalation within 5
    // working days; the stage 2 reply clock opens with the acknowledgement.
    OpenClock(e, kStage2AckClock, Rule(RuleId::kComplaintStage2Acknowledge), on,
              env.calendar.AddWorkingDays(on, env.limits.stage2_acknowledge));
  }
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::ReferToOmbudsmanRequest& c,
                                          const Env& env) {
  RETURN_IF_ERROR(RequireComplaint(s));
  if (s.status() != v1::COMPLAINT_STATUS_RESPONDED) {
    return NotAllowed(
        "the Ombudsman looks at a complaint after the council's reply");
  }
  ASSIGN_OR_RETURN(Date on,
                   StepDate("referred_on", c.referred_on(), env.today,
                            DateOf(s.responded_on()), "the last reply"));
  Event e = At(on);
  *e.mutable_referred_to_ombudsman()->mutable_referred_on() = ToProto(on);
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Complaint& s, const v1::RecordOmbudsmanDecisionRequest& c,
    const Env& env) {
  if (!v1::OmbudsmanFinding_IsValid(c.finding()) ||
      c.finding() == v1::OMBUDSMAN_FINDING_UNSPECIFIED) {
    return FieldError("finding", "is required");
  }
  RETURN_IF_ERROR(RequireComplaint(s));
  if (s.status() != v1::COMPLAINT_STATUS_WITH_OMBUDSMAN) {
    return NotAllowed("the complaint is not with the Ombudsman");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("decided_on", c.decided_on(), env.today,
                        DateOf(s.referred_to_ombudsman_on()), "the referral"));
  Event e = At(on);
  e.mutable_ombudsman_decided()->set_finding(c.finding());
  *e.mutable_ombudsman_decided()->mutable_decided_on() = ToProto(on);
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::WithdrawComplaintRequest& c,
                                          const Env& env) {
  RETURN_IF_ERROR(RequireComplaint(s));
  ASSIGN_OR_RETURN(
      Date on, StepDate("withdrawn_on", c.withdrawn_on(), env.today,
                        DateOf(s.received_on()), "the complaint was received"));
  Event e = At(on);
  *e.mutable_complaint_withdrawn()->mutable_withdrawn_on() = ToProto(on);
  CancelAllOpen(e, s, on);
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::CloseComplaintRequest& c,
                                          const Env& env) {
  RETURN_IF_ERROR(RequireComplaint(s));
  if (FindOpenClock(s, StageClock(s.stage())) != nullptr ||
      FindOpenClock(s, kAckClock) != nullptr) {
    return NotAllowed(
        "the complaint is awaiting a reply: respond (or withdraw) first");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("closed_on", c.closed_on(), env.today,
                        DateOf(s.received_on()), "the complaint was received"));
  Event e = At(on);
  *e.mutable_complaint_closed()->mutable_closed_on() = ToProto(on);
  // Complaints closed, and of them those that went to stage 2 and to the
  // Ombudsman (a cohort by closure, not a ratio of counts).
  statutory::AddTally(e, statutory::kComplaintsClosed);
  if (s.stage() >= 2) statutory::AddTally(e, statutory::kClosedEscalated);
  if (IsSet(s.referred_to_ombudsman_on())) {
    statutory::AddTally(e, statutory::kClosedToOmbudsman);
  }
  return One(std::move(e));
}

void ComplaintTraits::Evolve(Complaint& s, const Event& e) {
  const v1::EventMetadata& m = e.metadata();
  s.set_version(m.version());
  if (!m.officer_id().empty()) s.set_officer_id(m.officer_id());
  statutory::ApplyClockChanges(s, e);
  switch (e.event_case()) {
    case Event::kComplaintLogged: {
      const v1::ComplaintLogged& r = e.complaint_logged();
      s.set_complaint_id(m.stream_id());
      s.set_child_id(m.child_id());
      s.set_complainant(r.complainant());
      s.set_subject(r.subject());
      s.set_process_id(r.process_id());
      s.set_procedure(r.procedure());
      *s.mutable_received_on() = r.received_on();
      s.set_status(v1::COMPLAINT_STATUS_OPEN);
      s.set_stage(1);
      break;
    }
    case Event::kComplaintAcknowledged:
      if (e.complaint_acknowledged().stage() == 2) {
        *s.mutable_stage2_acknowledged_on() =
            e.complaint_acknowledged().acknowledged_on();
      } else {
        *s.mutable_acknowledged_on() =
            e.complaint_acknowledged().acknowledged_on();
      }
      break;
    case Event::kComplaintExtended:
      s.set_extended_working_days(s.extended_working_days() +
                                  e.complaint_extended().working_days());
      break;
    case Event::kComplaintResponded: {
      const v1::ComplaintResponded& r = e.complaint_responded();
      s.set_status(v1::COMPLAINT_STATUS_RESPONDED);
      s.set_finding(r.finding());
      s.set_remedy_offered(r.remedy_offered());
      *s.mutable_responded_on() = r.responded_on();
      if (r.stage() == 1) s.set_stage1_handler_id(r.handler_id());
      if (r.stage() == 2) s.set_stage2_handler_id(r.handler_id());
      break;
    }
    case Event::kComplaintEscalated:
      s.set_stage(e.complaint_escalated().to_stage());
      s.set_status(v1::COMPLAINT_STATUS_OPEN);
      s.set_extended_working_days(0);
      if (e.complaint_escalated().to_stage() == 2) {
        s.set_stage2_handler_id(e.complaint_escalated().handler_id());
      }
      break;
    case Event::kReferredToOmbudsman:
      s.set_status(v1::COMPLAINT_STATUS_WITH_OMBUDSMAN);
      *s.mutable_referred_to_ombudsman_on() =
          e.referred_to_ombudsman().referred_on();
      break;
    case Event::kOmbudsmanDecided:
      s.set_ombudsman_finding(e.ombudsman_decided().finding());
      s.set_status(v1::COMPLAINT_STATUS_CLOSED);
      *s.mutable_ended_on() = e.ombudsman_decided().decided_on();
      break;
    case Event::kComplaintWithdrawn:
      s.set_status(v1::COMPLAINT_STATUS_WITHDRAWN);
      *s.mutable_ended_on() = e.complaint_withdrawn().withdrawn_on();
      break;
    case Event::kComplaintClosed:
      s.set_status(v1::COMPLAINT_STATUS_CLOSED);
      *s.mutable_ended_on() = e.complaint_closed().closed_on();
      break;
    default:
      break;
  }
}

// --- Disagreements ---

absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const std::string& disagreement_id,
    const v1::RecordDisagreementRequest& c, const Env& env) {
  RETURN_IF_ERROR(ValidateId("disagreement_id", disagreement_id));
  RETURN_IF_ERROR(ValidateId("child_id", c.child_id()));
  RETURN_IF_ERROR(ValidateId("officer_id", c.officer_id()));
  if (!c.process_id().empty())
    RETURN_IF_ERROR(ValidateId("process_id", c.process_id()));
  if (!v1::AppealableDecision_IsValid(c.decision()) ||
      c.decision() == v1::APPEALABLE_DECISION_UNSPECIFIED) {
    return FieldError("decision", "is required (the appealable decision)");
  }
  ASSIGN_OR_RETURN(Date letter,
                   FromProto("decision_letter_on", c.decision_letter_on()));
  if (letter > env.today) {
    return NotAllowed(absl::StrCat("decision_letter_on: ", letter.ToString(),
                                   " is in the future"));
  }
  if (s.version() != 0) {
    return absl::AlreadyExistsError(absl::StrCat(
        "disagreement_id: ", disagreement_id,
        s.disagreement_id().empty() ? " is already a case of this service"
                                    : " already exists"));
  }
  Event e = At(letter);
  e.mutable_metadata()->set_child_id(c.child_id());
  e.mutable_metadata()->set_officer_id(c.officer_id());
  v1::DisagreementRecorded* body = e.mutable_disagreement_recorded();
  body->set_decision(c.decision());
  *body->mutable_decision_letter_on() = ToProto(letter);
  body->set_process_id(c.process_id());
  *body->mutable_appeal_deadline() =
      ToProto(statutory::TribunalAppealDeadline(letter, Date(), env.calendar));
  ComplaintsDecision d = One(std::move(e));
  const std::string key = absl::StrCat("d:", disagreement_id);
  d.index_puts.emplace_back(ChildIndexKey(c.child_id(), key), "");
  d.index_puts.emplace_back(OfficerIndexKey(c.officer_id(), key), "");
  return d;
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::RecordMediationContactRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(RequireDisagreement(s));
  if (IsSet(s.mediation_contacted_on())) {
    return NotAllowed("the mediation adviser contact was already recorded");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("contacted_on", c.contacted_on(), env.today,
                        DateOf(s.decision_letter_on()), "the decision letter"));
  Event e = At(on);
  e.mutable_mediation_contacted()->set_mediation_wanted(c.mediation_wanted());
  *e.mutable_mediation_contacted()->mutable_contacted_on() = ToProto(on);
  if (c.mediation_wanted()) {
    const statutory::ClockRule& held = Rule(RuleId::kMediationHeld);
    OpenClock(e, "mediation", held, on, held.DueDate(on, env.calendar));
  } else {
    // Declined: the certificate within 3 working days.
    const statutory::ClockRule& cert = Rule(RuleId::kMediationCertificate);
    OpenClock(e, "certificate", cert, on, cert.DueDate(on, env.calendar));
  }
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::RecordMediationHeldRequest& c,
    const Env& env) {
  if (!v1::MediationOutcome_IsValid(c.outcome()) ||
      c.outcome() == v1::MEDIATION_OUTCOME_UNSPECIFIED) {
    return FieldError("outcome", "is required");
  }
  RETURN_IF_ERROR(RequireDisagreement(s));
  if (!s.mediation_wanted() || IsSet(s.mediation_held_on())) {
    return NotAllowed("no mediation is awaited for this disagreement");
  }
  ASSIGN_OR_RETURN(Date on, StepDate("held_on", c.held_on(), env.today,
                                     DateOf(s.mediation_contacted_on()),
                                     "the mediation adviser was contacted"));
  Event e = At(on);
  e.mutable_mediation_held()->set_outcome(c.outcome());
  *e.mutable_mediation_held()->mutable_held_on() = ToProto(on);
  CloseClock(e, s, "mediation", on);
  statutory::AddTally(e, statutory::kMediated);
  if (c.outcome() == v1::MEDIATION_OUTCOME_AGREED ||
      c.outcome() == v1::MEDIATION_OUTCOME_PARTLY_AGREED) {
    statutory::AddTally(e, statutory::kMediationAgreed);
  }
  const statutory::ClockRule& cert = Rule(RuleId::kMediationCertificate);
  OpenClock(e, "certificate", cert, on, cert.DueDate(on, env.calendar));
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::IssueMediationCertificateRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(RequireDisagreement(s));
  if (FindOpenClock(s, "certificate") == nullptr) {
    return NotAllowed(
        IsSet(s.certificate_issued_on())
            ? "the certificate was already issued"
            : "a certificate follows a declined or completed mediation");
  }
  ASSIGN_OR_RETURN(Date on, StepDate("issued_on", c.issued_on(), env.today,
                                     DateOf(s.mediation_contacted_on()),
                                     "the mediation adviser was contacted"));
  Event e = At(on);
  *e.mutable_certificate_issued()->mutable_issued_on() = ToProto(on);
  *e.mutable_certificate_issued()->mutable_appeal_deadline() =
      ToProto(statutory::TribunalAppealDeadline(DateOf(s.decision_letter_on()),
                                                on, env.calendar));
  CloseClock(e, s, "certificate", on);
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(const Disagreement& s,
                                          const v1::RegisterAppealRequest& c,
                                          const Env& env) {
  RETURN_IF_ERROR(RequireDisagreement(s));
  if (IsSet(s.appeal_registered_on())) {
    return NotAllowed("the appeal was already registered");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("registered_on", c.registered_on(), env.today,
                        DateOf(s.decision_letter_on()), "the decision letter"));
  Event e = At(on);
  *e.mutable_appeal_registered()->mutable_registered_on() = ToProto(on);
  e.mutable_appeal_registered()->set_late(on > DateOf(s.appeal_deadline()));
  // A disagreement mediated and then appealed counts with the cohort of
  // its mediation (the day it was held).
  if (IsSet(s.mediation_held_on())) {
    statutory::AddTallyOn(e, statutory::kMediatedAppealed,
                          s.mediation_held_on());
  }
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::RecordTribunalDecisionRequest& c,
    const Env& env) {
  if (!v1::TribunalOutcome_IsValid(c.outcome()) ||
      c.outcome() == v1::TRIBUNAL_OUTCOME_UNSPECIFIED) {
    return FieldError("outcome", "is required");
  }
  RETURN_IF_ERROR(RequireDisagreement(s));
  if (!IsSet(s.appeal_registered_on())) {
    return NotAllowed("the Tribunal decides a registered appeal");
  }
  if (IsSet(s.tribunal_decided_on())) {
    return NotAllowed("the Tribunal's decision was already recorded");
  }
  ASSIGN_OR_RETURN(Date on, StepDate("decided_on", c.decided_on(), env.today,
                                     DateOf(s.appeal_registered_on()),
                                     "the appeal was registered"));
  Event e = At(on);
  e.mutable_tribunal_decided()->set_outcome(c.outcome());
  *e.mutable_tribunal_decided()->mutable_decided_on() = ToProto(on);
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const std::string& order_id,
    const v1::RecordTribunalOrderRequest& c, const Env& env) {
  RETURN_IF_ERROR(ValidateId("order_id", order_id));
  if (!v1::TribunalOrderKind_IsValid(c.kind()) ||
      c.kind() == v1::TRIBUNAL_ORDER_KIND_UNSPECIFIED) {
    return FieldError("kind",
                      "is required (assess, make_plan, amend_plan, "
                      "named_school)");
  }
  RETURN_IF_ERROR(RequireDisagreement(s));
  const v1::TribunalOutcome outcome = s.tribunal_outcome();
  if (outcome != v1::TRIBUNAL_OUTCOME_ALLOWED &&
      outcome != v1::TRIBUNAL_OUTCOME_PARTLY_ALLOWED &&
      outcome != v1::TRIBUNAL_OUTCOME_CONCEDED) {
    return NotAllowed(
        "orders follow a Tribunal decision allowing the appeal (or the LA "
        "conceding)");
  }
  for (const v1::TribunalOrder& o : s.orders()) {
    if (o.order_id() == order_id) {
      return absl::AlreadyExistsError(
          absl::StrCat("order_id: order ", order_id, " already recorded"));
    }
  }
  ASSIGN_OR_RETURN(Date made, StepDate("made_on", c.made_on(), env.today,
                                       DateOf(s.tribunal_decided_on()),
                                       "the Tribunal's decision"));
  Event e = At(made);
  v1::TribunalOrderMade* body = e.mutable_order_made();
  body->set_order_id(order_id);
  body->set_kind(c.kind());
  *body->mutable_made_on() = ToProto(made);
  auto open = [&](absl::string_view step, RuleId id) {
    const statutory::ClockRule& rule = Rule(id);
    OpenClock(e, OrderClock(order_id, step), rule, made,
              rule.DueDate(made, env.calendar));
  };
  switch (c.kind()) {
    case v1::TRIBUNAL_ORDER_KIND_ASSESS:
      open("", RuleId::kOrderAssess);
      break;
    case v1::TRIBUNAL_ORDER_KIND_MAKE_PLAN:
      open("draft", RuleId::kOrderDraftPlan);
      open("final", RuleId::kOrderFinalPlan);
      break;
    case v1::TRIBUNAL_ORDER_KIND_AMEND_PLAN:
      open("", RuleId::kOrderAmendPlan);
      break;
    default:
      open("", RuleId::kOrderNamedSchool);
      break;
  }
  return One(std::move(e));
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::RecordOrderComplianceRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(RequireDisagreement(s));
  const v1::TribunalOrder* order = nullptr;
  for (const v1::TribunalOrder& o : s.orders()) {
    if (o.order_id() == c.order_id()) order = &o;
  }
  if (order == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("order_id: no order ", c.order_id()));
  }
  std::string step;
  if (order->kind() == v1::TRIBUNAL_ORDER_KIND_MAKE_PLAN) {
    if (c.step() == v1::COMPLIANCE_STEP_DRAFT_PLAN)
      step = "draft";
    else if (c.step() == v1::COMPLIANCE_STEP_FINAL_PLAN)
      step = "final";
    else
      return FieldError("step", "is draft_plan or final_plan for this order");
  } else if (c.step() != v1::COMPLIANCE_STEP_DONE &&
             c.step() != v1::COMPLIANCE_STEP_UNSPECIFIED) {
    return FieldError("step", "is done for this order");
  }
  const std::string clock = OrderClock(order->order_id(), step);
  if (FindOpenClock(s, clock) == nullptr) {
    return NotAllowed("that step of the order was already recorded");
  }
  ASSIGN_OR_RETURN(Date on,
                   StepDate("done_on", c.done_on(), env.today,
                            DateOf(order->made_on()), "the order was made"));
  Event e = At(on);
  v1::OrderComplied* body = e.mutable_order_complied();
  body->set_order_id(order->order_id());
  body->set_step(c.step() == v1::COMPLIANCE_STEP_UNSPECIFIED
                     ? v1::COMPLIANCE_STEP_DONE
                     : c.step());
  *body->mutable_done_on() = ToProto(on);
  CloseClock(e, s, clock, on);
  return One(std::move(e));
}

void DisagreementTraits::Evolve(Disagreement& s, const Event& e) {
  const v1::EventMetadata& m = e.metadata();
  s.set_version(m.version());
  if (!m.officer_id().empty()) s.set_officer_id(m.officer_id());
  statutory::ApplyClockChanges(s, e);
  switch (e.event_case()) {
    case Event::kDisagreementRecorded: {
      const v1::DisagreementRecorded& r = e.disagreement_recorded();
      s.set_disagreement_id(m.stream_id());
      s.set_child_id(m.child_id());
      s.set_decision(r.decision());
      *s.mutable_decision_letter_on() = r.decision_letter_on();
      s.set_process_id(r.process_id());
      *s.mutable_appeal_deadline() = r.appeal_deadline();
      break;
    }
    case Event::kMediationContacted:
      *s.mutable_mediation_contacted_on() =
          e.mediation_contacted().contacted_on();
      s.set_mediation_wanted(e.mediation_contacted().mediation_wanted());
      break;
    case Event::kMediationHeld:
      *s.mutable_mediation_held_on() = e.mediation_held().held_on();
      s.set_mediation_outcome(e.mediation_held().outcome());
      break;
    case Event::kCertificateIssued:
      *s.mutable_certificate_issued_on() = e.certificate_issued().issued_on();
      *s.mutable_appeal_deadline() = e.certificate_issued().appeal_deadline();
      break;
    case Event::kAppealRegistered:
      *s.mutable_appeal_registered_on() = e.appeal_registered().registered_on();
      s.set_appeal_late(e.appeal_registered().late());
      break;
    case Event::kTribunalDecided:
      s.set_tribunal_outcome(e.tribunal_decided().outcome());
      *s.mutable_tribunal_decided_on() = e.tribunal_decided().decided_on();
      break;
    case Event::kOrderMade: {
      v1::TribunalOrder* o = s.add_orders();
      o->set_order_id(e.order_made().order_id());
      o->set_kind(e.order_made().kind());
      *o->mutable_made_on() = e.order_made().made_on();
      break;
    }
    default:
      break;
  }
}

}  // namespace casework::complaints

namespace casework::complaints {
namespace {

absl::Status CheckFeedbackCase(const std::string& feedback_id,
                               const std::string& child_id,
                               const std::string& officer_id,
                               const std::string& process,
                               const std::string& case_id) {
  RETURN_IF_ERROR(ValidateId("feedback_id", feedback_id));
  RETURN_IF_ERROR(ValidateId("child_id", child_id));
  RETURN_IF_ERROR(ValidateId("officer_id", officer_id));
  static const char* const kProcesses[] = {"ehc-assessments", "annual-reviews",
                                           "transport", "complaints"};
  if (std::find(std::begin(kProcesses), std::end(kProcesses), process) ==
      std::end(kProcesses)) {
    return FieldError("process",
                      absl::StrCat("'", process,
                                   "' is not ehc-assessments, annual-reviews, "
                                   "transport or complaints"));
  }
  if (!case_id.empty()) RETURN_IF_ERROR(ValidateId("case_id", case_id));
  return absl::OkStatus();
}

absl::Status CheckScore(int score) {
  if (score < 0 || score > 5) {
    return FieldError("score",
                      "is 1 (very dissatisfied) to 5 (very satisfied), or 0 "
                      "when the survey has no score");
  }
  return absl::OkStatus();
}

absl::Status RequireNew(const Feedback& s, const std::string& feedback_id) {
  if (s.version() != 0) {
    return absl::AlreadyExistsError(absl::StrCat(
        "feedback_id: ", feedback_id, " is already a case of this service"));
  }
  return absl::OkStatus();
}

// A survey response's tallies (libs/statutory/experience.h): answered (when
// sent through casework); scored and satisfied, over all surveys and by
// survey.
void TallyResponse(Event& e, v1::Survey survey, int score, bool sent) {
  const std::string code = SurveyCode(survey);
  if (sent) statutory::AddTally(e, statutory::kSurveysAnswered);
  if (score == 0) return;
  statutory::AddTally(e, statutory::kResponsesScored);
  statutory::AddTally(e,
                      statutory::PerSurvey(statutory::kResponsesScored, code));
  if (score >= statutory::kSatisfiedFrom) {
    statutory::AddTally(e, statutory::kResponsesSatisfied);
    statutory::AddTally(
        e, statutory::PerSurvey(statutory::kResponsesSatisfied, code));
  }
}

// The day a step names (unset: today), never after today.
absl::StatusOr<Date> DayOrToday(absl::string_view field, const v1::Date& day,
                                Date today) {
  if (!IsSet(day)) return today;
  ASSIGN_OR_RETURN(const Date on, FromProto(field, day));
  if (on > today) {
    return NotAllowed(absl::StrCat(field, ": ", on.ToString(),
                                   " is in the future (today is ",
                                   today.ToString(), ")"));
  }
  return on;
}

// The first event of a feedback stream, about `child` and `officer`.
Event NewFeedback(Date on, const std::string& child,
                  const std::string& officer) {
  Event e = At(on);
  e.mutable_metadata()->set_child_id(child);
  e.mutable_metadata()->set_officer_id(officer);
  return e;
}

ComplaintsDecision WithIndex(Event e, const std::string& feedback_id,
                             const std::string& child_id,
                             const std::string& officer_id) {
  ComplaintsDecision d = One(std::move(e));
  const std::string key = absl::StrCat("f:", feedback_id);
  d.index_puts.emplace_back(ChildIndexKey(child_id, key), "");
  d.index_puts.emplace_back(OfficerIndexKey(officer_id, key), "");
  return d;
}

}  // namespace

std::string SurveyCode(v1::Survey survey) {
  const int i = static_cast<int>(survey) - 1;
  if (i < 0 || i >= static_cast<int>(statutory::kSurveyCodes.size())) {
    return "other";
  }
  return std::string(statutory::kSurveyCodes[static_cast<size_t>(i)]);
}

absl::StatusOr<ComplaintsDecision> Decide(const Feedback& s,
                                          const std::string& feedback_id,
                                          const v1::RecordFeedbackRequest& c,
                                          const Env& env) {
  RETURN_IF_ERROR(CheckFeedbackCase(feedback_id, c.child_id(), c.officer_id(),
                                    c.process(), c.case_id()));
  if (!v1::FeedbackKind_IsValid(c.kind()) ||
      c.kind() == v1::FEEDBACK_KIND_UNSPECIFIED) {
    return FieldError("kind",
                      "is required (compliment, survey response or "
                      "comment)");
  }
  const bool response = c.kind() == v1::FEEDBACK_KIND_SURVEY_RESPONSE;
  if (response && (!v1::Survey_IsValid(c.survey()) ||
                   c.survey() == v1::SURVEY_UNSPECIFIED)) {
    return FieldError("survey", "a survey response names its survey");
  }
  if (!response && c.survey() != v1::SURVEY_UNSPECIFIED) {
    return FieldError("survey", "only a survey response names a survey");
  }
  if (!response && c.score() != 0) {
    return FieldError("score", "only a survey response has a score");
  }
  RETURN_IF_ERROR(CheckScore(c.score()));
  ASSIGN_OR_RETURN(const Date on,
                   DayOrToday("received_on", c.received_on(), env.today));
  RETURN_IF_ERROR(RequireNew(s, feedback_id));
  Event e = NewFeedback(on, c.child_id(), c.officer_id());
  v1::FeedbackRecorded* body = e.mutable_feedback_recorded();
  body->set_kind(c.kind());
  body->set_survey(c.survey());
  body->set_process(c.process());
  body->set_case_id(c.case_id());
  *body->mutable_received_on() = ToProto(on);
  body->set_score(c.score());
  if (c.kind() == v1::FEEDBACK_KIND_COMPLIMENT) {
    statutory::AddTally(e, statutory::kCompliments);
  }
  if (response) TallyResponse(e, c.survey(), c.score(), false);
  ComplaintsDecision d =
      WithIndex(std::move(e), feedback_id, c.child_id(), c.officer_id());
  if (!c.text().empty()) {
    d.index_puts.emplace_back(TextKey(feedback_id, "text"), c.text());
  }
  return d;
}

absl::StatusOr<ComplaintsDecision> Decide(const Feedback& s,
                                          const std::string& feedback_id,
                                          const v1::RecordSurveySentRequest& c,
                                          const Env& env) {
  RETURN_IF_ERROR(CheckFeedbackCase(feedback_id, c.child_id(), c.officer_id(),
                                    c.process(), c.case_id()));
  if (!v1::Survey_IsValid(c.survey()) || c.survey() == v1::SURVEY_UNSPECIFIED) {
    return FieldError("survey", "is required");
  }
  ASSIGN_OR_RETURN(const Date on,
                   DayOrToday("sent_on", c.sent_on(), env.today));
  RETURN_IF_ERROR(RequireNew(s, feedback_id));
  Event e = NewFeedback(on, c.child_id(), c.officer_id());
  v1::SurveySent* body = e.mutable_survey_sent();
  body->set_survey(c.survey());
  body->set_process(c.process());
  body->set_case_id(c.case_id());
  *body->mutable_sent_on() = ToProto(on);
  statutory::AddTally(e, statutory::kSurveysSent);
  return WithIndex(std::move(e), feedback_id, c.child_id(), c.officer_id());
}

absl::StatusOr<ComplaintsDecision> Decide(
    const Feedback& s, const v1::RecordSurveyResponseRequest& c,
    const Env& env) {
  RETURN_IF_ERROR(ValidateId("feedback_id", c.feedback_id()));
  RETURN_IF_ERROR(CheckScore(c.score()));
  if (s.feedback_id().empty()) {
    return absl::NotFoundError(
        absl::StrCat("feedback_id: no survey ", c.feedback_id()));
  }
  if (!IsSet(s.sent_on())) {
    return NotAllowed(absl::StrCat("feedback ", s.feedback_id(),
                                   " is not a survey sent through casework"));
  }
  if (IsSet(s.received_on())) {
    return NotAllowed(absl::StrCat("survey ", s.feedback_id(),
                                   " was answered on ",
                                   DateOf(s.received_on()).ToString()));
  }
  Date on = env.today;
  if (IsSet(c.received_on())) {
    ASSIGN_OR_RETURN(on, StepDate("received_on", c.received_on(), env.today,
                                  DateOf(s.sent_on()), "the survey was sent"));
  }
  Event e = At(on);
  v1::SurveyResponded* body = e.mutable_survey_responded();
  *body->mutable_received_on() = ToProto(on);
  body->set_score(c.score());
  TallyResponse(e, s.survey(), c.score(), true);
  ComplaintsDecision d = One(std::move(e));
  if (!c.text().empty()) {
    d.index_puts.emplace_back(TextKey(s.feedback_id(), "text"), c.text());
  }
  return d;
}

std::vector<std::string> FeedbackTraits::AllowedActions(const State& s) {
  if (IsSet(s.sent_on()) && !IsSet(s.received_on())) {
    return {"RecordSurveyResponse"};
  }
  return {};
}

void FeedbackTraits::Evolve(Feedback& s, const Event& e) {
  const v1::EventMetadata& m = e.metadata();
  s.set_version(m.version());
  switch (e.event_case()) {
    case Event::kFeedbackRecorded: {
      const v1::FeedbackRecorded& r = e.feedback_recorded();
      s.set_feedback_id(m.stream_id());
      s.set_child_id(m.child_id());
      s.set_officer_id(m.officer_id());
      s.set_kind(r.kind());
      s.set_survey(r.survey());
      s.set_process(r.process());
      s.set_case_id(r.case_id());
      *s.mutable_received_on() = r.received_on();
      s.set_score(r.score());
      break;
    }
    case Event::kSurveySent: {
      const v1::SurveySent& r = e.survey_sent();
      s.set_feedback_id(m.stream_id());
      s.set_child_id(m.child_id());
      s.set_officer_id(m.officer_id());
      s.set_kind(v1::FEEDBACK_KIND_SURVEY_RESPONSE);
      s.set_survey(r.survey());
      s.set_process(r.process());
      s.set_case_id(r.case_id());
      *s.mutable_sent_on() = r.sent_on();
      break;
    }
    case Event::kSurveyResponded:
      *s.mutable_received_on() = e.survey_responded().received_on();
      s.set_score(e.survey_responded().score());
      break;
    default:
      break;
  }
}

}  // namespace casework::complaints
