#include "libs/admin/admin_service.h"

#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace casework::admin {

grpc::Status AdminServiceImpl::Republish(grpc::ServerContext* ctx,
                                         const v1::RepublishRequest* req,
                                         v1::RepublishResponse* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, "/casework.v1.AdminService/Republish");
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (req->from_position() < 1) {
    return ToGrpcStatus(FieldError("from_position", "must be 1 or more"));
  }
  const int64_t last = store_.LastPosition();
  if (req->from_position() > last + 1) {
    return ToGrpcStatus(FieldError(
        "from_position", absl::StrCat("is after the log's end (", last, ")")));
  }
  if (relay_ == nullptr) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        "this service publishes nothing (no --brokers)"));
  }
  relay_->RepublishFrom(req->from_position());
  LogInfo("re-publish requested",
          {{"actor", who->subject},
           {"from", std::to_string(req->from_position())}});
  resp->set_from_position(req->from_position());
  resp->set_last_position(last);
  return grpc::Status::OK;
}

}  // namespace casework::admin
