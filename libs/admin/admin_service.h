// AdminServiceImpl: the admin RPCs of a domain service (re-publish its log).
// Admins only (libs/auth policy).
//
// Thread safety: thread-safe.
#ifndef CASEWORK_LIBS_ADMIN_ADMIN_SERVICE_H_
#define CASEWORK_LIBS_ADMIN_ADMIN_SERVICE_H_

#include "casework/v1/admin.grpc.pb.h"
#include "libs/auth/authorizer.h"
#include "libs/eventstore/event_store.h"
#include "libs/kafka/kafka.h"

namespace casework::admin {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `relay` may be null (no broker configured): Republish is then
  // FAILED_PRECONDITION.
  AdminServiceImpl(EventStore& store, kafka::Relay* relay,
                   const auth::Authorizer& authorizer)
      : store_(store), relay_(relay), authorizer_(authorizer) {}

  grpc::Status Republish(grpc::ServerContext* ctx,
                         const v1::RepublishRequest* req,
                         v1::RepublishResponse* resp) override;

 private:
  EventStore& store_;
  kafka::Relay* const relay_;
  const auth::Authorizer& authorizer_;
};

}  // namespace casework::admin

#endif  // CASEWORK_LIBS_ADMIN_ADMIN_SERVICE_H_
