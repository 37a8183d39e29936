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
