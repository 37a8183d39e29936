#include "libs/admin/dev_stack.h"

#include "libs/core/grpc_status.h"
#include "libs/core/log.h"

namespace casework::admin {

grpc::Status DevStackServiceImpl::SetBroker(grpc::ServerContext* ctx,
                                            const v1::SetBrokerRequest* req,
                                            v1::SetBrokerResponse* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, "/casework.v1.DevStackService/SetBroker");
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (!set_broker_) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        "this stack runs on an external Kafka cluster, not the embedded "
        "broker: stop and start its brokers instead (scripts/kafka-cluster.sh "
        "kill|restart NODE)"));
  }
  set_broker_(req->up());
  LogWarn(
      req->up() ? "drill: embedded broker up" : "drill: embedded broker down",
      {{"actor", who->subject}});
  resp->set_up(req->up());
  return grpc::Status::OK;
}

}  // namespace casework::admin
