// Shared server bootstrap for every casework service: configuration from flags
// and environment, the gRPC server with reflection and the standard
// grpc.health.v1 service, and a clean shutdown on SIGTERM/SIGINT (stop
// accepting, drain in-flight calls, then the caller flushes and closes its
// database).
//
// Typical main():
//   BlockShutdownSignals();                       // before any thread starts
//   ASSIGN_OR_EXIT(ServiceConfig config, ServiceConfig::FromArgs(argc, argv,
//   "ehc-assessments", 7101));
//   ... open store, build service ...
//   ServerRunner runner(config);
//   runner.Start({&service});
//   WaitForShutdownSignal();
//   runner.Shutdown(absl::Seconds(10));
//
// Thread safety: ServerRunner is used from one thread, but for SetHealth.
#ifndef CASEWORK_LIBS_RPC_SERVER_H_
#define CASEWORK_LIBS_RPC_SERVER_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/auth/authorizer.h"
#include "libs/auth/jwt.h"
#include "libs/core/clock.h"
#include "libs/core/date.h"
#include "libs/metrics/http_server.h"
#include "libs/rpc/observe.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace casework {

// Command-line flags (--name=value or --name value) with environment fallbacks.
class Flags final {
 public:
  // INVALID_ARGUMENT for a flag not in `known` or a missing value.
  static absl::StatusOr<Flags> Parse(
      int argc, char** argv, const std::vector<std::string>& known,
      const std::vector<std::string>& booleans = {});
  // The flag's value, else the environment variable `env` (when non-empty),
  // else `fallback`.
  std::string Get(const std::string& name, const std::string& env,
                  const std::string& fallback) const;
  bool Has(const std::string& name) const { return values_.contains(name); }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// TLS for a gRPC server: PEM files. No certificate: plaintext (loopback dev
// only). A client CA: clients must present a certificate it signed (mTLS).
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
};

// Bounds on what a server takes on at once, so overload is refused fast
// (RESOURCE_EXHAUSTED) instead of growing threads and memory without bound.
struct ServerLimits {
  // Threads serving calls (gRPC's thread quota): a call arriving when all are
  // busy is answered RESOURCE_EXHAUSTED at once.
  int max_threads = 64;
  // Memory gRPC may use for call buffers across all connections.
  int64_t max_memory_bytes = int64_t{256} << 20;
};

struct ServiceConfig {
  std::string service_name;
  std::string listen_host = "127.0.0.1";
  int port = 0;
  std::string data_dir;
  std::string brokers;  // Kafka bootstrap servers; empty: do not publish
  // Extra librdkafka properties ("key=value,key=value"), e.g.
  // security.protocol=SSL.
  std::string kafka_config;
  // How the relay encodes events: "protobuf" (default) or "json" (the
  // protobuf JSON mapping, content-type application/json).
  std::string event_format = "protobuf";
  std::string holidays;  // extra closure dates, comma-separated
  // The topics were recreated empty (a new Kafka cluster; the embedded broker
  // after a restart): a domain service re-publishes its whole log, the
  // projection reads every partition from the start (skipping what it applied).
  bool topics_reset = false;
  // projection only: delete the read models and rebuild them from the topics.
  bool rebuild = false;
  // domain services only: rebuild a lost log from the service's own topic
  // into an empty --data-dir before serving (libs/host/restore.h).
  bool restore_from_topic = false;
  // --restore-expect-position: the last position the restored log must reach
  // (from a backup or the casework_eventstore_last_position metric); a topic
  // short of it is refused. 0: none.
  int64_t restore_expected_position = 0;
  // Authentication (libs/auth): tokens must come from this issuer for this
  // audience, signed by a key of the JWKS file or with the HS256 secret file.
  std::string auth_issuer;
  std::string auth_audience = "casework";
  std::string auth_jwks_file;
  // --auth-jwks-url: the provider's JWKS endpoint, fetched at start and
  // refreshed (libs/auth/jwks.h); instead of --auth-jwks.
  std::string auth_jwks_url;
  absl::Duration auth_jwks_refresh = absl::Minutes(10);
  std::string auth_hs256_secret_file;
  absl::Duration auth_skew = absl::Seconds(30);
  // Tokens living longer than this (exp - iat) are refused.
  absl::Duration auth_max_token_lifetime = absl::Hours(12);
  // The audit log of reads (default: <data_dir>-audit).
  std::string audit_dir;
  // --today YYYY-MM-DD (CASEWORK_TODAY): a fixed business date, only with
  // --non-production (CASEWORK_NON_PRODUCTION=1): demonstrations, training,
  // tests. Epoch when not set.
  Date today;
  bool non_production = false;
  // --metrics-port: Prometheus metrics and the HTTP probes
  // (libs/metrics/http_server.h); -1 (default): none, 0: a free port.
  int metrics_port = -1;
  // --metrics-port-file: where to write the bound metrics port (for a
  // supervisor that asked for port 0, like casework-dev).
  std::string metrics_port_file;
  // --log-format text|json (CASEWORK_LOG_FORMAT).
  std::string log_format = "text";
  // --max-threads: see ServerLimits.
  ServerLimits limits;
  // --officers-act-for-team (CASEWORK_OFFICERS_ACT_FOR_TEAM=1): officers may
  // act on the cases of their whole team (Authorizer::AuthorizeCase).
  auth::CaseAccessOptions case_access;
  TlsFiles tls;

