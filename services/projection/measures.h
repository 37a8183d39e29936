// The measure catalogue: every figure a scorecard reports, with its code,
// label, what it counts (the clock rules, the event counters or the holding
// figure), its direction and its default target (DOMAIN.md section 6).
// tests/services/projection/measures_test.cc checks it against
// statutory::AllRules(): every deadline has a measure and every clock measure
// counts rules that exist. Adding a measure is one row here.
//
// Also the one definition of "overdue" that the worklist, the holdings and
// the exception report share.
#ifndef CASEWORK_SERVICES_PROJECTION_MEASURES_H_
#define CASEWORK_SERVICES_PROJECTION_MEASURES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/core/date.h"
#include "libs/statutory/rules.h"

namespace casework::projection {

enum class MeasureKind {
  kClock,   // closed clocks of its rules: met / (met + missed)
  kRate,    // one event counter over another (or over the caseload)
  kFigure,  // a holding figure on a date (the review backlog)
};

struct MeasureDef {
  std::string code;
  std::string label;
  MeasureKind kind = MeasureKind::kClock;
  std::vector<std::string> rules;  // kClock: the clock rules it counts
  // kRate: the counters (EventCounter); a denominator kPerCaseload or
  // kPerActivePlan is a holding on the as-of date instead.
  std::string numerator, denominator;
  bool lower_is_better = false;
  double target = 0;        // default target (percent, or a count)
  double amber_margin = 0;  // how far short of the target is amber
  // kClock: one more measure per kind of adviser (ehc.advice_6_weeks.<type>).
  bool by_adviser = false;
};

// Rate denominators that are the officer's holding on the as-of date (a
// trend's month: at its end), not event counters: the open cases, and the
// active plans held.
inline constexpr char kPerCaseload[] = "caseload";
inline constexpr char kPerActivePlan[] = "active_plans";
inline bool IsHeldDenominator(absl::string_view counter) {
  return counter == kPerCaseload || counter == kPerActivePlan;
}

// Every measure, in the order scorecards report them.
const std::vector<MeasureDef>& Measures();
// The measure of `code` (advice subtypes: their parent's row); null when none.
const MeasureDef* FindMeasure(absl::string_view code);
// True when `code` is a measure a scorecard can report (advice subtypes of
// any adviser type included).
bool IsMeasure(absl::string_view code);
// A measure's label (advice subtypes: "Advice within 6 weeks: <type>").
std::string MeasureName(const std::string& code);

// The advice measure of each kind of adviser the EHC service records, in the
// v1.AdviceType enum's order ("ehc.advice_6_weeks.health", ...).
const std::vector<std::string>& AdviceMeasures();
inline constexpr char kAdviceMeasure[] = "ehc.advice_6_weeks";

// The measures a closed clock of `rule` counts toward (with the advice
// subtype, when the clock has one); empty for a rule no measure counts.
std::vector<std::string> MeasuresOfClock(absl::string_view rule,
                                         absl::string_view subtype);
// The same without allocating, for the apply path: the measures of `rule`
// (cached), and whether it also counts by kind of adviser (then
// AdviserMeasure(subtype) too).
const std::vector<std::string>& ClockMeasureCodes(absl::string_view rule);
bool CountsByAdviser(absl::string_view rule);
std::string AdviserMeasure(absl::string_view subtype);
// Whether a clock of `rule` counts toward the measure `code`.
bool CountsToward(absl::string_view rule, absl::string_view code);

// The event counter an event type adds to (null for none).
const char* EventCounter(absl::string_view event_type);
// Every event counter: (event type, counter).
const std::vector<std::pair<std::string, std::string>>& EventCounters();
// Whether a tally's counter (v1::Tally) is one this build counts: an event
// counter, a rate measure's numerator or denominator, or a QA criterion's.
bool IsCounter(absl::string_view code);

// Review-due clocks (annual, under-5): active plans and the review backlog.
bool IsReviewDue(absl::string_view rule);

// The one definition of overdue: an open clock of `rule` due on `due` is
// overdue on `on` from the day after it is due, unless the rule is a minimum
// period (a date to act after, not a deadline the LA can miss).
bool IsOverdue(const statutory::ClockRule* rule, Date due, Date on);
inline Date OverdueFrom(Date due) { return due.AddDays(1); }

// A measure's target and amber margin (percentage points, or a count for a
// lower-is-better measure such as the review backlog).
struct MeasureTarget {
  double target = 0;
  double amber_margin = 0;
  bool lower_is_better = false;
};
using Targets = std::map<std::string, MeasureTarget>;

// The catalogue's default targets.
const Targets& DefaultTargets();
// Lines "CODE TARGET AMBER_MARGIN [lower]" ('#' starts a comment) over the
// defaults. INVALID_ARGUMENT naming the line when one cannot be read or
// names no measure.
absl::StatusOr<Targets> ParseTargets(const std::string& text);

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_MEASURES_H_
