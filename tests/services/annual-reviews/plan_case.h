// One EHC plan in memory for the tests of the annual reviews core
// (testutil::DecideCase: Do gives the decision), held by officer-1 of
// child-1 once issued, and the dates the tests write.
#ifndef CASEWORK_TESTS_SERVICES_ANNUAL_REVIEWS_PLAN_CASE_H_
#define CASEWORK_TESTS_SERVICES_ANNUAL_REVIEWS_PLAN_CASE_H_

#include <optional>

#include "services/annual-reviews/review.h"
#include "tests/testing/decide_case.h"

namespace casework::reviews::testplan {

inline Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }

class PlanCase : public testutil::DecideCase<Traits, Env> {
 public:
  explicit PlanCase(Date today) : DecideCase("plan-1", today) {}
};

// The facts of a final plan the EHC service issued on `issued` (assessment
// "1", event "ev-1").
inline FinalPlanIssuedFacts FinalPlan(Date issued,
                                      std::optional<int> nc_year = {}) {
  FinalPlanIssuedFacts f;
  f.assessment_id = "1";
  f.child_id = "child-1";
  f.officer_id = "officer-1";
  f.issued_on = issued;
  f.event_id = "ev-1";
  f.nc_year = nc_year;
  return f;
}

}  // namespace casework::reviews::testplan

#endif  // CASEWORK_TESTS_SERVICES_ANNUAL_REVIEWS_PLAN_CASE_H_
