#include "services/projection/projection_service.h"

#include "libs/core/grpc_status.h"

namespace casework::projection {
namespace {

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* resp) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status ProjectionServiceImpl::GetTimeline(
    grpc::ServerContext*, const v1::GetTimelineRequest* req,
    v1::Timeline* resp) {
  return Reply(projection_.GetTimeline(*req), resp);
}

grpc::Status ProjectionServiceImpl::GetWorklist(
    grpc::ServerContext*, const v1::GetWorklistRequest* req,
    v1::Worklist* resp) {
  return Reply(projection_.GetWorklist(*req, clock_.Today()), resp);
}

grpc::Status ProjectionServiceImpl::GetOfficerScorecard(
    grpc::ServerContext*, const v1::GetOfficerScorecardRequest* req,
    v1::OfficerScorecard* resp) {
  return Reply(projection_.GetOfficerScorecard(*req), resp);
}

}  // namespace casework::projection
