// projection: consumes the event topics and serves timelines, worklists and
// scorecards (libs/host/consumer_service.h does the hosting).
#include "absl/strings/str_cat.h"
#include "libs/core/clock.h"
#include "libs/core/log.h"
#include "libs/host/consumer_service.h"
#include "libs/host/domain_service.h"
#include "libs/statutory/quality.h"
#include "services/projection/comparisons.h"
#include "services/projection/projection.h"
#include "services/projection/projection_consumer.h"
#include "services/projection/projection_service.h"

namespace {

using namespace casework;

class Parts final : public host::ConsumerParts {
 public:
  explicit Parts(std::unique_ptr<projection::Projection> store)
      : store_(std::move(store)), sink_(*store_), repair_(*store_) {}
  kafka::RecordSink& sink() override { return sink_; }
  std::function<std::vector<std::string>(const std::string&)> teams() override {
    return
        [this](const std::string& officer) { return store_->TeamsOf(officer); };
  }
  admin::StreamRepair* repair() override { return &repair_; }
  std::vector<grpc::Service*> Serve(const auth::Authorizer& authorizer,
                                    audit::AuditLog& audit) override {
    service_ = std::make_unique<projection::ProjectionServiceImpl>(
        *store_, SystemClock::Get(), authorizer, audit);
    return {service_.get()};
  }
  void Gauges(metrics::Scrape& s) override {
    const projection::TroubleCounts t = store_->Trouble();
    s.Gauge("casework_projection_held_streams",
            "Streams waiting for a missing version", {},
            static_cast<double>(t.held));
    s.Gauge("casework_projection_parked_streams",
            "Streams stopped at an event this build cannot apply", {},
            static_cast<double>(t.parked));
    host::AddRocksGauges(s, "projection", store_->DbFigures());
  }
  ~Parts() override {
    service_.reset();
    store_.reset();
  }

 private:
  std::unique_ptr<projection::Projection> store_;
  projection::ProjectionSink sink_;
  projection::ProjectionRepair repair_;
  std::unique_ptr<projection::ProjectionServiceImpl> service_;
};

absl::StatusOr<std::unique_ptr<host::ConsumerParts>> Open(
    const ServiceConfig& config) {
  // The QA framework first: the measure catalogue has a row per criterion.
  if (auto it = config.extras.find("qa-framework"); it != config.extras.end()) {
    absl::Status used = statutory::UseQaFrameworkFile(it->second);
    if (!used.ok()) return used;
  }
  // Published figures to compare with (default: docs/samples/comparisons.csv).
  if (auto it = config.extras.find("comparisons"); it != config.extras.end()) {
    absl::Status used = projection::UseComparisonsFile(it->second);
    if (!used.ok()) return used;
  }
  projection::Targets targets = projection::DefaultTargets();
  if (auto it = config.extras.find("targets"); it != config.extras.end()) {
    absl::StatusOr<std::string> text = ReadFile(it->second);
    if (!text.ok()) return text.status();
    absl::StatusOr<projection::Targets> parsed =
        projection::ParseTargets(*text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(it->second, ": ", parsed.status().message()));
    }
    targets = *parsed;
  }
  if (config.rebuild) {
    absl::Status destroyed = projection::Projection::Destroy(config.data_dir);
    if (!destroyed.ok()) return destroyed;
  }
  absl::StatusOr<std::unique_ptr<projection::Projection>> store =
      projection::Projection::Open(config.data_dir, targets);
  if (!store.ok()) return store.status();
  return std::make_unique<Parts>(std::move(*store));
}

}  // namespace

int main(int argc, char** argv) {
  return host::RunConsumerService(
      argc, argv,
      {.name = "projection",
       .flags = {{"targets", "CASEWORK_TARGETS"},
                 {"qa-framework", "CASEWORK_QA_FRAMEWORK"},
                 {"comparisons", "CASEWORK_COMPARISONS"}},
       .topics = projection::ProjectionTopics(),
       .max_batch = projection::ProjectionConsumer::kMaxBatch,
       .open = Open});
}
