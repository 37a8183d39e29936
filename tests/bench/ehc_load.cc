// casework-bench-ehc: a gRPC load generator for the EHC needs assessment
// service.
//
// One run, in one process on loopback sockets:
//   1. the ceiling: the same client against a bare server implementing the
//      same gRPC interface that answers at once (no domain, no storage);
//   2. the real thing: the EHC service on its RocksDB log (WAL synced before
//      each acknowledgement), the relay publishing to the embedded
//      Kafka-protocol broker, and the projection consuming the topic.
// Each of `--concurrency` client slots walks assessments through their life
// (request, decision, EP advice asked and received, draft, final plan: six
// durable commands), one call in flight per slot. Calls carry a bearer token
// and are authorized as in production. Reported: commands/s,
// latency p50/p99/max, and the event-to-projection lag (from the moment the
// client holds the acknowledgement to the moment the projection has applied
// that command's last event).
//
//   casework-bench-ehc [--concurrency=32] [--duration=10] [--warmup=2]
//                      [--channels=2] [--partitions=3] [--data-dir=DIR]
//                      [--only=echo|ehc] [--check]
//                      [--brokers=HOST:PORT --kafka-password-dir=DIR
//                       [--kafka-security=key=value,...]]
//     (--brokers: the durable run again on a real cluster, in the same run:
//     the relay signs in as ehc-assessments, the projection as projection)
//   casework-bench-ehc --target=HOST:PORT --token=JWT [--duration=30]
//                      [--brokers=... --kafka-password-dir=DIR]
//                      [--stop-file=PATH] [--settle=180] [--check]
//     (a running stack's EHC service; with --brokers a reader of the topic,
//     signed in as backoffice, notes when each acknowledged command's events
//     appear on it and every log position that appears twice or never: the
//     failover drills, tests/kafka/failover_test.sh)
//   casework-bench-ehc --overload-clients=1000 [--duration=10] [--check]
//     (overload.h: N clients on their own connections against the EHC
//     service and the projection; refusals, hangs, threads, RSS)
//
// --check exits non-zero unless every call succeeded and every acknowledged
// command reached the projection (the CTest smoke run uses it; it checks
// correctness, never speed).
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/core/status.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/kafka/kafka.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/server.h"
#include "services/ehc-assessments/ehc_service.h"
#include "services/projection/projection.h"
#include "services/projection/projection_consumer.h"
#include "tests/bench/overload.h"

namespace casework::bench {
namespace {

constexpr char kTopic[] = "casework.ehc-assessments.v1";

struct Options {
  int concurrency = 32;
  int channels = 2;
  int partitions = 3;
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(2);
  std::string data_dir;
  std::string only;
  bool check = false;
  int overload_clients = 0;  // > 0: the overload run instead
  std::string target;        // a running EHC service instead of one in-process
  std::string token;         // its bearer token (the integration role)
  std::string brokers;       // a real cluster
  std::string kafka_security;
  std::string password_dir;
  absl::Duration settle = absl::Seconds(180);  // for the topic to catch up
  std::string stop_file;  // the load ends when this file appears
};

// ---------------------------------------------------------------------------
// The ceiling: the EHC interface answering at once.

class EchoService final : public v1::EhcAssessmentService::Service {
 public:
  grpc::Status RecordRequest(grpc::ServerContext*,
                             const v1::RecordRequestRequest* req,
                             v1::CommandResult* resp) override {
    return Answer(req->assessment_id(), resp);
  }
  grpc::Status DecideToAssess(grpc::ServerContext*,
                              const v1::DecideToAssessRequest* req,
                              v1::CommandResult* resp) override {
    return Answer(req->assessment_id(), resp);
  }
  grpc::Status RequestAdvice(grpc::ServerContext*,
                             const v1::RequestAdviceRequest* req,
                             v1::CommandResult* resp) override {
    return Answer(req->assessment_id(), resp);
  }
  grpc::Status RecordAdviceReceived(grpc::ServerContext*,
                                    const v1::RecordAdviceReceivedRequest* req,
                                    v1::CommandResult* resp) override {
    return Answer(req->assessment_id(), resp);
  }
  grpc::Status IssueDraftPlan(grpc::ServerContext*,
                              const v1::IssueDraftPlanRequest* req,
                              v1::CommandResult* resp) override {
    return Answer(req->assessment_id(), resp);
  }
  grpc::Status IssueFinalPlan(grpc::ServerContext*,
                              const v1::IssueFinalPlanRequest* req,
                              v1::CommandResult* resp) override {
    return Answer(req->assessment_id(), resp);
  }

