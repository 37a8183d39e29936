#include "libs/host/domain_service.h"

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "libs/admin/admin_service.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/kafka/directory_follower.h"
#include "libs/kafka/kafka.h"
#include "libs/kafka/topics.h"
#include "libs/metrics/metrics.h"

namespace casework::host {
namespace {

int Fail(const std::string& name, const absl::Status& s) {
  std::fprintf(stderr, "%s: %s\n", name.c_str(),
               std::string(s.message()).c_str());
  return 2;
}

// The size of the files under `dir`.
int64_t DirectoryBytes(const std::string& dir) {
  int64_t bytes = 0;
  std::error_code ec;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (f.is_regular_file(ec)) bytes += static_cast<int64_t>(f.file_size(ec));
  }
  return bytes;
}

}  // namespace

void AddRocksGauges(metrics::Scrape& s, absl::string_view db,
                    const RocksFigures& f) {
  const metrics::Labels labels = {{"db", std::string(db)}};
  s.Gauge("casework_rocksdb_pending_compaction_bytes",
          "RocksDB's estimate of bytes compaction must rewrite", labels,
          f.pending_compaction_bytes);
  s.Gauge("casework_rocksdb_memtable_bytes", "RocksDB memtables' size", labels,
          f.memtable_bytes);
  s.Gauge("casework_rocksdb_block_cache_bytes", "RocksDB block cache in use",
          labels, f.block_cache_bytes);
  s.Gauge("casework_rocksdb_live_data_bytes", "RocksDB SST files' size", labels,
          f.live_data_bytes);
}

namespace {

// The event store's and the relay's figures, read at each scrape.
void CollectStore(metrics::Scrape& s, RocksEventStore& store,
                  const kafka::Relay* relay) {
  const int64_t last = store.LastPosition();
  s.Gauge("casework_eventstore_last_position",
          "The event log's last committed position", {},
          static_cast<double>(last));
  s.Gauge("casework_eventstore_queued_appends",
          "Appends waiting for the writer (bounded; beyond it "
          "RESOURCE_EXHAUSTED)",
          {}, static_cast<double>(store.QueuedAppends()));
  s.Gauge("casework_eventstore_writable",
          "1 while the event store can write, 0 while it cannot", {},
          store.WriteHealth().ok() ? 1 : 0);
  AddRocksGauges(s, "log", store.Figures());
  if (relay != nullptr) {
    const int64_t published = relay->published();
    s.Gauge("casework_relay_published_position",
            "The highest log position the broker acknowledged", {},
            static_cast<double>(published));
    s.Gauge("casework_relay_lag_events",
            "Events in the log not yet published (last position minus last "
            "published)",
            {}, static_cast<double>(std::max<int64_t>(0, last - published)));
  }
}

}  // namespace

absl::StatusOr<v1::BackupResponse> WriteBackup(RocksEventStore& log,
                                               audit::AuditLog& audit,
                                               const std::string& directory) {
  std::error_code mkdir;
  std::filesystem::create_directories(directory, mkdir);
  if (mkdir) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", directory, ": ", mkdir.message()));
  }
  // The position first: the checkpoint holds at least this much.
  const int64_t last = log.LastPosition();
  RETURN_IF_ERROR(log.Checkpoint(directory + "/log"));
  {
    // Marked as a backup: a service started on it catches up with its topic
    // before it takes a command (what was acknowledged after the backup).
    ASSIGN_OR_RETURN(std::unique_ptr<RocksEventStore> copy,
                     RocksEventStore::Open(directory + "/log"));
    RETURN_IF_ERROR(copy->SetCursor(kRestoredCursor, last));
  }
  RETURN_IF_ERROR(audit.Checkpoint(directory + "/audit"));
  v1::BackupResponse out;
  out.set_directory(directory);
  out.set_last_position(last);
  out.set_bytes(DirectoryBytes(directory));
  return out;
}

absl::Status CatchUpAtStart(RocksEventStore& log, const ServiceConfig& config,
                            const ServiceEntry& entry,
                            const IndexOfFn& index_of) {
  ASSIGN_OR_RETURN(const int64_t restored, log.GetCursor(kRestoredCursor));
  if (restored == 0) return absl::OkStatus();  // not a backup: the log leads
  ASSIGN_OR_RETURN(auto properties,
                   kafka::ParseProperties(config.kafka_config));
  const RestoreOptions options{.brokers = config.brokers,
                               .properties = properties,
                               .topic = *kafka::FindDomainTopic(entry.topic()),
                               .index_of = index_of};
  absl::StatusOr<int64_t> published =
      LastPublishedPosition(options, absl::Minutes(2));
  if (!published.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this log was restored from a backup and must catch up with ",
        entry.topic(),
        " before it takes a command, but the topic cannot be read: ",
        published.status().message()));
  }
  LogInfo("a backup's log: catching up with the topic before serving",
          {{"log_position", absl::StrCat(log.LastPosition())},
           {"topic_position", absl::StrCat(*published)}});
  RETURN_IF_ERROR(CatchUpFromTopic(log, options).status());
  return log.SetCursor(kRestoredCursor, 0);
}

