// Unary gRPC calls by method name with serialized messages, for callers that
// work from descriptors or know only the wire form: the web gateway, and the
// health checks of casectl and the gateway.
//
// Thread safety: thread-safe (a call per ClientContext).
#ifndef CASEWORK_LIBS_RPC_RAW_CALL_H_
#define CASEWORK_LIBS_RPC_RAW_CALL_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace casework {

// Calls `method` ("/casework.v1.ProjectionService/GetWorklist") with the
// request's bytes and blocks until it ends: its status, and on OK the
// answer's bytes in `response`.
grpc::Status CallUnaryBytes(const std::shared_ptr<grpc::Channel>& channel,
                            grpc::ClientContext& context,
                            const std::string& method,
                            const std::string& request, std::string* response);

// grpc.health.v1.Health/Check of the whole server (service ""): true when it
// answers SERVING, false for any other answer; the call's status when it
// fails (not listening, deadline).
absl::StatusOr<bool> CheckServing(const std::shared_ptr<grpc::Channel>& channel,
                                  absl::Duration timeout);

}  // namespace casework

#endif  // CASEWORK_LIBS_RPC_RAW_CALL_H_
