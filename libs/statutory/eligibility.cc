#include "libs/statutory/eligibility.h"

#include <algorithm>

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

Date SchoolLeavingDate(int year) {
  Date d = Date::Ymd(year, 6, 30);
  while (d.weekday() != Weekday::kFriday) d = d.AddDays(-1);
  return d;
}

Date SchoolYearStart(int year, const std::vector<Date>& term_starts) {
  auto it = std::lower_bound(term_starts.begin(), term_starts.end(),
                             Date::Ymd(year, 8, 1));
  if (it != term_starts.end() && it->year() == year) return *it;
  return Date::Ymd(year, 9, 1);
}

SchoolAgeSpan CompulsorySchoolAge(Date dob,
                                  const std::vector<Date>& term_starts) {
  // s.8(2) and the Education (Start of Compulsory School Age) Order 1998: on
  // the 5th birthday when that is a prescribed day (31 March, 31 August,
  // 31 December), otherwise the next prescribed day after it.
  const Date fifth = dob.AddMonths(60);
  Date from;
  for (Date prescribed :
       {Date::Ymd(fifth.year(), 3, 31), Date::Ymd(fifth.year(), 8, 31),
        Date::Ymd(fifth.year(), 12, 31)}) {
    if (prescribed >= fifth) {
      from = prescribed;
      break;
    }
  }
  // s.8(3): a 16th birthday before the leaving date, on it, or after it but
  // before the next school year begins (s.579(1): its first term after July)
  // ends compulsory school age on that year's leaving date; one from the
  // first day of that term, on the next year's.
  const Date sixteenth = dob.AddMonths(192);
  const int year = sixteenth.year();
  const int leaving_year =
      sixteenth < SchoolYearStart(year, term_starts) ? year : year + 1;
  return {from, SchoolLeavingDate(leaving_year)};
}

namespace {

std::string MilesNotGiven(absl::string_view what, absl::string_view ground) {
  return absl::StrCat(what,
                      " is not given: a distance that was not measured is "
                      "not 0 miles; measure it to decide ",
                      ground);
}

}  // namespace