 private:
  grpc::Status Answer(const std::string& id, v1::CommandResult* resp) {
    resp->set_stream_id(id);
    resp->set_position(++position_);
    return grpc::Status::OK;
  }
  std::atomic<int64_t> position_{0};
};

// ---------------------------------------------------------------------------
// Lag: when the client held each acknowledgement, and when the projection
// applied each position.

class LagRecorder {
 public:
  // The stages of an event on its way to the read side, each timed when it
  // ends: committed (the store's group commit, as the service acknowledges
  // it), published (the broker acknowledged the relay's batch), received (the
  // consumer handed the batch to the projection), applied (written, waiters
  // woken).
  enum Stage { kPublished, kReceived, kApplied, kStages };
  void Acked(int64_t position, absl::Time at) {
    std::lock_guard<std::mutex> lock(mu_);
    acked_[position] = at;
  }
  void Applied(int64_t position, absl::Time at) {
    std::lock_guard<std::mutex> lock(mu_);
    applied_[position] = at;
  }
  void Reached(Stage stage, int64_t first, int64_t last, absl::Time at) {
    std::lock_guard<std::mutex> lock(mu_);
    for (int64_t p = first; p <= last; ++p) stages_[stage].try_emplace(p, at);
  }
  // For each stage, the microseconds it took each acknowledged event: from
  // the acknowledgement (or the stage before) to its end.
  std::vector<std::vector<int64_t>> StageTimes() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::vector<int64_t>> out(kStages);
    for (const auto& [position, acked] : acked_) {
      absl::Time from = acked;
      for (int stage = 0; stage < kStages; ++stage) {
        auto it = stages_[stage].find(position);
        if (it == stages_[stage].end()) break;
        out[stage].push_back(
            std::max<int64_t>(0, absl::ToInt64Microseconds(it->second - from)));
        from = std::max(from, it->second);
      }
    }
    return out;
  }
  // Lags (microseconds) of the acknowledged commands; `missing` counts those
  // the projection has not applied.
  std::vector<int64_t> Lags(int64_t* missing) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int64_t> lags;
    *missing = 0;
    for (const auto& [position, acked] : acked_) {
      auto it = applied_.find(position);
      if (it == applied_.end()) {
        ++*missing;
        continue;
      }
      // The projection may apply an event before the client has read its
      // acknowledgement off the socket: the lag is then zero.
      lags.push_back(
          std::max<int64_t>(0, absl::ToInt64Microseconds(it->second - acked)));
    }
    return lags;
  }
  bool AllApplied() {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [position, acked] : acked_) {
      if (!applied_.contains(position)) return false;
    }
    return true;
  }

 private:
  std::mutex mu_;
  absl::flat_hash_map<int64_t, absl::Time> acked_;
  absl::flat_hash_map<int64_t, absl::Time> applied_;
  absl::flat_hash_map<int64_t, absl::Time> stages_[kStages];
};

// A Projection that notes when each event was applied.
class TimedProjection final : public projection::Projection {
 public:
  TimedProjection(Projection& inner, LagRecorder& lag)
      : inner_(inner), lag_(lag) {}
  absl::StatusOr<int> Apply(const std::vector<kafka::Message>& messages,
                            const projection::Offsets& next) override {
    const absl::Time received = absl::Now();
    absl::StatusOr<int> s = inner_.Apply(messages, next);
    if (!s.ok()) return s;
    const absl::Time now = absl::Now();
    for (const kafka::Message& message : messages) {
      for (const kafka::Header& h : message.headers) {
        int64_t position = 0;
        if (h.key == "casework_position" &&
            absl::SimpleAtoi(h.value, &position)) {
          lag_.Reached(LagRecorder::kReceived, position, position, received);
          lag_.Reached(LagRecorder::kApplied, position, position, now);
          lag_.Applied(position, now);
        }
      }
    }
    return s;
  }
  absl::StatusOr<projection::Offsets> StoredOffsets() override {
    return inner_.StoredOffsets();
  }
  absl::StatusOr<std::vector<internal::StreamTrouble>> Troubled(
      size_t limit) override {
    return inner_.Troubled(limit);
  }
  projection::TroubleCounts Trouble() const override {
    return inner_.Trouble();
  }
  RocksFigures DbFigures() const override { return inner_.DbFigures(); }
  absl::Status RetryStream(const std::string& source,
                           const std::string& stream) override {
    return inner_.RetryStream(source, stream);
  }
  int64_t applied() const override { return inner_.applied(); }
  std::vector<std::string> TeamsOf(const std::string& officer_id) override {
    return inner_.TeamsOf(officer_id);
  }
  absl::StatusOr<v1::TeamScorecard> GetTeamScorecard(
      const v1::GetTeamScorecardRequest& r) override {
    return inner_.GetTeamScorecard(r);
  }
  absl::StatusOr<v1::ExceptionReport> GetExceptionReport(
      const v1::GetExceptionReportRequest& r) override {
    return inner_.GetExceptionReport(r);
  }
  absl::StatusOr<v1::Trend> GetTrend(const v1::GetTrendRequest& r,
                                     Date today) override {
    return inner_.GetTrend(r, today);
  }
  absl::StatusOr<v1::LaScorecard> GetLaScorecard(
      const v1::GetLaScorecardRequest& r) override {
    return inner_.GetLaScorecard(r);
  }
  absl::StatusOr<v1::AtRiskReport> GetAtRisk(const v1::GetAtRiskRequest& r,
                                             Date today) override {
    return inner_.GetAtRisk(r, today);
  }
  absl::StatusOr<v1::ForecastBackTest> GetForecastBackTest(
      const v1::GetForecastBackTestRequest& r, Date today) override {
    return inner_.GetForecastBackTest(r, today);
  }
  int64_t AppliedVersion(const std::string& source,
                         const std::string& stream) override {
    return inner_.AppliedVersion(source, stream);
  }
  bool WaitForApplied(const std::string& source, const std::string& stream,
                      int64_t version, absl::Duration timeout) override {
    return inner_.WaitForApplied(source, stream, version, timeout);
  }
  std::vector<std::string> TeamMembers(const std::string& team) override {
    return inner_.TeamMembers(team);
  }
  absl::Status Compact() override { return inner_.Compact(); }
  void SetFaultHookForTesting(
      std::function<void(const char* point)> hook) override {
    inner_.SetFaultHookForTesting(std::move(hook));
  }
  absl::StatusOr<v1::Timeline> GetTimeline(
      const v1::GetTimelineRequest& r) override {
    return inner_.GetTimeline(r);
  }
  absl::StatusOr<v1::Worklist> GetWorklist(const v1::GetWorklistRequest& r,
                                           Date today) override {
    return inner_.GetWorklist(r, today);
  }
  absl::StatusOr<v1::OfficerScorecard> GetOfficerScorecard(
      const v1::GetOfficerScorecardRequest& r) override {
    return inner_.GetOfficerScorecard(r);
  }

