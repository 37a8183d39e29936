#include "services/ehc-assessments/assessment.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/statutory/clock_ops.h"
#include "libs/statutory/exceptions.h"
#include "libs/statutory/plan_contents.h"
#include "libs/statutory/rules.h"

namespace casework::ehc {
namespace {

using statutory::CancelAllOpen;
using statutory::ChangeOf;
using statutory::ClockRule;
using statutory::ExceptionKind;
using statutory::FindClock;
using statutory::Rule;
using statutory::RuleId;

constexpr char kDecisionClock[] = "decision";
constexpr char kNoPlanClock[] = "no_plan_decision";
constexpr char kFinalPlanClock[] = "final_plan";
constexpr char kDraftCommentClock[] = "draft_comment";

std::string AdviceClockId(absl::string_view advice_id) {
  return absl::StrCat("advice/", advice_id);
}

bool IsClosed(const Assessment& s) {
  switch (s.status()) {
    case v1::ASSESSMENT_STATUS_NOT_ASSESSED:
    case v1::ASSESSMENT_STATUS_NO_PLAN:
    case v1::ASSESSMENT_STATUS_PLAN_ISSUED:
    case v1::ASSESSMENT_STATUS_WITHDRAWN:
    case v1::ASSESSMENT_STATUS_MOVED_OUT_OF_AREA:
      return true;
    default:
      return false;
  }
}

std::string StatusText(v1::AssessmentStatus status) {
  switch (status) {
    case v1::ASSESSMENT_STATUS_REQUESTED:
      return "awaiting the decision whether to assess";
    case v1::ASSESSMENT_STATUS_ASSESSING:
      return "being assessed";
    case v1::ASSESSMENT_STATUS_DRAFT_ISSUED:
      return "at draft plan";
    case v1::ASSESSMENT_STATUS_NOT_ASSESSED:
      return "closed: the LA decided not to assess";
    case v1::ASSESSMENT_STATUS_NO_PLAN:
      return "closed: the LA decided not to issue a plan";
    case v1::ASSESSMENT_STATUS_PLAN_ISSUED:
      return "closed: the final plan was issued";
    case v1::ASSESSMENT_STATUS_WITHDRAWN:
      return "closed: the request was withdrawn";
    case v1::ASSESSMENT_STATUS_MOVED_OUT_OF_AREA:
      return "closed: the child moved out of the area";
    default:
      return "unknown";
  }
}

std::optional<ExceptionKind> ToRuleKind(v1::ExceptionKind kind) {
  switch (kind) {
    case v1::EXCEPTION_KIND_SCHOOL_CLOSURE:
      return ExceptionKind::kSchoolClosure;
    case v1::EXCEPTION_KIND_EARLY_YEARS_SETTING_CLOSURE:
      return ExceptionKind::kEarlyYearsSettingClosure;
    case v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES:
      return ExceptionKind::kExceptionalPersonalCircumstances;
    case v1::EXCEPTION_KIND_ABSENCE_FROM_AREA:
      return ExceptionKind::kAbsenceFromArea;
    case v1::EXCEPTION_KIND_MISSED_APPOINTMENT:
      return ExceptionKind::kMissedAppointment;
    default:
      return std::nullopt;
  }
}

const v1::Advice* FindAdvice(const Assessment& s, absl::string_view advice_id) {
  for (const v1::Advice& a : s.advice()) {
    if (a.advice_id() == advice_id) return &a;
  }
  return nullptr;
}

Date Get(const v1::Date& d) { return statutory::DateOf(d); }

// The facts of an exception (its dates, the advice request it names, the day
// it was recorded) for the conditions of libs/statutory/exceptions.h.
statutory::ExceptionFacts FactsOf(const Assessment& s, ExceptionKind kind,
                                  const v1::Date& starts, const v1::Date& ends,
                                  absl::string_view advice_id,
                                  const v1::Date& recorded) {
  statutory::ExceptionFacts x{.kind = kind, .starts_on = Get(starts)};
  if (IsSet(ends)) x.ends_on = Get(ends);
  if (const v1::Advice* a = FindAdvice(s, advice_id)) {
    x.advice_requested_on = Get(a->requested_on());
  }
  if (IsSet(recorded)) x.recorded_on = Get(recorded);
  return x;
}

bool IsClosure(ExceptionKind kind) {
  return kind == ExceptionKind::kSchoolClosure ||
         kind == ExceptionKind::kEarlyYearsSettingClosure;
}

// An exception already recorded on the case that applies case-wide (a closure,
// or circumstances or an absence not limited to one advice request) and lifts
// a clock of `rule` running from `start` to `due`: a clock opened later is
// excepted from the start when the exception falls within its period and was
// recorded before its due date.
bool CaseExceptionLifts(const Assessment& s, const ClockRule& rule, Date start,
                        Date due) {
  for (const v1::RecordedException& e : s.exceptions()) {
    std::optional<ExceptionKind> kind = ToRuleKind(e.kind());
    if (!kind || *kind == ExceptionKind::kMissedAppointment) continue;
    if (!e.advice_id().empty() && !IsClosure(*kind)) continue;
    if (statutory::Lifts(FactsOf(s, *kind, e.starts_on(), e.ends_on(),
                                 e.advice_id(), e.recorded_on()),
                         rule, start, due)) {
      return true;
    }
  }
  return false;
}

void Open(Event& event, const Assessment& s, absl::string_view clock_id,
          const ClockRule& rule, Date start, const Env& env,
          absl::string_view subtype = "") {
  const Date due = rule.DueDate(start, env.calendar);
  statutory::OpenClock(event, clock_id, rule, start, due, subtype,
                       CaseExceptionLifts(s, rule, start, due));
}

void Close(Event& event, const Assessment& s, absl::string_view clock_id,
           Date on) {
  statutory::CloseClock(event, s, clock_id, on);
}

void Cancel(Event& event, const Assessment& s, absl::string_view clock_id,
            Date on) {
  statutory::CancelClock(event, s, clock_id, on);
}

absl::Status RequireExists(const Assessment& s) {
  if (s.assessment_id().empty()) {
    return absl::NotFoundError("assessment_id: no such assessment");
  }
  return absl::OkStatus();
}

absl::Status RequireOpen(const Assessment& s) {
  RETURN_IF_ERROR(RequireExists(s));
  if (IsClosed(s)) {
    return NotAllowed(absl::StrCat("assessment ", s.assessment_id(), " is ",
                                   StatusText(s.status()),
                                   "; no further steps can be recorded"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Date> AfterRequest(absl::string_view field, const v1::Date& d,
                                  const Assessment& s, const Env& env) {
  return StepDate(field, d, env.today, Get(s.received_on()),
                  "the date the request was received");
}

EhcDecision One(Event event) {
  EhcDecision d;
  d.events.push_back(std::move(event));
  return d;
}

}  // namespace

std::string ChildIndexKey(absl::string_view child_id,
                          absl::string_view assessment_id) {
  return absl::StrCat("child/", child_id, "/", assessment_id);
}

std::string OfficerIndexKey(absl::string_view officer_id,
                            absl::string_view assessment_id) {
  return absl::StrCat("officer/", officer_id, "/", assessment_id);
}

std::string TextKey(absl::string_view assessment_id, absl::string_view field,
                    absl::string_view id) {
  return absl::StrCat(TextPrefix(assessment_id), field, "/", id);
}

std::string TextPrefix(absl::string_view assessment_id) {
  return absl::StrCat("text/", assessment_id, "/");
}

std::string AdviceTypeCode(v1::AdviceType type) {
  switch (type) {
    case v1::ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY:
      return "educational_psychology";
    case v1::ADVICE_TYPE_HEALTH:
      return "health";
    case v1::ADVICE_TYPE_SOCIAL_CARE:
      return "social_care";
    case v1::ADVICE_TYPE_EDUCATION_SETTING:
      return "education_setting";
    case v1::ADVICE_TYPE_PREPARATION_FOR_ADULTHOOD:
      return "preparation_for_adulthood";
    case v1::ADVICE_TYPE_OTHER:
      return "other";
    case v1::ADVICE_TYPE_SPECIALIST_TEACHER:
      return "specialist_teacher";
    default:
      return "unspecified";
  }
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const std::string& assessment_id,
                                   const v1::RecordRequestRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(ValidateId("assessment_id", assessment_id));
  RETURN_IF_ERROR(ValidateId("child_id", c.child_id()));
  RETURN_IF_ERROR(ValidateId("officer_id", c.officer_id()));
  if (!v1::RequestSource_IsValid(c.source()) ||
      c.source() == v1::REQUEST_SOURCE_UNSPECIFIED) {
    return FieldError(
        "source",
        "is required (parent, young person, school or setting, other)");
  }
  if (!v1::AssessmentKind_IsValid(c.kind()) ||
      c.kind() == v1::ASSESSMENT_KIND_UNSPECIFIED) {
    return FieldError("kind",
                      "is required (first assessment or re-assessment)");
  }
  if (c.kind() == v1::ASSESSMENT_KIND_REASSESSMENT) {
    if (c.plan_id().empty()) {
      return FieldError("plan_id",
                        "is required: a re-assessment names the EHC plan it "
                        "re-assesses (SEND Regulations 2014 regs 25-27)");
    }
    RETURN_IF_ERROR(ValidateId("plan_id", c.plan_id()));
  } else if (!c.plan_id().empty()) {
    return FieldError("plan_id",
                      "is only for a re-assessment (kind reassessment); a "
                      "first assessment names no plan");
  }
  ASSIGN_OR_RETURN(Date received, FromProto("received_on", c.received_on()));
  if (received > env.today) {
    return NotAllowed(absl::StrCat("received_on: ", received.ToString(),
                                   " is in the future (today is ",
                                   env.today.ToString(), ")"));
  }
  Date dob;
  if (IsSet(c.date_of_birth())) {
    ASSIGN_OR_RETURN(dob, FromProto("date_of_birth", c.date_of_birth()));
    // An EHC plan is for a child or young person up to 25 (CFA 2014 s.83).
    if (dob > received || statutory::AgeOn(dob, received) > 25) {
      return FieldError(
          "date_of_birth",
          absl::StrCat(dob.ToString(), " makes the child ",
                       dob > received ? "not yet born" : "over 25",
                       " on the request date ", received.ToString()));
    }
  }
  if (!s.assessment_id().empty()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "assessment_id: assessment ", assessment_id, " already exists"));
  }
  Event e;
  e.mutable_metadata()->set_child_id(c.child_id());
  e.mutable_metadata()->set_officer_id(c.officer_id());
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(received);
  v1::RequestRecorded* body = e.mutable_request_recorded();
  *body->mutable_received_on() = ToProto(received);
  body->set_source(c.source());
  body->set_kind(c.kind());
  if (dob != Date()) *body->mutable_date_of_birth() = ToProto(dob);
  body->set_plan_id(c.plan_id());
  body->set_rya(c.rya());
  // Reg 5(1): decide whether to assess within 6 weeks of the request; reg
  // 25(1): whether to re-assess within 15 days of it.
  Open(e, s, kDecisionClock,
       Rule(c.kind() == v1::ASSESSMENT_KIND_REASSESSMENT
                ? RuleId::kEhcReassessmentDecision
                : RuleId::kEhcDecisionToAssess),
       received, env);
  EhcDecision d = One(std::move(e));
  d.index_puts.emplace_back(ChildIndexKey(c.child_id(), assessment_id), "");
  d.index_puts.emplace_back(OfficerIndexKey(c.officer_id(), assessment_id), "");
  return d;
}

std::vector<std::string> Traits::AllowedActions(const State& s) {
  if (s.assessment_id().empty()) return {};
  // Advice received can be audited, also once the case is closed.
  const bool received =
      std::any_of(s.advice().begin(), s.advice().end(),
                  [](const v1::Advice& a) { return IsSet(a.received_on()); });
  const bool drafted = IsSet(s.draft_issued_on());
  if (IsClosed(s)) {
    std::vector<std::string> audits;
    if (received) audits.push_back("AuditAdvice");
    if (drafted) audits.push_back("AuditDraftPlan");
    return audits;
  }
  std::vector<std::string> out = {"ReassignOfficer", "RecordException",
                                  "WithdrawRequest", "RecordMovedOutOfArea"};
  const bool outstanding =
      std::any_of(s.advice().begin(), s.advice().end(),
                  [](const v1::Advice& a) { return !IsSet(a.received_on()); });
  switch (s.status()) {
    case v1::ASSESSMENT_STATUS_REQUESTED:
      // The school or setting may be asked before the decision (reg
      // 5(4)(a)/(b)).
      out.insert(out.end(),
                 {"DecideToAssess", "DecideNotToAssess", "RequestAdvice"});
      if (outstanding) out.push_back("RecordAdviceReceived");
      break;
    case v1::ASSESSMENT_STATUS_ASSESSING:
      out.insert(out.end(),
                 {"RequestAdvice", "IssueDraftPlan", "DecideNotToIssuePlan"});
      if (outstanding) out.push_back("RecordAdviceReceived");
      break;
    case v1::ASSESSMENT_STATUS_DRAFT_ISSUED:
      out.insert(out.end(), {"RequestAdvice", "IssueFinalPlan"});
      if (outstanding) out.push_back("RecordAdviceReceived");
      break;
    default:
      break;
  }
  if (received) out.push_back("AuditAdvice");
  if (drafted) out.push_back("AuditDraftPlan");
  return out;
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::ReassignOfficerRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(ValidateId("officer_id", c.officer_id()));
  RETURN_IF_ERROR(RequireOpen(s));
  if (c.officer_id() == s.officer_id()) {
    return NotAllowed(absl::StrCat(
        "officer_id: the assessment is already assigned to ", c.officer_id()));
  }
  ASSIGN_OR_RETURN(
      Date on, IsSet(c.reassigned_on())
                   ? AfterRequest("reassigned_on", c.reassigned_on(), s, env)
                   : absl::StatusOr<Date>(env.today));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  e.mutable_officer_reassigned()->set_from_officer_id(s.officer_id());
  e.mutable_officer_reassigned()->set_to_officer_id(c.officer_id());
  EhcDecision d = One(std::move(e));
  d.index_deletes.push_back(OfficerIndexKey(s.officer_id(), s.assessment_id()));
  d.index_puts.emplace_back(OfficerIndexKey(c.officer_id(), s.assessment_id()),
                            "");
  return d;
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::DecideToAssessRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(RequireOpen(s));
  if (s.status() != v1::ASSESSMENT_STATUS_REQUESTED) {
    return NotAllowed(
        absl::StrCat("the decision whether to assess has already been made (",
                     StatusText(s.status()), ")"));
  }
  ASSIGN_OR_RETURN(Date on, AfterRequest("decided_on", c.decided_on(), s, env));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  *e.mutable_decided_to_assess()->mutable_decided_on() = ToProto(on);
  Close(e, s, kDecisionClock, on);
  if (s.kind() == v1::ASSESSMENT_KIND_REASSESSMENT) {
    // Reg 27(2): the final amended or replacement plan within 14 weeks of the
    // notification under reg 25(1) (`decided_on` is the day the decision was
    // notified). Reg 10's 16 weeks do not apply (reg 26 applies regs 6-9).
    Open(e, s, kFinalPlanClock, Rule(RuleId::kEhcReassessmentFinalPlan), on,
         env);
    return One(std::move(e));
  }
  const Date received = Get(s.received_on());
  // Reg 13(2): the final plan within 20 weeks of the request.
  Open(e, s, kFinalPlanClock, Rule(RuleId::kEhcFinalPlan), received, env);
  // Reg 10(1): a decision not to issue a plan within 16 weeks of the request.
  Open(e, s, kNoPlanClock, Rule(RuleId::kEhcNoPlanDecision), received, env);
  return One(std::move(e));
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::DecideNotToAssessRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(RequireOpen(s));
  if (s.status() != v1::ASSESSMENT_STATUS_REQUESTED) {
    return NotAllowed(
        absl::StrCat("the decision whether to assess has already been made (",
                     StatusText(s.status()), ")"));
  }
  ASSIGN_OR_RETURN(Date on, AfterRequest("decided_on", c.decided_on(), s, env));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  *e.mutable_decided_not_to_assess()->mutable_decided_on() = ToProto(on);
  Close(e, s, kDecisionClock, on);
  CancelAllOpen(e, s, on);
  return One(std::move(e));
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const std::string& advice_id,
                                   const v1::RequestAdviceRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(ValidateId("advice_id", advice_id));
  if (!v1::AdviceType_IsValid(c.advice_type()) ||
      c.advice_type() == v1::ADVICE_TYPE_UNSPECIFIED) {
    return FieldError("advice_type", "is required");
  }
  if (c.adviser().size() > 200)
    return FieldError("adviser", "must be at most 200 characters");
  RETURN_IF_ERROR(RequireOpen(s));
  // Before the decision whether to assess, the LA may ask the child's school
  // or early-years setting (reg 5(4)(a)/(b) names such a request as what a
  // closure of the school excuses from the 6-week decision limit). That is
  // not advice for an assessment under reg 6(1), so no reg 8(1) clock.
  const bool before_decision = s.status() == v1::ASSESSMENT_STATUS_REQUESTED;
  if (before_decision && c.advice_type() != v1::ADVICE_TYPE_EDUCATION_SETTING) {
    return NotAllowed(
        "advice_type: before the decision whether to assess only the school "
        "or setting is asked (education_setting, reg 5(4)(a)/(b)); record "
        "the decision to assess first for other advice");
  }
  if (!before_decision && s.status() != v1::ASSESSMENT_STATUS_ASSESSING &&
      s.status() != v1::ASSESSMENT_STATUS_DRAFT_ISSUED) {
    return NotAllowed(
        "advice is requested for an assessment: record the decision to assess "
        "first");
  }
  if (FindAdvice(s, advice_id) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat(
        "advice_id: advice ", advice_id, " was already requested"));
  }
  ASSIGN_OR_RETURN(
      Date on, before_decision
                   ? StepDate("requested_on", c.requested_on(), env.today,
                              Get(s.received_on()), "the request was received")
                   : StepDate("requested_on", c.requested_on(), env.today,
                              Get(s.decided_on()), "the decision to assess"));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  v1::AdviceRequested* body = e.mutable_advice_requested();
  body->set_advice_id(advice_id);
  body->set_advice_type(c.advice_type());
  *body->mutable_requested_on() = ToProto(on);
  // Reg 8(1): advice for the assessment within 6 weeks of the request.
  if (!before_decision) {
    Open(e, s, AdviceClockId(advice_id), Rule(RuleId::kEhcAdvice), on, env,
         AdviceTypeCode(c.advice_type()));
  }
  EhcDecision d = One(std::move(e));
  // Names stay in the service (never in events or on the topics).
  if (!c.adviser().empty()) {
    d.index_puts.emplace_back(
        TextKey(s.assessment_id(), kAdviserField, advice_id), c.adviser());
  }
  return d;
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::RecordAdviceReceivedRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(ValidateId("advice_id", c.advice_id()));
  RETURN_IF_ERROR(RequireOpen(s));
  const v1::Advice* advice = FindAdvice(s, c.advice_id());
  if (advice == nullptr) {
    return NotAllowed(absl::StrCat("advice_id: advice ", c.advice_id(),
                                   " was never requested on this assessment"));
  }
  if (IsSet(advice->received_on())) {
    return NotAllowed(absl::StrCat("advice ", c.advice_id(),
                                   " was already received on ",
                                   Get(advice->received_on()).ToString()));
  }
  ASSIGN_OR_RETURN(Date on, StepDate("received_on", c.received_on(), env.today,
                                     Get(advice->requested_on()),
                                     "the advice was requested"));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  v1::AdviceReceived* body = e.mutable_advice_received();
  body->set_advice_id(c.advice_id());
  *body->mutable_received_on() = ToProto(on);
  body->set_advice_type(advice->advice_type());
  Close(e, s, AdviceClockId(c.advice_id()), on);
  return One(std::move(e));
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const std::string& exception_id,
                                   const v1::RecordExceptionRequest& c,
                                   const Env& env) {
  std::optional<ExceptionKind> kind = ToRuleKind(c.kind());
  if (!kind) return FieldError("kind", "is required");
  if (c.note().size() > 500)
    return FieldError("note", "must be at most 500 characters");
  if (!c.advice_id().empty())
    RETURN_IF_ERROR(ValidateId("advice_id", c.advice_id()));
  ASSIGN_OR_RETURN(Date starts, FromProto("starts_on", c.starts_on()));
  if (IsSet(c.ends_on())) {
    ASSIGN_OR_RETURN(Date ends, FromProto("ends_on", c.ends_on()));
    if (ends < starts) return FieldError("ends_on", "is before starts_on");
  }
  RETURN_IF_ERROR(RequireOpen(s));
  const v1::Advice* advice = nullptr;
  if (!c.advice_id().empty()) {
    advice = FindAdvice(s, c.advice_id());
    if (advice == nullptr) {
      return NotAllowed(absl::StrCat("advice_id: advice ", c.advice_id(),
                                     " was never requested on this "
                                     "assessment"));
    }
    // Regs 5(4)(a)/(b): a closure concerns advice asked of the head teacher
    // or principal, or of the early-years provider.
    if (IsClosure(*kind) &&
        advice->advice_type() != v1::ADVICE_TYPE_EDUCATION_SETTING) {
      return FieldError(
          "advice_id",
          absl::StrCat("advice ", c.advice_id(), " is ",
                       AdviceTypeCode(advice->advice_type()),
                       " advice; a closure exception concerns advice asked "
                       "of the school or setting (education_setting, reg "
                       "5(4)(a)/(b))"));
    }
  }
  // A closure is known ahead (the setting's calendar): its window opens a
  // week before it, with the advice request already made. Anything else has
  // happened by the day it is recorded.
  if (starts > env.today && !IsClosure(*kind)) {
    return NotAllowed(
        absl::StrCat("starts_on: ", starts.ToString(), " is in the future"));
  }
  v1::Date recorded = ToProto(env.today);
  const statutory::ExceptionFacts facts =
      FactsOf(s, *kind, c.starts_on(), c.ends_on(), c.advice_id(), recorded);
  // Each exception's own conditions (dates, 4 continuous weeks, the closure
  // window), or a refusal naming the field.
  RETURN_IF_ERROR(statutory::CheckExceptionConditions(facts));
  Event e;
  // Dated when it began (a closure announced ahead: the day it is recorded).
  *e.mutable_metadata()->mutable_occurred_on() =
      ToProto(std::min(std::max(starts, Get(s.received_on())), env.today));
  v1::ExceptionRecorded* body = e.mutable_exception_recorded();
  body->set_exception_id(exception_id);
  body->set_kind(c.kind());
  *body->mutable_starts_on() = c.starts_on();
  if (IsSet(c.ends_on())) *body->mutable_ends_on() = c.ends_on();
  body->set_advice_id(c.advice_id());
  *body->mutable_recorded_on() = recorded;
  // Lift exactly the open limits this kind of exception lifts (regs 5(4),
  // 8(2), 10(4), 13(3), 27(3)) whose period it falls within and which were not
  // already missed today; a missed appointment, or circumstances or an absence
  // naming one advice request, only that request's clock.
  const bool one_advice = *kind == ExceptionKind::kMissedAppointment ||
                          (!c.advice_id().empty() && !IsClosure(*kind));
  for (const v1::Clock& clock : s.clocks()) {
    if (clock.status() != v1::CLOCK_STATUS_OPEN || clock.exception()) continue;
    const ClockRule* rule = statutory::FindRule(clock.rule());
    if (rule == nullptr) continue;
    if (one_advice && clock.clock_id() != AdviceClockId(c.advice_id())) {
      continue;
    }
    if (!statutory::Lifts(facts, *rule, Get(clock.started_on()),
                          Get(clock.due_on()))) {
      continue;
    }
    ChangeOf(e, clock, v1::CLOCK_EXCEPTION_APPLIED)->set_exception(true);
  }
  EhcDecision d = One(std::move(e));
  // Free text stays in the service (never in events or on the topics).
  if (!c.note().empty()) {
    d.index_puts.emplace_back(
        TextKey(s.assessment_id(), kNoteField, exception_id), c.note());
  }
  return d;
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::IssueDraftPlanRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(RequireOpen(s));
  if (s.status() != v1::ASSESSMENT_STATUS_ASSESSING) {
    return NotAllowed(
        s.status() == v1::ASSESSMENT_STATUS_REQUESTED
            ? "a draft plan needs a decision to assess first"
            : absl::StrCat("a draft plan cannot be issued: the assessment is ",
                           StatusText(s.status())));
  }
  ASSIGN_OR_RETURN(Date on,
                   StepDate("issued_on", c.issued_on(), env.today,
                            Get(s.decided_on()), "the decision to assess"));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  const ClockRule& comment = Rule(RuleId::kEhcDraftComment);
  *e.mutable_draft_plan_issued()->mutable_issued_on() = ToProto(on);
  *e.mutable_draft_plan_issued()->mutable_comments_due_on() =
      ToProto(comment.DueDate(on, env.calendar));
  // The LA is issuing a plan: the reg 10 limit on a decision not to issue no
  // longer applies.
  Cancel(e, s, kNoPlanClock, on);
  // Reg 13(1): at least 15 days for the family to comment.
  Open(e, s, kDraftCommentClock, comment, on, env);
  statutory::AddTally(e, statutory::kDraftsIssued);
  return One(std::move(e));
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::DecideNotToIssuePlanRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(RequireOpen(s));
  if (s.status() != v1::ASSESSMENT_STATUS_ASSESSING) {
    return NotAllowed(
        s.status() == v1::ASSESSMENT_STATUS_REQUESTED
            ? "a decision not to issue a plan follows an assessment: record "
              "the "
              "decision to assess first"
            : absl::StrCat("cannot decide not to issue: the assessment is ",
                           StatusText(s.status())));
  }
  ASSIGN_OR_RETURN(Date on,
                   StepDate("decided_on", c.decided_on(), env.today,
                            Get(s.decided_on()), "the decision to assess"));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  *e.mutable_decided_not_to_issue_plan()->mutable_decided_on() = ToProto(on);
  Close(e, s, kNoPlanClock, on);  // reg 10(1)
  CancelAllOpen(e, s, on);
  return One(std::move(e));
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::IssueFinalPlanRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(statutory::CheckPlanContents(c.contents(), "contents"));
  if (c.has_nc_year() && (c.nc_year() < -2 || c.nc_year() > 14)) {
    return FieldError("nc_year", "must be from -2 (nursery) to 14");
  }
  RETURN_IF_ERROR(RequireOpen(s));
  if (s.status() == v1::ASSESSMENT_STATUS_REQUESTED) {
    return NotAllowed("a final plan needs a decision to assess first");
  }
  if (s.status() != v1::ASSESSMENT_STATUS_DRAFT_ISSUED) {
    return NotAllowed("a final plan needs a draft plan first (reg 13(1))");
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("issued_on", c.issued_on(), env.today,
                        Get(s.draft_issued_on()), "the draft plan was issued"));
  const v1::Clock* comment = FindClock(s, kDraftCommentClock);
  // Reg 13(1): the 15 days begin with the day of service, so the period's
  // last day is its due date and the final plan may issue from the day after.
  if (comment != nullptr && on <= Get(comment->due_on()) &&
      !c.representations_complete()) {
    return NotAllowed(absl::StrCat(
        "issued_on: the family's 15 days to comment on the draft run to ",
        Get(comment->due_on()).ToString(), " (reg 13(1)); issue from ",
        Get(comment->due_on()).AddDays(1).ToString(),
        ", or set representations_complete"));
  }
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  v1::FinalPlanIssued* body = e.mutable_final_plan_issued();
  *body->mutable_issued_on() = ToProto(on);
  body->set_kind(s.kind());
  *body->mutable_received_on() = s.received_on();
  if (IsSet(s.date_of_birth()))
    *body->mutable_date_of_birth() = s.date_of_birth();
  EhcDecision d;
  if (c.has_contents()) {
    *body->mutable_contents() = c.contents();
    // Outcomes' wording is personal: beside the log, never in the event.
    for (auto& [id, wording] :
         statutory::TakeOutcomeWording(body->mutable_contents())) {
      d.index_puts.emplace_back(TextKey(s.assessment_id(), kOutcomeField, id),
                                std::move(wording));
    }
  }
  if (c.has_nc_year()) body->set_nc_year(c.nc_year());
  // The comment period ended (or the family finished early): close it as met.
  if (comment != nullptr && comment->status() == v1::CLOCK_STATUS_OPEN) {
    Close(e, s, kDraftCommentClock, std::min(on, Get(comment->due_on())));
  }
  Close(e, s, kFinalPlanClock, on);  // reg 13(2) / reg 27(3)
  // Advice still outstanding is no longer needed.
  for (const v1::Clock& clock : s.clocks()) {
    if (clock.status() == v1::CLOCK_STATUS_OPEN &&
        clock.clock_id() != kDraftCommentClock &&
        clock.clock_id() != kFinalPlanClock) {
      Cancel(e, s, clock.clock_id(), on);
    }
  }
  d.events.push_back(std::move(e));
  return d;
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::WithdrawRequestRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(RequireOpen(s));
  ASSIGN_OR_RETURN(Date on,
                   AfterRequest("withdrawn_on", c.withdrawn_on(), s, env));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  *e.mutable_request_withdrawn()->mutable_withdrawn_on() = ToProto(on);
  CancelAllOpen(e, s, on);
  return One(std::move(e));
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::RecordMovedOutOfAreaRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(statutory::CheckLaNumber(c.to_la(), "to_la"));
  RETURN_IF_ERROR(RequireOpen(s));
  ASSIGN_OR_RETURN(Date on, AfterRequest("moved_on", c.moved_on(), s, env));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  *e.mutable_moved_out_of_area()->mutable_moved_on() = ToProto(on);
  e.mutable_moved_out_of_area()->set_to_la(c.to_la());
  CancelAllOpen(e, s, on);
  return One(std::move(e));
}

namespace {

// The checks an audit in an assessment shares: its ids, its findings
// against `criteria`, an auditor who is not the case's officer (`subject`
// names what is audited, e.g. "advice"), an audit id not used before among
// `earlier`.
template <typename Request>
absl::Status CheckAuditRequest(
    const Assessment& s, const Request& c,
    const std::vector<statutory::Criterion>& criteria,
    absl::string_view subject,
    const google::protobuf::RepeatedPtrField<v1::Audit>& earlier) {
  RETURN_IF_ERROR(ValidateId("audit_id", c.audit_id()));
  RETURN_IF_ERROR(ValidateId("auditor_id", c.auditor_id()));
  RETURN_IF_ERROR(
      statutory::CheckAudit(criteria, c.kind(), c.grade(), c.findings()));
  RETURN_IF_ERROR(RequireExists(s));
  if (c.auditor_id() == s.officer_id()) {
    return NotAllowed(absl::StrCat(
        "auditor_id: ", c.auditor_id(), " is the case's officer; ", subject,
        " is audited by someone other than the officer responsible for it "
        "(LA quality assurance framework)"));
  }
  for (const v1::Audit& a : earlier) {
    if (a.audit_id() == c.audit_id()) {
      return absl::AlreadyExistsError(
          absl::StrCat("audit_id: audit ", c.audit_id(), " was recorded on ",
                       Get(a.audited_on()).ToString()));
    }
  }
  return absl::OkStatus();
}

// The audit as recorded on `on`: the request's id, auditor, kind, grade and
// findings, and the framework's name.
template <typename Request>
void FillAudit(v1::Audit* audit, const Request& c, Date on, const Env& env) {
  audit->set_audit_id(c.audit_id());
  audit->set_auditor_id(c.auditor_id());
  audit->set_kind(c.kind());
  *audit->mutable_audited_on() = ToProto(on);
  audit->set_grade(c.grade());
  *audit->mutable_findings() = c.findings();
  audit->set_framework(env.qa.name);
}

// The day of an audit (unset: today), between `after` and today.
absl::StatusOr<Date> AuditDay(const v1::Date& audited_on, const Env& env,
                              Date after, absl::string_view after_what) {
  if (!IsSet(audited_on)) return env.today;
  return StepDate("audited_on", audited_on, env.today, after, after_what);
}

}  // namespace

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::AuditAdviceRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(ValidateId("advice_id", c.advice_id()));
  RETURN_IF_ERROR(
      CheckAuditRequest(s, c, env.qa.advice, "advice", s.advice_audits()));
  const v1::Advice* advice = nullptr;
  for (const v1::Advice& a : s.advice()) {
    if (a.advice_id() == c.advice_id()) advice = &a;
  }
  if (advice == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("advice_id: assessment ", s.assessment_id(),
                     " asked for no advice ", c.advice_id()));
  }
  if (!IsSet(advice->received_on())) {
    return NotAllowed(absl::StrCat("advice_id: advice ", c.advice_id(),
                                   " has not been received: audit it once "
                                   "it has"));
  }
  ASSIGN_OR_RETURN(const Date on,
                   AuditDay(c.audited_on(), env, Get(advice->received_on()),
                            "the advice was received"));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  v1::AdviceAudited* body = e.mutable_advice_audited();
  body->set_advice_type(advice->advice_type());
  v1::Audit* audit = body->mutable_audit();
  FillAudit(audit, c, on, env);
  audit->set_advice_id(c.advice_id());
  statutory::TallyAdviceAudit(e, *audit, AdviceTypeCode(advice->advice_type()));
  return One(std::move(e));
}

absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::AuditDraftPlanRequest& c,
                                   const Env& env) {
  RETURN_IF_ERROR(
      CheckAuditRequest(s, c, env.qa.plan, "a plan", s.draft_audits()));
  if (!IsSet(s.draft_issued_on())) {
    return NotAllowed(absl::StrCat("assessment ", s.assessment_id(),
                                   " has issued no draft plan: audit the "
                                   "draft once it is issued"));
  }
  ASSIGN_OR_RETURN(const Date on,
                   AuditDay(c.audited_on(), env, Get(s.draft_issued_on()),
                            "the draft plan was issued"));
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  v1::Audit* audit = e.mutable_draft_plan_audited()->mutable_audit();
  FillAudit(audit, c, on, env);
  audit->set_audited_plan(v1::AUDITED_PLAN_DRAFT);
  *audit->mutable_plan_issued_on() = s.draft_issued_on();
  if (s.draft_audits().empty()) {
    statutory::AddTally(e, statutory::kDraftsAudited);
  }
  if (c.grade() != v1::AUDIT_GRADE_UNSPECIFIED) {
    statutory::AddTally(e, statutory::kDraftAuditsGraded);
    if (c.grade() == v1::AUDIT_GRADE_OUTSTANDING ||
        c.grade() == v1::AUDIT_GRADE_GOOD) {
      statutory::AddTally(e, statutory::kDraftAuditsGood);
    }
  }
  return One(std::move(e));
}

