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

// Education Act 1996 s.8(2) and the Start of Compulsory School Age Order 1998:
// from the prescribed day (31 Mar, 31 Aug, 31 Dec) on or after the 5th
// birthday; s.8(3): to the last Friday in June of the school year in which the
// child turns 16.
TEST(EligibilityTest, CompulsorySchoolAgeFollowsTheDateOfBirth_EA1996S8) {
  struct Row {
    Date dob, from, until;
  } rows[] = {
      // 5 on a prescribed day: from that day.
      {D(2021, 8, 31), D(2026, 8, 31), D(2037, 6, 26)},
      // 5 the day after one: the next (31 Dec).
      {D(2021, 9, 1), D(2026, 12, 31), D(2038, 6, 25)},
      {D(2022, 1, 1), D(2027, 3, 31), D(2038, 6, 25)},
      {D(2022, 3, 31), D(2027, 3, 31), D(2038, 6, 25)},
      {D(2022, 4, 1), D(2027, 8, 31), D(2038, 6, 25)},
      // Turns 16 on 31 Aug 2026: leaves on the last Friday of June 2026.
      {D(2010, 8, 31), D(2015, 8, 31), D(2026, 6, 26)},
  };
  for (const Row& r : rows) {
    const SchoolAgeSpan span = CompulsorySchoolAge(r.dob);
    EXPECT_EQ(span.from, r.from) << r.dob.ToString();
    EXPECT_EQ(span.until, r.until) << r.dob.ToString();
  }
  EXPECT_EQ(SchoolLeavingDate(2027), D(2027, 6, 25));
  EXPECT_EQ(SchoolLeavingDate(2032), D(2032, 6, 25));  // 30 June is a Wednesday
}

// s.8(3)(a) with s.579(1): a 16th birthday after the leaving date but before
// the school year next following begins - its first term after July, from
// the LA's term dates, not 1 September - ends compulsory school age on that
// June's leaving date. Autumn term 2026 begins on 3 September; leaving date
// 26 June 2026.
TEST(EligibilityTest, TheSchoolYearBeginsWithTheFirstTermAfterJuly_S579) {
  const std::vector<Date> terms = {D(2026, 1, 5), D(2026, 4, 20), D(2026, 9, 3),
                                   D(2027, 1, 5)};
  struct Row {
    Date sixteenth, until;
  } rows[] = {
      {D(2026, 6, 26), D(2026, 6, 26)},  // on the leaving date: (b)
      {D(2026, 6, 27), D(2026, 6, 26)},  // after it, in the holidays: (a)
      {D(2026, 9, 1), D(2026, 6, 26)},   // 1 September, before term: (a)
      {D(2026, 9, 2), D(2026, 6, 26)},   // the last day before term: (a)
      {D(2026, 9, 3), D(2027, 6, 25)},   // the first day of term: (c)
  };
  for (const Row& r : rows) {
    const Date dob = Date::Ymd(r.sixteenth.year() - 16, r.sixteenth.month(),
                               r.sixteenth.day());
    EXPECT_EQ(CompulsorySchoolAge(dob, terms).until, r.until)
        << "16 on " << r.sixteenth.ToString();
  }
  // Without the LA's term dates the year is taken to begin on 1 September.
  EXPECT_EQ(CompulsorySchoolAge(D(2010, 9, 2)).until, D(2027, 6, 25));
  EXPECT_EQ(CompulsorySchoolAge(D(2010, 8, 31)).until, D(2026, 6, 26));
  // A term that begins in August begins the school year then.
  EXPECT_EQ(CompulsorySchoolAge(D(2010, 8, 28), {D(2026, 8, 27)}).until,
            D(2027, 6, 25));
  EXPECT_EQ(SchoolYearStart(2026, terms), D(2026, 9, 3));
  EXPECT_EQ(SchoolYearStart(2025, terms), D(2025, 9, 1));  // not known
  // The travel duty follows: on 2 September 2026 such a child is past
  // compulsory school age (the post-16 policy), not eligible under s.508B.
  TravelFacts f = Child(D(2010, 9, 2), 10.0);
  f.academic_year = 2026;
  f.on = D(2026, 9, 3);
  f.term_starts = terms;
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kPolicyDecision);
  f.term_starts = {};
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kEligible);
}

// Beyond compulsory school age: the LA's post-16 policy.
TEST(EligibilityTest, AfterCompulsorySchoolAgeIsForThePost16Policy) {
  TravelFacts f = Child(D(2009, 5, 1), 10.0);  // 17; left in June 2025
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kPolicyDecision);
}

