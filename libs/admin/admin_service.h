// AdminServiceImpl: the admin RPCs of a domain service (re-publish its log,
// back up its stores).
// Admins only (libs/auth policy).
//
// Thread safety: thread-safe.
#ifndef CASEWORK_LIBS_ADMIN_ADMIN_SERVICE_H_
#define CASEWORK_LIBS_ADMIN_ADMIN_SERVICE_H_

#include <functional>
#include <mutex>
#include <string>

#include "casework/v1/admin.grpc.pb.h"
#include "libs/auth/authorizer.h"
#include "libs/eventstore/event_store.h"
#include "libs/kafka/kafka.h"

namespace casework::admin {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `relay` may be null (no broker configured): Republish is then
  // FAILED_PRECONDITION.
  // Makes a backup in the directory named (an absolute path that does not
  // exist yet); null: Backup is FAILED_PRECONDITION.
  using BackupFn = std::function<absl::StatusOr<v1::BackupResponse>(
      const std::string& directory)>;
  AdminServiceImpl(EventStore& store, kafka::Relay* relay,
                   const auth::Authorizer& authorizer,
                   std::string backup_root = "", BackupFn backup = nullptr)
      : store_(store),
        relay_(relay),
        authorizer_(authorizer),
        backup_root_(std::move(backup_root)),
        backup_(std::move(backup)) {}

  grpc::Status Republish(grpc::ServerContext* ctx,
                         const v1::RepublishRequest* req,
                         v1::RepublishResponse* resp) override;
  grpc::Status Backup(grpc::ServerContext* ctx, const v1::BackupRequest* req,
                      v1::BackupResponse* resp) override;

 private:
  EventStore& store_;
  kafka::Relay* const relay_;
  const auth::Authorizer& authorizer_;
  const std::string backup_root_;
  const BackupFn backup_;
  std::mutex backup_mu_;  // one backup at a time
};

}  // namespace casework::admin

#endif  // CASEWORK_LIBS_ADMIN_ADMIN_SERVICE_H_
