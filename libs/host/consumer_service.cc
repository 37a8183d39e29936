#include "libs/host/consumer_service.h"

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "libs/core/log.h"
#include "libs/host/catalogue.h"
#include "libs/kafka/kafka.h"

namespace casework::host {

int RunConsumerService(int argc, char** argv, const ConsumerServiceSpec& spec) {
  BlockShutdownSignals();
  auto fail = [&spec](const absl::Status& s) {
    std::fprintf(stderr, "%s: %s\n", spec.name.c_str(),
                 std::string(s.message()).c_str());
    return 2;
  };
  const ServiceEntry* entry = FindService(spec.name);
  if (entry == nullptr) {
    return fail(absl::InternalError(
        absl::StrCat(spec.name, " is not in the service catalogue")));
  }
  absl::StatusOr<ServiceConfig> config =
      ServiceConfig::FromArgs(argc, argv, spec.name, entry->port, spec.flags);
  if (!config.ok()) return fail(config.status());
  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  if (config->rebuild) {
    LogInfo("rebuilding from the topics",
            {{"service", spec.name}, {"dir", config->data_dir}});
  }
  absl::StatusOr<std::unique_ptr<ConsumerParts>> parts = spec.open(*config);
  if (!parts.ok()) return fail(parts.status());
  absl::StatusOr<std::shared_ptr<const auth::JwtVerifier>> verifier =
      MakeVerifier(*config);
  if (!verifier.ok()) return fail(verifier.status());
  const auth::Authorizer authorizer(*verifier, SystemClock::Get(),
                                    (*parts)->teams());
  absl::StatusOr<std::unique_ptr<audit::AuditLog>> audit_log =
      audit::AuditLog::Open(config->audit_dir, SystemClock::Get());
  if (!audit_log.ok()) return fail(audit_log.status());
  audit::AuditLog& audit = **audit_log;
  audit::AuditServiceImpl audit_service(audit, authorizer);
  std::vector<grpc::Service*> services = (*parts)->Serve(authorizer, audit);

  ServerRunner runner(spec.name);
  std::unique_ptr<kafka::KafkaDeadLetters> dead_letters;
  std::unique_ptr<kafka::ConsumerRuntime> runtime;
  if (!config->brokers.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> props =
        kafka::ParseProperties(config->kafka_config);
    if (!props.ok()) return fail(props.status());
    dead_letters =
        std::make_unique<kafka::KafkaDeadLetters>(config->brokers, *props);
    runtime = kafka::StartKafkaRuntime(
        kafka::RuntimeOptions{
            .name = spec.name,
            .topics = spec.topics,
            .from_start = config->topics_reset || config->rebuild,
            .max_batch = spec.max_batch},
        kafka::ConsumerOptions{
            .brokers = config->brokers,
            .properties = *props,
            .group_id = absl::StrCat("casework-", spec.name)},
        (*parts)->sink(), dead_letters.get());
    // Health tells the truth: NOT_SERVING (with the reason) while starting,
    // catching up or stalled.
    if (runtime) {
      runtime->SetHealthListener([&runner](const absl::Status& s) {
        runner.SetHealth("consumer", s);
      });
    } else {
      runner.SetHealth("consumer",
                       absl::UnavailableError("the consumer did not start"));
    }
  } else {
    LogWarn("no --brokers: serving what was read before, consuming nothing",
            {{"service", spec.name}});
  }
  admin::ConsumerAdminServiceImpl consumer_admin(
      spec.name, runtime.get(), (*parts)->repair(), authorizer, &audit);
  // Refused calls go to the audit trail (who, what, why).
  runner.SetRefusalSink(audit::RefusalsTo(audit));
  metrics::CollectorHandle runtime_metrics;
  if (runtime) {
    runtime_metrics = kafka::CollectRuntimeMetrics(spec.name, *runtime);
  }
  ConsumerParts* raw_parts = parts->get();
  metrics::CollectorHandle own_metrics(
      metrics::Global(),
      [raw_parts](metrics::Scrape& s) { raw_parts->Gauges(s); });
  services.push_back(&audit_service);
  services.push_back(&consumer_admin);
  absl::StatusOr<int> port = runner.Start(
      config->listen_host, config->port, services, config->tls, config->limits);
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
  own_metrics.Reset();
  runtime_metrics.Reset();
  runtime.reset();
  dead_letters.reset();
  parts->reset();
  audit_log->reset();
  return 0;
}

}  // namespace casework::host