 private:
  Projection& inner_;
  LagRecorder& lag_;
};

// ---------------------------------------------------------------------------
// The client.

v1::Date D(int y, int m, int d) { return ToProto(Date::Ymd(y, m, d)); }

struct Shared {
  std::string run_id;
  std::string token;  // bearer token (empty: none)
  absl::Time measure_from;
  absl::Time stop_at;
  std::atomic<bool> stop{false};  // ends the load before stop_at
  LagRecorder* lag = nullptr;     // null: do not record
  std::atomic<int64_t> errors{0};
  std::atomic<int> running{0};
  absl::Notification all_done;
  std::mutex error_mu;
  std::string first_error;
};

// One client slot: one call in flight at a time, walking assessments through
// six commands. Callbacks run on gRPC's threads and issue the next call.
class Slot {
 public:
  Slot(int index, v1::EhcAssessmentService::Stub* stub, Shared& shared)
      : index_(index), stub_(stub), shared_(shared) {
    latencies_.reserve(1 << 16);
  }

  void Start() { Issue(); }
  const std::vector<int64_t>& latencies() const { return latencies_; }
  // Every call, warm-up and tail included: acknowledged, and the longest
  // wait for an answer (microseconds).
  int64_t acknowledged() const { return acknowledged_; }
  int64_t longest() const { return longest_; }

 private:
  void Issue() {
    if (absl::Now() >= shared_.stop_at || shared_.stop.load()) {
      if (--shared_.running == 0) shared_.all_done.Notify();
      return;
    }
    const std::string asmt =
        absl::StrCat("b-", shared_.run_id, "-", index_, "-", assessment_);
    const std::string rid = absl::StrCat(asmt, "-", step_);
    ctx_ = std::make_unique<grpc::ClientContext>();
    if (!shared_.token.empty()) {
      ctx_->AddMetadata("authorization", "Bearer " + shared_.token);
    }
    started_ = absl::Now();
    auto done = [this](grpc::Status s) { Done(std::move(s)); };
    auto* async = stub_->async();
    switch (step_) {
      case 0:
        record_.set_request_id(rid);
        record_.set_assessment_id(asmt);
        record_.set_child_id(absl::StrCat("bchild-", index_, "-", assessment_));
        record_.set_officer_id(
            absl::StrFormat("officer-%02d", index_ % 20 + 1));
        *record_.mutable_received_on() = D(2026, 1, 5);
        record_.set_source(v1::REQUEST_SOURCE_PARENT);
        record_.set_kind(v1::ASSESSMENT_KIND_FIRST);
        async->RecordRequest(ctx_.get(), &record_, &result_, done);
        break;
      case 1:
        assess_.set_request_id(rid);
        assess_.set_assessment_id(asmt);
        *assess_.mutable_decided_on() = D(2026, 2, 10);
        async->DecideToAssess(ctx_.get(), &assess_, &result_, done);
        break;
      case 2:
        advice_.set_request_id(rid);
        advice_.set_assessment_id(asmt);
        advice_.set_advice_id("ep");
        advice_.set_advice_type(v1::ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY);
        advice_.set_adviser("EP service");
        *advice_.mutable_requested_on() = D(2026, 2, 11);
        async->RequestAdvice(ctx_.get(), &advice_, &result_, done);
        break;
      case 3:
        received_.set_request_id(rid);
        received_.set_assessment_id(asmt);
        received_.set_advice_id("ep");
        *received_.mutable_received_on() = D(2026, 3, 10);
        async->RecordAdviceReceived(ctx_.get(), &received_, &result_, done);
        break;
      case 4:
        draft_.set_request_id(rid);
        draft_.set_assessment_id(asmt);
        *draft_.mutable_issued_on() = D(2026, 4, 20);
        async->IssueDraftPlan(ctx_.get(), &draft_, &result_, done);
        break;
      default:
        final_.set_request_id(rid);
        final_.set_assessment_id(asmt);
        *final_.mutable_issued_on() = D(2026, 5, 18);
        final_.set_representations_complete(true);
        async->IssueFinalPlan(ctx_.get(), &final_, &result_, done);
        break;
    }
  }

