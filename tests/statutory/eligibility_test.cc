// Home-to-school travel eligibility (Education Act 1996 Sch 35B) at every
// boundary: age 7/8 on 1 September, exactly 2.0 and 3.0 miles, the 6- and
// 15-mile road limits, unsafe routes, SEN, low income by age band, post-16.
#include "libs/statutory/eligibility.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace casework::statutory {
namespace {

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }

TravelFacts Child(Date dob, double walking, double road = 0) {
  TravelFacts f;
  f.date_of_birth = dob;
  f.academic_year = 2026;
  f.nearest_suitable_school = true;
  f.walking_miles = walking;
  f.road_miles = road == 0 ? walking : road;
  return f;
}

bool Has(const TravelAssessment& a, TravelGround g) {
  return std::find(a.grounds.begin(), a.grounds.end(), g) != a.grounds.end();
}

TEST(EligibilityTest, AgeCountsOnTheFirstOfSeptember) {
  // 8 on 1 September 2026 exactly: the 3-mile distance applies.
  EXPECT_EQ(AgeAtStartOfAcademicYear(D(2018, 9, 1), 2026), 8);
  // Turns 8 on 2 September: 7 on the 1st, the 2-mile distance.
  EXPECT_EQ(AgeAtStartOfAcademicYear(D(2018, 9, 2), 2026), 7);
}

TEST(EligibilityTest, StatutoryWalkingDistanceBoundaries) {
  struct Row {
    Date dob;
    double miles;
    TravelOutcome outcome;
  } table[] = {
      {D(2018, 9, 2), 2.0, TravelOutcome::kNotEligible},  // 7: exactly 2.0
      {D(2018, 9, 2), 2.01, TravelOutcome::kEligible},    // 7: beyond 2
      {D(2018, 9, 1), 2.5, TravelOutcome::kNotEligible},  // 8: within 3
      {D(2018, 9, 1), 3.0, TravelOutcome::kNotEligible},  // 8: exactly 3.0
      {D(2018, 9, 1), 3.01, TravelOutcome::kEligible},    // 8: beyond 3
      {D(2012, 1, 1), 3.5, TravelOutcome::kEligible},     // 14: beyond 3
  };
  for (const Row& r : table) {
    TravelAssessment a = AssessTravelEligibility(Child(r.dob, r.miles));
    EXPECT_EQ(a.outcome, r.outcome) << r.dob.ToString() << " " << r.miles;
    if (r.outcome == TravelOutcome::kEligible) {
      EXPECT_TRUE(Has(a, TravelGround::kBeyondWalkingDistance));
    }
  }
}

TEST(EligibilityTest, OnlyTheNearestSuitableSchoolQualifiesOnDistance) {
  TravelFacts f = Child(D(2014, 5, 1), 5.0);
  f.nearest_suitable_school = false;
  TravelAssessment a = AssessTravelEligibility(f);
  EXPECT_EQ(a.outcome, TravelOutcome::kNotEligible);
  EXPECT_NE(a.explanation.find("not the nearest suitable school"),
            std::string::npos);
}

TEST(EligibilityTest, SenDisabilityOrMobilityWhateverTheDistance) {
  TravelFacts f = Child(D(2016, 3, 1), 0.4);
  f.cannot_walk_sen_disability = true;
  TravelAssessment a = AssessTravelEligibility(f);
  EXPECT_EQ(a.outcome, TravelOutcome::kEligible);
  EXPECT_TRUE(Has(a, TravelGround::kSenDisabilityMobility));
  EXPECT_NE(a.explanation.find("para 3"), std::string::npos);
}

TEST(EligibilityTest, UnsafeRouteWithinTheDistance) {
  TravelFacts f = Child(D(2015, 3, 1), 1.5);
  f.route_unsafe = true;
  TravelAssessment a = AssessTravelEligibility(f);
  EXPECT_EQ(a.outcome, TravelOutcome::kEligible);
  EXPECT_TRUE(Has(a, TravelGround::kUnsafeRoute));
  f.route_unsafe = false;
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kNotEligible);
}

TEST(EligibilityTest, LowIncomeExtendedRightsByAgeBand) {
  // Aged 8-10: the nearest suitable school over 2 miles (walking).
  TravelFacts f = Child(D(2017, 6, 1), 2.5);  // 9 on 1 Sept 2026
  f.low_income = true;
  TravelAssessment a = AssessTravelEligibility(f);
  EXPECT_EQ(a.outcome, TravelOutcome::kEligible);
  EXPECT_TRUE(Has(a, TravelGround::kLowIncomeAged8To10));
  EXPECT_FALSE(Has(a, TravelGround::kBeyondWalkingDistance));  // within 3
  f.walking_miles = 2.0;  // exactly 2: not "more than 2"
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kNotEligible);
  // Aged 7 (not yet 8) at 1.9 miles: no extended right, within 2 miles.
  TravelFacts seven = Child(D(2018, 12, 1), 1.9);
  seven.low_income = true;
  EXPECT_EQ(AssessTravelEligibility(seven).outcome,
            TravelOutcome::kNotEligible);

  // Aged 11-16: one of the 3 nearest, over 2 miles, not over 6 by road.
  TravelFacts teen = Child(D(2013, 3, 1), 2.8, 6.0);  // 13
  teen.nearest_suitable_school = false;
  teen.among_three_nearest = true;
  teen.low_income = true;
  a = AssessTravelEligibility(teen);
  EXPECT_EQ(a.outcome, TravelOutcome::kEligible);
  EXPECT_TRUE(Has(a, TravelGround::kLowIncomeThreeNearest));
  teen.road_miles = 6.01;
  EXPECT_EQ(AssessTravelEligibility(teen).outcome, TravelOutcome::kNotEligible);

  // Religion or belief: over 2 miles, not over 15 by road.
  TravelFacts faith = Child(D(2013, 3, 1), 9.0, 15.0);
  faith.nearest_suitable_school = false;
  faith.religion_or_belief = true;
  faith.low_income = true;
  a = AssessTravelEligibility(faith);
  EXPECT_TRUE(Has(a, TravelGround::kLowIncomeReligionOrBelief));
  faith.road_miles = 15.5;
  EXPECT_EQ(AssessTravelEligibility(faith).outcome,
            TravelOutcome::kNotEligible);
  // The same school and distances without low income: nothing.
  faith.road_miles = 15.0;
  faith.low_income = false;
  EXPECT_EQ(AssessTravelEligibility(faith).outcome,
            TravelOutcome::kNotEligible);
}

TEST(EligibilityTest, Post16AndUnderFivesAreForTheLasPolicy) {
  TravelFacts f = Child(D(2009, 5, 1), 10.0);  // 17
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kPolicyDecision);
  TravelFacts flagged = Child(D(2011, 5, 1), 10.0);  // 15 but post-16 flagged
  flagged.post16 = true;
  EXPECT_EQ(AssessTravelEligibility(flagged).outcome,
            TravelOutcome::kPolicyDecision);
  TravelFacts reception = Child(D(2022, 3, 1), 4.0);  // 4 on 1 Sept
  EXPECT_EQ(AssessTravelEligibility(reception).outcome,
            TravelOutcome::kPolicyDecision);
}

}  // namespace
}  // namespace casework::statutory
