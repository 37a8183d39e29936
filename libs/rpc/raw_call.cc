#include "libs/rpc/raw_call.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <chrono>
#include <vector>

#include "absl/synchronization/notification.h"
#include "libs/core/grpc_status.h"

namespace casework {

grpc::Status CallUnaryBytes(const std::shared_ptr<grpc::Channel>& channel,
                            grpc::ClientContext& context,
                            const std::string& method,
                            const std::string& request, std::string* response) {
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::Status status;
  absl::Notification done;
  grpc::GenericStub stub(channel);
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request_buffer,
                 &response_buffer, [&status, &done](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) return status;
  response->clear();
  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unreadable answer");
  }
  for (const grpc::Slice& s : slices) {
    response->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return status;
}

absl::StatusOr<bool> CheckServing(const std::shared_ptr<grpc::Channel>& channel,
                                  absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(timeout));
  std::string answer;
  // An empty HealthCheckRequest; HealthCheckResponse { status = 1 }: SERVING
  // is 1, encoded 08 01.
  const grpc::Status status = CallUnaryBytes(
      channel, context, "/grpc.health.v1.Health/Check", "", &answer);
  if (!status.ok()) return FromGrpcStatus(status);
  return answer == std::string("\x08\x01", 2);
}

}  // namespace casework
