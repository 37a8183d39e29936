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
// The duty is to children of compulsory school age (Education Act 1996 s.8),
// which is a matter of the date of birth: from the prescribed day (31 March,
// 31 August or 31 December) on or after the 5th birthday, to a school leaving
// date (the last Friday in June): that of the calendar year of the 16th
// birthday when the birthday falls before the school year next following
// begins, and the next one when it falls on or after that day (s.8(3)). The
// school year begins with the first term to begin after July (s.579(1)): the
// LA's own term dates decide, not 1 September. Eligibility follows the child's
// age on the date in question (the day travel is needed from; default 1
// September of the academic year): a child who reaches compulsory school age
// later in that academic year is entitled from that day, and one whose
// compulsory school age ends within it is entitled until then. Before and
// after, there is no statutory entitlement: the LA decides under its policy
// (post-16: the s.509AA policy statement). A "post-16" label cannot override a
// date of birth that makes the child of compulsory school age: the
// contradiction is refused.
//
// A distance that was not measured is "not given", never 0 miles: when no
// ground is met and a ground needs a distance that is not given, the
// assessment refuses to decide and names the distance.
//
// Pure; thread-safe.
#ifndef CASEWORK_LIBS_STATUTORY_ELIGIBILITY_H_
#define CASEWORK_LIBS_STATUTORY_ELIGIBILITY_H_

#include <optional>
#include <string>
#include <vector>

#include "libs/core/date.h"

namespace casework::statutory {

struct TravelFacts {
  Date date_of_birth;
  int academic_year = 0;  // the year it starts, e.g. 2026 for 2026/27
  // The date in question (travel needed from); unset: 1 September of the
  // academic year.
  std::optional<Date> on;
  bool nearest_suitable_school = false;
  bool among_three_nearest = false;     // one of the 3 nearest suitable schools
  bool religion_or_belief = false;      // chosen on grounds of religion/belief
  std::optional<double> walking_miles;  // shortest walking route
  std::optional<double> road_miles;     // by road
  bool cannot_walk_sen_disability = false;  // SEN, disability or mobility
  bool route_unsafe = false;
  bool low_income = false;  // free school meals or maximum working tax credit
  bool post16 = false;
  // The LA's first days of term, sorted (for the start of each school year);
  // empty: school years are taken to begin on 1 September.
  std::vector<Date> term_starts;
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
  // The facts cannot be decided on: `field` names the fact (a distance not
  // given, a post-16 label on a child of compulsory school age).
  kCannotDecide,
};

// Compulsory school age (Education Act 1996 s.8): the first and last days.
struct SchoolAgeSpan {
  Date from;   // the prescribed day on or after the 5th birthday
  Date until;  // the school leaving date after which it ends
};
// `term_starts`: the LA's first days of term, sorted; a year with no term
// beginning from August to December is taken to begin on 1 September.
SchoolAgeSpan CompulsorySchoolAge(Date date_of_birth,
                                  const std::vector<Date>& term_starts = {});
// The day the school year that begins in `year` begins: the first term to
// begin after July (Education Act 1996 s.579(1)), from `term_starts`; 1
// September when no such term is known.
Date SchoolYearStart(int year, const std::vector<Date>& term_starts);
// The last Friday in June of `year` (the school leaving date, Education
// (School Leaving Date) Order 1997).
Date SchoolLeavingDate(int year);

struct TravelAssessment {
  TravelOutcome outcome = TravelOutcome::kNotEligible;
  std::vector<TravelGround> grounds;
  Date assessed_on;                   // the date in question
  int age = 0;                        // on the date the entitlement is judged
  double walking_distance_limit = 0;  // 2 or 3 miles
  std::string explanation;            // for people, citing the paragraphs
  SchoolAgeSpan school_age;           // the child's compulsory school age
  // Eligible: the first day of the entitlement (the date in question, or the
  // day the child reaches compulsory school age later in the year) and, when
  // compulsory school age ends within the academic year, its last day.
  std::optional<Date> entitled_from;
  std::optional<Date> entitled_until;
  std::string field;  // kCannotDecide: the fact to give or correct
};

// 1 September of the academic year.
int AgeAtStartOfAcademicYear(Date date_of_birth, int academic_year);

TravelAssessment AssessTravelEligibility(const TravelFacts& facts);

const char* TravelGroundCode(
    TravelGround ground);  // e.g. "beyond_walking_distance"

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_ELIGIBILITY_H_
