// Families' experience as counters (v1::Tally codes), shared by the service
// that records feedback (complaints) and the projection that measures it:
// compliments; survey responses with a score, and those satisfied (4 or 5 on
// the five-point scale), over all surveys and by survey; surveys sent
// through casework, and those answered.
#ifndef CASEWORK_LIBS_STATUTORY_EXPERIENCE_H_
#define CASEWORK_LIBS_STATUTORY_EXPERIENCE_H_

#include <array>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace casework::statutory {

inline constexpr char kCompliments[] = "experience.compliments";
inline constexpr char kResponsesScored[] = "experience.scored";
inline constexpr char kResponsesSatisfied[] = "experience.satisfied";
inline constexpr char kSurveysSent[] = "experience.surveys_sent";
inline constexpr char kSurveysAnswered[] = "experience.surveys_answered";
// Disagreement resolution as cohorts: disagreements mediated, those agreed
// or partly agreed, and those mediated that went on to appeal (counted on
// the mediation's day); complaints closed, and of them those that reached
// stage 2 and the Ombudsman (counted on the closing day).
inline constexpr char kMediated[] = "disagreements.mediated";
inline constexpr char kMediationAgreed[] = "disagreements.mediation_agreed";
inline constexpr char kMediatedAppealed[] = "disagreements.mediated_appealed";
inline constexpr char kComplaintsClosed[] = "complaints.closed";
inline constexpr char kClosedEscalated[] = "complaints.closed_escalated";
inline constexpr char kClosedToOmbudsman[] = "complaints.closed_ombudsman";
// Complaints by theme and finding: each complaint logged counts under its
// subject ("complaints.subject.<subject>"); each reply under its finding
// ("complaints.finding.<finding>") and in complaints.replies.
inline constexpr char kSubjectPrefix[] = "complaints.subject.";
inline constexpr char kFindingPrefix[] = "complaints.finding.";
inline constexpr char kReplies[] = "complaints.replies";
// The subject codes, in v1::ComplaintSubject order, and the finding codes,
// in v1::ComplaintFinding order.
inline constexpr std::array<absl::string_view, 7> kComplaintSubjects = {
    "ehc_assessment", "plan_content",  "annual_review", "transport",
    "provision",      "communication", "other"};
inline constexpr std::array<absl::string_view, 3> kComplaintFindings = {
    "upheld", "partly_upheld", "not_upheld"};
// A score from this up is "satisfied" (4 "satisfied", 5 "very satisfied").
inline constexpr int kSatisfiedFrom = 4;

// The survey codes of the per-survey counters, in v1::Survey order.
inline constexpr std::array<absl::string_view, 6> kSurveyCodes = {
    "new_plan",  "annual_family",      "annual_review",
    "transport", "complaint_handling", "other"};

// "<counter>.<survey code>".
inline std::string PerSurvey(absl::string_view counter,
                             absl::string_view survey) {
  return absl::StrCat(counter, ".", survey);
}

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_EXPERIENCE_H_
