#include "services/annual-reviews/review.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/clock_ops.h"
#include "libs/statutory/plan_contents.h"
#include "libs/statutory/quality.h"
#include "libs/statutory/rules.h"
#include "libs/statutory/school.h"

namespace casework::reviews {
namespace {

using statutory::CancelAllOpen;
using statutory::ChangeOf;
using statutory::CloseClock;
using statutory::DateOf;
using statutory::FindOpenClock;
using statutory::OpenClock;
using statutory::Rule;
using statutory::RuleId;

constexpr char kPhaseTransferClock[] = "phase_transfer";

// The plan's open "consider an early review" clock; null when none is open.
const v1::Clock* OpenEarlyReview(const Plan& s) {
  const absl::string_view code = Rule(RuleId::kReviewConsiderEarlyReview).code;
  for (const v1::Clock& c : s.clocks()) {
    if (c.rule() == code && c.status() == v1::CLOCK_STATUS_OPEN) return &c;
  }
  return nullptr;
}

std::string ClockId(absl::string_view kind, int cycle) {
  return absl::StrCat(kind, "/", cycle);
}

ReviewDecision One(Event event) {
  ReviewDecision d;
  d.events.push_back(std::move(event));
  return d;
}

Event At(Date on) {
  Event e;
  *e.mutable_metadata()->mutable_occurred_on() = ToProto(on);
  return e;
}

absl::Status RequireExists(const Plan& s) {
  if (s.plan_id().empty()) return absl::NotFoundError("plan_id: no such plan");
  return absl::OkStatus();
}

absl::Status RequireActive(const Plan& s) {
  if (s.plan_id().empty()) return absl::NotFoundError("plan_id: no such plan");
  if (s.status() == v1::PLAN_STATUS_CEASED) {
    return NotAllowed(absl::StrCat("plan ", s.plan_id(), " ceased on ",
                                   DateOf(s.ceased_on()).ToString(),
                                   "; no further steps can be recorded"));
  }
  return absl::OkStatus();
}

Date DobOf(const Plan& s) {
  return IsSet(s.date_of_birth()) ? DateOf(s.date_of_birth()) : Date();
}

// Opens cycle `cycle`'s review-due clock counted from `from`.
void OpenReview(Event& e, int cycle, Date from, Date dob, const Env& env) {
  const bool under5 = dob != Date() && statutory::AgeOn(dob, from) < 5;
  const statutory::ClockRule& rule =
      Rule(under5 ? RuleId::kReviewUnder5 : RuleId::kReviewAnnual);
  OpenClock(e, ClockId("review", cycle), rule, from,
            statutory::ReviewDue(from, dob, env.under5_months));
}

// The plan's first cycle, counted from the last decision notice, else the
// issue date.
ReviewDecision Registered(Event e, const std::string& plan_id,
                          const std::string& child_id,
                          const std::string& officer_id, Date issued,
                          std::optional<Date> last_decision, Date dob,
                          const Env& env) {
  e.mutable_metadata()->set_child_id(child_id);
  e.mutable_metadata()->set_officer_id(officer_id);
  OpenReview(e, 1, last_decision.value_or(issued), dob, env);
  ReviewDecision d = One(std::move(e));
  d.index_puts.emplace_back(ChildIndexKey(child_id, plan_id), "");
  d.index_puts.emplace_back(OfficerIndexKey(officer_id, plan_id), "");
  return d;
}

std::optional<statutory::PhaseTransfer> ToRule(v1::PhaseTransferKind kind) {
  switch (kind) {
    case v1::PHASE_TRANSFER_KIND_SCHOOL_PHASE:
      return statutory::PhaseTransfer::kSchoolPhase;
    case v1::PHASE_TRANSFER_KIND_SECONDARY_TO_POST16:
      return statutory::PhaseTransfer::kSecondaryToPost16;
    case v1::PHASE_TRANSFER_KIND_POST16_TO_POST16:
      return statutory::PhaseTransfer::kPost16ToPost16;
    default:
      return std::nullopt;
  }
}

// `contents` into `out` without the outcomes' wording, which goes beside the
// log (index puts of `d`).
void PutContents(const v1::PlanContents& contents, const std::string& plan_id,
                 v1::PlanContents* out, ReviewDecision& d) {
  *out = contents;
  for (auto& [id, wording] : statutory::TakeOutcomeWording(out)) {
    d.index_puts.emplace_back(OutcomeTextKey(plan_id, id), std::move(wording));
  }
}

std::string AreaWord(v1::OutcomeArea area) {
  std::string name = v1::OutcomeArea_Name(area);
  name = name.substr(std::string("OUTCOME_AREA_").size());
  absl::AsciiStrToLower(&name);
  absl::StrReplaceAll({{"pfa_", "preparing for adulthood: "}}, &name);
  absl::StrReplaceAll({{"_", " "}}, &name);
  return name;
}

// A review meeting judges progress towards every outcome of the plan, once,
// and nothing else (SEND Code of Practice 2015, 9.166 and 9.176: the review
// considers progress towards the outcomes).
absl::Status CheckOutcomeReviews(const Plan& s,
                                 const v1::RecordMeetingHeldRequest& c) {
  std::set<std::string> seen;
  for (int i = 0; i < c.outcomes_size(); ++i) {
    const v1::OutcomeReview& r = c.outcomes(i);
    const std::string at = absl::StrCat("outcomes[", i, "]");
    bool known = false;
    for (const v1::PlanOutcome& o : s.contents().outcomes()) {
      known = known || o.outcome_id() == r.outcome_id();
    }
    if (!known) {
      return FieldError(
          at + ".outcome_id",
          absl::StrCat("'", r.outcome_id(), "' is not an outcome of the plan"));
    }
    if (!seen.insert(r.outcome_id()).second) {
      return FieldError(at + ".outcome_id",
                        absl::StrCat(r.outcome_id(), " appears twice"));
    }
    if (!v1::OutcomeProgress_IsValid(r.progress()) ||
        r.progress() == v1::OUTCOME_PROGRESS_UNSPECIFIED) {
      return FieldError(at + ".progress",
                        "is required (achieved, progressing, not progressing, "
                        "no longer relevant)");
    }
  }
  for (const v1::PlanOutcome& o : s.contents().outcomes()) {
    if (seen.count(o.outcome_id()) == 0) {
      return FieldError(
          "outcomes",
          absl::StrCat("outcome ", o.outcome_id(), " (", AreaWord(o.area()),
                       ", target ", DateOf(o.target_date()).ToString(),
                       ") is not assessed: a review meeting records progress "
                       "towards every outcome of the plan"));
    }
  }
  return absl::OkStatus();
}

// The meeting's tallies: outcomes reviewed and achieved or progressing (all,
// and preparation for adulthood), and the Year 9 reviews.
void TallyMeeting(Event& e, const Plan& s,
                  const v1::RecordMeetingHeldRequest& c,
                  std::optional<int> year) {
  int reviewed = 0, progressing = 0, pfa_reviewed = 0, pfa_progressing = 0;
  bool has_pfa = false;
  for (const v1::PlanOutcome& o : s.contents().outcomes()) {
    const bool pfa = statutory::IsPreparationForAdulthood(o.area());
    has_pfa = has_pfa || pfa;
    for (const v1::OutcomeReview& r : c.outcomes()) {
      if (r.outcome_id() != o.outcome_id() ||
          r.progress() == v1::OUTCOME_PROGRESS_NO_LONGER_RELEVANT) {
        continue;
      }
      const bool moving = r.progress() == v1::OUTCOME_PROGRESS_ACHIEVED ||
                          r.progress() == v1::OUTCOME_PROGRESS_PROGRESSING;
      ++reviewed;
      progressing += moving;
      if (pfa) {
        ++pfa_reviewed;
        pfa_progressing += moving;
      }
    }
  }
  const std::pair<const char*, int> counts[] = {
      {statutory::kOutcomesReviewed, reviewed},
      {statutory::kOutcomesProgressing, progressing},
      {statutory::kPfaOutcomesReviewed, pfa_reviewed},
      {statutory::kPfaOutcomesProgressing, pfa_progressing}};
  for (const auto& [counter, n] : counts) {
    if (n > 0) statutory::AddTally(e, counter, n);
  }
  if (year.has_value() && *year >= 9) {
    statutory::AddTally(e, statutory::kYear9Reviews);
    if (c.preparation_for_adulthood_covered()) {
      statutory::AddTally(e, statutory::kYear9ReviewsPfaCovered);
    }
    if (has_pfa) statutory::AddTally(e, statutory::kYear9ReviewsPfaOutcomes);
  }
}

}  // namespace

std::string ChildIndexKey(absl::string_view child_id,
                          absl::string_view plan_id) {
  return absl::StrCat("child/", child_id, "/", plan_id);
}

std::string OfficerIndexKey(absl::string_view officer_id,
                            absl::string_view plan_id) {
  return absl::StrCat("officer/", officer_id, "/", plan_id);
}

std::string PlanIdForAssessment(absl::string_view assessment_id) {
  return absl::StrCat("plan-", assessment_id);
}

std::string PlanTextPrefix(absl::string_view plan_id) {
  return absl::StrCat("text/", plan_id, "/");
}

std::string AuditTextKey(absl::string_view plan_id, absl::string_view audit_id,
                         absl::string_view action_id) {
  return absl::StrCat(PlanTextPrefix(plan_id), "audit/", audit_id, "/",
                      action_id);
}

std::string OutcomeTextKey(absl::string_view plan_id,
                           absl::string_view outcome_id) {
  return absl::StrCat(PlanTextPrefix(plan_id), "outcome/", outcome_id);
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s, const std::string& plan_id,
                                      const v1::RegisterPlanRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(ValidateId("plan_id", plan_id));
  RETURN_IF_ERROR(ValidateId("child_id", c.child_id()));
  RETURN_IF_ERROR(ValidateId("officer_id", c.officer_id()));
  ASSIGN_OR_RETURN(Date issued, FromProto("issued_on", c.issued_on()));
  if (issued > env.today) {
    return NotAllowed(absl::StrCat("issued_on: ", issued.ToString(),
                                   " is in the future (today is ",
                                   env.today.ToString(), ")"));
  }
  std::optional<Date> last_decision;
  if (IsSet(c.last_decision_on())) {
    ASSIGN_OR_RETURN(last_decision,
                     StepDate("last_decision_on", c.last_decision_on(),
                              env.today, issued, "the plan was issued"));
  }
  Date dob;
  if (IsSet(c.date_of_birth())) {
    ASSIGN_OR_RETURN(dob, FromProto("date_of_birth", c.date_of_birth()));
    if (dob > issued) {
      return FieldError("date_of_birth", "is after the plan was issued");
    }
    if (statutory::AgeOn(dob, env.today) > 26) {
      return FieldError("date_of_birth",
                        "gives an age over 25: plans end by 25 (ceased)");
    }
  }
  if (c.has_nc_year() && (c.nc_year() < -2 || c.nc_year() > 14)) {
    return FieldError("nc_year", "must be from -2 (nursery) to 14");
  }
  RETURN_IF_ERROR(statutory::CheckPlanContents(c.contents(), "contents"));
  RETURN_IF_ERROR(
      statutory::CheckLaNumber(c.transferred_from_la(), "transferred_from_la"));
  v1::PlanOrigin origin = c.origin();
  if (origin == v1::PLAN_ORIGIN_UNSPECIFIED) origin = v1::PLAN_ORIGIN_MIGRATED;
  if (origin != v1::PLAN_ORIGIN_MIGRATED &&
      origin != v1::PLAN_ORIGIN_TRANSFER_IN) {
    return FieldError("origin", "must be MIGRATED or TRANSFER_IN");
  }
  if ((!c.transferred_from_la().empty() || IsSet(c.transferred_on())) &&
      origin != v1::PLAN_ORIGIN_TRANSFER_IN) {
    return FieldError(!c.transferred_from_la().empty() ? "transferred_from_la"
                                                       : "transferred_on",
                      "is for a plan transferred in (origin TRANSFER_IN)");
  }
  std::optional<Date> transferred;
  if (IsSet(c.transferred_on())) {
    ASSIGN_OR_RETURN(transferred,
                     StepDate("transferred_on", c.transferred_on(), env.today,
                              issued, "the plan was issued"));
  }
  if (!s.plan_id().empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat("plan_id: plan ", plan_id, " already exists"));
  }
  // A plan transferred in is the LA's from the day it took it over: dated
  // then, so readers (the projection's active plans, the SEN2 return) count
  // it from that day.
  Event e = At(transferred ? std::max(issued, *transferred) : issued);
  v1::PlanRegistered* body = e.mutable_plan_registered();
  body->set_origin(origin);
  *body->mutable_issued_on() = ToProto(issued);
  if (last_decision)
    *body->mutable_last_decision_on() = ToProto(*last_decision);
  if (dob != Date()) *body->mutable_date_of_birth() = ToProto(dob);
  if (c.has_nc_year()) {
    body->set_nc_year(c.nc_year());
    *body->mutable_nc_year_as_of() = ToProto(env.today);
  }
  ReviewDecision texts;
  if (c.has_contents()) {
    PutContents(c.contents(), plan_id, body->mutable_contents(), texts);
  }
  body->set_transferred_from_la(c.transferred_from_la());
  if (transferred) *body->mutable_transferred_on() = ToProto(*transferred);
  ReviewDecision d =
      Registered(std::move(e), plan_id, c.child_id(), c.officer_id(), issued,
                 last_decision, dob, env);
  for (auto& put : texts.index_puts) d.index_puts.push_back(std::move(put));
  return d;
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const FinalPlanIssuedFacts& f,
                                      const Env& env) {
  const std::string plan_id = PlanIdForAssessment(f.assessment_id);
  RETURN_IF_ERROR(ValidateId("plan_id", plan_id));
  RETURN_IF_ERROR(ValidateId("child_id", f.child_id));
  RETURN_IF_ERROR(ValidateId("officer_id", f.officer_id));
  if (!s.plan_id().empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat("plan_id: plan ", plan_id, " already exists"));
  }
  Event e = At(f.issued_on);
  v1::PlanRegistered* body = e.mutable_plan_registered();
  body->set_origin(v1::PLAN_ORIGIN_EHC_FINAL_PLAN);
  *body->mutable_issued_on() = ToProto(f.issued_on);
  body->set_source_assessment_id(f.assessment_id);
  body->set_source_event_id(f.event_id);
  if (f.date_of_birth != Date()) {
    *body->mutable_date_of_birth() = ToProto(f.date_of_birth);
  }
  if (f.contents.ByteSizeLong() > 0) *body->mutable_contents() = f.contents;
  if (f.nc_year.has_value()) {
    body->set_nc_year(*f.nc_year);
    *body->mutable_nc_year_as_of() = ToProto(f.issued_on);
  }
  statutory::AddTally(e, statutory::kPlansIssued);
  return Registered(std::move(e), plan_id, f.child_id, f.officer_id,
                    f.issued_on, std::nullopt, f.date_of_birth, env);
}