  void Done(grpc::Status status) {
    const absl::Time now = absl::Now();
    longest_ = std::max(longest_, absl::ToInt64Microseconds(now - started_));
    if (!status.ok()) {
      ++shared_.errors;
      std::lock_guard<std::mutex> lock(shared_.error_mu);
      if (shared_.first_error.empty()) {
        shared_.first_error =
            absl::StrCat("step ", step_, ": ", status.error_message());
      }
    } else {
      ++acknowledged_;
      if (now >= shared_.measure_from && now < shared_.stop_at) {
        latencies_.push_back(absl::ToInt64Microseconds(now - started_));
      }
      if (shared_.lag != nullptr && !result_.repeated()) {
        shared_.lag->Acked(result_.position(), now);
      }
    }
    // After an error the assessment is abandoned and a fresh one started.
    if (status.ok() && step_ < 5) {
      ++step_;
    } else {
      step_ = 0;
      ++assessment_;
    }
    Issue();
  }

  const int index_;
  v1::EhcAssessmentService::Stub* const stub_;
  Shared& shared_;
  int assessment_ = 0;
  int step_ = 0;
  absl::Time started_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  v1::RecordRequestRequest record_;
  v1::DecideToAssessRequest assess_;
  v1::RequestAdviceRequest advice_;
  v1::RecordAdviceReceivedRequest received_;
  v1::IssueDraftPlanRequest draft_;
  v1::IssueFinalPlanRequest final_;
  v1::CommandResult result_;
  std::vector<int64_t> latencies_;
  int64_t acknowledged_ = 0;
  int64_t longest_ = 0;
};

struct Result {
  std::string name;
  int64_t commands = 0;
  double per_second = 0;
  int64_t p50 = 0, p99 = 0, max = 0;  // microseconds
  int64_t errors = 0;
  std::string first_error;
  int64_t acknowledged = 0;  // every call, warm-up and tail included
  int64_t longest = 0;       // microseconds, every call
};

int64_t Percentile(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(
      v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i),
                   v.end());
  return v[i];
}

Result Drive(const std::string& name, const std::string& id,
             const std::string& address, const Options& options,
             LagRecorder* lag, const std::string& token = "") {
  std::vector<std::unique_ptr<v1::EhcAssessmentService::Stub>> stubs;
  for (int c = 0; c < options.channels; ++c) {
    grpc::ChannelArguments args;
    // Distinct arguments give each channel its own connection.
    args.SetInt("casework.bench.channel", c);
    stubs.push_back(v1::EhcAssessmentService::NewStub(grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), args)));
  }
  Shared shared;
  shared.run_id = absl::StrCat(id, absl::ToUnixMillis(absl::Now()));
  shared.lag = lag;
  shared.token = token;
  const absl::Time start = absl::Now();
  shared.measure_from = start + options.warmup;
  shared.stop_at = shared.measure_from + options.duration;
  std::vector<std::unique_ptr<Slot>> slots;
  for (int i = 0; i < options.concurrency; ++i) {
    slots.push_back(std::make_unique<Slot>(
        i, stubs[static_cast<size_t>(i % options.channels)].get(), shared));
  }
  shared.running = options.concurrency;
  // --stop-file: the load ends when the file appears (the drills end it once
  // the brokers are back).
  std::thread stopper;
  if (!options.stop_file.empty()) {
    stopper = std::thread([&shared, &options] {
      while (!shared.all_done.WaitForNotificationWithTimeout(
          absl::Milliseconds(100))) {
        if (std::filesystem::exists(options.stop_file)) shared.stop = true;
      }
    });
  }
  for (auto& slot : slots) slot->Start();
  shared.all_done.WaitForNotification();
  if (stopper.joinable()) stopper.join();
  const absl::Duration measured =
      std::max(absl::Seconds(1),
               std::min(absl::Now(), shared.stop_at) - shared.measure_from);

  Result r;
  r.name = name;
  std::vector<int64_t> all;
  for (const auto& slot : slots) {
    all.insert(all.end(), slot->latencies().begin(), slot->latencies().end());
    r.acknowledged += slot->acknowledged();
    r.longest = std::max(r.longest, slot->longest());
  }
  r.commands = static_cast<int64_t>(all.size());
  r.per_second =
      static_cast<double>(r.commands) / absl::ToDoubleSeconds(measured);
  r.p50 = Percentile(all, 0.50);
  r.p99 = Percentile(all, 0.99);
  r.max = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
  r.errors = shared.errors;
  r.first_error = shared.first_error;
  return r;
}

void Print(const Result& r) {
  std::printf("%-22s %9lld %10.0f %9.2f %9.2f %9.2f %7lld\n", r.name.c_str(),
              static_cast<long long>(r.commands), r.per_second, r.p50 / 1000.0,
              r.p99 / 1000.0, r.max / 1000.0, static_cast<long long>(r.errors));
  if (!r.first_error.empty()) {
    std::printf("  first error: %s\n", r.first_error.c_str());
  }
}

