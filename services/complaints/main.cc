// complaints: the complaints and disagreements service (wiring only).
#include <cstdio>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "casework/v1/complaints.pb.h"
#include "libs/admin/admin_service.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/core/log.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/kafka/directory_follower.h"
#include "libs/kafka/kafka.h"
#include "libs/rpc/server.h"
#include "services/complaints/complaints_service.h"

namespace {

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "complaints: %s\n", std::string(s.message()).c_str());
  return 2;
}

// --timescales acknowledge=5,stage1=10,...: the LA's working-day limits.
absl::Status ParseTimescales(const std::string& text,
                             casework::complaints::Timescales* t) {
  const std::map<std::string, int*> fields = {
      {"acknowledge", &t->acknowledge},
      {"stage1", &t->stage1},
      {"stage1_extension", &t->stage1_extension},
      {"stage2", &t->stage2},
      {"csc_stage1", &t->csc_stage1},
      {"csc_stage1_max", &t->csc_stage1_max},
      {"csc_stage2", &t->csc_stage2},
      {"csc_stage2_max", &t->csc_stage2_max},
      {"csc_stage3", &t->csc_stage3}};
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, '=');
    auto it = fields.find(kv.first);
    int days = 0;
    if (it == fields.end() || !absl::SimpleAtoi(kv.second, &days) || days < 1 ||
        days > 200) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--timescales: '", item,
          "' is not NAME=working days (names: acknowledge, stage1, "
          "stage1_extension, stage2, csc_stage1, csc_stage1_max, csc_stage2, "
          "csc_stage2_max, csc_stage3)"));
    }
    *it->second = days;
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace casework;
  BlockShutdownSignals();
  absl::StatusOr<ServiceConfig> config = ServiceConfig::FromArgs(
      argc, argv, "complaints", 7104,
      {{"timescales", "CASEWORK_COMPLAINT_TIMESCALES"}});
  if (!config.ok()) return Fail(config.status());
  complaints::Timescales limits;
  if (auto it = config->extras.find("timescales"); it != config->extras.end()) {
    absl::Status parsed = ParseTimescales(it->second, &limits);
    if (!parsed.ok()) return Fail(parsed);
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
                             "complaints");
  if (!directory.ok()) return Fail(directory.status());
  const auth::Authorizer authorizer(*verifier, SystemClock::Get(),
                                    kafka::TeamsFrom(directory->get()),
                                    config->case_access);
  absl::StatusOr<std::unique_ptr<audit::AuditLog>> audit_log =
      audit::AuditLog::Open(config->audit_dir, SystemClock::Get());
  if (!audit_log.ok()) return Fail(audit_log.status());
  audit::AuditServiceImpl audit_service(**audit_log, authorizer);
  complaints::ComplaintsServiceImpl service(
      **store, SystemClock::Get(), calendar, authorizer, **audit_log, limits);
  absl::StatusOr<std::unique_ptr<kafka::Relay>> relay =
      kafka::StartServiceRelay(
          **store, "complaints", "uk.send.casework.complaints.v1.",
          v1::ComplaintsEvent::default_instance(),
          kafka::RelayFlags{.brokers = config->brokers,
                            .kafka_config = config->kafka_config,
                            .event_format = config->event_format,
                            .topics_reset = config->topics_reset});
  if (!relay.ok()) return Fail(relay.status());
  admin::AdminServiceImpl admin_service(**store, relay->get(), authorizer);
  ServerRunner runner("complaints");
  // Health follows the event store: NOT_SERVING while it cannot write.
  (*store)->SetHealthListener(
      [&runner](const absl::Status& s) { runner.SetHealth(s); });
  absl::StatusOr<int> port = runner.Start(
      config->listen_host, config->port,
      {&service, &audit_service, &admin_service}, config->tls, config->limits);
  if (!port.ok()) return Fail(port.status());
  int sig = WaitForShutdownSignal();
  LogInfo("shutting down", {{"signal", std::to_string(sig)}});
  runner.Shutdown(absl::Seconds(10));
  relay->reset();
  store->reset();
  audit_log->reset();
  return 0;
}
