// The annual reviews domain core: pure Decide and Evolve functions over one
// EHC plan's stream (`casework.v1.Plan` state, `AnnualReviewEvent` events).
//
// A plan enters by registration (migration, transfer in) or from a final plan
// the EHC service issued. Each review cycle opens a review-due clock (12
// months from the plan's issue, then from the last decision notice; the
// configured shorter interval for under-5s), and the steps of the cycle open
// and close the clocks of SEND Regulations 2014 regs 18-22: meeting papers 2
// weeks before, decision within 4 weeks of the meeting, amended plan within 8
// weeks of the notice and 12 of the meeting, phase transfer deadlines. A
// review never held keeps its clock open and overdue: that is the backlog.
//
// Errors as in the EHC core: INVALID_ARGUMENT naming the field, NOT_FOUND,
// ALREADY_EXISTS, FAILED_PRECONDITION saying which rule or state forbids it.
//
// Thread safety: pure functions; thread-safe.
#ifndef CASEWORK_SERVICES_ANNUAL_REVIEWS_REVIEW_H_
#define CASEWORK_SERVICES_ANNUAL_REVIEWS_REVIEW_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/annual_review.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/date.h"
#include "libs/eventstore/command_handler.h"
#include "libs/statutory/quality.h"
#include "libs/statutory/rules.h"

namespace casework::reviews {

using Plan = v1::Plan;
using Event = v1::AnnualReviewEvent;
using ReviewDecision = Decision<Event>;

struct Env {
  Date today;
  const Calendar& calendar;
  int under5_months = 6;  // review interval for children under 5
  // The LA's QA framework: the criteria of plan audits, the actions' clock.
  const statutory::QaFramework& qa = statutory::QaFrameworkInUse();
};

struct Traits {
  using State = Plan;
  using Event = v1::AnnualReviewEvent;
  static void Evolve(State& state, const Event& event);
  // The steps the state allows now (RPC names, for front-ends: the
  // allowed_actions of the Get and List answers): what Decide does not
  // refuse for the state alone.
  static std::vector<std::string> AllowedActions(const State& s);
  static std::string ChildId(const State& s) { return s.child_id(); }
  static std::string OfficerId(const State& s) { return s.officer_id(); }
  static constexpr const char* kSource = "annual-reviews";
};

std::string ChildIndexKey(absl::string_view child_id,
                          absl::string_view plan_id);
std::string OfficerIndexKey(absl::string_view officer_id,
                            absl::string_view plan_id);

// The plan id for a final plan issued by the EHC service.
std::string PlanIdForAssessment(absl::string_view assessment_id);

// The index keys of the free text a plan keeps out of events: an audit
// action's description and an outcome's wording; and the prefix of a plan's.
std::string AuditTextKey(absl::string_view plan_id, absl::string_view audit_id,
                         absl::string_view action_id);
std::string OutcomeTextKey(absl::string_view plan_id,
                           absl::string_view outcome_id);
std::string PlanTextPrefix(absl::string_view plan_id);

// A final plan issued by the EHC service, as read off its topic.
struct FinalPlanIssuedFacts {
  std::string assessment_id;
  std::string child_id;
  std::string officer_id;
  Date issued_on;
  std::string event_id;
  // The child's date of birth when the request gave it (epoch: unknown): a
  // child under 5 is reviewed at the LA's shorter interval.
  Date date_of_birth;
  // What the final plan names (settings, needs, budget), as issued.
  v1::PlanContents contents;
  // The child's national curriculum year on issued_on, when the EHC service
  // recorded it.
  std::optional<int> nc_year;
};

// National curriculum year on `on` (statutory::NcYearOn).
using statutory::NcYearOn;

absl::StatusOr<ReviewDecision> Decide(const Plan& s, const std::string& plan_id,
                                      const v1::RegisterPlanRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const FinalPlanIssuedFacts& f,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::ReassignPlanOfficerRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::ScheduleReviewMeetingRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::RecordPapersSentRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::RecordMeetingHeldRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::RecordReviewDecisionRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::IssueAmendedPlanRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::DecideNotToAmendRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::ProposeToCeaseRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::CeasePlanRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::SetPhaseTransferRequest& c,
                                      const Env& env);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::RecordPlacementRequest& c,
                                      const Env& env);
// `c` with audit_id and auditor_id filled in (the adapter makes the id and
// resolves the auditor from the caller). Refuses an auditor who is the
// plan's officer, an audit of a plan not yet issued or ceased, and findings
// the framework does not allow (statutory::CheckAudit).
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::AuditPlanRequest& c,
                                      const Env& env);
// The plan drawn in dip sample `sample` (DrawSample fills every field but
// audit_id): PlanSampled, opening quality.sample_audit for the auditor, due
// on sample.due_on. Refuses a ceased plan, a plan held by the auditor and a
// plan the sample already drew.
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::PlanSample& sample,
                                      const Env& env);
// The day the plan was last issued: its amended plan's issue, when one was
// issued, else its first issue.
Date LastIssuedOn(const Plan& s);
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::CompleteAuditActionRequest& c,
                                      const Env& env);
// A school event of the plan's child, taken in from the back office's topic
// on env.today (statutory::CheckSchoolEvent passed). A permanent exclusion,
// or the second suspension in a census term, opens
// review.consider_early_review for the plan's officer unless one is open.
// NOT_FOUND for an event counted before the plan was issued (not this
// plan's). Refuses a ceased plan, a record id taken in before (ALREADY_EXISTS),
// a term's attendance before the term is over, and a second attendance record
// for a term (ALREADY_EXISTS naming the first: a term counts once).
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::SchoolEventRecord& r,
                                      const Env& env);
// The officer's answer to the open review.consider_early_review, closing it.
// FAILED_PRECONDITION when none is open.
absl::StatusOr<ReviewDecision> Decide(const Plan& s,
                                      const v1::DecideEarlyReviewRequest& c,
                                      const Env& env);

}  // namespace casework::reviews

#endif  // CASEWORK_SERVICES_ANNUAL_REVIEWS_REVIEW_H_