absl::StatusOr<Options> ParseOptions(int argc, char** argv) {
  ASSIGN_OR_RETURN(
      Flags flags,
      Flags::Parse(
          argc, argv,
          {"concurrency", "duration", "warmup", "channels", "partitions",
           "data-dir", "only", "overload-clients", "target", "token", "brokers",
           "kafka-security", "kafka-password-dir", "settle", "stop-file"},
          {"check"}));
  Options o;
  auto number = [&](const char* name, int fallback, int* out) -> absl::Status {
    const std::string v = flags.Get(name, "", std::to_string(fallback));
    if (!absl::SimpleAtoi(v, out) || *out < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, ": not a whole number: ", v));
    }
    return absl::OkStatus();
  };
  int duration = 10, warmup = 2;
  RETURN_IF_ERROR(number("concurrency", o.concurrency, &o.concurrency));
  RETURN_IF_ERROR(number("channels", o.channels, &o.channels));
  RETURN_IF_ERROR(number("partitions", o.partitions, &o.partitions));
  RETURN_IF_ERROR(number("duration", duration, &duration));
  RETURN_IF_ERROR(number("warmup", warmup, &warmup));
  RETURN_IF_ERROR(number("overload-clients", 0, &o.overload_clients));
  if (o.concurrency < 1 || o.channels < 1 || o.partitions < 1 || duration < 1) {
    return absl::InvalidArgumentError(
        "--concurrency, --channels, --partitions and --duration must be at "
        "least 1");
  }
  o.duration = absl::Seconds(duration);
  o.warmup = absl::Seconds(warmup);
  o.data_dir = flags.Get("data-dir", "", "");
  o.only = flags.Get("only", "", "");
  if (!o.only.empty() && o.only != "echo" && o.only != "ehc") {
    return absl::InvalidArgumentError("--only: expected echo or ehc");
  }
  o.check = flags.Has("check");
  o.target = flags.Get("target", "", "");
  o.token = flags.Get("token", "", "");
  o.brokers = flags.Get("brokers", "", "");
  o.kafka_security = flags.Get(
      "kafka-security", "",
      "security.protocol=SASL_PLAINTEXT,sasl.mechanisms=SCRAM-SHA-512");
  o.password_dir = flags.Get("kafka-password-dir", "", "");
  o.stop_file = flags.Get("stop-file", "", "");
  int settle = 180;
  RETURN_IF_ERROR(number("settle", settle, &settle));
  o.settle = absl::Seconds(settle);
  if (!o.target.empty() && o.token.empty()) {
    return absl::InvalidArgumentError(
        "--target needs --token (a token with the integration role)");
  }
  if (!o.brokers.empty() && o.password_dir.empty() &&
      absl::StrContains(o.kafka_security, "SASL")) {
    return absl::InvalidArgumentError(
        "--brokers with SASL needs --kafka-password-dir DIR (DIR/<user> holds "
        "each user's password; scripts/kafka-cluster.sh writes them)");
  }
  return o;
}

int Fail(const std::string& what, const absl::Status& s) {
  std::fprintf(stderr, "casework-bench-ehc: %s: %s\n", what.c_str(),
               std::string(s.message()).c_str());
  return 2;
}

