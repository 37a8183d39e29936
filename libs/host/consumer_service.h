// RunConsumerService: the one main() of every service that builds a read model
// from the topics (the projection, the statutory returns). A service gives its
// catalogue name, its own flags, the topics it reads, and a builder that opens
// its store and makes its sink and gRPC services; the host does the rest, the
// same way for each:
//   flags and environment (libs/rpc/server.h) with the catalogue's port,
//   --rebuild (the builder destroys its store first), the token verifier, the
//   authorizer (with the builder's team lookup, if any), the audit log and
//   its service, the consumer runtime on the topics (libs/kafka/
//   consumer_runtime.h) with dead letters, health from the runtime (NOT_SERVING
//   with the reason while starting, catching up or stalled), the consumer
//   admin service (status, resume, parked streams), the call observer,
//   /metrics (the runtime's figures and the builder's gauges) and the probes
//   on --metrics-port, and an orderly shutdown.
//
// Thread safety: call once, from main.
#ifndef CASEWORK_LIBS_HOST_CONSUMER_SERVICE_H_
#define CASEWORK_LIBS_HOST_CONSUMER_SERVICE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/admin/consumer_admin.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/clock.h"
#include "libs/kafka/consumer_runtime.h"
#include "libs/metrics/metrics.h"
#include "libs/rpc/server.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace casework::host {

// What a consumer service is made of. The builder fills the store-side parts
// first (OpenConsumer), the host then asks for the gRPC services (Serve) once
// the authorizer and the audit log exist.
class ConsumerParts {
 public:
  virtual ~ConsumerParts() = default;
  // What the runtime feeds: checks each record and applies batches with their
  // offsets.
  virtual kafka::RecordSink& sink() = 0;
  // The officer -> teams lookup for the authorizer (empty: none).
  virtual std::function<std::vector<std::string>(const std::string&)> teams() {
    return {};
  }
  // Parked streams for the consumer admin service (null: none).
  virtual admin::StreamRepair* repair() { return nullptr; }
  // The service's gRPC services, kept alive by the parts.
  virtual std::vector<grpc::Service*> Serve(const auth::Authorizer& authorizer,
                                            audit::AuditLog& audit) = 0;
  // Figures added to every scrape (optional).
  virtual void Gauges(metrics::Scrape&) {}
};

struct ConsumerServiceSpec {
  std::string name;  // the catalogue row
  // The service's own flags: name -> environment variable.
  std::map<std::string, std::string> flags;
  std::vector<std::string> topics;
  size_t max_batch = 4000;
  // Opens the store in config.data_dir (destroying it first when
  // config.rebuild).
  std::function<absl::StatusOr<std::unique_ptr<ConsumerParts>>(
      const ServiceConfig&)>
      open;
};

int RunConsumerService(int argc, char** argv, const ConsumerServiceSpec& spec);

}  // namespace casework::host

#endif  // CASEWORK_LIBS_HOST_CONSUMER_SERVICE_H_