// A "post-16" label cannot override a date of birth that makes the child of
// compulsory school age: born 1 May 2011, 15 on 1 Sept 2026, of compulsory
// school age until 25 June 2027.
TEST(EligibilityTest, APost16LabelOnAChildOfSchoolAgeIsRefused_S508B) {
  TravelFacts flagged = Child(D(2011, 5, 1), 10.0);
  flagged.post16 = true;
  TravelAssessment a = AssessTravelEligibility(flagged);
  EXPECT_EQ(a.outcome, TravelOutcome::kCannotDecide);
  EXPECT_EQ(a.field, "post16");
  EXPECT_NE(a.explanation.find("2027-06-25"), std::string::npos);
  // The same label after the school leaving date is the post-16 policy.
  flagged.on = D(2027, 6, 26);
  EXPECT_EQ(AssessTravelEligibility(flagged).outcome,
            TravelOutcome::kPolicyDecision);
  // Without the label, the child is eligible until the leaving date.
  flagged.post16 = false;
  flagged.on.reset();
  a = AssessTravelEligibility(flagged);
  EXPECT_EQ(a.outcome, TravelOutcome::kEligible);
  EXPECT_EQ(a.entitled_until, D(2027, 6, 25));
}

// A child who reaches compulsory school age during the year is entitled from
// that day: born 1 March 2022, 5 on 1 March 2027, of school age from 31 March
// 2027; one born 1 October 2022 not in 2026/27 at all.
TEST(EligibilityTest, EntitledFromTheDayCompulsorySchoolAgeBegins_EA1996S8) {
  TravelFacts reception = Child(D(2022, 3, 1), 4.0);
  TravelAssessment a = AssessTravelEligibility(reception);
  EXPECT_EQ(a.outcome, TravelOutcome::kEligible);
  EXPECT_EQ(a.entitled_from, D(2027, 3, 31));
  EXPECT_EQ(a.age, 5);
  EXPECT_EQ(a.walking_distance_limit, 2.0);
  EXPECT_NE(a.explanation.find("from 2027-03-31"), std::string::npos);
  reception.on = D(2027, 3, 30);
  EXPECT_EQ(AssessTravelEligibility(reception).entitled_from, D(2027, 3, 31));
  reception.on = D(2027, 3, 31);
  EXPECT_EQ(AssessTravelEligibility(reception).entitled_from, D(2027, 3, 31));
  TravelFacts young = Child(D(2022, 10, 1), 4.0);
  EXPECT_EQ(AssessTravelEligibility(young).outcome,
            TravelOutcome::kPolicyDecision);
}

// The age on the date in question: a child who turns 8 on 2 Jan 2027 has the
// 2-mile distance on 1 Sept 2026 and the 3-mile distance from 2 Jan 2027.
TEST(EligibilityTest, TheAgeIsTakenOnTheDateInQuestion_Sch35BPara12) {
  TravelFacts f = Child(D(2019, 1, 2), 2.5);
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kEligible);
  f.on = D(2027, 1, 1);
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kEligible);
  f.on = D(2027, 1, 2);
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kNotEligible);
}

// A distance not measured is "not given", never 0 miles: a ground that needs
// it cannot be decided without it, unless another ground is met.
TEST(EligibilityTest, AnUnmeasuredDistanceIsNotGivenNotZero) {
  TravelFacts f = Child(D(2014, 5, 1), 0);
  f.walking_miles.reset();
  f.road_miles.reset();
  TravelAssessment a = AssessTravelEligibility(f);
  EXPECT_EQ(a.outcome, TravelOutcome::kCannotDecide);
  EXPECT_EQ(a.field, "walking_miles");
  f.cannot_walk_sen_disability = true;  // para 3: whatever the distance
  EXPECT_EQ(AssessTravelEligibility(f).outcome, TravelOutcome::kEligible);
  TravelFacts teen = Child(D(2013, 3, 1), 2.8);
  teen.road_miles.reset();
  teen.nearest_suitable_school = false;
  teen.among_three_nearest = true;
  teen.low_income = true;
  a = AssessTravelEligibility(teen);
  EXPECT_EQ(a.outcome, TravelOutcome::kCannotDecide);
  EXPECT_EQ(a.field, "road_miles");
  teen.road_miles = 0.0;  // measured as 0: a real answer
  EXPECT_EQ(AssessTravelEligibility(teen).outcome, TravelOutcome::kEligible);
}

}  // namespace
}  // namespace casework::statutory
