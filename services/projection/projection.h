// Projection: the read models built from the event topics, in RocksDB.
//
// Apply() takes Kafka records (any domain topic), and in one WriteBatch
// writes their effects and the partitions' next offsets, so an event is
// applied exactly once even across crashes; an event whose stream version is
// not above the last one applied for its stream (a re-delivery or a re-publish)
// changes nothing but the offset. Keys (\0 separates parts):
//   S<source code>\0<stream>          stream state (internal.StreamState:
//                                     last version, officer, child, clocks)
//   T<child>\0<yyyymmdd><source code>\0<position>   timeline entry
//   (source codes: e, r, t, c for the four services; others by name)
//   W<officer>\0<due yyyymmdd><stream>\0<clock> worklist item
//   Q<officer>\0<closed yyyymm>\0<measure>      met/missed/excluded counts of
//                                     the month, then of each of its days
//                                     (period first: a scorecard's months
//                                     are one range scan)
//   X<officer>\0<measure>\0<closed yyyymmdd>\0<source>\0<stream>\0<clock>
//                                     a missed clock (exception report)
//   C<officer>\0<child>                the days the officer held each of the
//                                     child's streams (internal.CaseHolding)
//   H<officer>\0<yyyymm>              holding history: each day's changes to
//                                     open and overdue items, active plans,
//                                     backlog and caseload (signed), the
//                                     month's totals first; summed for the
//                                     figures on any day
//   O<topic>\0<partition>              next offset
//   D<officer>, G<team>                directory (casework.directory.v1)
//   V                                  storage layout version
// Measures are attributed to the officer responsible when the clock closed.
//
// Thread safety: Apply from one thread; queries from any thread concurrently.
// Each query reads one RocksDB snapshot, so its figures are of one moment.
#ifndef CASEWORK_SERVICES_PROJECTION_PROJECTION_H_
#define CASEWORK_SERVICES_PROJECTION_PROJECTION_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "casework/v1/projection.pb.h"
#include "libs/core/date.h"
#include "libs/kafka/kafka.h"

namespace casework::projection {

inline constexpr char kDirectoryTopic[] = "casework.directory.v1";
inline constexpr char kDirectoryDeadLetterTopic[] =
    "casework.directory.deadletter.v1";

// A measure's target and amber margin (percentage points, or a count for a
// lower-is-better measure such as the review backlog).
struct MeasureTarget {
  double target = 0;
  double amber_margin = 0;
  bool lower_is_better = false;
};
using Targets = std::map<std::string, MeasureTarget>;

// The default targets (DOMAIN.md section 6 and the seeds: 20-week plans 60%,
// EP advice 85%, backlog 0, ...).
const Targets& DefaultTargets();
// Lines "CODE TARGET AMBER_MARGIN [lower]" ('#' starts a comment) over the
// defaults. INVALID_ARGUMENT naming the line when one cannot be read.
absl::StatusOr<Targets> ParseTargets(const std::string& text);

class Projection {
 public:
  virtual ~Projection() = default;
  static absl::StatusOr<std::unique_ptr<Projection>> Open(
      const std::string& dir, Targets targets = DefaultTargets());
  // Deletes the read models in `dir` (a rebuild from the topics follows).
  static absl::Status Destroy(const std::string& dir);

  // Applies records in order, all in one RocksDB write together with each
  // partition's next offset. A record that is not a casework event is skipped
  // (logged; its offset is still stored); returns how many were skipped.
  // UNAVAILABLE when storage fails: nothing of the batch is written.
  // A directory record that could not be read, and why (for the dead-letter
  // topic).
  struct Rejected {
    kafka::Message message;
    std::string reason;
  };
  virtual absl::StatusOr<int> Apply(const std::vector<kafka::Message>& messages,
                                    std::vector<Rejected>* rejected) = 0;
  absl::StatusOr<int> Apply(const std::vector<kafka::Message>& messages) {
    return Apply(messages, nullptr);
  }
  absl::StatusOr<int> Apply(const kafka::Message& message) {
    return Apply(std::vector<kafka::Message>{message}, nullptr);
  }
  // Next offset to read per (topic, partition) (absent: from the beginning).
  virtual absl::StatusOr<std::map<std::pair<std::string, int32_t>, int64_t>>
  Offsets() = 0;
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

  // For crash tests: called inside Apply at kFaultMidBatch (half the batch's
  // effects built, nothing written) and kFaultWritten (the batch written,
  // Apply not yet returned), so a test can kill the process there.
  static constexpr char kFaultMidBatch[] = "mid-batch";
  static constexpr char kFaultWritten[] = "written";
  virtual void SetFaultHookForTesting(
      std::function<void(const char* point)> hook) = 0;
};

// Consumes the given topics into a Projection on a background thread, starting
// from the offsets the projection stored. Waits for topics that do not exist
// yet.
class ProjectionConsumer final {
 public:
  // from_start: read every partition from offset 0 instead of the stored
  // offsets (the topics were recreated empty; applied events are skipped).
  ProjectionConsumer(Projection& projection, kafka::ConsumerOptions options,
                     std::vector<std::string> topics, bool from_start = false);
  ~ProjectionConsumer();
  ProjectionConsumer(const ProjectionConsumer&) = delete;
  ProjectionConsumer& operator=(const ProjectionConsumer&) = delete;

  // The most records applied in one write: what has arrived, up to this.
  // Caught up, batches are small; catching up (a rebuild, a restart after an
  // outage), a batch holds about two weeks of an LA's events, so a stream's
  // several events and a month's counters are written once rather than once
  // per record (measured: 2,000-5,000 gave a rebuild 25-40% more events/s
  // than 500).
  static constexpr size_t kMaxBatch = 4000;

 private:
  void Loop();
  Projection& projection_;
  const kafka::ConsumerOptions options_;
  const std::vector<std::string> topics_;
  const bool from_start_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_PROJECTION_H_
