// Early warning of breaches: a read model of each EHC needs assessment's
// way to its final plan (the days it entered each stage, from its clocks),
// and of each review's way to its decision and amended plan; forecasts of
// when they will be done, and a back-test of the assessments' forecasts
// against a naive rule.
//
// The method: an assessment is at one of four stages - awaiting the decision
// to assess; assessing (advice outstanding); advice in, draft plan not
// issued; draft plan issued. For the assessments whose final plan was issued
// in the 12 months before the day of the forecast (no exception recorded),
// the days each took from entering a stage to its final plan are its
// stage's reference times. An open assessment that entered its stage x days
// ago is forecast to be issued its final plan on the stage's entry day plus
// the median of the reference times of x days or more (those that had still
// not finished after as long); with fewer than kMinReferences such times,
// there is no forecast. It is at risk, while not yet due, when at least one
// in three of those times would bring its final plan after its due date.
// (The threshold was chosen on tests/testing/la_history by trying one in
// two, 40%, 30% and 25%; docs/early-warning.md has the figures.)
//
// Thread safety: pure functions; Apply writes through the caller's batch.
#ifndef CASEWORK_SERVICES_PROJECTION_FORECAST_H_
#define CASEWORK_SERVICES_PROJECTION_FORECAST_H_

#include <rocksdb/db.h>

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/internal/projection_store.pb.h"
#include "casework/v1/projection.pb.h"
#include "libs/core/date.h"
#include "services/projection/store.h"
#include "services/projection/transition.h"

namespace casework::projection::forecast {

inline constexpr int kMinReferences = 5;
inline constexpr int kHistoryDays = 365;

// The method above, in words, for reports.
extern const char kMethod[];

// Updates the assessment's Journey from an ehc-assessments event's clock
// changes (the 20-week clock of a first assessment; re-assessments have
// their own and no journey).
absl::Status Apply(Writer& writer, const EventFacts& facts,
                   const StreamDelta& delta);

// True for an EHC assessment's journey (to its final plan); false for a
// review's (to its decision or its amended plan). The journey's rule.
bool IsAssessment(const internal::Journey& j);
std::string RuleOf(const internal::Journey& j);

struct StageOn {
  int index = 0;  // 0-3 as above
  Date entered;
};
// The stage `j` was at on `day`, from what had happened by then (a review:
// 0 from the meeting, 1 from a decision to amend).
StageOn StageOf(const internal::Journey& j, Date day);
// True when `j` was open on `day`: started, and neither finished nor ended.
bool OpenOn(const internal::Journey& j, Date day);

// The reference times of the assessments finished in the kHistoryDays
// before `day`.
class Model {
 public:
  Model(const std::vector<internal::Journey>& all, Date day);
  // The forecast final plan day of `j` on `day`, and how many reference
  // times it rests on; nullopt when fewer than kMinReferences.
  std::optional<Date> Forecast(const internal::Journey& j, Date day,
                               int* references) const;
  // Of those reference times, how many would bring the final plan after
  // `due`, and of how many; nullopt when fewer than kMinReferences.
  struct Late {
    int late = 0;
    int of = 0;
    // At risk: at least one chance in three of missing the due date.
    bool AtRisk() const { return 3 * late >= of; }
    double Percent() const { return of == 0 ? 0 : 100.0 * late / of; }
  };
  std::optional<Late> LateShare(const internal::Journey& j, Date day,
                                Date due) const;

 private:
  // The reference times of `j`'s stage on `day` of at least the time it has
  // spent there: [first, last) of the sorted times.
  struct References {
    StageOn at;
    std::vector<int>::const_iterator first, last;
    int size() const { return static_cast<int>(last - first); }
  };
  References ReferencesOf(const internal::Journey& j, Date day) const;
  const std::vector<int>& Times(const internal::Journey& j, int stage) const;
  // Sorted, per rule and stage.
  std::map<std::string, std::array<std::vector<int>, 4>> remaining_;
};

// The stage in words, and what holds the assessment up on `day` ("advice
// from health outstanding for 7 weeks").
std::string StageName(const internal::Journey& j, int index);
std::string HoldingUp(const internal::Journey& j, Date day);

// Every journey (the J keys), read from the current query's snapshot.
absl::StatusOr<std::vector<internal::Journey>> All(rocksdb::DB* db);

// The officer responsible for a journey's case now (the journey keeps the
// officer of its last clock change; a case reassigned since has another).
using OfficerOf = std::function<std::string(const internal::Journey&)>;

// The at-risk report of `officers`' assessments and reviews on `as_of`.
v1::AtRiskReport AtRisk(const std::vector<internal::Journey>& all,
                        const std::vector<std::string>& officers, Date as_of,
                        const OfficerOf& officer_of = nullptr);

// The back-test of assessments due in [from, to], with outcomes as known on
// `as_of`: the forecast `horizon_weeks` before the due date, the forecast at
// the naive rule's week, and the naive rule (flag an assessment still open
// 14 weeks after its request).
v1::ForecastBackTest BackTest(const std::vector<internal::Journey>& all,
                              Date from, Date to, int horizon_weeks,
                              Date as_of);

}  // namespace casework::projection::forecast

#endif  // CASEWORK_SERVICES_PROJECTION_FORECAST_H_
