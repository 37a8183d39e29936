// The Connect protocol (https://connectrpc.com/docs/protocol), unary calls
// only, in front of casework's gRPC services: what the browser app speaks.
//
// POST /casework.v1.<Service>/<Method> with a body of the request message as
// JSON (Content-Type application/json, the proto3 JSON mapping) or binary
// protobuf (application/proto). The gateway finds the method in the
// descriptors compiled into the binary (the whole public contract, proto/), so
// no RPC has a handler of its own: it checks the body against the request
// type, calls the service that owns the gRPC service over a gRPC channel, and
// answers with the response in the request's codec. An error is always JSON,
// {"code": "invalid_argument", "message": "...", "details": [...]}, with the
// HTTP status of the Connect spec's table; the service's own message reaches
// the browser unchanged (it names the field).
//
// The caller's Authorization header goes to the service as the `authorization`
// metadata: the services decide what the token may see (there is no second
// policy here). Only a well-formed header is forwarded (a bearer token of
// RFC 6750's characters; Casework-Expected-Version digits): anything else is
// INVALID_ARGUMENT (HTTP 400) before any backend call, so no client byte
// reaches gRPC metadata unchecked. Connect-Timeout-Ms becomes the call's
// deadline (capped).
//
// JSON requests with a field the request type does not have are refused
// (INVALID_ARGUMENT naming it): a typo must never turn into a different
// question. Bodies above the limit are refused before they are read in full.
//
// Thread safety: Call is thread-safe; routes are fixed at construction.
#ifndef CASEWORK_SERVICES_WEB_CONNECT_H_
#define CASEWORK_SERVICES_WEB_CONNECT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace grpc {
class Channel;
}  // namespace grpc
namespace google::protobuf {
class ServiceDescriptor;
}  // namespace google::protobuf

namespace casework::web {

// One HTTP request as the gateway needs it (headers by their lower-case
// names; empty when absent).
struct HttpCall {
  std::string path;  // "/casework.v1.ProjectionService/GetWorklist"
  std::string content_type;
  std::string content_encoding;
  std::string authorization;
  std::string timeout_ms;  // Connect-Timeout-Ms
  // Casework-Expected-Version: the case version a page was built on, for a
  // command (the service refuses it, ABORTED, when the case moved on).
  std::string expected_version;
  std::string body;
};

struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
  // The gRPC status code of the call (OK for a success), for logs and
  // metrics.
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string method;  // "casework.v1.ProjectionService/GetWorklist"; empty
                       // when unknown
};

struct GatewayOptions {
  size_t max_body_bytes = size_t{1} << 20;
  absl::Duration default_deadline = absl::Seconds(30);
  absl::Duration max_deadline = absl::Seconds(120);
};

// A gRPC service (full name, "casework.v1.ProjectionService") and the channel
// of the process that serves it.
struct Route {
  std::string service;
  std::shared_ptr<grpc::Channel> channel;
};

class ConnectGateway {
 public:
  // INVALID_ARGUMENT when a route names a service the contract does not have
  // or has a streaming method.
  static absl::StatusOr<std::unique_ptr<ConnectGateway>> Create(
      std::vector<Route> routes, GatewayOptions options);

  // Blocks for the backend's answer (up to the deadline).
  HttpReply Call(const HttpCall& call) const;

  const GatewayOptions& options() const { return options_; }
  // The routed services' full names.
  std::vector<std::string> services() const;
  std::shared_ptr<grpc::Channel> channel(const std::string& service) const;

 private:
  ConnectGateway(std::map<std::string, std::shared_ptr<grpc::Channel>> routes,
                 GatewayOptions options)
      : routes_(std::move(routes)), options_(options) {}

  std::map<std::string, std::shared_ptr<grpc::Channel>> routes_;
  GatewayOptions options_;
};

// The longest Authorization header forwarded (a token with many teams' claims
// is well under it).
inline constexpr size_t kMaxAuthorizationBytes = 16 * 1024;

// OK when the headers the gateway forwards are safe to forward: an empty
// value or "Bearer <b64token>" (RFC 6750 2.1) of at most
// kMaxAuthorizationBytes; an empty or all-digit version. Else
// INVALID_ARGUMENT naming the header (never echoing a token).
absl::Status CheckForwardedHeaders(absl::string_view authorization,
                                   absl::string_view expected_version);

// OK when every method of `service` is unary; INVALID_ARGUMENT naming the
// first streaming one.
absl::Status CheckRoutable(const google::protobuf::ServiceDescriptor& service);

// `text` for an error message or a log: bytes outside printable ASCII become
// '?', and it is cut at 80 characters.
std::string Printable(absl::string_view text);

// The Connect error code for a status code ("invalid_argument") and the HTTP
// status the protocol gives it (400).
absl::string_view ConnectCodeName(absl::StatusCode code);
int ConnectHttpStatus(absl::StatusCode code);
// An error reply: JSON {"code", "message", "details"?}. `details` holds
// google.rpc.Status details (Any) as the protocol writes them.
HttpReply ConnectError(absl::StatusCode code, absl::string_view message,
                       absl::string_view details_json = "");

}  // namespace casework::web

#endif  // CASEWORK_SERVICES_WEB_CONNECT_H_
