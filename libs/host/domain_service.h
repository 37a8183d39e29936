// RunDomainService: the one main() of every domain service. A service gives
// its catalogue name, its own flags and a builder of its gRPC services; the
// host does the rest, the same way for every one of them:
//   flags and environment (libs/rpc/server.h) with the catalogue's port, the
//   calendar with the LA's closures, the event store (rebuilt from the topic
//   with --restore-from-topic; a backup's caught up with it before any
//   command: CatchUpAtStart), the relay to the service's topic, the token
//   verifier, the officer directory follower, the
//   authorizer, the audit log, the audit and admin services (re-publish,
//   backup), the call observer (one log line per call, RPC metrics, refusals
//   audited), health from the store (and whatever the builder adds),
//   /metrics and the probes on --metrics-port, and an orderly shutdown.
//
//   int main(int argc, char** argv) {
//     return host::RunDomainService(argc, argv, {
//         .name = "ehc-assessments",
//         .build = [](host::HostContext& h) { ... return parts; }});
//   }
//
// Thread safety: call once, from main.
#ifndef CASEWORK_LIBS_HOST_DOMAIN_SERVICE_H_
#define CASEWORK_LIBS_HOST_DOMAIN_SERVICE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/admin.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/host/catalogue.h"
#include "libs/host/restore.h"
#include "libs/metrics/metrics.h"
#include "libs/rpc/server.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace casework::host {

// What the host has set up, for the service's builder.
struct HostContext {
  const ServiceConfig& config;  // config.extras: the service's own flags
  const ServiceEntry& entry;
  RocksEventStore& store;
  const Clock& clock;
  const Calendar& calendar;
  const auth::Authorizer& authorizer;
  audit::AuditLog& audit;
  ServerRunner& runner;  // e.g. SetHealth("plan-intake", ...)
};

// What a service adds: its gRPC services, and whatever they need kept alive
// (destroyed before the store, after the server stops).
class ServiceParts {
 public:
  virtual ~ServiceParts() = default;
  std::vector<grpc::Service*> services;
};

struct DomainServiceSpec {
  std::string name;  // the catalogue row
  // The service's own flags: name -> environment variable.
  std::map<std::string, std::string> flags;
  std::function<absl::StatusOr<std::unique_ptr<ServiceParts>>(HostContext&)>
      build;
  // --restore-from-topic: a stream's list-index entries (restore.h).
  IndexOfFn index_of;
};

// The cursor that marks a log as a backup's (WriteBackup sets it in the
// copy): started on it, a service must catch up with its topic first.
inline constexpr char kRestoredCursor[] = "restored-from-backup";

// At start, before any command (with --brokers), for a log marked as a
// backup's: appends what the topic holds after the log's last position
// (libs/host/restore.h CatchUpFromTopic), then clears the mark.
// FAILED_PRECONDITION when the topic cannot be read within 2 min (the service
// does not start); an error when the topic and the log disagree. Any other
// log leads its topic: nothing to do (a start never waits on the broker).
absl::Status CatchUpAtStart(RocksEventStore& log, const ServiceConfig& config,
                            const ServiceEntry& entry,
                            const IndexOfFn& index_of);

absl::StatusOr<v1::BackupResponse> WriteBackup(RocksEventStore& log,
                                               audit::AuditLog& audit,
                                               const std::string& directory);

// AdminService.Backup's work: RocksDB checkpoints of the log (with its
// indexes, texts and the relay's cursor) in <directory>/log and of the audit
// trail in <directory>/audit. Every append acknowledged before the call is in
// it.
absl::StatusOr<v1::BackupResponse> WriteBackup(RocksEventStore& log,
                                               audit::AuditLog& audit,
                                               const std::string& directory);

// The RocksDB figures of one database (`db`: "log", "projection") as the
// casework_rocksdb_* gauges, for a metrics collector.
void AddRocksGauges(metrics::Scrape& s, absl::string_view db,
                    const RocksFigures& f);

// Runs the service until SIGINT or SIGTERM; the process's exit code (2 with
// the reason on stderr when it cannot start).
int RunDomainService(int argc, char** argv, const DomainServiceSpec& spec);

}  // namespace casework::host

#endif  // CASEWORK_LIBS_HOST_DOMAIN_SERVICE_H_
