// DevStackServiceImpl: the development stack's outage drills (admins only),
// served by casework-dev alone: takes its embedded broker down or brings it
// back through `set_broker` (true: up).
//
// Thread safety: thread-safe if `set_broker` is.
#ifndef CASEWORK_LIBS_ADMIN_DEV_STACK_H_
#define CASEWORK_LIBS_ADMIN_DEV_STACK_H_

#include <functional>

#include "casework/v1/admin.grpc.pb.h"
#include "libs/auth/authorizer.h"

namespace casework::admin {

class DevStackServiceImpl final : public v1::DevStackService::Service {
 public:
  // `set_broker` null: no embedded broker (SetBroker answers
  // FAILED_PRECONDITION saying so).
  DevStackServiceImpl(std::function<void(bool up)> set_broker,
                      const auth::Authorizer& authorizer)
      : set_broker_(std::move(set_broker)), authorizer_(authorizer) {}
  grpc::Status SetBroker(grpc::ServerContext* ctx,
                         const v1::SetBrokerRequest* req,
                         v1::SetBrokerResponse* resp) override;

 private:
  const std::function<void(bool up)> set_broker_;
  const auth::Authorizer& authorizer_;
};

}  // namespace casework::admin

#endif  // CASEWORK_LIBS_ADMIN_DEV_STACK_H_