std::vector<std::string> Traits::AllowedActions(const State& s) {
  if (s.plan_id().empty()) return {};
  // A placement's leaving date can be recorded after the plan ceased.
  if (s.status() == v1::PLAN_STATUS_CEASED) return {"RecordPlacement"};
  std::vector<std::string> out = {"ReassignOfficer", "ProposeToCease",
                                  "CeasePlan", "SetPhaseTransfer",
                                  "RecordPlacement"};
  if (s.cycle() != 0 && !IsSet(s.meeting_held_on())) {
    out.push_back("ScheduleReviewMeeting");
    out.push_back("RecordMeetingHeld");
  }
  if (IsSet(s.meeting_on()) && !IsSet(s.papers_sent_on())) {
    out.push_back("RecordPapersSent");
  }
  if (IsSet(s.meeting_held_on())) out.push_back("RecordReviewDecision");
  if (s.amending_cycle() != 0) {
    out.push_back("IssueAmendedPlan");
    out.push_back("DecideNotToAmend");
  }
  if (OpenEarlyReview(s) != nullptr) out.push_back("DecideEarlyReview");
  out.push_back("AuditPlan");
  for (const v1::Audit& a : s.audits()) {
    for (const v1::AuditAction& action : a.actions()) {
      if (!IsSet(action.completed_on())) {
        out.push_back("CompleteAuditAction");
        return out;
      }
    }
  }
  return out;
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::ReassignPlanOfficerRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(ValidateId("officer_id", c.officer_id()));
  RETURN_IF_ERROR(RequireActive(s));
  if (c.officer_id() == s.officer_id()) {
    return NotAllowed(absl::StrCat(
        "officer_id: the plan is already assigned to ", c.officer_id()));
  }
  Date on = env.today;
  if (IsSet(c.reassigned_on())) {
    ASSIGN_OR_RETURN(on,
                     StepDate("reassigned_on", c.reassigned_on(), env.today,
                              DateOf(s.issued_on()), "the plan was issued"));
  }
  Event e = At(on);
  e.mutable_metadata()->set_officer_id(c.officer_id());
  e.mutable_officer_reassigned()->set_from_officer_id(s.officer_id());
  e.mutable_officer_reassigned()->set_to_officer_id(c.officer_id());
  ReviewDecision d = One(std::move(e));
  d.index_deletes.push_back(OfficerIndexKey(s.officer_id(), s.plan_id()));
  d.index_puts.emplace_back(OfficerIndexKey(c.officer_id(), s.plan_id()), "");
  return d;
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::ScheduleReviewMeetingRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(RequireActive(s));
  ASSIGN_OR_RETURN(Date meeting, FromProto("meeting_on", c.meeting_on()));
  if (s.cycle() == 0) {
    return NotAllowed(
        "no review is due: the last review decided to cease the plan");
  }
  if (IsSet(s.meeting_held_on())) {
    return NotAllowed(absl::StrCat(
        "the meeting of review ", s.cycle(), " was held on ",
        DateOf(s.meeting_held_on()).ToString(), ": record the decision"));
  }
  if (meeting < DateOf(s.cycle_from())) {
    return NotAllowed(absl::StrCat("meeting_on: ", meeting.ToString(),
                                   " is before this review's cycle began (",
                                   DateOf(s.cycle_from()).ToString(), ")"));
  }
  if (meeting > env.today.AddMonths(12)) {
    return FieldError("meeting_on", "is more than a year ahead");
  }
  Event e = At(std::min(meeting, env.today));
  e.mutable_meeting_scheduled()->set_cycle(s.cycle());
  *e.mutable_meeting_scheduled()->mutable_meeting_on() = ToProto(meeting);
  // Reg 20(3)-(4): invitations and advice at least 2 weeks before. Moving the
  // meeting moves the papers' due date, unless they have gone.
  if (!IsSet(s.papers_sent_on())) {
    const statutory::ClockRule& rule = Rule(RuleId::kReviewPapers);
    OpenClock(e, ClockId("papers", s.cycle()), rule, env.today,
              rule.DueDate(meeting, env.calendar));
  }
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::RecordPapersSentRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(RequireActive(s));
  if (!IsSet(s.meeting_on())) {
    return NotAllowed("schedule the review meeting before recording papers");
  }
  if (IsSet(s.papers_sent_on())) {
    return NotAllowed(absl::StrCat("papers for review ", s.cycle(),
                                   " were recorded as sent on ",
                                   DateOf(s.papers_sent_on()).ToString()));
  }
  ASSIGN_OR_RETURN(
      Date on, StepDate("sent_on", c.sent_on(), env.today,
                        DateOf(s.cycle_from()), "this review's cycle began"));
  Event e = At(on);
  e.mutable_papers_sent()->set_cycle(s.cycle());
  *e.mutable_papers_sent()->mutable_sent_on() = ToProto(on);
  CloseClock(e, s, ClockId("papers", s.cycle()), on);
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::RecordMeetingHeldRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(RequireActive(s));
  if (s.cycle() == 0) {
    return NotAllowed(
        "no review is due: the last review decided to cease the plan");
  }
  if (IsSet(s.meeting_held_on())) {
    return NotAllowed(absl::StrCat(
        "the meeting of review ", s.cycle(), " was already recorded (",
        DateOf(s.meeting_held_on()).ToString(), ")"));
  }
  ASSIGN_OR_RETURN(
      Date held, StepDate("held_on", c.held_on(), env.today,
                          DateOf(s.cycle_from()), "this review's cycle began"));
  const std::optional<int> year =
      s.has_nc_year() ? std::optional<int>(NcYearOn(
                            s.nc_year(), DateOf(s.nc_year_as_of()), held))
                      : std::nullopt;
  if (year.has_value() && *year >= 9 &&
      !c.preparation_for_adulthood_covered()) {
    return NotAllowed(
        "preparation_for_adulthood_covered: from Year 9 every review must "
        "cover preparation for adulthood (SEND Code of Practice 2015, chapter "
        "8)");
  }
  RETURN_IF_ERROR(CheckOutcomeReviews(s, c));
  Event e = At(held);
  v1::ReviewMeetingHeld* body = e.mutable_meeting_held();
  body->set_cycle(s.cycle());
  *body->mutable_held_on() = ToProto(held);
  body->set_preparation_for_adulthood_covered(
      c.preparation_for_adulthood_covered());
  *body->mutable_outcomes() = c.outcomes();
  if (year.has_value()) body->set_nc_year(*year);
  TallyMeeting(e, s, c, year);
  // Papers never recorded by the meeting were not sent in time.
  if (const v1::Clock* papers =
          FindOpenClock(s, ClockId("papers", s.cycle()))) {
    v1::ClockChange* missed = ChangeOf(e, *papers, v1::CLOCK_MISSED);
    *missed->mutable_closed_on() = ToProto(held);
    missed->set_days_late(
        std::max(0, DateOf(papers->due_on()).DaysUntil(held)));
  }
  // A review meeting held answers "consider an early review" raised before it.
  if (const v1::Clock* early = OpenEarlyReview(s);
      early != nullptr && DateOf(early->started_on()) <= held) {
    CloseClock(e, s, early->clock_id(), held);
  }
  // Reg 20(10): the decision within 4 weeks of the meeting.
  const statutory::ClockRule& rule = Rule(RuleId::kReviewDecision);
  OpenClock(e, ClockId("decision", s.cycle()), rule, held,
            rule.DueDate(held, env.calendar));
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::RecordReviewDecisionRequest& c,
                                      const Env& env) {
  if (!v1::ReviewDecision_IsValid(c.decision()) ||
      c.decision() == v1::REVIEW_DECISION_UNSPECIFIED) {
    return FieldError("decision", "is required (maintain, amend or cease)");
  }
  RETURN_IF_ERROR(RequireActive(s));
  if (!IsSet(s.meeting_held_on())) {
    return NotAllowed(
        "record the review meeting before the decision (reg 20(10))");
  }
  if (s.amending_cycle() != 0 && c.decision() == v1::REVIEW_DECISION_AMEND) {
    return NotAllowed(absl::StrCat(
        "the amendment from review ", s.amending_cycle(),
        " is still pending: issue the amended plan or decide not to amend"));
  }
  ASSIGN_OR_RETURN(Date on,
                   StepDate("notified_on", c.notified_on(), env.today,
                            DateOf(s.meeting_held_on()), "the review meeting"));
  const int cycle = s.cycle();
  Event e = At(on);
  v1::ReviewDecisionNotified* body = e.mutable_decision_notified();
  body->set_cycle(cycle);
  body->set_decision(c.decision());
  *body->mutable_notified_on() = ToProto(on);
  CloseClock(e, s, ClockId("decision", cycle), on);  // reg 20(10)
  CloseClock(e, s, ClockId("review", cycle), on);    // s.44(1): review done
  // The decision notice restarts the 12-month clock - a decision to cease
  // too: until the plan is actually ceased (CeasePlan, regs 29-31) it is
  // maintained, keeps its review clock, can be reviewed, and counts among the
  // active plans and in the backlog.
  body->set_next_cycle(cycle + 1);
  OpenReview(e, cycle + 1, on, DobOf(s), env);
  if (c.decision() == v1::REVIEW_DECISION_AMEND) {
    // The amendment notice goes with the decision (R (L) v Devon CC [2022]):
    // 15 days for comments, the final amended plan within 8 weeks of it and
    // so within 12 weeks of the meeting.
    const Date held = DateOf(s.meeting_held_on());
    for (RuleId id :
         {RuleId::kReviewAmendmentComment, RuleId::kReviewAmendedPlan}) {
      const statutory::ClockRule& rule = Rule(id);
      OpenClock(e,
                ClockId(id == RuleId::kReviewAmendedPlan ? "amended_plan"
                                                         : "amendment_comment",
                        cycle),
                rule, on, rule.DueDate(on, env.calendar));
    }
    const statutory::ClockRule& twelve =
        Rule(RuleId::kReviewAmendedPlanFromMeeting);
    OpenClock(e, ClockId("amended_plan_from_meeting", cycle), twelve, held,
              twelve.DueDate(held, env.calendar));
  }
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::IssueAmendedPlanRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(statutory::CheckPlanContents(c.contents(), "contents"));
  RETURN_IF_ERROR(RequireActive(s));
  const int k = s.amending_cycle();
  if (k == 0) {
    return NotAllowed(
        "no amendment is pending: an amended plan follows a review decision to "
        "amend (reg 22)");
  }
  const Date notice = DateOf(s.amendment_notice_on());
  ASSIGN_OR_RETURN(Date on, StepDate("issued_on", c.issued_on(), env.today,
                                     notice, "the amendment notice"));
  const v1::Clock* comment = FindOpenClock(s, ClockId("amendment_comment", k));
  if (comment != nullptr && on < DateOf(comment->due_on()) &&
      !c.representations_complete()) {
    return NotAllowed(absl::StrCat(
        "issued_on: the family's 15 days to comment run to ",
        DateOf(comment->due_on()).ToString(),
        " (reg 22(2)(c)); issue after that, or set representations_complete"));
  }
  Event e = At(on);
  ReviewDecision d;
  e.mutable_amended_plan_issued()->set_cycle(k);
  *e.mutable_amended_plan_issued()->mutable_issued_on() = ToProto(on);
  if (c.has_contents()) {
    PutContents(c.contents(), s.plan_id(),
                e.mutable_amended_plan_issued()->mutable_contents(), d);
  }
  if (comment != nullptr) {
    CloseClock(e, s, ClockId("amendment_comment", k),
               std::min(on, DateOf(comment->due_on())));
  }
  CloseClock(e, s, ClockId("amended_plan", k), on);               // reg 22(3)
  CloseClock(e, s, ClockId("amended_plan_from_meeting", k), on);  // 12 weeks
  // An amended plan naming the next school settles a pending phase transfer.
  CloseClock(e, s, kPhaseTransferClock, on);
  statutory::AddTally(e, statutory::kPlansIssued);
  d.events.push_back(std::move(e));
  return d;
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::DecideNotToAmendRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(RequireActive(s));
  const int k = s.amending_cycle();
  if (k == 0) return NotAllowed("no amendment is pending");
  ASSIGN_OR_RETURN(Date on, StepDate("decided_on", c.decided_on(), env.today,
                                     DateOf(s.amendment_notice_on()),
                                     "the amendment notice"));
  Event e = At(on);
  e.mutable_decided_not_to_amend()->set_cycle(k);
  *e.mutable_decided_not_to_amend()->mutable_decided_on() = ToProto(on);
  if (const v1::Clock* comment =
          FindOpenClock(s, ClockId("amendment_comment", k))) {
    CloseClock(e, s, ClockId("amendment_comment", k),
               std::min(on, DateOf(comment->due_on())));
  }
  // No amended plan will follow: its clocks are cancelled, not missed.
  statutory::CancelClock(e, s, ClockId("amended_plan", k), on);
  statutory::CancelClock(e, s, ClockId("amended_plan_from_meeting", k), on);
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::ProposeToCeaseRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(RequireActive(s));
  ASSIGN_OR_RETURN(Date on,
                   StepDate("proposed_on", c.proposed_on(), env.today,
                            DateOf(s.issued_on()), "the plan was issued"));
  Event e = At(on);
  *e.mutable_cease_proposed()->mutable_proposed_on() = ToProto(on);
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::CeasePlanRequest& c,
                                      const Env& env) {
  if (!v1::CeaseReason_IsValid(c.reason()) ||
      c.reason() == v1::CEASE_REASON_UNSPECIFIED) {
    return FieldError("reason", "is required (a SEN2 reason)");
  }
  RETURN_IF_ERROR(RequireActive(s));
  ASSIGN_OR_RETURN(Date on,
                   StepDate("ceased_on", c.ceased_on(), env.today,
                            DateOf(s.issued_on()), "the plan was issued"));
  Event e = At(on);
  *e.mutable_plan_ceased()->mutable_ceased_on() = ToProto(on);
  e.mutable_plan_ceased()->set_reason(c.reason());
  CancelAllOpen(e, s, on);
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::SetPhaseTransferRequest& c,
                                      const Env& env) {
  std::optional<statutory::PhaseTransfer> kind = ToRule(c.kind());
  if (!kind) {
    return FieldError("kind",
                      "is required (school phase, secondary to post-16, "
                      "post-16 to post-16)");
  }
  RETURN_IF_ERROR(RequireActive(s));
  ASSIGN_OR_RETURN(Date move, FromProto("move_on", c.move_on()));
  Date set = env.today;
  if (IsSet(c.set_on())) {
    ASSIGN_OR_RETURN(
        set, StepDate("set_on", c.set_on(), env.today, DateOf(s.issued_on()),
                      "the plan was issued"));
  }
  if (move <= set) return FieldError("move_on", "must be after set_on");
  const Date deadline = statutory::PhaseTransferDeadline(*kind, move);
  Event e = At(set);
  v1::PhaseTransferSet* body = e.mutable_phase_transfer_set();
  body->set_kind(c.kind());
  *body->mutable_move_on() = ToProto(move);
  *body->mutable_deadline() = ToProto(deadline);
  // A changed transfer replaces the open one (reg 18).
  OpenClock(e, kPhaseTransferClock, Rule(RuleId::kReviewPhaseTransfer), set,
            deadline);
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::RecordPlacementRequest& c,
                                      const Env& env) {
  const v1::Placement& p = c.placement();
  RETURN_IF_ERROR(ValidateId("placement.placement_id", p.placement_id()));
  RETURN_IF_ERROR(
      statutory::CheckSetting(p.establishment(), "placement.establishment"));
  if (!v1::Residential_IsValid(p.residential())) {
    return FieldError("placement.residential", "is not A or B");
  }
  if (!v1::WorkBasedPattern_IsValid(p.work_based())) {
    return FieldError("placement.work_based", "is not A, T or S");
  }
  RETURN_IF_ERROR(RequireExists(s));
  ASSIGN_OR_RETURN(Date entry,
                   FromProto("placement.entry_date", p.entry_date()));
  if (entry > env.today) {
    return NotAllowed(absl::StrCat("placement.entry_date: ", entry.ToString(),
                                   " is in the future"));
  }
  if (IsSet(p.leaving_date())) {
    ASSIGN_OR_RETURN(Date leaving,
                     StepDate("placement.leaving_date", p.leaving_date(),
                              env.today, entry, "the entry date"));
    (void)leaving;
  }
  if (s.status() == v1::PLAN_STATUS_CEASED && !IsSet(p.leaving_date())) {
    bool known = false;
    for (const v1::Placement& q : s.placements()) {
      known = known || q.placement_id() == p.placement_id();
    }
    if (!known) {
      return NotAllowed(
          "the plan has ceased: record only the leaving dates of its "
          "placements");
    }
  }
  // On any one day at most one placement of each rank.
  for (const v1::Placement& q : s.placements()) {
    if (q.placement_id() == p.placement_id() ||
        q.establishment().rank() != p.establishment().rank()) {
      continue;
    }
    const Date q_entry = DateOf(q.entry_date());
    const bool q_open = !IsSet(q.leaving_date());
    const bool p_open = !IsSet(p.leaving_date());
    const Date q_leave =
        q_open ? Date::Ymd(2200, 12, 31) : DateOf(q.leaving_date());
    const Date p_leave =
        p_open ? Date::Ymd(2200, 12, 31) : DateOf(p.leaving_date());
    if (entry <= q_leave && q_entry <= p_leave) {
      return NotAllowed(absl::StrCat(
          "placement: overlaps placement ", q.placement_id(), " of rank ",
          q.establishment().rank(),
          "; record its leaving date first (one main and one second "
          "placement at a time)"));
    }
  }
  Event e = At(entry);
  *e.mutable_placement_recorded()->mutable_placement() = p;
  return One(std::move(e));
}