// Waits (at most `settle`) until every acknowledged command was applied,
// then prints the lags' row under `label`.
struct CaughtUp {
  absl::Duration drain;  // from the end of the load
  int64_t missing = 0;   // acknowledged, never applied
  int64_t longest = 0;   // microseconds
};
CaughtUp WaitAndPrintLag(LagRecorder& lag, const char* label,
                         absl::Time load_end, absl::Duration settle) {
  const absl::Time deadline = absl::Now() + settle;
  while (!lag.AllApplied() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  CaughtUp out;
  out.drain = absl::Now() - load_end;
  std::vector<int64_t> lags = lag.Lags(&out.missing);
  out.longest = lags.empty() ? 0 : *std::max_element(lags.begin(), lags.end());
  std::printf("%-22s %9zu %10s %9.2f %9.2f %9.2f %7lld\n", label, lags.size(),
              "", Percentile(lags, 0.50) / 1000.0,
              Percentile(lags, 0.99) / 1000.0, out.longest / 1000.0,
              static_cast<long long>(out.missing));
  return out;
}

absl::Status Annotate(const absl::Status& s, absl::string_view what) {
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

// The durable run: the EHC service on its RocksDB log, the relay publishing
// to `brokers`, the projection consuming the topic (which must exist), all in
// this process. True when every call succeeded and every acknowledged command
// reached the projection; an error when a part could not start.
absl::StatusOr<bool> RunDurable(
    const Options& options, const std::string& dir, const std::string& name,
    const std::string& brokers,
    const std::map<std::string, std::string>& relay_props,
    const std::map<std::string, std::string>& consumer_props) {
  std::error_code made;
  std::filesystem::create_directories(dir, made);
  if (made) return absl::InternalError(absl::StrCat("cannot create ", dir));
  absl::StatusOr<std::unique_ptr<RocksEventStore>> store =
      RocksEventStore::Open(dir + "/ehc");
  if (!store.ok()) return Annotate(store.status(), "event store");
  LagRecorder lag;
  absl::StatusOr<std::unique_ptr<kafka::Relay>> relay = kafka::Relay::Start(
      **store,
      kafka::RelayOptions{.brokers = brokers,
                          .properties = relay_props,
                          .topic = kTopic,
                          .ce_source = "/casework/ehc-assessments",
                          .ce_type_prefix = "uk.send.casework.ehc.v1.",
                          .dataschema = "casework.v1.EhcAssessmentEvent",
                          .on_published = [&lag](int64_t first, int64_t last) {
                            lag.Reached(LagRecorder::kPublished, first, last,
                                        absl::Now());
                          }});
  if (!relay.ok()) return Annotate(relay.status(), "relay");
  absl::StatusOr<std::unique_ptr<projection::Projection>> projection =
      projection::Projection::Open(dir + "/projection");
  if (!projection.ok()) return Annotate(projection.status(), "projection");
  TimedProjection timed(**projection, lag);
  auto consumer = std::make_unique<projection::ProjectionConsumer>(
      timed,
      kafka::ConsumerOptions{.brokers = brokers,
                             .properties = consumer_props,
                             .group_id = "casework-projection"},
      std::vector<std::string>{kTopic});

  // Service dates are in 2026; the fake clock keeps them in the past.
  FakeClock clock(Date::Ymd(2026, 11, 23));
  Calendar calendar;
  // Authentication on, as in production: every call carries a token and is
  // authorized; the service's audit log is open (commands are not audited
  // reads, so it stays empty here).
  const std::string secret = "bench-secret-0123456789abcdef0123456789";
  absl::StatusOr<std::unique_ptr<auth::JwtVerifier>> verifier =
      auth::JwtVerifier::Create(auth::VerifierOptions{
          .issuer = "bench", .audience = "casework", .hs256_secret = secret});
  if (!verifier.ok()) return Annotate(verifier.status(), "verifier");
  const auth::Authorizer authorizer(std::move(*verifier), clock);
  absl::StatusOr<std::unique_ptr<audit::AuditLog>> audit_log =
      audit::AuditLog::Open(dir + "/audit", clock);
  if (!audit_log.ok()) return Annotate(audit_log.status(), "audit log");
  absl::StatusOr<std::string> token =
      auth::SignJwt("HS256", secret, "",
                    auth::ClaimsJson(auth::TokenClaims{
                        .issuer = "bench",
                        .audience = "casework",
                        .subject = "bench-client",
                        // The back office's role: it records steps on
                        // every officer's cases.
                        .roles = auth::kIntegration,
                        .expires = clock.Now() + absl::Hours(1)}));
  if (!token.ok()) return Annotate(token.status(), "token");
  ehc::EhcAssessmentServiceImpl service(**store, clock, calendar, authorizer,
                                        **audit_log);
  ServerRunner runner("ehc-assessments");
  absl::StatusOr<int> port = runner.Start("127.0.0.1", 0, {&service});
  if (!port.ok()) return Annotate(port.status(), "ehc server");
  Result r = Drive(name, "ehc", absl::StrCat("127.0.0.1:", *port), options,
                   &lag, *token);
  const absl::Time load_end = absl::Now();
  Print(r);
  bool ok = r.errors == 0;

  // Let the projection catch up, then report the lag.
  const CaughtUp caught =
      WaitAndPrintLag(lag, "  projection lag", load_end, absl::Seconds(60));
  const absl::Duration drain = caught.drain;
  const int64_t missing = caught.missing;
  std::printf(
      "  (lag: acknowledgement held by the client -> event applied by the "
      "projection; errors column = acknowledged commands never applied; "
      "caught up %.0f ms after the load stopped)\n",
      absl::ToDoubleMilliseconds(drain));
  std::vector<std::vector<int64_t>> stages = lag.StageTimes();
  const char* names[] = {"  relay (ack->broker)", "  consumer (->poll)",
                         "  apply"};
  for (int i = 0; i < LagRecorder::kStages; ++i) {
    const int64_t most =
        stages[i].empty()
            ? 0
            : *std::max_element(stages[i].begin(), stages[i].end());
    std::printf("%-22s %9zu %10s %9.2f %9.2f %9.2f\n", names[i],
                stages[i].size(), "", Percentile(stages[i], 0.50) / 1000.0,
                Percentile(stages[i], 0.99) / 1000.0, most / 1000.0);
  }
  std::printf(
      "  (stages: each from the end of the one before; relay from the "
      "acknowledgement the client held)\n");
  ok = ok && missing == 0;
  runner.Shutdown(absl::Seconds(5));
  consumer.reset();
  relay->reset();
  return ok;
}

// A reader of the EHC topic from its beginning, as it grows: notes when each
// log position (the casework_position header) first appears
// (LagRecorder::Applied) and every record whose position appeared before.
class TopicWatch {
 public:
  static absl::StatusOr<std::unique_ptr<TopicWatch>> Start(
      const std::string& brokers, std::map<std::string, std::string> props,
      LagRecorder& lag) {
    ASSIGN_OR_RETURN(std::unique_ptr<kafka::Consumer> consumer,
                     kafka::Consumer::Create(kafka::ConsumerOptions{
                         .brokers = brokers,
                         .properties = std::move(props),
                         .group_id = "backoffice-bench-watch"}));
    ASSIGN_OR_RETURN(int partitions,
                     consumer->PartitionCount(kTopic, absl::Seconds(30)));
    std::map<kafka::TopicPartition, int64_t> from;
    for (int32_t p = 0; p < partitions; ++p) from[{kTopic, p}] = 0;
    RETURN_IF_ERROR(consumer->Assign(from));
    return std::unique_ptr<TopicWatch>(
        new TopicWatch(std::move(consumer), lag));
  }
  ~TopicWatch() {
    stop_ = true;
    thread_.join();
  }

  struct Figures {
    int64_t records = 0;     // read
    int64_t positions = 0;   // distinct
    int64_t repeated = 0;    // records of a position read before
    int64_t highest = 0;     // the highest position read
    int64_t gaps = 0;        // positions in 1..highest never read
    int64_t unreadable = 0;  // records without a position header
    std::string last_error;  // the last error of a poll (outages pass)
  };
  Figures Take() {
    std::lock_guard<std::mutex> lock(mu_);
    Figures f = figures_;
    f.positions = static_cast<int64_t>(seen_.size());
    for (int64_t p = 1; p <= f.highest; ++p) {
      if (!seen_.contains(p)) ++f.gaps;
    }
    return f;
  }

 private:
  TopicWatch(std::unique_ptr<kafka::Consumer> consumer, LagRecorder& lag)
      : consumer_(std::move(consumer)),
        lag_(lag),
        thread_([this] { Loop(); }) {}

  void Loop() {
    while (!stop_) {
      absl::StatusOr<std::optional<kafka::Message>> polled =
          consumer_->Poll(absl::Milliseconds(100));
      if (!polled.ok()) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          figures_.last_error = polled.status().ToString();
        }
        absl::SleepFor(absl::Milliseconds(100));
        continue;
      }
      if (!polled->has_value()) continue;
      const absl::Time now = absl::Now();
      int64_t position = 0;
      std::lock_guard<std::mutex> lock(mu_);
      ++figures_.records;
      if (!absl::SimpleAtoi(kafka::HeaderOf(**polled, "casework_position"),
                            &position)) {
        ++figures_.unreadable;
        continue;
      }
      figures_.highest = std::max(figures_.highest, position);
      if (!seen_.insert(position).second) {
        ++figures_.repeated;
      } else {
        lag_.Applied(position, now);
      }
    }
  }

  std::unique_ptr<kafka::Consumer> consumer_;
  LagRecorder& lag_;
  std::mutex mu_;
  Figures figures_;
  absl::flat_hash_set<int64_t> seen_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: started once the rest is built
};

