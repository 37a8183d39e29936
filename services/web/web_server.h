// The web service: one HTTP port serving the browser app and the Connect
// gateway to the gRPC services (services/web/connect.h).
//
//   POST /casework.v1.<Service>/<Method>  the Connect gateway
//   GET  /config.json                     what the app needs to sign in: the
//                                         identity provider (issuer), client
//                                         id, the API audience and scopes,
//                                         and the LA's case-system link
//   GET  /healthz                         liveness: 200 "ok"
//   GET  /readyz                          readiness of this process: 200
//                                         once listening (no backend call:
//                                         a service catching up must not
//                                         take every replica out of service)
//   GET  anything else                    a file of the built app, or the
//                                         app's index.html for its own paths
//                                         (/team/T1, /worklist/...); the
//                                         reserved paths (IsReservedPath)
//                                         answer 404/405, never the app
//
// With a metrics registry, a thread asks every routed service for its
// grpc.health.v1 status every backend_check_interval and sets the gauge
// casework_web_backend_serving{service} (1 or 0); an answer from a service
// that was not serving at the last check carries the header
// Casework-Service-Status: not-serving (its figures may be behind: the app
// says so on the page).
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
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
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
  absl::Duration backend_check_interval = absl::Seconds(10);
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
  // Asks every routed service for its health now and sets the gauge (the
  // watcher thread calls it every backend_check_interval). No-op without a
  // registry.
  void RefreshBackendHealth();
  // Whether the service (full name) answered NOT_SERVING, or not at all, at
  // the last check; false before the first.
  bool BackendNotServing(const std::string& service) const;

 private:
  WebServer() = default;
  void WatchBackends();
  WebOptions options_;
  std::shared_ptr<const ConnectGateway> gateway_;
  metrics::Registry* registry_ = nullptr;
  mutable absl::Mutex health_mu_;
  std::map<std::string, bool> serving_ ABSL_GUARDED_BY(health_mu_);
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::thread watcher_;
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  int port_ = 0;
};

// Paths that belong to the server, not the app: /metrics, /healthz, /readyz
// (and anything under them), and every /casework.* or /grpc.* path.
bool IsReservedPath(absl::string_view path);

// The Content-Security-Policy for an app signing in at `issuer`.
std::string ContentSecurityPolicy(const std::string& issuer);

}  // namespace casework::web

#endif  // CASEWORK_SERVICES_WEB_WEB_SERVER_H_
