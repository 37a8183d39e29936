// Checks of what an EHC plan names (v1::PlanContents, v1::Setting,
// v1::Placement) before a service records it: the SEN2 code sets and identifier
// formats (../shared/SEN2.md sections 2-3). INVALID_ARGUMENT naming the field
// (under `field`, e.g. "contents.settings[1].urn").
//
// Thread safety: pure functions.
#ifndef CASEWORK_LIBS_STATUTORY_PLAN_CONTENTS_H_
#define CASEWORK_LIBS_STATUTORY_PLAN_CONTENTS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "casework/v1/common.pb.h"

namespace casework::statutory {

// A setting: exactly one of a URN (6 digits), a UKPRN (8 digits) or a SEN2
// setting code; text only with a code; rank 1 or 2.
absl::Status CheckSetting(const v1::Setting& s, absl::string_view field);
// At most two settings with ranks 1 and 2 (rank 1 first), at most two needs
// of different types ranked 1 and 2, valid codes, organised arrangements or
// direct payments only with a personal budget, and outcomes each with a
// unique id, an area and a target date (at most kMaxOutcomes).
absl::Status CheckPlanContents(const v1::PlanContents& c,
                               absl::string_view field);
inline constexpr int kMaxOutcomes = 40;

// The four preparation-for-adulthood areas (SEND Code of Practice 2015, 8.5).
bool IsPreparationForAdulthood(v1::OutcomeArea area);

// Clears the wording of every outcome of `c` (personal: never in events) and
// returns (outcome id, wording) for those that had one, for the service to
// keep beside its log.
std::vector<std::pair<std::string, std::string>> TakeOutcomeWording(
    v1::PlanContents* c);

// A 3-digit LA number (SEN2 LEA, TransferLA, Exported); empty allowed.
absl::Status CheckLaNumber(absl::string_view value, absl::string_view field);

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_PLAN_CONTENTS_H_
