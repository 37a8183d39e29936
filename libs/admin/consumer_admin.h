// ConsumerAdminServiceImpl: the admin RPCs of a consumer of the topics (the
// projection; the annual-reviews plan intake): its status, its held and
// parked streams, retrying a parked stream, resuming a partition whose
// history was gone. Admins only (libs/auth policy).
//
// Thread safety: thread-safe.
#ifndef CASEWORK_LIBS_ADMIN_CONSUMER_ADMIN_H_
#define CASEWORK_LIBS_ADMIN_CONSUMER_ADMIN_H_

#include <functional>
#include <vector>

#include "casework/v1/admin.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/kafka/consumer_runtime.h"

namespace casework::admin {

// What a consumer keeps of streams it cannot apply yet (null for a consumer
// without streams, such as the plan intake).
class StreamRepair {
 public:
  virtual ~StreamRepair() = default;
  virtual absl::StatusOr<std::vector<v1::ParkedStream>> Parked(
      size_t limit) = 0;
  virtual absl::Status Retry(const std::string& source,
                             const std::string& stream_id) = 0;
  // (held, parked) stream counts.
  virtual std::pair<int64_t, int64_t> Counts() = 0;
};

// The status RPC's message for a runtime's status.
v1::ConsumerStatus ToProto(const std::string& name,
                           const kafka::RuntimeStatus& status);

class ConsumerAdminServiceImpl final
    : public v1::ConsumerAdminService::Service {
 public:
  // `runtime` may be null (no --brokers); `repair` may be null. The parked
  // streams name children: their listing is an audited read (in `audit`).
  ConsumerAdminServiceImpl(std::string name, kafka::ConsumerRuntime* runtime,
                           StreamRepair* repair,
                           const auth::Authorizer& authorizer,
                           audit::AuditLog* audit = nullptr)
      : name_(std::move(name)),
        runtime_(runtime),
        repair_(repair),
        authorizer_(authorizer),
        audit_(audit) {}

  grpc::Status GetConsumerStatus(grpc::ServerContext* ctx,
                                 const v1::GetConsumerStatusRequest* req,
                                 v1::ConsumerStatus* resp) override;
  grpc::Status ListParkedStreams(grpc::ServerContext* ctx,
                                 const v1::ListParkedStreamsRequest* req,
                                 v1::ListParkedStreamsResponse* resp) override;
  grpc::Status RetryStream(grpc::ServerContext* ctx,
                           const v1::RetryStreamRequest* req,
                           v1::RetryStreamResponse* resp) override;
  grpc::Status ResumeConsumer(grpc::ServerContext* ctx,
                              const v1::ResumeConsumerRequest* req,
                              v1::ResumeConsumerResponse* resp) override;

 private:
  const std::string name_;
  kafka::ConsumerRuntime* const runtime_;
  StreamRepair* const repair_;
  const auth::Authorizer& authorizer_;
  audit::AuditLog* const audit_;
};

}  // namespace casework::admin

#endif  // CASEWORK_LIBS_ADMIN_CONSUMER_ADMIN_H_
