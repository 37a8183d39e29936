// The EHC needs assessment domain core: pure Decide and Evolve functions.
//
// State is the `casework.v1.Assessment` view; events are
// `casework.v1.EhcAssessmentEvent`. Decide checks a command against the law
// (SEND Regulations 2014 regs 5, 8, 10, 13, 27) and the assessment's state and
// returns the events to record, each stating which statutory clocks it opens,
// closes, cancels or lifts by an exception. Evolve folds an event into the
// state. No I/O, no wall clock: `Env` carries today and the calendar.
//
// Errors: INVALID_ARGUMENT naming the field for bad input; NOT_FOUND for an
// unknown assessment; ALREADY_EXISTS for a duplicate id; FAILED_PRECONDITION
// saying why for a step the law or the state does not allow (a date in the
// future or before the request, a final plan before a decision to assess,
// advice received that was never requested, ...).
//
// Thread safety: pure functions; thread-safe.
#ifndef CASEWORK_SERVICES_EHC_ASSESSMENTS_ASSESSMENT_H_
#define CASEWORK_SERVICES_EHC_ASSESSMENTS_ASSESSMENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/date.h"
#include "libs/eventstore/command_handler.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/quality.h"

namespace casework::ehc {

using Assessment = v1::Assessment;
using Event = v1::EhcAssessmentEvent;
using EhcDecision = Decision<Event>;

struct Env {
  Date today;
  const Calendar& calendar;
  // The LA's QA framework: the criteria of advice audits.
  const statutory::QaFramework& qa = statutory::QaFrameworkInUse();
};

struct Traits {
  using State = Assessment;
  using Event = v1::EhcAssessmentEvent;
  static void Evolve(State& state, const Event& event);
  // The steps the state allows now (RPC names, for front-ends: the
  // allowed_actions of the Get and List answers): what Decide does not
  // refuse for the state alone.
  static std::vector<std::string> AllowedActions(const State& s);
  static std::string ChildId(const State& s) { return s.child_id(); }
  static std::string OfficerId(const State& s) { return s.officer_id(); }
  static constexpr const char* kSource = "ehc-assessments";
};

// Index keys kept beside the log for the list queries.
std::string ChildIndexKey(absl::string_view child_id,
                          absl::string_view assessment_id);
std::string OfficerIndexKey(absl::string_view officer_id,
                            absl::string_view assessment_id);
// Free text (an adviser's name, an exception's note) is kept out of events:
// the decision writes it to the service's own index under
// text/<assessment>/<field>/<id>, and queries attach it.
inline constexpr char kAdviserField[] = "adviser";
inline constexpr char kNoteField[] = "note";
// The wording of a final plan's outcome.
inline constexpr char kOutcomeField[] = "outcome";
std::string TextPrefix(absl::string_view assessment_id);
std::string TextKey(absl::string_view assessment_id, absl::string_view field,
                    absl::string_view id);

// `assessment_id` is the stream id (chosen by the adapter when the client gave
// none).
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const std::string& assessment_id,
                                   const v1::RecordRequestRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::ReassignOfficerRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::DecideToAssessRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::DecideNotToAssessRequest& c,
                                   const Env& env);
// `advice_id` is chosen by the adapter when the client gave none.
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const std::string& advice_id,
                                   const v1::RequestAdviceRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::RecordAdviceReceivedRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const std::string& exception_id,
                                   const v1::RecordExceptionRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::IssueDraftPlanRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::DecideNotToIssuePlanRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::IssueFinalPlanRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::WithdrawRequestRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::RecordMovedOutOfAreaRequest& c,
                                   const Env& env);
// `c` with audit_id and auditor_id filled in by the adapter. Refuses an
// auditor who is the case's officer, advice not yet received, and findings
// the framework's advice criteria do not allow.
// `c` with audit_id and auditor_id filled in. Refuses an assessment
// without a draft plan, an auditor who is the case's officer, and findings
// the framework's plan criteria do not allow.
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::AuditDraftPlanRequest& c,
                                   const Env& env);
absl::StatusOr<EhcDecision> Decide(const Assessment& s,
                                   const v1::AuditAdviceRequest& c,
                                   const Env& env);

// "educational_psychology", ... (used as the advice measure's subtype).
std::string AdviceTypeCode(v1::AdviceType type);

}  // namespace casework::ehc

#endif  // CASEWORK_SERVICES_EHC_ASSESSMENTS_ASSESSMENT_H_