// The client against a running stack's EHC service (--target), with the
// topic watched when --brokers is given. --check: every call succeeded and,
// watched, every acknowledged command's events are on the topic, each log
// position once, none missing.
int RunExternal(const Options& options) {
  LagRecorder lag;
  std::unique_ptr<TopicWatch> watch;
  if (!options.brokers.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> props =
        kafka::UserProperties(options.kafka_security, "backoffice",
                              options.password_dir);
    if (!props.ok()) return Fail("topic reader", props.status());
    absl::StatusOr<std::unique_ptr<TopicWatch>> started =
        TopicWatch::Start(options.brokers, *props, lag);
    if (!started.ok()) return Fail("topic reader", started.status());
    watch = std::move(*started);
  }
  std::printf(
      "casework-bench-ehc: %s, concurrency %d, %s%d s measured after %d s "
      "warm-up%s\n",
      options.target.c_str(), options.concurrency,
      options.stop_file.empty() ? "" : "until the stop file appears, at most ",
      static_cast<int>(absl::ToInt64Seconds(options.duration)),
      static_cast<int>(absl::ToInt64Seconds(options.warmup)),
      watch ? ", topic read as backoffice" : "");
  std::printf("%-22s %9s %10s %9s %9s %9s %7s\n", "target", "commands",
              "per sec", "p50 ms", "p99 ms", "max ms", "errors");
  const Result r = Drive("ehc (running stack)", "ext", options.target, options,
                         watch ? &lag : nullptr, options.token);
  const absl::Time load_end = absl::Now();
  Print(r);
  bool ok = r.errors == 0 && r.acknowledged > 0;
  std::string summary =
      absl::StrFormat("acknowledged=%d errors=%d longest_command_ms=%.0f",
                      r.acknowledged, r.errors, r.longest / 1000.0);
  if (watch) {
    const CaughtUp caught =
        WaitAndPrintLag(lag, "  on the topic", load_end, options.settle);
    const absl::Duration drain = caught.drain;
    const int64_t missing = caught.missing;
    const int64_t longest = caught.longest;
    const TopicWatch::Figures f = watch->Take();
    std::printf(
        "  (acknowledgement -> its last event read from the topic; errors "
        "column = acknowledged commands not on the topic; caught up %.0f ms "
        "after the load stopped)\n"
        "  topic: %lld records, %lld positions of 1..%lld, %lld repeated, "
        "%lld missing, %lld without a position%s%s\n",
        absl::ToDoubleMilliseconds(drain), static_cast<long long>(f.records),
        static_cast<long long>(f.positions), static_cast<long long>(f.highest),
        static_cast<long long>(f.repeated), static_cast<long long>(f.gaps),
        static_cast<long long>(f.unreadable),
        f.last_error.empty() ? "" : "; last read error: ",
        f.last_error.c_str());
    absl::StrAppend(
        &summary,
        absl::StrFormat(" longest_relay_ms=%.0f converged_ms=%.0f "
                        "not_on_topic=%d repeated=%d missing=%d",
                        longest / 1000.0, absl::ToDoubleMilliseconds(drain),
                        missing, f.repeated, f.gaps));
    ok = ok && missing == 0 && f.repeated == 0 && f.gaps == 0 &&
         f.unreadable == 0;
  }
  std::printf("drill: %s\n", summary.c_str());
  if (options.check && !ok) {
    std::fprintf(stderr, "casework-bench-ehc: check failed\n");
    return 1;
  }
  return 0;
}

