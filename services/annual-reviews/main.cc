// annual-reviews: the annual review service (its row of the service catalogue,
// its table of RPCs and its intake of final plans; libs/host does the rest).
#include "absl/strings/numbers.h"
#include "libs/admin/consumer_admin.h"
#include "libs/core/log.h"
#include "libs/host/domain_service.h"
#include "libs/metrics/metrics.h"
#include "libs/statutory/quality.h"
#include "services/annual-reviews/plan_intake.h"
#include "services/annual-reviews/review_service.h"

namespace {

using namespace casework;

struct Parts : host::ServiceParts {
  Parts(host::HostContext& h, reviews::ServiceOptions options)
      : service(h.store, h.clock, h.calendar, h.authorizer, h.audit, options) {}
  ~Parts() override {
    metrics.Reset();
    school_metrics.Reset();
    intake.reset();  // before the service it writes through
  }
  reviews::AnnualReviewServiceImpl service;
  std::unique_ptr<reviews::FinalPlanIntake> intake;
  std::unique_ptr<admin::ConsumerAdminServiceImpl> intake_admin;
  metrics::CollectorHandle metrics;
  metrics::CollectorHandle school_metrics;
};

absl::StatusOr<std::unique_ptr<host::ServiceParts>> Build(
    host::HostContext& h) {
  reviews::ServiceOptions options;
  if (auto it = h.config.extras.find("qa-framework");
      it != h.config.extras.end()) {
    absl::Status used = statutory::UseQaFrameworkFile(it->second);
    if (!used.ok()) return used;
  }
  if (auto it = h.config.extras.find("under5-months");
      it != h.config.extras.end()) {
    if (!absl::SimpleAtoi(it->second, &options.under5_months) ||
        options.under5_months < 3 || options.under5_months > 12) {
      return absl::InvalidArgumentError(
          "--under5-months: a number of months from 3 to 12 (default 6)");
    }
  }
  auto parts = std::make_unique<Parts>(h, options);
  // Final plans from the EHC service open the first review cycle.
  if (!h.config.brokers.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> props =
        kafka::ParseProperties(h.config.kafka_config);
    if (!props.ok()) return props.status();
    parts->intake = std::make_unique<reviews::FinalPlanIntake>(
        parts->service, h.store,
        kafka::ConsumerOptions{.brokers = h.config.brokers,
                               .properties = *props,
                               .group_id = "casework-annual-reviews"},
        h.config.topics_reset);
  } else {
    LogWarn("no --brokers: final plans from the EHC service are not received");
  }
  kafka::ConsumerRuntime* runtime =
      parts->intake ? parts->intake->runtime() : nullptr;
  parts->intake_admin = std::make_unique<admin::ConsumerAdminServiceImpl>(
      "plan-intake", runtime, nullptr, h.authorizer);
  if (runtime != nullptr) {
    // Health follows the plan intake when it is stalled (history gone,
    // storage failing): catching up does not stop the service taking
    // commands.
    ServerRunner& runner = h.runner;
    runtime->SetHealthListener([&runner, runtime](const absl::Status& s) {
      runner.SetHealth("plan-intake",
                       runtime->Status().stalled ? s : absl::OkStatus());
    });
    parts->metrics = kafka::CollectRuntimeMetrics("plan-intake", *runtime);
    const reviews::PlanIntakeSink& sink = parts->intake->sink();
    parts->school_metrics = metrics::CollectorHandle(
        metrics::Global(), [&sink](metrics::Scrape& s) {
          const char* name = "casework_school_events_total";
          const char* help =
              "School events from the back office since the process started, "
              "by what became of them";
          s.Counter(name, help, {{"outcome", "recorded"}},
                    static_cast<double>(sink.school_events_recorded()));
          s.Counter(name, help, {{"outcome", "passed_over_no_active_plan"}},
                    static_cast<double>(sink.school_events_passed_over()));
          s.Counter(name, help, {{"outcome", "refused_dead_lettered"}},
                    static_cast<double>(sink.school_events_refused()));
        });
  }
  parts->services = {&parts->service, parts->intake_admin.get()};
  return parts;
}

// --restore-from-topic: a stream's list-index entries.
std::vector<std::pair<std::string, std::string>> IndexOf(
    const host::StreamFacts& f) {
  return {{reviews::ChildIndexKey(f.child_id, f.stream_id), ""},
          {reviews::OfficerIndexKey(f.officer_id, f.stream_id), ""}};
}

}  // namespace

int main(int argc, char** argv) {
  return host::RunDomainService(
      argc, argv,
      {.name = "annual-reviews",
       .flags = {{"under5-months", "CASEWORK_REVIEW_UNDER5_MONTHS"},
                 {"qa-framework", "CASEWORK_QA_FRAMEWORK"}},
       .build = Build,
       .index_of = IndexOf});
}
