// MetricsServer: the plain-HTTP side door of a service (cpp-httplib), on its
// own port (--metrics-port), apart from the gRPC port:
//   GET /metrics  the Registry in Prometheus text format
//   GET /healthz  liveness: 200 "ok" while the process answers at all
//   GET /readyz   readiness: 200 "SERVING", or 503 "NOT_SERVING: <reason>"
//                 (the store cannot write, a consumer is stalled or catching
//                 up, ...), the same truth as grpc.health.v1
// Nothing on it names a child or a person: it is for the operations team's
// scraper and the orchestrator's probes.
//
// Thread safety: thread-safe; `ready` is called from the server's threads.
#ifndef CASEWORK_LIBS_METRICS_HTTP_SERVER_H_
#define CASEWORK_LIBS_METRICS_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "libs/metrics/metrics.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace casework::metrics {

// Binds `server` to host:port (port 0: a free one) and returns the port bound;
// UNAVAILABLE naming `flag` (e.g. "--metrics-port") when it cannot.
absl::StatusOr<int> BindHttp(httplib::Server& server, const std::string& host,
                             int port, const std::string& flag);

// Writes `port` and a newline to `path` atomically (a temporary file renamed),
// for a supervisor that started the process with port 0; nothing when `path`
// is empty. UNAVAILABLE naming --metrics-port-file when it cannot.
absl::Status WritePortFile(const std::string& path, int port);

class MetricsServer {
 public:
  using ReadyFn = std::function<absl::Status()>;
  // Listens on host:port (0: a free port). UNAVAILABLE when it cannot bind.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& host, int port, const Registry& registry,
      ReadyFn ready);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }

 private:
  MetricsServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace casework::metrics

#endif  // CASEWORK_LIBS_METRICS_HTTP_SERVER_H_
