// Conversion between absl::Status and grpc::Status at the RPC edge (house style
// 8).
//
// The canonical codes map one to one; the message is kept verbatim, so an error
// that names a field ("received_on: date is in the future") reaches the client
// unchanged.
#ifndef CASEWORK_LIBS_CORE_GRPC_STATUS_H_
#define CASEWORK_LIBS_CORE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace casework {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace casework

#endif  // CASEWORK_LIBS_CORE_GRPC_STATUS_H_