TravelAssessment AssessTravelEligibility(const TravelFacts& f) {
  TravelAssessment a;
  const Date year_starts = Date::Ymd(f.academic_year, 9, 1);
  const Date year_ends = Date::Ymd(f.academic_year + 1, 8, 31);
  a.assessed_on = f.on.value_or(year_starts);
  a.school_age = CompulsorySchoolAge(f.date_of_birth, f.term_starts);
  const SchoolAgeSpan& csa = a.school_age;
  // The day the entitlement is judged on: the date in question, or the day
  // the child reaches compulsory school age later in the academic year.
  Date judged_on = a.assessed_on;
  if (judged_on < csa.from && csa.from <= year_ends) judged_on = csa.from;
  a.age = AgeOn(f.date_of_birth, judged_on);
  // Sch 35B para 12: statutory walking distance 2 miles under 8, 3 from 8.
  a.walking_distance_limit = a.age < 8 ? 2.0 : 3.0;
  const bool of_school_age = csa.from <= judged_on && judged_on <= csa.until;
  if (f.post16 && of_school_age) {
    a.outcome = TravelOutcome::kCannotDecide;
    a.field = "post16";
    a.explanation = absl::StrCat(
        "a child born ", f.date_of_birth.ToString(),
        " is of compulsory school age on ", judged_on.ToString(), " (from ",
        csa.from.ToString(), " until ", csa.until.ToString(),
        ", Education Act 1996 s.8): the s.508B duty applies, not the post-16 "
        "policy; remove the post-16 label or correct the date of birth");
    return a;
  }
  if (judged_on > csa.until) {
    a.outcome = TravelOutcome::kPolicyDecision;
    a.explanation = absl::StrCat(
        "post-16: compulsory school age ended on ", csa.until.ToString(),
        "; no statutory entitlement; decide under the LA's post-16 transport "
        "policy statement (Education Act 1996 s.509AA)");
    return a;
  }
  if (judged_on < csa.from) {
    a.outcome = TravelOutcome::kPolicyDecision;
    a.explanation = absl::StrCat(
        "under compulsory school age for the whole academic year (it begins "
        "on ",
        csa.from.ToString(),
        ", Education Act 1996 s.8): decide under the LA's policy (s.508B "
        "applies from compulsory school age)");
    return a;
  }
  std::vector<std::string> why;
  // A ground that needs a distance not given: named when no ground is met.
  std::string missing_field, missing_why;
  auto need = [&](const std::optional<double>& miles, const char* field,
                  const char* ground) {
    if (!miles && missing_field.empty()) {
      missing_field = field;
      missing_why = MilesNotGiven(field, ground);
    }
    return miles.has_value();
  };
  if (f.nearest_suitable_school) {
    if (need(f.walking_miles, "walking_miles",
             "whether the school is beyond walking distance (Sch 35B paras 2, "
             "12)") &&
        *f.walking_miles > a.walking_distance_limit) {
      a.grounds.push_back(TravelGround::kBeyondWalkingDistance);
      why.push_back(absl::StrFormat(
          "the nearest suitable school is %.2f miles' walk, beyond the %.0f "
          "miles for a child aged %d (Sch 35B paras 2, 12)",
          *f.walking_miles, a.walking_distance_limit, a.age));
    }
    if (f.cannot_walk_sen_disability) {
      a.grounds.push_back(TravelGround::kSenDisabilityMobility);
      why.push_back(
          "cannot reasonably be expected to walk because of SEN, disability "
          "or mobility (para 3)");
    }
    if (f.route_unsafe &&
        need(f.walking_miles, "walking_miles",
             "whether the unsafe route is within walking distance (para 4)") &&
        *f.walking_miles <= a.walking_distance_limit) {
      a.grounds.push_back(TravelGround::kUnsafeRoute);
      why.push_back(
          "no walking route is reasonably safe, even accompanied (para 4)");
    }
  }
  if (f.low_income) {
    if (a.age >= 8 && a.age <= 10 && f.nearest_suitable_school &&
        need(f.walking_miles, "walking_miles",
             "the low-income right at 8 to 10 (para 6)") &&
        *f.walking_miles > 2.0) {
      a.grounds.push_back(TravelGround::kLowIncomeAged8To10);
      why.push_back(
          "low income, aged 8 to 10, nearest suitable school over 2 miles "
          "(para 6)");
    }
    if (a.age >= 11 && (f.among_three_nearest || f.nearest_suitable_school) &&
        need(f.walking_miles, "walking_miles",
             "the low-income right to one of the 3 nearest schools (para 7)") &&
        *f.walking_miles > 2.0 &&
        need(f.road_miles, "road_miles",
             "the low-income right to one of the 3 nearest schools, not over "
             "6 miles by road (para 7)") &&
        *f.road_miles <= 6.0) {
      a.grounds.push_back(TravelGround::kLowIncomeThreeNearest);
      why.push_back(
          "low income, aged 11 to 16, one of the 3 nearest suitable schools "
          "over 2 miles and not over 6 miles by road (para 7)");
    }
    if (a.age >= 11 && f.religion_or_belief &&
        need(f.walking_miles, "walking_miles",
             "the low-income right on grounds of religion or belief (para "
             "9)") &&
        *f.walking_miles > 2.0 &&
        need(f.road_miles, "road_miles",
             "the low-income right on grounds of religion or belief, not over "
             "15 miles by road (para 9)") &&
        *f.road_miles <= 15.0) {
      a.grounds.push_back(TravelGround::kLowIncomeReligionOrBelief);
      why.push_back(
          "low income, aged 11 to 16, school chosen on grounds of religion or "
          "belief over 2 miles and not over 15 miles by road (para 9)");
    }
  }
  if (a.grounds.empty() && !missing_field.empty()) {
    a.outcome = TravelOutcome::kCannotDecide;
    a.field = missing_field;
    a.explanation = missing_why;
    return a;
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
    return a;
  }
  a.outcome = TravelOutcome::kEligible;
  a.entitled_from = judged_on;
  if (csa.until < year_ends) a.entitled_until = csa.until;
  a.explanation = "eligible";
  if (judged_on > a.assessed_on) {
    absl::StrAppend(&a.explanation, " from ", judged_on.ToString(),
                    ", the day the child reaches compulsory school age "
                    "(Education Act 1996 s.8; before it, the LA's policy)");
  }
  if (a.entitled_until) {
    absl::StrAppend(&a.explanation, " until ", a.entitled_until->ToString(),
                    ", the end of compulsory school age (s.8(3))");
  }
  absl::StrAppend(&a.explanation, ": ", why.front());
  for (size_t i = 1; i < why.size(); ++i)
    absl::StrAppend(&a.explanation, "; ", why[i]);
  return a;
}

}  // namespace casework::statutory
