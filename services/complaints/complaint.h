// The complaints domain core: pure Decide and Evolve functions over two kinds
// of stream in one service and one topic:
//   - a complaint (`casework.v1.Complaint`): acknowledged, answered at each
//     stage of its procedure within working-day limits (extendable with a
//     reason), escalated (the stage 2 handler must not be the stage 1
//     handler), referred to the Ombudsman, withdrawn or closed;
//   - a disagreement about a SEND decision (`casework.v1.Disagreement`):
//     mediation contact, mediation within 30 days, the certificate within 3
//     working days, the Tribunal appeal deadline, the decision, and orders
//     with their reg 44 compliance clocks.
// Timescales are the defaults of DOMAIN.md section 4, configurable (Env).
//
// Thread safety: pure functions; thread-safe.
#ifndef CASEWORK_SERVICES_COMPLAINTS_COMPLAINT_H_
#define CASEWORK_SERVICES_COMPLAINTS_COMPLAINT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/complaints.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/date.h"
#include "libs/eventstore/command_handler.h"

namespace casework::complaints {

using Event = v1::ComplaintsEvent;
using ComplaintsDecision = Decision<Event>;

// Working-day limits (defaults: the Ombudsman's Complaint Handling Code and
// SI 2006/1738).
struct Timescales {
  int acknowledge = 5;
  int stage1 = 10;
  int stage1_extension = 10;   // at most, once
  int stage2_acknowledge = 5;  // the escalation request is acknowledged
  int stage2 = 20;             // from the escalation's acknowledgement
  int stage2_extension = 20;   // at most, once
  int csc_stage1 = 10;
  int csc_stage1_max = 20;
  int csc_stage2 = 25;
  int csc_stage2_max = 65;
  int csc_stage3 = 30;
};

struct Env {
  Date today;
  const Calendar& calendar;
  Timescales limits;
};

struct ComplaintTraits {
  using State = v1::Complaint;
  using Event = v1::ComplaintsEvent;
  static void Evolve(State& state, const Event& event);
  // The steps the state allows now (RPC names, for front-ends: the
  // allowed_actions of the Get and List answers): what Decide does not
  // refuse for the state alone.
  static std::vector<std::string> AllowedActions(const State& s);
  static std::string ChildId(const State& s) { return s.child_id(); }
  static std::string OfficerId(const State& s) { return s.officer_id(); }
  static constexpr const char* kSource = "complaints";
};

struct DisagreementTraits {
  using State = v1::Disagreement;
  using Event = v1::ComplaintsEvent;
  static void Evolve(State& state, const Event& event);
  // The steps the state allows now (RPC names, for front-ends: the
  // allowed_actions of the Get and List answers): what Decide does not
  // refuse for the state alone.
  static std::vector<std::string> AllowedActions(const State& s);
  static std::string ChildId(const State& s) { return s.child_id(); }
  static std::string OfficerId(const State& s) { return s.officer_id(); }
  static constexpr const char* kSource = "complaints";
};

// Families' experience (`casework.v1.Feedback`): a compliment, a comment or a
// survey response about a child's case and its officer, or a survey sent and
// its response. Its text stays beside the log. Tallies: compliments; survey
// responses, scored and satisfied (a score of 4 or 5 of 5), over all surveys
// and by survey; surveys sent and answered.
struct FeedbackTraits {
  using State = v1::Feedback;
  using Event = v1::ComplaintsEvent;
  static void Evolve(State& state, const Event& event);
  static std::vector<std::string> AllowedActions(const State& s);
  static std::string ChildId(const State& s) { return s.child_id(); }
  static std::string OfficerId(const State& s) { return s.officer_id(); }
  static constexpr const char* kSource = "complaints";
};

// Index keys: child/<child>/<kind>:<id>, officer/<officer>/<kind>:<id>, kind
// "c" (complaint), "d" (disagreement) or "f" (feedback).
std::string ChildIndexKey(absl::string_view child_id, absl::string_view key);
std::string OfficerIndexKey(absl::string_view officer_id,
                            absl::string_view key);
std::string TextKey(absl::string_view id, absl::string_view what);

using Complaint = v1::Complaint;
using Disagreement = v1::Disagreement;

absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const std::string& complaint_id,
                                          const v1::LogComplaintRequest& c,
                                          const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(
    const Complaint& s, const v1::AcknowledgeComplaintRequest& c,
    const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::ExtendComplaintRequest& c,
                                          const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(
    const Complaint& s, const v1::RespondToComplaintRequest& c, const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::EscalateComplaintRequest& c,
                                          const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::ReferToOmbudsmanRequest& c,
                                          const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(
    const Complaint& s, const v1::RecordOmbudsmanDecisionRequest& c,
    const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::WithdrawComplaintRequest& c,
                                          const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(const Complaint& s,
                                          const v1::CloseComplaintRequest& c,
                                          const Env& env);

absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const std::string& disagreement_id,
    const v1::RecordDisagreementRequest& c, const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::RecordMediationContactRequest& c,
    const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::RecordMediationHeldRequest& c,
    const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::IssueMediationCertificateRequest& c,
    const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(const Disagreement& s,
                                          const v1::RegisterAppealRequest& c,
                                          const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::RecordTribunalDecisionRequest& c,
    const Env& env);
// `order_id` is chosen by the adapter when the client gave none.
absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const std::string& order_id,
    const v1::RecordTribunalOrderRequest& c, const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(
    const Disagreement& s, const v1::RecordOrderComplianceRequest& c,
    const Env& env);

using Feedback = v1::Feedback;

// The survey codes of the experience measures ("new_plan", ...).
std::string SurveyCode(v1::Survey survey);

// A new feedback stream: refuses an id already used by any case of the
// service, a survey response without its survey (or a survey on anything
// else), a score outside 1-5, a process that is not a casework service.
absl::StatusOr<ComplaintsDecision> Decide(const Feedback& s,
                                          const std::string& feedback_id,
                                          const v1::RecordFeedbackRequest& c,
                                          const Env& env);
absl::StatusOr<ComplaintsDecision> Decide(const Feedback& s,
                                          const std::string& feedback_id,
                                          const v1::RecordSurveySentRequest& c,
                                          const Env& env);
// The response to a survey sent: once, not before it was sent.
absl::StatusOr<ComplaintsDecision> Decide(
    const Feedback& s, const v1::RecordSurveyResponseRequest& c,
    const Env& env);

}  // namespace casework::complaints

#endif  // CASEWORK_SERVICES_COMPLAINTS_COMPLAINT_H_
