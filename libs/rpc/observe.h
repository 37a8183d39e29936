// The call observer every casework server installs (a gRPC server
// interceptor): for each call it
//   - writes one log line when the call ends: method, status code, duration,
//     the verified actor (auth/call_notes.h), the request id, and for a
//     refusal the reason (policy reasons name rules, never data); never the
//     request's content, so never personal data. Health checks log at debug.
//   - counts it in casework_rpc_requests_total{method,code} and times it in
//     casework_rpc_duration_seconds{method};
//   - hands every refusal (UNAUTHENTICATED, PERMISSION_DENIED) of a casework
//     method to the refusal sink (the service's audit log): who, what, why.
//
// Thread safety: the sink is called from gRPC's threads.
#ifndef CASEWORK_LIBS_RPC_OBSERVE_H_
#define CASEWORK_LIBS_RPC_OBSERVE_H_

#include <grpcpp/support/server_interceptor.h>

#include <functional>
#include <memory>
#include <string>

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace casework {

struct Refusal {
  std::string method;      // "/casework.v1.ProjectionService/GetWorklist"
  std::string actor;       // token subject; empty when not authenticated
  std::string roles;       // "officer"
  std::string request_id;  // a command's request id, when it has one
  std::string target;      // what it named, e.g. "officer_id=officer-08"
  std::string code;        // "PERMISSION_DENIED"
  std::string reason;      // the status message
};
using RefusalSink = std::function<void(const Refusal&)>;

// The request's `request_id` field (at most 128 characters), if it has one.
std::string RequestIdOf(const google::protobuf::Message& request);
// The first non-empty string field named *_id other than request_id, as
// "name=value" (at most 128 characters of value): what a call is about.
std::string TargetOf(const google::protobuf::Message& request);

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallObserverFactory(std::string service_name, RefusalSink sink);

}  // namespace casework

#endif  // CASEWORK_LIBS_RPC_OBSERVE_H_