  // Reads --port, --listen, --data-dir, --brokers, --kafka-config, --closures,
  // --topics-reset, --auth-issuer, --auth-audience, --auth-jwks,
  // --auth-jwks-url, --auth-jwks-refresh-seconds,
  // --auth-hs256-secret-file, --auth-skew-seconds, --auth-max-token-seconds,
  // --audit-dir, --tls-cert,
  // --tls-key, --tls-client-ca and their environment equivalents CASEWORK_*
  // (upper case, '-' as '_'; CASEWORK_TOPICS_RESET=1). --help prints usage.
  // `extra`: the service's own flags (name -> environment variable), read
  // into `extras` when given.
  static absl::StatusOr<ServiceConfig> FromArgs(
      int argc, char** argv, const std::string& service_name, int default_port,
      const std::map<std::string, std::string>& extra = {});
  std::map<std::string, std::string> extras;
};

// The clock of business dates: the system clock, or, with --today, one fixed
// at that date (logged loudly at start). The same object for the process's
// life. Token and audit times always use the system clock.
const Clock& BusinessClock(const ServiceConfig& config);

// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts
// afterwards, so that WaitForShutdownSignal can receive them. Call first thing
// in main().
void BlockShutdownSignals();
// Waits for SIGINT or SIGTERM; returns the signal number.
int WaitForShutdownSignal();

// The token verifier the configuration describes. INVALID_ARGUMENT when no
// issuer or no key is configured (every service requires authentication) or a
// file cannot be read or parsed.
absl::StatusOr<std::shared_ptr<const auth::JwtVerifier>> MakeVerifier(
    const ServiceConfig& config);

// Reads a whole file; NOT_FOUND naming it when it cannot.
absl::StatusOr<std::string> ReadFile(const std::string& path);

class ServerRunner final {
 public:
  explicit ServerRunner(std::string service_name);
  ~ServerRunner();
  ServerRunner(const ServerRunner&) = delete;
  ServerRunner& operator=(const ServerRunner&) = delete;

  // Builds and starts the server on host:port (port 0 picks a free port) with
  // the given services plus health and reflection. Returns the bound port;
  // UNAVAILABLE if it cannot bind.
  absl::StatusOr<int> Start(const std::string& host, int port,
                            const std::vector<grpc::Service*>& services,
                            const TlsFiles& tls = {},
                            const ServerLimits& limits = {});
  // Before Start: where refused calls are recorded (the audit log).
  void SetRefusalSink(RefusalSink sink) { refusal_sink_ = std::move(sink); }
  // Serves /metrics, /healthz and /readyz (the same health as gRPC's) on
  // host:port (0: a free port); returns the bound port.
  // `port_file`: when not empty, the bound port is written there (atomically).
  absl::StatusOr<int> StartMetrics(const std::string& host, int port,
                                   const std::string& port_file = "");
  // What the health service reports now (OK: SERVING), with the reason.
  absl::Status Health() const;
  // Marks the server NOT_SERVING, stops accepting calls and waits up to `grace`
  // for those in flight to finish.
  void Shutdown(absl::Duration grace);
  // What the health service reports from now on: SERVING when `status` is OK,
  // NOT_SERVING (with the reason logged) when it is not, e.g. while the event
  // store cannot write. Before Start, it applies from Start. Thread-safe (an
  // event store's health listener calls it from the store's thread).
  void SetHealth(const absl::Status& status) { SetHealth("", status); }
  // The same for one part of the service (e.g. "store", "consumer"): the
  // service is SERVING only while every part is; NOT_SERVING reports the
  // first part that is not.
  void SetHealth(const std::string& part, const absl::Status& status);
  grpc::Server* server() { return server_.get(); }

 private:
  void ApplyHealthLocked();

  const std::string service_name_;
  RefusalSink refusal_sink_;
  mutable std::mutex mu_;  // guards server_'s health and health_
  std::map<std::string, absl::Status> parts_;  // guarded by mu_
  absl::Status health_;
  std::unique_ptr<grpc::Server> server_;
  // Last: its handlers read the health above until it stops.
  std::unique_ptr<metrics::MetricsServer> metrics_;
};

}  // namespace casework

#endif  // CASEWORK_LIBS_RPC_SERVER_H_
