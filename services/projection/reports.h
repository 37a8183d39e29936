// The managers' reports, composed from the read models: officer and team
// scorecards (measures from the outcome counters, figures from the holdings,
// RAG against the targets), exception reports (missed clocks and open ones
// overdue) and monthly trends.
//
// Thread safety: thread-safe; each report reads one snapshot (store.h).
#ifndef CASEWORK_SERVICES_PROJECTION_REPORTS_H_
#define CASEWORK_SERVICES_PROJECTION_REPORTS_H_

#include <rocksdb/db.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/projection.pb.h"
#include "libs/core/date.h"
#include "services/projection/measures.h"
#include "services/projection/store.h"

namespace casework::projection {

class Reports {
 public:
  Reports(rocksdb::DB* db, Targets targets)
      : db_(db), targets_(std::move(targets)) {}
  ~Reports() { helpers_.Stop(); }

  absl::StatusOr<v1::OfficerScorecard> OfficerScorecard(
      const v1::GetOfficerScorecardRequest& req);
  absl::StatusOr<v1::TeamScorecard> TeamScorecard(
      const v1::GetTeamScorecardRequest& req);
  absl::StatusOr<v1::ExceptionReport> ExceptionReport(
      const v1::GetExceptionReportRequest& req);
  // `today` gives the default last month and the current month's figures.
  absl::StatusOr<v1::Trend> Trend(const v1::GetTrendRequest& req, Date today);
  absl::StatusOr<v1::LaScorecard> LaScorecard(
      const v1::GetLaScorecardRequest& req);
  // Early warning (forecast.h); `today` is the default as_of.
  absl::StatusOr<v1::AtRiskReport> AtRisk(const v1::GetAtRiskRequest& req,
                                          Date today);
  absl::StatusOr<v1::ForecastBackTest> BackTest(
      const v1::GetForecastBackTestRequest& req, Date today);

 private:
  struct Period {
    Date from, to, as_of;
  };
  static absl::StatusOr<Period> ReadPeriod(const v1::Date& from,
                                           const v1::Date& to,
                                           const v1::Date& as_of);
  // Exactly one of officer_id, team_id and la (INVALID_ARGUMENT naming
  // officer_id otherwise).
  absl::StatusOr<std::vector<std::string>> OfficersOf(
      const std::string& officer_id, const std::string& team_id, bool la);
  // Every officer's scorecard for the period, one snapshot, shared with the
  // helper thread.
  absl::StatusOr<std::vector<v1::OfficerScorecard>> Scorecards(
      const std::vector<std::string>& officers, const Period& p);
  absl::StatusOr<v1::OfficerScorecard> Scorecard(const std::string& officer,
                                                 const Period& p);
  // A rate measure's cases for the exception report: every case the
  // officers' counts of its numerator and denominator in [from, to] came
  // from (ExceptionReport.items), at most `limit`.
  absl::Status RateCases(const MeasureDef& def,
                         const std::vector<std::string>& officers, Date from,
                         Date to, size_t limit, v1::ExceptionReport* out);
  MeasureTarget TargetOf(const std::string& code) const;
  void ApplyTargets(v1::OfficerScorecard* card) const;

  rocksdb::DB* const db_;
  const Targets targets_;
  // One helper thread for team scorecards' officers.
  HelperPool helpers_{1};
};

// INVALID_ARGUMENT naming `measure` unless `code` is a measure a scorecard
// reports: a typo must not answer "0 cases".
absl::Status CheckMeasure(const std::string& code);

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_REPORTS_H_
