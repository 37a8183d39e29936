// Home-to-school travel: the statutory eligibility of a child of compulsory
// school age, Education Act 1996 s.508B and Schedule 35B, as a pure function.
//
// A child is an "eligible child" (free travel arrangements) when attending a
// qualifying school (the nearest suitable school, unless stated otherwise) and
//   - the school is beyond statutory walking distance: 2 miles for a child
//     under 8, 3 miles from 8 (Sch 35B paras 2 and 12), measured by the
//     shortest walking route;
//   - the child cannot reasonably be expected to walk because of SEN, a
//     disability or mobility problems (para 3), whatever the distance;
//   - no walking route within the distance is reasonably safe, even
//     accompanied (para 4);
//   - or under the extended rights for low-income families (paras 5-8 and 9):
//     aged 8 to 10 and the nearest suitable school is more than 2 miles away;
//     aged 11 to 16 and the school is one of the 3 nearest suitable schools
//     more than 2 miles (walking) and not more than 6 miles (road) away, or
//     is the nearest suitable school preferred on grounds of religion or
//     belief more than 2 miles and not more than 15 miles (road) away.
// Ages are taken on the start of the academic year (1 September). Post-16
// travel has no statutory entitlement: the LA decides under its policy
// statement (s.509AA), never this function. Under compulsory school age
// (under 5 on 1 September), the same.
//
// Pure; thread-safe.
#ifndef CASEWORK_LIBS_STATUTORY_ELIGIBILITY_H_
#define CASEWORK_LIBS_STATUTORY_ELIGIBILITY_H_

#include <string>
#include <vector>

#include "libs/core/date.h"

namespace casework::statutory {

struct TravelFacts {
  Date date_of_birth;
  int academic_year = 0;  // the year it starts, e.g. 2026 for 2026/27
  bool nearest_suitable_school = false;
  bool among_three_nearest = false;  // one of the 3 nearest suitable schools
  bool religion_or_belief = false;   // chosen on grounds of religion/belief
  double walking_miles = 0;          // shortest walking route
  double road_miles = 0;             // by road
  bool cannot_walk_sen_disability = false;  // SEN, disability or mobility
  bool route_unsafe = false;
  bool low_income = false;  // free school meals or maximum working tax credit
  bool post16 = false;
};

enum class TravelGround {
  kBeyondWalkingDistance,      // Sch 35B para 2 / 12
  kSenDisabilityMobility,      // para 3
  kUnsafeRoute,                // para 4
  kLowIncomeAged8To10,         // para 6
  kLowIncomeThreeNearest,      // para 7
  kLowIncomeReligionOrBelief,  // para 9
};

enum class TravelOutcome {
  kEligible,
  kNotEligible,
  kPolicyDecision,  // post-16 or under compulsory school age: LA policy
};

struct TravelAssessment {
  TravelOutcome outcome = TravelOutcome::kNotEligible;
  std::vector<TravelGround> grounds;
  int age = 0;                        // on 1 September of the academic year
  double walking_distance_limit = 0;  // 2 or 3 miles
  std::string explanation;            // for people, citing the paragraphs
};

// The age that counts: on 1 September of the academic year.
int AgeAtStartOfAcademicYear(Date date_of_birth, int academic_year);

TravelAssessment AssessTravelEligibility(const TravelFacts& facts);

const char* TravelGroundCode(
    TravelGround ground);  // e.g. "beyond_walking_distance"

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_ELIGIBILITY_H_
