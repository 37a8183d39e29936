// projection: consumes the event topics and serves timelines, worklists and
// scorecards.
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "libs/core/clock.h"
#include "libs/core/log.h"
#include "libs/host/domain_service.h"
#include "libs/kafka/kafka.h"
#include "libs/metrics/metrics.h"
#include "libs/rpc/server.h"
#include "services/projection/projection.h"
#include "services/projection/projection_consumer.h"
#include "services/projection/projection_service.h"

int main(int argc, char** argv) {
  using namespace casework;
  BlockShutdownSignals();
  auto fail = [](const absl::Status& s) {
    std::fprintf(stderr, "projection: %s\n", std::string(s.message()).c_str());
    return 2;
  };
  absl::StatusOr<ServiceConfig> config = ServiceConfig::FromArgs(
      argc, argv, "projection", 7105, {{"targets", "CASEWORK_TARGETS"}});
  if (!config.ok()) return fail(config.status());
  projection::Targets targets = projection::DefaultTargets();
  if (auto it = config->extras.find("targets"); it != config->extras.end()) {
    absl::StatusOr<std::string> text = ReadFile(it->second);
    if (!text.ok()) return fail(text.status());
    absl::StatusOr<projection::Targets> parsed =
        projection::ParseTargets(*text);
    if (!parsed.ok()) {
      return fail(absl::InvalidArgumentError(
          absl::StrCat(it->second, ": ", parsed.status().message())));
    }
    targets = *parsed;
  }
  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  if (config->rebuild) {
    LogInfo("rebuilding the projection from the topics",
            {{"dir", config->data_dir}});
    absl::Status destroyed = projection::Projection::Destroy(config->data_dir);
    if (!destroyed.ok()) return fail(destroyed);
  }
  absl::StatusOr<std::unique_ptr<projection::Projection>> store =
      projection::Projection::Open(config->data_dir, targets);
  if (!store.ok()) return fail(store.status());
  ServerRunner runner("projection");
  std::unique_ptr<projection::ProjectionConsumer> consumer;
  if (!config->brokers.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> props =
        kafka::ParseProperties(config->kafka_config);
    if (!props.ok()) return fail(props.status());
    consumer = std::make_unique<projection::ProjectionConsumer>(
        **store,
        kafka::ConsumerOptions{.brokers = config->brokers,
                               .properties = *props,
                               .group_id = "casework-projection"},
        projection::ProjectionTopics(),
        /*from_start=*/config->topics_reset || config->rebuild);
    // Health tells the truth: NOT_SERVING (with the reason) while starting,
    // catching up or stalled.
    if (kafka::ConsumerRuntime* runtime = consumer->runtime()) {
      runtime->SetHealthListener([&runner](const absl::Status& s) {
        runner.SetHealth("consumer", s);
      });
    } else {
      runner.SetHealth("consumer",
                       absl::UnavailableError("the consumer did not start"));
    }
  } else {
    LogWarn(
        "no --brokers: serving what was projected before, consuming nothing");
  }
  absl::StatusOr<std::shared_ptr<const auth::JwtVerifier>> verifier =
      MakeVerifier(*config);
  if (!verifier.ok()) return fail(verifier.status());
  projection::Projection& projection = **store;
  const auth::Authorizer authorizer(*verifier, SystemClock::Get(),
                                    [&projection](const std::string& officer) {
                                      return projection.TeamsOf(officer);
                                    });
  absl::StatusOr<std::unique_ptr<audit::AuditLog>> audit_log =
      audit::AuditLog::Open(config->audit_dir, SystemClock::Get());
  if (!audit_log.ok()) return fail(audit_log.status());
  audit::AuditServiceImpl audit_service(**audit_log, authorizer);
  projection::ProjectionServiceImpl service(projection, SystemClock::Get(),
                                            authorizer, **audit_log);
  projection::ProjectionRepair repair(projection);
  admin::ConsumerAdminServiceImpl consumer_admin(
      "projection", consumer ? consumer->runtime() : nullptr, &repair,
      authorizer, audit_log->get());
  // Refused calls go to the audit trail (who, what, why).
  audit::AuditLog& audit = **audit_log;
  runner.SetRefusalSink(audit::RefusalsTo(audit));
  metrics::CollectorHandle consumer_metrics;
  if (consumer && consumer->runtime() != nullptr) {
    consumer_metrics =
        kafka::CollectRuntimeMetrics("projection", *consumer->runtime());
  }
  metrics::CollectorHandle projection_metrics(
      metrics::Global(), [&projection](metrics::Scrape& s) {
        const projection::TroubleCounts t = projection.Trouble();
        s.Gauge("casework_projection_held_streams",
                "Streams waiting for a missing version", {},
                static_cast<double>(t.held));
        s.Gauge("casework_projection_parked_streams",
                "Streams stopped at an event this build cannot apply", {},
                static_cast<double>(t.parked));
        host::AddRocksGauges(s, "projection", projection.DbFigures());
      });
  absl::StatusOr<int> port = runner.Start(
      config->listen_host, config->port,
      {&service, &audit_service, &consumer_admin}, config->tls, config->limits);
  if (!port.ok()) return fail(port.status());
  if (config->metrics_port >= 0) {
    absl::StatusOr<int> metrics_port = runner.StartMetrics(
        config->listen_host, config->metrics_port, config->metrics_port_file);
    if (!metrics_port.ok()) {
      runner.Shutdown(absl::ZeroDuration());
      return fail(metrics_port.status());
    }
  }
  WaitForShutdownSignal();
  runner.Shutdown(absl::Seconds(10));
  projection_metrics.Reset();
  consumer_metrics.Reset();
  consumer.reset();
  store->reset();
  audit_log->reset();
  return 0;
}
