// Projection: the read models built from the event topics, in RocksDB.
//
// Apply() takes Kafka records (any domain topic, and the directory) and in
// one WriteBatch writes their effects and the partitions' next offsets, so an
// event is applied exactly once even across crashes. Each event goes through
// its stream's state (transition.h):
// - a version not above the last applied (a re-delivery, a re-publish)
//   changes nothing but the offset;
// - a version ahead of the next is held (kept whole) until the missing
//   versions arrive, then applied in order: out-of-order delivery and
//   re-published gaps end in the same figures as an in-order rebuild;
// - an event that cannot be applied (a rule this build does not know, a date
//   that is not one) parks its stream: it and every later event of the
//   stream wait, every other stream goes on. Troubled() lists held and
//   parked streams; RetryStream() applies a parked stream again (after an
//   upgrade).
// The read models, each applying its part of an event and answering its own
// queries: timeline.h, worklist.h, holdings.h, outcomes.h, directory.h;
// reports.h composes scorecards, exception reports and trends; keys.h lists
// every key layout; measures.h is the measure catalogue. Measures are
// attributed to the officer responsible when the clock closed.
//
// Thread safety: Apply and RetryStream serialize; queries from any thread
// concurrently, each reading one RocksDB snapshot.
#ifndef CASEWORK_SERVICES_PROJECTION_PROJECTION_H_
#define CASEWORK_SERVICES_PROJECTION_PROJECTION_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "casework/internal/projection_store.pb.h"
#include "casework/v1/projection.pb.h"
#include "libs/core/date.h"
#include "libs/core/rocks_db.h"
#include "libs/kafka/kafka.h"
#include "services/projection/measures.h"

namespace casework::projection {

inline constexpr char kDirectoryTopic[] = "casework.directory.v1";
inline constexpr char kDirectoryDeadLetterTopic[] =
    "casework.directory.deadletter.v1";

using Offsets = std::map<std::pair<std::string, int32_t>, int64_t>;

// Held and parked streams, for health and the admin listing.
struct TroubleCounts {
  int64_t held = 0;    // streams waiting for a missing version
  int64_t parked = 0;  // streams stopped at an event that cannot be applied
};

class Projection {
 public:
  virtual ~Projection() = default;
  static absl::StatusOr<std::unique_ptr<Projection>> Open(
      const std::string& dir, Targets targets = DefaultTargets());
  // Deletes the read models in `dir` (a rebuild from the topics follows).
  static absl::Status Destroy(const std::string& dir);

  // Applies records in order and stores `next` (the next offset of each
  // partition the batch came from, dead-lettered records included) in the
  // same write. A record that is not a casework event or a valid directory
  // record is skipped (logged); returns how many were skipped. UNAVAILABLE
  // when storage fails: nothing of the batch is written.
  virtual absl::StatusOr<int> Apply(const std::vector<kafka::Message>& records,
                                    const Offsets& next) = 0;
  // The same, storing the offset after each record.
  absl::StatusOr<int> Apply(const std::vector<kafka::Message>& records);
  absl::StatusOr<int> Apply(const kafka::Message& record) {
    return Apply(std::vector<kafka::Message>{record});
  }
  // Next offset to read per (topic, partition) (absent: from the beginning).
  virtual absl::StatusOr<Offsets> StoredOffsets() = 0;
  // Records handled (applied, repeated, held or skipped) since opening.
  virtual int64_t applied() const = 0;
  // The teams of an officer from the directory (empty when unknown).
  virtual std::vector<std::string> TeamsOf(const std::string& officer_id) = 0;

  virtual absl::StatusOr<v1::Timeline> GetTimeline(
      const v1::GetTimelineRequest& request) = 0;
  virtual absl::StatusOr<v1::Worklist> GetWorklist(
      const v1::GetWorklistRequest& request, Date today) = 0;
  virtual absl::StatusOr<v1::OfficerScorecard> GetOfficerScorecard(
      const v1::GetOfficerScorecardRequest& request) = 0;
  virtual absl::StatusOr<v1::TeamScorecard> GetTeamScorecard(
      const v1::GetTeamScorecardRequest& request) = 0;
  virtual absl::StatusOr<v1::ExceptionReport> GetExceptionReport(
      const v1::GetExceptionReportRequest& request) = 0;
  // `today` gives the default last month.
  virtual absl::StatusOr<v1::Trend> GetTrend(const v1::GetTrendRequest& request,
                                             Date today) = 0;
  virtual absl::StatusOr<v1::LaScorecard> GetLaScorecard(
      const v1::GetLaScorecardRequest& request) = 0;
  // Early warning (forecast.h): `today` is the default as_of.
  virtual absl::StatusOr<v1::AtRiskReport> GetAtRisk(
      const v1::GetAtRiskRequest& request, Date today) = 0;
  virtual absl::StatusOr<v1::ForecastBackTest> GetForecastBackTest(
      const v1::GetForecastBackTestRequest& request, Date today) = 0;
  // The last version of a stream applied (0 when none): read-your-writes.
  virtual int64_t AppliedVersion(const std::string& source,
                                 const std::string& stream_id) = 0;
  // Blocks until the stream's applied version is at least `version` (woken by
  // each batch applied, not by polling) or `timeout` passes; true when it is.
  virtual bool WaitForApplied(const std::string& source,
                              const std::string& stream_id, int64_t version,
                              absl::Duration timeout) = 0;
  // Compacts the store: drops the tombstones that closed clocks leave (after a
  // rebuild, or periodically), so scans skip nothing.
  virtual absl::Status Compact() = 0;
  // The officers of a team from the directory.
  virtual std::vector<std::string> TeamMembers(const std::string& team_id) = 0;

  // Held and parked streams, with why (up to `limit`, by source and stream).
  virtual absl::StatusOr<std::vector<internal::StreamTrouble>> Troubled(
      size_t limit) = 0;
  virtual TroubleCounts Trouble() const = 0;
  // RocksDB's figures, for metrics.
  virtual RocksFigures DbFigures() const = 0;
  // Applies a parked stream's events again, from the one it stopped at: OK
  // when they apply; FAILED_PRECONDITION with the reason when it stops again;
  // NOT_FOUND when the stream is not parked.
  virtual absl::Status RetryStream(const std::string& source,
                                   const std::string& stream_id) = 0;

  // For crash tests: called inside Apply at kFaultMidBatch (half the batch's
  // effects built, nothing written) and kFaultWritten (the batch written,
  // Apply not yet returned), so a test can kill the process there.
  static constexpr char kFaultMidBatch[] = "mid-batch";
  static constexpr char kFaultWritten[] = "written";
  virtual void SetFaultHookForTesting(
      std::function<void(const char* point)> hook) = 0;
};

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_PROJECTION_H_
