// The SEN2 return derived from the log: one person record per child in scope,
// shaped as the XML message of ../shared/SEN2.md section 2, with the problems
// that COLLECT would fail (errors) or query (warnings), per child and officer.
//
// Derivation (SEN2.md section 4), "as it stood" on the census day: only what
// happened on or before it (each event's occurred_on) counts.
//   - Requests: one per EHC assessment stream (first or re-assessment) that
//     was received, decided or completed in the collection period, is ongoing
//     at census, or leads to a plan reported below. RequestOutcome Y/N from
//     the decision, A while none is made, W when withdrawn or moved away before
//     it, H when it was made before the period. The first decision is kept:
//     the log never overwrites it. Mediation and tribunal flags come from the
//     disagreements naming the stream (process_id) and the decision.
//   - Assessment: AssessmentOutcome Y with the final plan's date (empty while
//     only a draft is out), N with the decision not to issue, A, W, or H;
//     Week20 = 1 when an exception lifted one of its limits.
//   - NamedPlan and ActivePlans: the plan that resulted (annual-reviews keeps
//     it), when active on census day or at any time in the period: its start,
//     settings, needs, budget, cease date and reason, transfer-in LA, review
//     meeting and outcome, the decision notice (LastReview), the draft amended
//     plan (ReviewDraft: the amend decision's notice with the proposed
//     amendments), phase transfer due and final dates, and its placements in
//     the period. A plan registered without its request (migrated or
//     transferred in) sits under a Requests of outcome H.
//
// Thread safety: pure functions.
#ifndef CASEWORK_SERVICES_STATUTORY_RETURNS_SEN2_H_
#define CASEWORK_SERVICES_STATUTORY_RETURNS_SEN2_H_

#include <optional>
#include <string>
#include <vector>

#include "casework/v1/annual_review.pb.h"
#include "casework/v1/returns.pb.h"
#include "libs/core/date.h"
#include "services/statutory-returns/store.h"

namespace casework::returns {

struct ReturnPeriod {
  int year = 0;   // the census year
  Date census;    // ReferenceDate
  Date from, to;  // the collection period: the calendar year before
};
// The census is the third Thursday of January unless given (2027: 21 Jan).
ReturnPeriod PeriodFor(int year, std::optional<Date> census = std::nullopt);

struct Sen2Setting {
  std::string urn, ukprn, setting, setting_other;
  int rank = 1;
  bool sen_unit = false, resourced = false;
};
struct Sen2NamedPlan {
  Date start;
  std::string res, wbp, dp;  // codes, empty when none
  std::optional<bool> pb, oa;
  std::optional<Date> cease_date;
  int cease_reason = 0;
  std::vector<Sen2Setting> details;
};
struct Sen2Assessment {
  std::string outcome;  // Y N A W H
  std::optional<Date> outcome_date;
  bool mediation = false, tribunal = false;
  bool other_mediation = false, other_tribunal = false;
  std::optional<bool> week20;
  std::optional<Sen2NamedPlan> plan;
};
struct Sen2Placement {
  Sen2Setting where;
  Date entry;
  std::optional<Date> leaving;
  std::string res, wbp;
};
struct Sen2Need {
  std::string type;
  int rank = 1;
};
struct Sen2ActivePlan {
  std::string transfer_la;
  std::optional<Date> review_meeting;
  std::string review_outcome;  // A C M
  std::optional<Date> review_draft, phase_due, phase_final, last_review;
  std::vector<Sen2Placement> placements;
  std::vector<Sen2Need> needs;
  bool active_at_census = false;
};
struct Sen2Request {
  std::string stream_id;   // the assessment (or, for an H request, the plan)
  std::string officer_id;  // responsible for it
  std::optional<Date> received;
  std::string source;  // 1-5
  std::optional<bool> rya;
  std::string outcome;  // Y N A W H
  std::optional<Date> outcome_date;
  bool mediation = false, tribunal = false;
  std::string exported;
  bool received_in_period = false;
  std::optional<Sen2Assessment> assessment;
  std::optional<Sen2ActivePlan> active;
};
struct Sen2Person {
  std::string child_id;
  std::string surname, forename, sex, ethnicity, postcode, upn, uln,
      upn_unknown;
  std::optional<Date> birth;
  std::vector<Sen2Request> requests;
};

struct Sen2Result {
  std::optional<Sen2Person> person;  // nullopt: nothing of the child in scope
  std::vector<v1::Sen2Problem> problems;
};

// The child's record for the return of `period`, and its problems.
Sen2Result BuildPerson(const ChildData& child, const ReturnPeriod& period);

}  // namespace casework::returns

#endif  // CASEWORK_SERVICES_STATUTORY_RETURNS_SEN2_H_
