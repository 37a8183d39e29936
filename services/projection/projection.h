// Projection: the read models built from the event topics, in RocksDB.
//
// Apply() takes one Kafka record (any domain topic), and in one WriteBatch
// writes its effects and the partition's next offset, so an event is applied
// exactly once even across crashes; a (stream, version) already applied (a
// re-delivery or a re-publish) changes nothing but the offset. Read models:
//   timeline   T<child>\0<occurred yyyymmdd><source>\0<position>   ->
//   TimelineEntry open clock K<stream>\0<clock> -> WorklistItem worklist
//   W<officer>\0<due yyyymmdd><stream>\0<clock>          -> WorklistItem
//   outcomes   M<officer>\0<measure>\0<closed yyyymmdd>             -> counters
//   caseload   C<officer>\0<child>\0<stream>                        -> ""
//   stream     S<stream>                                            -> officer
//   \0 child applied    A<stream>\0<version>                                 ->
//   "" offsets    O<topic>\0<partition>                                -> next
//   offset
// Measures are attributed to the officer responsible when the clock closed.
//
// Thread safety: Apply from one thread; queries from any thread concurrently.
#ifndef CASEWORK_SERVICES_PROJECTION_PROJECTION_H_
#define CASEWORK_SERVICES_PROJECTION_PROJECTION_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/projection.pb.h"
#include "libs/core/date.h"
#include "libs/kafka/kafka.h"

namespace casework::projection {

class Projection {
 public:
  virtual ~Projection() = default;
  static absl::StatusOr<std::unique_ptr<Projection>> Open(
      const std::string& dir);

  // Applies one record. INVALID_ARGUMENT (and only the offset is stored) for a
  // record that is not a casework event; UNAVAILABLE when storage fails
  // (nothing written).
  virtual absl::Status Apply(const kafka::Message& message) = 0;
  // Next offset to read per (topic, partition) (absent: from the beginning).
  virtual absl::StatusOr<std::map<std::pair<std::string, int32_t>, int64_t>>
  Offsets() = 0;
  virtual int64_t applied() const = 0;

  virtual absl::StatusOr<v1::Timeline> GetTimeline(
      const v1::GetTimelineRequest& request) = 0;
  virtual absl::StatusOr<v1::Worklist> GetWorklist(
      const v1::GetWorklistRequest& request, Date today) = 0;
  virtual absl::StatusOr<v1::OfficerScorecard> GetOfficerScorecard(
      const v1::GetOfficerScorecardRequest& request) = 0;
};

// Consumes the given topics into a Projection on a background thread, starting
// from the offsets the projection stored. Waits for topics that do not exist
// yet.
class ProjectionConsumer final {
 public:
  ProjectionConsumer(Projection& projection, kafka::ConsumerOptions options,
                     std::vector<std::string> topics);
  ~ProjectionConsumer();
  ProjectionConsumer(const ProjectionConsumer&) = delete;
  ProjectionConsumer& operator=(const ProjectionConsumer&) = delete;

 private:
  void Loop();
  Projection& projection_;
  const kafka::ConsumerOptions options_;
  const std::vector<std::string> topics_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_PROJECTION_H_
