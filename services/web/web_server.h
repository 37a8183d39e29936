// The web service: one HTTP port serving the browser app and the Connect
// gateway to the gRPC services (services/web/connect.h).
//
//   POST /casework.v1.<Service>/<Method>  the Connect gateway
//   GET  /config.json                     what the app needs to sign in: the
//                                         identity provider (issuer), client
//                                         id, the API audience and scopes,
//                                         and the LA's case-system link
//   GET  /healthz                         liveness: 200 "ok"
//   GET  /readyz                          200 when every service behind the
//                                         gateway answers SERVING to
//                                         grpc.health.v1, else 503 naming it
//   GET  anything else                    a file of the built app, or the
//                                         app's index.html for its own paths
//                                         (/team/T1, /worklist/...)
//
// Every answer carries the security headers of a public-sector service
// (Content-Security-Policy limited to the site and the identity provider,
// no framing, no sniffing, no referrer). The app's hashed assets are cached
// for a year, index.html never. Nothing here stores a token: the browser holds
// it and sends it as Authorization on each call.
//
// Thread safety: Start/Stop from one thread; the handlers run on the server's
// pool.
#ifndef CASEWORK_SERVICES_WEB_WEB_SERVER_H_
#define CASEWORK_SERVICES_WEB_WEB_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "libs/metrics/metrics.h"
#include "services/web/connect.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace casework::web {

struct WebOptions {
  std::string host = "127.0.0.1";
  int port = 8080;      // 0: a free port
  std::string app_dir;  // the built app (index.html, assets/); may be empty
  // /config.json
  std::string oidc_issuer;
  std::string oidc_client_id = "casework-web";
  std::string oidc_scope = "openid profile";
  std::string api_audience = "casework";
  // e.g. https://one.example.gov.uk/person/{child_id}; empty: no link.
  std::string case_system_url;
  int threads = 16;
};

class WebServer {
 public:
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(
      WebOptions options, std::shared_ptr<const ConnectGateway> gateway,
      metrics::Registry* registry);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  int port() const { return port_; }
  // The /readyz answer: OK, or UNAVAILABLE naming the services not serving.
  absl::Status Ready() const;

 private:
  WebServer() = default;
  WebOptions options_;
  std::shared_ptr<const ConnectGateway> gateway_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// The Content-Security-Policy for an app signing in at `issuer`.
std::string ContentSecurityPolicy(const std::string& issuer);

}  // namespace casework::web

#endif  // CASEWORK_SERVICES_WEB_WEB_SERVER_H_