int Main(int argc, char** argv) {
  absl::StatusOr<Options> parsed = ParseOptions(argc, argv);
  if (!parsed.ok()) return Fail("options", parsed.status());
  const Options options = *parsed;
  if (!options.target.empty()) return RunExternal(options);

  std::string dir = options.data_dir;
  bool remove_dir = false;
  if (dir.empty()) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "casework-bench-XXXXXX")
            .string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return Fail("temp dir", absl::InternalError("mkdtemp failed"));
    }
    dir = tmpl;
    remove_dir = true;
  }
  if (options.overload_clients > 0) {
    const int code =
        RunOverload(OverloadOptions{.clients = options.overload_clients,
                                    .duration = options.duration,
                                    .dir = dir,
                                    .check = options.check});
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("peak RSS of the run %.0f MiB\n", usage.ru_maxrss / 1024.0);
    if (remove_dir) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
    return code;
  }
  std::printf(
      "casework-bench-ehc: concurrency %d, %d channel(s), %d s measured after "
      "%d s warm-up, %d partition(s), data in %s\n",
      options.concurrency, options.channels,
      static_cast<int>(absl::ToInt64Seconds(options.duration)),
      static_cast<int>(absl::ToInt64Seconds(options.warmup)),
      options.partitions, dir.c_str());
  std::printf("%-22s %9s %10s %9s %9s %9s %7s\n", "target", "commands",
              "per sec", "p50 ms", "p99 ms", "max ms", "errors");

  bool ok = true;
  if (options.only.empty() || options.only == "echo") {
    EchoService echo;
    ServerRunner runner("bench-echo");
    absl::StatusOr<int> port = runner.Start("127.0.0.1", 0, {&echo});
    if (!port.ok()) return Fail("echo server", port.status());
    Result r = Drive("echo (ceiling)", "echo",
                     absl::StrCat("127.0.0.1:", *port), options, nullptr);
    runner.Shutdown(absl::Seconds(5));
    Print(r);
    ok = ok && r.errors == 0;
  }

  if (options.only.empty() || options.only == "ehc") {
    absl::StatusOr<std::unique_ptr<kafka::EmbeddedBroker>> broker =
        kafka::EmbeddedBroker::Start();
    if (!broker.ok()) return Fail("broker", broker.status());
    absl::Status topic = (*broker)->CreateTopic(kTopic, options.partitions);
    if (!topic.ok()) return Fail("topic", topic);
    // fetch.wait.max.ms as casework-dev sets it for the embedded broker
    // (docs/operations.md).
    absl::StatusOr<bool> passed = RunDurable(
        options, dir + "/embedded", "ehc (durable)",
        (*broker)->bootstrap_servers(), {}, {{"fetch.wait.max.ms", "20"}});
    if (!passed.ok()) return Fail("embedded broker", passed.status());
    ok = ok && *passed;
  }
  if (!options.brokers.empty() &&
      (options.only.empty() || options.only == "ehc")) {
    absl::StatusOr<std::map<std::string, std::string>> relay_props =
        kafka::UserProperties(options.kafka_security, "ehc-assessments",
                              options.password_dir);
    if (!relay_props.ok()) return Fail("cluster", relay_props.status());
    absl::StatusOr<std::map<std::string, std::string>> consumer_props =
        kafka::UserProperties(options.kafka_security, "projection",
                              options.password_dir);
    if (!consumer_props.ok()) return Fail("cluster", consumer_props.status());
    (*consumer_props)["fetch.wait.max.ms"] = "20";
    absl::StatusOr<bool> passed =
        RunDurable(options, dir + "/cluster", "ehc (real cluster)",
                   options.brokers, *relay_props, *consumer_props);
    if (!passed.ok()) return Fail("cluster", passed.status());
    ok = ok && *passed;
  }
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS %.0f MiB\n", usage.ru_maxrss / 1024.0);
  if (remove_dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  if (options.check && !ok) {
    std::fprintf(stderr, "casework-bench-ehc: check failed\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace casework::bench

int main(int argc, char** argv) { return casework::bench::Main(argc, argv); }