namespace {

std::string AuditActionClock(absl::string_view audit_id,
                             absl::string_view action_id) {
  return absl::StrCat("audit_action/", audit_id, "/", action_id);
}

std::string SampleClock(absl::string_view sample_id) {
  return absl::StrCat("sample/", sample_id);
}

// The plan as last issued: the amended plan, when one was issued, else the
// plan as first made.
std::pair<v1::AuditedPlan, Date> CurrentIssue(const Plan& s) {
  if (IsSet(s.amended_plan_issued_on()) &&
      DateOf(s.amended_plan_issued_on()) >= DateOf(s.issued_on())) {
    return {v1::AUDITED_PLAN_AMENDED, DateOf(s.amended_plan_issued_on())};
  }
  return {v1::AUDITED_PLAN_FINAL, DateOf(s.issued_on())};
}

}  // namespace

Date LastIssuedOn(const Plan& s) { return CurrentIssue(s).second; }

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::PlanSample& sample,
                                      const Env& /*env*/) {
  RETURN_IF_ERROR(ValidateId("sample_id", sample.sample_id()));
  RETURN_IF_ERROR(ValidateId("auditor_id", sample.auditor_id()));
  RETURN_IF_ERROR(RequireActive(s));
  if (sample.auditor_id() == s.officer_id()) {
    return NotAllowed(absl::StrCat(
        "auditor_id: ", sample.auditor_id(),
        " is the plan's officer; a plan is audited by someone other than the "
        "officer responsible for it (LA quality assurance framework)"));
  }
  for (const v1::PlanSample& earlier : s.samples()) {
    if (earlier.sample_id() == sample.sample_id()) {
      return absl::AlreadyExistsError(absl::StrCat(
          "sample_id: sample ", sample.sample_id(), " drew plan ", s.plan_id(),
          " on ", DateOf(earlier.drawn_on()).ToString()));
    }
  }
  const Date drawn = DateOf(sample.drawn_on());
  Event e = At(drawn);
  v1::PlanSample* body = e.mutable_plan_sampled()->mutable_sample();
  *body = sample;
  body->clear_audit_id();
  v1::ClockChange* clock = OpenClock(e, SampleClock(sample.sample_id()),
                                     Rule(RuleId::kQualitySampleAudit), drawn,
                                     DateOf(sample.due_on()));
  clock->set_assignee(sample.auditor_id());
  statutory::AddTally(e, statutory::kPlansSampled);
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::AuditPlanRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(ValidateId("audit_id", c.audit_id()));
  RETURN_IF_ERROR(ValidateId("auditor_id", c.auditor_id()));
  RETURN_IF_ERROR(
      statutory::CheckAudit(env.qa.plan, c.kind(), c.grade(), c.findings()));
  RETURN_IF_ERROR(statutory::CheckAuditActions(c.actions()));
  RETURN_IF_ERROR(RequireActive(s));
  if (c.auditor_id() == s.officer_id()) {
    return NotAllowed(absl::StrCat(
        "auditor_id: ", c.auditor_id(),
        " is the plan's officer; a plan is audited by someone other than the "
        "officer responsible for it (LA quality assurance framework)"));
  }
  for (const v1::Audit& a : s.audits()) {
    if (a.audit_id() == c.audit_id()) {
      return absl::AlreadyExistsError(absl::StrCat(
          "audit_id: audit ", c.audit_id(), " of plan ", s.plan_id(),
          " was recorded on ", DateOf(a.audited_on()).ToString()));
    }
  }
  const auto [audited_plan, issued] = CurrentIssue(s);
  Date on = env.today;
  if (IsSet(c.audited_on())) {
    ASSIGN_OR_RETURN(on, StepDate("audited_on", c.audited_on(), env.today,
                                  issued, "the plan audited was issued"));
  } else if (on < issued) {
    return NotAllowed("the plan audited is issued after today");
  }
  bool first_of_issue = true;
  for (const v1::Audit& a : s.audits()) {
    if (DateOf(a.plan_issued_on()) == issued) first_of_issue = false;
  }
  Event e = At(on);
  v1::Audit* audit = e.mutable_plan_audited()->mutable_audit();
  audit->set_audit_id(c.audit_id());
  audit->set_auditor_id(c.auditor_id());
  audit->set_kind(c.kind());
  *audit->mutable_audited_on() = ToProto(on);
  audit->set_grade(c.grade());
  *audit->mutable_findings() = c.findings();
  audit->set_audited_plan(audited_plan);
  *audit->mutable_plan_issued_on() = ToProto(issued);
  audit->set_framework(env.qa.name);
  const statutory::ClockRule& rule = Rule(RuleId::kQualityAuditAction);
  const Date due = env.calendar.AddWorkingDays(on, env.qa.action_working_days);
  ReviewDecision d;
  for (const v1::AuditAction& asked : c.actions()) {
    v1::AuditAction* action = audit->add_actions();
    action->set_action_id(asked.action_id());
    action->set_section(asked.section());
    *action->mutable_due_on() = ToProto(due);
    OpenClock(e, AuditActionClock(c.audit_id(), asked.action_id()), rule, on,
              due);
    // What to do is free text: beside the log, never in the event.
    d.index_puts.emplace_back(
        AuditTextKey(s.plan_id(), c.audit_id(), asked.action_id()),
        asked.description());
  }
  statutory::TallyAudit(e, *audit, first_of_issue);
  // The first audit of a plan a dip sample drew completes the sample's audit.
  for (const v1::PlanSample& sample : s.samples()) {
    if (!sample.audit_id().empty() ||
        !FindOpenClock(s, SampleClock(sample.sample_id()))) {
      continue;
    }
    audit->set_sample_id(sample.sample_id());
    CloseClock(e, s, SampleClock(sample.sample_id()), on);
    statutory::AddTally(e, statutory::kSampledAudited);
    break;
  }
  d.events.push_back(std::move(e));
  return d;
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::CompleteAuditActionRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(ValidateId("audit_id", c.audit_id()));
  RETURN_IF_ERROR(ValidateId("action_id", c.action_id()));
  RETURN_IF_ERROR(RequireActive(s));
  const v1::Audit* audit = nullptr;
  for (const v1::Audit& a : s.audits()) {
    if (a.audit_id() == c.audit_id()) audit = &a;
  }
  if (audit == nullptr) {
    return absl::NotFoundError(absl::StrCat("audit_id: plan ", s.plan_id(),
                                            " has no audit ", c.audit_id()));
  }
  const v1::AuditAction* action = nullptr;
  for (const v1::AuditAction& a : audit->actions()) {
    if (a.action_id() == c.action_id()) action = &a;
  }
  if (action == nullptr) {
    return absl::NotFoundError(absl::StrCat("action_id: audit ", c.audit_id(),
                                            " asked for no action ",
                                            c.action_id()));
  }
  if (IsSet(action->completed_on())) {
    return NotAllowed(absl::StrCat("action ", c.action_id(), " of audit ",
                                   c.audit_id(), " was completed on ",
                                   DateOf(action->completed_on()).ToString()));
  }
  Date on = env.today;
  if (IsSet(c.completed_on())) {
    ASSIGN_OR_RETURN(on, StepDate("completed_on", c.completed_on(), env.today,
                                  DateOf(audit->audited_on()), "the audit"));
  }
  Event e = At(on);
  v1::AuditActionCompleted* body = e.mutable_audit_action_completed();
  body->set_audit_id(c.audit_id());
  body->set_action_id(c.action_id());
  *body->mutable_completed_on() = ToProto(on);
  CloseClock(e, s, AuditActionClock(c.audit_id(), c.action_id()), on);
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::SchoolEventRecord& r,
                                      const Env& env) {
  RETURN_IF_ERROR(statutory::CheckSchoolEvent(r));
  RETURN_IF_ERROR(RequireActive(s));
  const Date counted = statutory::CountedOn(r);
  // Measures count children with a plan: what happened before it was
  // issued is not this plan's (the intake passes it over).
  if (counted < DateOf(s.issued_on())) {
    return absl::NotFoundError(
        absl::StrCat("plan ", s.plan_id(), " was issued on ",
                     DateOf(s.issued_on()).ToString(),
                     ", after this school event (", counted.ToString(), ")"));
  }
  int suspensions_in_term = 0;
  for (const v1::SchoolEventRecord& earlier : s.school_events()) {
    if (earlier.record_id() == r.record_id()) {
      return absl::AlreadyExistsError(
          absl::StrCat("record_id: school event ", r.record_id(),
                       " was taken in for plan ", s.plan_id()));
    }
    if (r.has_attendance() && earlier.has_attendance() &&
        earlier.attendance().academic_year() ==
            r.attendance().academic_year() &&
        earlier.attendance().term() == r.attendance().term()) {
      return absl::AlreadyExistsError(absl::StrCat(
          "attendance: the ",
          statutory::TermName(
              {r.attendance().academic_year(), r.attendance().term()}),
          " of child ", r.child_id(), " was recorded by record ",
          earlier.record_id(), "; a term's attendance is taken once"));
    }
    if (r.has_suspension() && earlier.has_suspension() &&
        statutory::TermOf(DateOf(earlier.suspension().start_on())) ==
            statutory::TermOf(counted)) {
      ++suspensions_in_term;
    }
  }
  if (r.has_attendance() && counted > env.today) {
    return NotAllowed(
        absl::StrCat("attendance.term: the ",
                     statutory::TermName({r.attendance().academic_year(),
                                          r.attendance().term()}),
                     " ends on ", counted.ToString(),
                     "; a term's attendance is sent once the term is over"));
  }
  Event e = At(env.today);
  v1::SchoolEventReported* body = e.mutable_school_event_reported();
  *body->mutable_record() = r;
  const v1::Date on = ToProto(counted);
  switch (r.event_case()) {
    case v1::SchoolEventRecord::kSuspension:
      statutory::AddTallyOn(e, statutory::kSuspensions, on);
      break;
    case v1::SchoolEventRecord::kPermanentExclusion:
      statutory::AddTallyOn(e, statutory::kPermanentExclusions, on);
      break;
    default:
      statutory::AddTallyOn(e, statutory::kAttendanceRecorded, on);
      if (statutory::PersistentlyAbsent(r.attendance().sessions_possible(),
                                        r.attendance().sessions_attended())) {
        statutory::AddTallyOn(e, statutory::kPersistentlyAbsent, on);
      }
      break;
  }
  const bool calls_for_review =
      r.has_permanent_exclusion() ||
      (r.has_suspension() && suspensions_in_term + 1 == 2);
  if (calls_for_review && OpenEarlyReview(s) == nullptr) {
    const statutory::ClockRule& rule = Rule(RuleId::kReviewConsiderEarlyReview);
    int earlier = 0;
    for (const v1::Clock& c : s.clocks()) earlier += c.rule() == rule.code;
    OpenClock(e, ClockId("early_review", earlier + 1), rule, env.today,
              rule.DueDate(env.today, env.calendar));
    body->set_early_review(true);
  }
  return One(std::move(e));
}

absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::DecideEarlyReviewRequest& c,
                                      const Env& env) {
  RETURN_IF_ERROR(RequireActive(s));
  if (c.decision() != v1::EARLY_REVIEW_DECISION_HOLD &&
      c.decision() != v1::EARLY_REVIEW_DECISION_NOT_NEEDED) {
    return absl::InvalidArgumentError(
        "decision: required (HOLD or NOT_NEEDED)");
  }
  const v1::Clock* open = OpenEarlyReview(s);
  if (open == nullptr) {
    return NotAllowed(absl::StrCat(
        "plan ", s.plan_id(),
        " has no early review to consider (a permanent exclusion, or a "
        "second suspension in a term, asks for one)"));
  }
  Date on = env.today;
  if (IsSet(c.decided_on())) {
    ASSIGN_OR_RETURN(on, StepDate("decided_on", c.decided_on(), env.today,
                                  DateOf(open->started_on()),
                                  "the school event that asked for it"));
  }
  Event e = At(on);
  v1::EarlyReviewDecided* body = e.mutable_early_review_decided();
  body->set_decision(c.decision());
  *body->mutable_decided_on() = ToProto(on);
  CloseClock(e, s, open->clock_id(), on);
  return One(std::move(e));
}

void Traits::Evolve(Plan& s, const Event& e) {
  const v1::EventMetadata& m = e.metadata();
  s.set_version(m.version());
  if (!m.officer_id().empty()) s.set_officer_id(m.officer_id());
  statutory::ApplyClockChanges(s, e);
  switch (e.event_case()) {
    case Event::kPlanRegistered: {
      const v1::PlanRegistered& r = e.plan_registered();
      s.set_plan_id(m.stream_id());
      s.set_child_id(m.child_id());
      s.set_origin(r.origin());
      s.set_status(v1::PLAN_STATUS_ACTIVE);
      *s.mutable_issued_on() = r.issued_on();
      *s.mutable_date_of_birth() = r.date_of_birth();
      if (r.has_nc_year()) {
        s.set_nc_year(r.nc_year());
        *s.mutable_nc_year_as_of() = r.nc_year_as_of();
      }
      s.set_source_assessment_id(r.source_assessment_id());
      *s.mutable_contents() = r.contents();
      s.set_transferred_from_la(r.transferred_from_la());
      *s.mutable_transferred_on() = r.transferred_on();
      s.set_cycle(1);
      *s.mutable_cycle_from() =
          IsSet(r.last_decision_on()) ? r.last_decision_on() : r.issued_on();
      break;
    }
    case Event::kMeetingScheduled:
      *s.mutable_meeting_on() = e.meeting_scheduled().meeting_on();
      break;
    case Event::kPapersSent:
      *s.mutable_papers_sent_on() = e.papers_sent().sent_on();
      break;
    case Event::kMeetingHeld:
      *s.mutable_meeting_held_on() = e.meeting_held().held_on();
      s.set_preparation_for_adulthood_covered(
          e.meeting_held().preparation_for_adulthood_covered());
      if (e.meeting_held().outcomes_size() > 0) {
        *s.mutable_outcome_reviews() = e.meeting_held().outcomes();
        *s.mutable_outcomes_reviewed_on() = e.meeting_held().held_on();
      }
      break;
    case Event::kDecisionNotified: {
      const v1::ReviewDecisionNotified& d = e.decision_notified();
      s.set_decision(d.decision());
      *s.mutable_decision_notified_on() = d.notified_on();
      if (d.decision() == v1::REVIEW_DECISION_AMEND) {
        s.set_amending_cycle(d.cycle());
        *s.mutable_amendment_notice_on() = d.notified_on();
      }
      if (d.decision() == v1::REVIEW_DECISION_CEASE) {
        *s.mutable_cease_proposed_on() = d.notified_on();
      }
      s.set_cycle(d.next_cycle());
      if (d.next_cycle() != 0) {
        *s.mutable_cycle_from() = d.notified_on();
        s.clear_meeting_on();
        s.clear_papers_sent_on();
        s.clear_meeting_held_on();
        s.clear_preparation_for_adulthood_covered();
      }
      break;
    }
    case Event::kAmendedPlanIssued:
      *s.mutable_amended_plan_issued_on() = e.amended_plan_issued().issued_on();
      if (e.amended_plan_issued().has_contents()) {
        // An amendment naming no outcomes keeps the plan's outcomes.
        v1::PlanContents before = std::move(*s.mutable_contents());
        *s.mutable_contents() = e.amended_plan_issued().contents();
        if (s.contents().outcomes().empty()) {
          *s.mutable_contents()->mutable_outcomes() =
              std::move(*before.mutable_outcomes());
        }
      }
      s.set_amending_cycle(0);
      break;
    case Event::kDecidedNotToAmend:
      *s.mutable_not_amended_on() = e.decided_not_to_amend().decided_on();
      s.set_amending_cycle(0);
      break;
    case Event::kCeaseProposed:
      *s.mutable_cease_proposed_on() = e.cease_proposed().proposed_on();
      break;
    case Event::kPlacementRecorded: {
      const v1::Placement& p = e.placement_recorded().placement();
      v1::Placement* slot = nullptr;
      for (v1::Placement& q : *s.mutable_placements()) {
        if (q.placement_id() == p.placement_id()) slot = &q;
      }
      *(slot ? slot : s.add_placements()) = p;
      break;
    }
    case Event::kPlanAudited: {
      const v1::Audit& audit = e.plan_audited().audit();
      *s.add_audits() = audit;
      for (v1::PlanSample& sample : *s.mutable_samples()) {
        if (!audit.sample_id().empty() &&
            sample.sample_id() == audit.sample_id()) {
          sample.set_audit_id(audit.audit_id());
        }
      }
      break;
    }
    case Event::kPlanSampled:
      *s.add_samples() = e.plan_sampled().sample();
      break;
    case Event::kSchoolEventReported:
      *s.add_school_events() = e.school_event_reported().record();
      break;
    case Event::kAuditActionCompleted: {
      const v1::AuditActionCompleted& done = e.audit_action_completed();
      for (v1::Audit& a : *s.mutable_audits()) {
        if (a.audit_id() != done.audit_id()) continue;
        for (v1::AuditAction& action : *a.mutable_actions()) {
          if (action.action_id() == done.action_id()) {
            *action.mutable_completed_on() = done.completed_on();
          }
        }
      }
      break;
    }
    case Event::kPlanCeased:
      s.set_status(v1::PLAN_STATUS_CEASED);
      *s.mutable_ceased_on() = e.plan_ceased().ceased_on();
      s.set_cease_reason(e.plan_ceased().reason());
      break;
    case Event::kPhaseTransferSet: {
      v1::PhaseTransfer* p = s.mutable_phase_transfer();
      p->set_kind(e.phase_transfer_set().kind());
      *p->mutable_move_on() = e.phase_transfer_set().move_on();
      *p->mutable_deadline() = e.phase_transfer_set().deadline();
      break;
    }
    default:
      break;
  }
}

}  // namespace casework::reviews
