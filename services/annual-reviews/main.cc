// annual-reviews: the annual reviews service (wiring only).
#include <cstdio>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "casework/v1/annual_review.pb.h"
#include "libs/admin/admin_service.h"
#include "libs/admin/consumer_admin.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/core/log.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/kafka/directory_follower.h"
#include "libs/kafka/kafka.h"
#include "libs/rpc/server.h"
#include "services/annual-reviews/plan_intake.h"
#include "services/annual-reviews/review_service.h"

namespace {

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "annual-reviews: %s\n",
               std::string(s.message()).c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace casework;
  BlockShutdownSignals();
  absl::StatusOr<ServiceConfig> config = ServiceConfig::FromArgs(
      argc, argv, "annual-reviews", 7102,
      {{"under5-months", "CASEWORK_REVIEW_UNDER5_MONTHS"}});
  if (!config.ok()) return Fail(config.status());
  reviews::ServiceOptions options;
  if (auto it = config->extras.find("under5-months");
      it != config->extras.end()) {
    if (!absl::SimpleAtoi(it->second, &options.under5_months) ||
        options.under5_months < 3 || options.under5_months > 12) {
      return Fail(absl::InvalidArgumentError(
          "--under5-months: a number of months from 3 to 12 (default 6)"));
    }
  }
  absl::StatusOr<std::vector<Date>> closures =
      Calendar::ParseClosures(config->holidays);
  if (!closures.ok()) return Fail(closures.status());
  const Calendar calendar(Calendar::Options{.extra_closures = *closures});

  std::error_code ec;
  std::filesystem::create_directories(config->data_dir, ec);
  absl::StatusOr<std::unique_ptr<RocksEventStore>> store =
      RocksEventStore::Open(config->data_dir);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::shared_ptr<const auth::JwtVerifier>> verifier =
      MakeVerifier(*config);
  if (!verifier.ok()) return Fail(verifier.status());
  // The officer directory: which team holds a case (case-level access).
  absl::StatusOr<std::unique_ptr<kafka::DirectoryFollower>> directory =
      kafka::FollowDirectory(config->brokers, config->kafka_config,
                             "annual-reviews");
  if (!directory.ok()) return Fail(directory.status());
  const auth::Authorizer authorizer(*verifier, SystemClock::Get(),
                                    kafka::TeamsFrom(directory->get()),
                                    config->case_access);
  absl::StatusOr<std::unique_ptr<audit::AuditLog>> audit_log =
      audit::AuditLog::Open(config->audit_dir, SystemClock::Get());
  if (!audit_log.ok()) return Fail(audit_log.status());
  audit::AuditServiceImpl audit_service(**audit_log, authorizer);
  reviews::AnnualReviewServiceImpl service(
      **store, SystemClock::Get(), calendar, authorizer, **audit_log, options);

  absl::StatusOr<std::unique_ptr<kafka::Relay>> relay =
      kafka::StartServiceRelay(
          **store, "annual-reviews", "uk.send.casework.reviews.v1.",
          v1::AnnualReviewEvent::default_instance(),
          kafka::RelayFlags{.brokers = config->brokers,
                            .kafka_config = config->kafka_config,
                            .event_format = config->event_format,
                            .topics_reset = config->topics_reset});
  if (!relay.ok()) return Fail(relay.status());
  // Final plans from the EHC service open the first review cycle.
  std::unique_ptr<reviews::FinalPlanIntake> intake;
  if (!config->brokers.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> props =
        kafka::ParseProperties(config->kafka_config);
    if (!props.ok()) return Fail(props.status());
    intake = std::make_unique<reviews::FinalPlanIntake>(
        service, **store,
        kafka::ConsumerOptions{.brokers = config->brokers,
                               .properties = *props,
                               .group_id = "casework-annual-reviews"},
        config->topics_reset);
  } else {
    LogWarn("no --brokers: final plans from the EHC service are not received");
  }

  admin::AdminServiceImpl admin_service(**store, relay->get(), authorizer);
  kafka::ConsumerRuntime* intake_runtime = intake ? intake->runtime() : nullptr;
  admin::ConsumerAdminServiceImpl intake_admin("plan-intake", intake_runtime,
                                               nullptr, authorizer);
  ServerRunner runner("annual-reviews");
  // Health follows the event store (NOT_SERVING while it cannot write) and
  // the plan intake when it is stalled (history gone, storage failing):
  // catching up does not stop the service taking commands.
  (*store)->SetHealthListener(
      [&runner](const absl::Status& s) { runner.SetHealth("store", s); });
  if (intake_runtime != nullptr) {
    intake_runtime->SetHealthListener([&runner,
                                       intake_runtime](const absl::Status& s) {
      runner.SetHealth("plan-intake",
                       intake_runtime->Status().stalled ? s : absl::OkStatus());
    });
  }
  absl::StatusOr<int> port =
      runner.Start(config->listen_host, config->port,
                   {&service, &audit_service, &admin_service, &intake_admin},
                   config->tls, config->limits);
  if (!port.ok()) return Fail(port.status());
  int sig = WaitForShutdownSignal();
  LogInfo("shutting down", {{"signal", std::to_string(sig)}});
  runner.Shutdown(absl::Seconds(10));
  intake.reset();
  relay->reset();
  store->reset();
  audit_log->reset();
  return 0;
}
