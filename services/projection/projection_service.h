// ProjectionServiceImpl: the gRPC adapter of the projection (queries only).
// Thread safety: thread-safe.
#ifndef CASEWORK_SERVICES_PROJECTION_PROJECTION_SERVICE_H_
#define CASEWORK_SERVICES_PROJECTION_PROJECTION_SERVICE_H_

#include "casework/v1/projection.grpc.pb.h"
#include "libs/core/clock.h"
#include "services/projection/projection.h"

namespace casework::projection {

class ProjectionServiceImpl final : public v1::ProjectionService::Service {
 public:
  ProjectionServiceImpl(Projection& projection, const Clock& clock)
      : projection_(projection), clock_(clock) {}

  grpc::Status GetTimeline(grpc::ServerContext*,
                           const v1::GetTimelineRequest* req,
                           v1::Timeline* resp) override;
  grpc::Status GetWorklist(grpc::ServerContext*,
                           const v1::GetWorklistRequest* req,
                           v1::Worklist* resp) override;
  grpc::Status GetOfficerScorecard(grpc::ServerContext*,
                                   const v1::GetOfficerScorecardRequest* req,
                                   v1::OfficerScorecard* resp) override;

 private:
  Projection& projection_;
  const Clock& clock_;
};

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_PROJECTION_SERVICE_H_
