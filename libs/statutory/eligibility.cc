#include "libs/statutory/eligibility.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/statutory/rules.h"

namespace casework::statutory {

int AgeAtStartOfAcademicYear(Date date_of_birth, int academic_year) {
  return AgeOn(date_of_birth, Date::Ymd(academic_year, 9, 1));
}

const char* TravelGroundCode(TravelGround ground) {
  switch (ground) {
    case TravelGround::kBeyondWalkingDistance:
      return "beyond_walking_distance";
    case TravelGround::kSenDisabilityMobility:
      return "sen_disability_mobility";
    case TravelGround::kUnsafeRoute:
      return "unsafe_route";
    case TravelGround::kLowIncomeAged8To10:
      return "low_income_8_to_10";
    case TravelGround::kLowIncomeThreeNearest:
      return "low_income_three_nearest";
    case TravelGround::kLowIncomeReligionOrBelief:
      return "low_income_religion_or_belief";
  }
  return "unknown";
}

TravelAssessment AssessTravelEligibility(const TravelFacts& f) {
  TravelAssessment a;
  a.age = AgeAtStartOfAcademicYear(f.date_of_birth, f.academic_year);
  // Sch 35B para 12: statutory walking distance 2 miles under 8, 3 from 8.
  a.walking_distance_limit = a.age < 8 ? 2.0 : 3.0;
  if (f.post16 || a.age >= 16) {
    a.outcome = TravelOutcome::kPolicyDecision;
    a.explanation =
        "post-16: no statutory entitlement; decide under the LA's post-16 "
        "transport policy statement (Education Act 1996 s.509AA)";
    return a;
  }
  if (a.age < 5) {
    a.outcome = TravelOutcome::kPolicyDecision;
    a.explanation =
        "under compulsory school age on 1 September: decide under the LA's "
        "policy (s.508B applies from compulsory school age)";
    return a;
  }
  std::vector<std::string> why;
  if (f.nearest_suitable_school) {
    if (f.walking_miles > a.walking_distance_limit) {
      a.grounds.push_back(TravelGround::kBeyondWalkingDistance);
      why.push_back(absl::StrFormat(
          "the nearest suitable school is %.2f miles' walk, beyond the %.0f "
          "miles for a child aged %d (Sch 35B paras 2, 12)",
          f.walking_miles, a.walking_distance_limit, a.age));
    }
    if (f.cannot_walk_sen_disability) {
      a.grounds.push_back(TravelGround::kSenDisabilityMobility);
      why.push_back(
          "cannot reasonably be expected to walk because of SEN, disability "
          "or mobility (para 3)");
    }
    if (f.route_unsafe && f.walking_miles <= a.walking_distance_limit) {
      a.grounds.push_back(TravelGround::kUnsafeRoute);
      why.push_back(
          "no walking route is reasonably safe, even accompanied (para 4)");
    }
  }
  if (f.low_income) {
    if (a.age >= 8 && a.age <= 10 && f.nearest_suitable_school &&
        f.walking_miles > 2.0) {
      a.grounds.push_back(TravelGround::kLowIncomeAged8To10);
      why.push_back(
          "low income, aged 8 to 10, nearest suitable school over 2 miles "
          "(para 6)");
    }
    if (a.age >= 11 && (f.among_three_nearest || f.nearest_suitable_school) &&
        f.walking_miles > 2.0 && f.road_miles <= 6.0) {
      a.grounds.push_back(TravelGround::kLowIncomeThreeNearest);
      why.push_back(
          "low income, aged 11 to 16, one of the 3 nearest suitable schools "
          "over 2 miles and not over 6 miles by road (para 7)");
    }
    if (a.age >= 11 && f.religion_or_belief && f.walking_miles > 2.0 &&
        f.road_miles <= 15.0) {
      a.grounds.push_back(TravelGround::kLowIncomeReligionOrBelief);
      why.push_back(
          "low income, aged 11 to 16, school chosen on grounds of religion or "
          "belief over 2 miles and not over 15 miles by road (para 9)");
    }
  }
  if (a.grounds.empty()) {
    a.outcome = TravelOutcome::kNotEligible;
    a.explanation = f.nearest_suitable_school
                        ? absl::StrFormat(
                              "within the %.0f-mile walking distance on a safe "
                              "route, and no other ground applies",
                              a.walking_distance_limit)
                        : "not the nearest suitable school, and no extended "
                          "right applies";
  } else {
    a.outcome = TravelOutcome::kEligible;
    a.explanation = absl::StrCat("eligible: ", why.front());
    for (size_t i = 1; i < why.size(); ++i)
      absl::StrAppend(&a.explanation, "; ", why[i]);
  }
  return a;
}

}  // namespace casework::statutory