void Traits::Evolve(Assessment& s, const Event& e) {
  const v1::EventMetadata& m = e.metadata();
  s.set_version(m.version());
  if (!m.officer_id().empty()) s.set_officer_id(m.officer_id());
  statutory::ApplyClockChanges(s, e);
  switch (e.event_case()) {
    case Event::kRequestRecorded:
      s.set_assessment_id(m.stream_id());
      s.set_child_id(m.child_id());
      s.set_kind(e.request_recorded().kind());
      s.set_source(e.request_recorded().source());
      s.set_status(v1::ASSESSMENT_STATUS_REQUESTED);
      *s.mutable_received_on() = e.request_recorded().received_on();
      s.set_plan_id(e.request_recorded().plan_id());
      if (e.request_recorded().has_date_of_birth()) {
        *s.mutable_date_of_birth() = e.request_recorded().date_of_birth();
      }
      break;
    case Event::kOfficerReassigned:
      s.set_officer_id(e.officer_reassigned().to_officer_id());
      break;
    case Event::kDecidedToAssess:
      s.set_status(v1::ASSESSMENT_STATUS_ASSESSING);
      *s.mutable_decided_on() = e.decided_to_assess().decided_on();
      break;
    case Event::kDecidedNotToAssess:
      s.set_status(v1::ASSESSMENT_STATUS_NOT_ASSESSED);
      *s.mutable_decided_on() = e.decided_not_to_assess().decided_on();
      *s.mutable_closed_on() = e.decided_not_to_assess().decided_on();
      break;
    case Event::kAdviceRequested: {
      const v1::AdviceRequested& r = e.advice_requested();
      v1::Advice* a = s.add_advice();
      a->set_advice_id(r.advice_id());
      a->set_advice_type(r.advice_type());
      *a->mutable_requested_on() = r.requested_on();
      if (const v1::Clock* c = FindClock(s, AdviceClockId(r.advice_id()))) {
        *a->mutable_due_on() = c->due_on();
      }
      break;
    }
    case Event::kAdviceReceived:
      for (v1::Advice& a : *s.mutable_advice()) {
        if (a.advice_id() == e.advice_received().advice_id()) {
          *a.mutable_received_on() = e.advice_received().received_on();
        }
      }
      break;
    case Event::kExceptionRecorded: {
      const v1::ExceptionRecorded& r = e.exception_recorded();
      v1::RecordedException* x = s.add_exceptions();
      x->set_exception_id(r.exception_id());
      x->set_kind(r.kind());
      *x->mutable_starts_on() = r.starts_on();
      *x->mutable_ends_on() = r.ends_on();
      x->set_advice_id(r.advice_id());
      *x->mutable_recorded_on() = r.recorded_on();
      break;
    }
    case Event::kDraftPlanIssued:
      s.set_status(v1::ASSESSMENT_STATUS_DRAFT_ISSUED);
      *s.mutable_draft_issued_on() = e.draft_plan_issued().issued_on();
      break;
    case Event::kDecidedNotToIssuePlan:
      s.set_status(v1::ASSESSMENT_STATUS_NO_PLAN);
      *s.mutable_closed_on() = e.decided_not_to_issue_plan().decided_on();
      break;
    case Event::kFinalPlanIssued:
      s.set_status(v1::ASSESSMENT_STATUS_PLAN_ISSUED);
      *s.mutable_closed_on() = e.final_plan_issued().issued_on();
      *s.mutable_final_plan() = e.final_plan_issued().contents();
      break;
    case Event::kRequestWithdrawn:
      s.set_status(v1::ASSESSMENT_STATUS_WITHDRAWN);
      *s.mutable_closed_on() = e.request_withdrawn().withdrawn_on();
      break;
    case Event::kMovedOutOfArea:
      s.set_status(v1::ASSESSMENT_STATUS_MOVED_OUT_OF_AREA);
      *s.mutable_closed_on() = e.moved_out_of_area().moved_on();
      break;
    case Event::kDraftPlanAudited:
      *s.add_draft_audits() = e.draft_plan_audited().audit();
      break;
    case Event::kAdviceAudited:
      *s.add_advice_audits() = e.advice_audited().audit();
      break;
    case Event::EVENT_NOT_SET:
      break;
  }
}

}  // namespace casework::ehc