int RunDomainService(int argc, char** argv, const DomainServiceSpec& spec) {
  BlockShutdownSignals();
  const ServiceEntry* entry = FindService(spec.name);
  if (entry == nullptr || !entry->domain()) {
    return Fail(spec.name, absl::InternalError("not in the service catalogue"));
  }
  std::map<std::string, std::string> flags = spec.flags;
  flags.emplace("backup-dir", "CASEWORK_BACKUP_DIR");
  absl::StatusOr<ServiceConfig> config =
      ServiceConfig::FromArgs(argc, argv, entry->name, entry->port, flags);
  if (!config.ok()) return Fail(entry->name, config.status());
  absl::StatusOr<std::vector<Date>> closures =
      Calendar::ParseClosures(config->holidays);
  if (!closures.ok()) return Fail(entry->name, closures.status());
  const Calendar calendar(Calendar::Options{.extra_closures = *closures});
  const std::string backup_root = config->extras.contains("backup-dir")
                                      ? config->extras.at("backup-dir")
                                      : config->data_dir + "-backups";

  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  absl::StatusOr<std::unique_ptr<RocksEventStore>> store =
      RocksEventStore::Open(config->data_dir);
  if (!store.ok()) return Fail(entry->name, store.status());
  if (config->restore_from_topic) {
    absl::StatusOr<std::map<std::string, std::string>> props =
        kafka::ParseProperties(config->kafka_config);
    if (!props.ok()) return Fail(entry->name, props.status());
    absl::StatusOr<RestoreSummary> restored = RestoreFromTopic(
        **store,
        RestoreOptions{
            .brokers = config->brokers,
            .properties = *props,
            .topic = *kafka::FindDomainTopic(entry->topic()),
            .index_of = spec.index_of,
            .expected_last_position = config->restore_expected_position});
    if (!restored.ok()) return Fail(entry->name, restored.status());
  } else if (!config->brokers.empty()) {
    // Before any command: the log holds everything its topic holds.
    if (absl::Status caught =
            CatchUpAtStart(**store, *config, *entry, spec.index_of);
        !caught.ok()) {
      return Fail(entry->name, caught);
    }
  }
  absl::StatusOr<std::shared_ptr<const auth::JwtVerifier>> verifier =
      MakeVerifier(*config);
  if (!verifier.ok()) return Fail(entry->name, verifier.status());
  // The officer directory: which team holds a case (case-level access).
  absl::StatusOr<std::unique_ptr<kafka::DirectoryFollower>> directory =
      kafka::FollowDirectory(config->brokers, config->kafka_config,
                             entry->name);
  if (!directory.ok()) return Fail(entry->name, directory.status());
  const auth::Authorizer authorizer(*verifier, SystemClock::Get(),
                                    kafka::TeamsFrom(directory->get()),
                                    config->case_access);
  absl::StatusOr<std::unique_ptr<audit::AuditLog>> audit_log =
      audit::AuditLog::Open(config->audit_dir, SystemClock::Get());
  if (!audit_log.ok()) return Fail(entry->name, audit_log.status());
  audit::AuditServiceImpl audit_service(**audit_log, authorizer);
  ServerRunner runner(entry->name);

  // Business dates: the system's, or the fixed --today of a non-production
  // stack.
  HostContext context{*config,  *entry,     **store,     BusinessClock(*config),
                      calendar, authorizer, **audit_log, runner};
  absl::StatusOr<std::unique_ptr<ServiceParts>> parts = spec.build(context);
  if (!parts.ok()) return Fail(entry->name, parts.status());

  // Health follows the relay too: NOT_SERVING, with the broker's reason,
  // while the cluster refuses its login or its topic (an operator must act;
  // commands are still durable in the log).
  absl::StatusOr<std::unique_ptr<kafka::Relay>> relay =
      kafka::StartServiceRelay(
          **store, entry->name, entry->type_prefix(), *entry->envelope,
          kafka::RelayFlags{.brokers = config->brokers,
                            .kafka_config = config->kafka_config,
                            .event_format = config->event_format,
                            .topics_reset = config->topics_reset,
                            .on_health = [&runner](const absl::Status& s) {
                              runner.SetHealth("relay", s);
                            }});
  if (!relay.ok()) return Fail(entry->name, relay.status());

  RocksEventStore& log = **store;
  audit::AuditLog& audit = **audit_log;
  admin::AdminServiceImpl admin_service(
      log, relay->get(), authorizer, backup_root,
      [&log, &audit](const std::string& directory) {
        return WriteBackup(log, audit, directory);
      });

  // Refused calls go to the audit trail (who, what, why).
  runner.SetRefusalSink(audit::RefusalsTo(audit));
  // Health follows the event store: NOT_SERVING while it cannot write.
  log.SetHealthListener(
      [&runner](const absl::Status& s) { runner.SetHealth("store", s); });
  const kafka::Relay* relay_ptr = relay->get();
  metrics::CollectorHandle store_metrics(metrics::Global(),
                                         [&log, relay_ptr](metrics::Scrape& s) {
                                           CollectStore(s, log, relay_ptr);
                                         });

  std::vector<grpc::Service*> services = (*parts)->services;
  services.push_back(&audit_service);
  services.push_back(&admin_service);
  absl::StatusOr<int> port = runner.Start(
      config->listen_host, config->port, services, config->tls, config->limits);
  if (!port.ok()) return Fail(entry->name, port.status());
  if (config->metrics_port >= 0) {
    absl::StatusOr<int> metrics_port = runner.StartMetrics(
        config->listen_host, config->metrics_port, config->metrics_port_file);
    if (!metrics_port.ok()) {
      runner.Shutdown(absl::ZeroDuration());
      return Fail(entry->name, metrics_port.status());
    }
  }
  int sig = WaitForShutdownSignal();
  LogInfo("shutting down", {{"signal", std::to_string(sig)}});
  runner.Shutdown(absl::Seconds(10));
  store_metrics.Reset();
  parts->reset();
  relay->reset();
  directory->reset();
  store->reset();
  audit_log->reset();
  return 0;
}

}  // namespace casework::host
