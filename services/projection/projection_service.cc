#include "services/projection/projection_service.h"

#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"

namespace casework::projection {
namespace {

std::string Method(absl::string_view rpc) {
  return absl::StrCat("/", v1::ProjectionService::service_full_name(), "/",
                      rpc);
}

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* resp) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status ProjectionServiceImpl::GetTimeline(
    grpc::ServerContext* ctx, const v1::GetTimelineRequest* req,
    v1::Timeline* resp) {
  const std::string method = Method("GetTimeline");
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(*ctx, method);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<v1::Timeline> timeline = projection_.GetTimeline(*req);
  if (!timeline.ok()) return ToGrpcStatus(timeline.status());
  absl::Status audited = audit_.Record(*who, method, {{req->child_id(), ""}});
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(*timeline);
  return grpc::Status::OK;
}

grpc::Status ProjectionServiceImpl::GetWorklist(
    grpc::ServerContext* ctx, const v1::GetWorklistRequest* req,
    v1::Worklist* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, Method("GetWorklist"), req->officer_id());
  if (!who.ok()) return ToGrpcStatus(who.status());
  return Reply(projection_.GetWorklist(*req, clock_.Today()), resp);
}

grpc::Status ProjectionServiceImpl::GetOfficerScorecard(
    grpc::ServerContext* ctx, const v1::GetOfficerScorecardRequest* req,
    v1::OfficerScorecard* resp) {
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(
      *ctx, Method("GetOfficerScorecard"), req->officer_id());
  if (!who.ok()) return ToGrpcStatus(who.status());
  return Reply(projection_.GetOfficerScorecard(*req), resp);
}

}  // namespace casework::projection
