#include "tests/bench/overload.h"

#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "casework/v1/projection.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/server.h"
#include "services/ehc-assessments/ehc_service.h"
#include "services/projection/projection.h"
#include "services/projection/projection_service.h"

namespace casework::bench {
namespace {

// "Threads:" and "VmRSS:" of /proc/self/status.
void ReadProcess(int* threads, int64_t* rss_kib) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) {
      (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(8)),
                             threads);
    } else if (line.rfind("VmRSS:", 0) == 0) {
      std::string v(absl::StripAsciiWhitespace(line.substr(6)));
      v = v.substr(0, v.find(' '));
      (void)absl::SimpleAtoi(v, rss_kib);
    }
  }
}

struct Tally {
  std::mutex mu;
  std::vector<int64_t> answered_us;  // OK or a domain answer
  std::vector<int64_t> refused_us;   // RESOURCE_EXHAUSTED
  int64_t hung = 0;                  // DEADLINE_EXCEEDED
  int64_t other = 0;
  std::string first_other;
};

// One client: its own connection, one call in flight, the next started from
// the completion of the last.
class Client {
 public:
  Client(int id, int port, const std::string& token, absl::Time stop_at,
         Tally& tally, std::atomic<int>& running, absl::Notification& done)
      : id_(id),
        token_(token),
        stop_at_(stop_at),
        tally_(tally),
        running_(running),
        done_(done) {
    grpc::ChannelArguments args;
    args.SetInt("casework.bench.client", id);  // a connection of its own
    auto channel =
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                  grpc::InsecureChannelCredentials(), args);
    ehc_ = v1::EhcAssessmentService::NewStub(channel);
    projection_ = v1::ProjectionService::NewStub(channel);
  }

  void Next() {
    if (absl::Now() >= stop_at_) {
      if (--running_ == 0) done_.Notify();
      return;
    }
    ctx_ = std::make_unique<grpc::ClientContext>();
    ctx_->AddMetadata("authorization", "Bearer " + token_);
    ctx_->set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
    started_ = absl::Now();
    auto finish = [this](grpc::Status s) { Finished(s); };
    if (id_ % 2 == 0) {
      // A read that waits for a write that never comes.
      read_.Clear();
      read_.set_child_id(absl::StrCat("child-", id_));
      v1::SeenWrite* w = read_.add_after();
      w->set_source("ehc-assessments");
      w->set_stream_id(absl::StrCat("never-", id_));
      w->set_version(1);
      projection_->async()->GetTimeline(ctx_.get(), &read_, &timeline_, finish);
    } else {
      ++n_;
      command_.set_request_id(absl::StrCat("o-", id_, "-", n_));
      command_.set_assessment_id(absl::StrCat("o-", id_, "-", n_));
      command_.set_child_id(absl::StrCat("child-", id_));
      command_.set_officer_id("bench-officer");
      *command_.mutable_received_on() = ToProto(Date::Ymd(2026, 10, 1));
      command_.set_source(v1::REQUEST_SOURCE_PARENT);
      command_.set_kind(v1::ASSESSMENT_KIND_FIRST);
      ehc_->async()->RecordRequest(ctx_.get(), &command_, &result_, finish);
    }
  }

 private:
  void Finished(const grpc::Status& s) {
    const int64_t us = absl::ToInt64Microseconds(absl::Now() - started_);
    {
      std::lock_guard<std::mutex> lock(tally_.mu);
      switch (s.error_code()) {
        case grpc::StatusCode::OK:
        case grpc::StatusCode::FAILED_PRECONDITION:  // the wait ran out
          tally_.answered_us.push_back(us);
          break;
        case grpc::StatusCode::RESOURCE_EXHAUSTED:
          tally_.refused_us.push_back(us);
          break;
        case grpc::StatusCode::DEADLINE_EXCEEDED:
          ++tally_.hung;
          break;
        default:
          if (tally_.other++ == 0) {
            tally_.first_other =
                absl::StrCat(s.error_code(), " ", s.error_message());
          }
      }
    }
    Next();
  }

  const int id_;
  const std::string token_;
  const absl::Time stop_at_;
  Tally& tally_;
  std::atomic<int>& running_;
  absl::Notification& done_;
  std::unique_ptr<v1::EhcAssessmentService::Stub> ehc_;
  std::unique_ptr<v1::ProjectionService::Stub> projection_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  absl::Time started_;
  int64_t n_ = 0;
  v1::GetTimelineRequest read_;
  v1::Timeline timeline_;
  v1::RecordRequestRequest command_;
  v1::CommandResult result_;
};

double PercentileMs(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))] / 1000.0;
}

}  // namespace

int RunOverload(const OverloadOptions& options) {
  FakeClock clock(Date::Ymd(2026, 11, 23));
  Calendar calendar;
  const std::string secret = "bench-secret-0123456789abcdef0123456789";
  auto verifier = auth::JwtVerifier::Create(auth::VerifierOptions{
      .issuer = "bench", .audience = "casework", .hs256_secret = secret});
  if (!verifier.ok()) return 2;
  const auth::Authorizer authorizer(std::move(*verifier), clock);
  auto audit_log = audit::AuditLog::Open(options.dir + "/audit", clock);
  auto store = RocksEventStore::Open(options.dir + "/ehc");
  auto projection = projection::Projection::Open(options.dir + "/projection");
  if (!audit_log.ok() || !store.ok() || !projection.ok()) {
    std::fprintf(stderr, "casework-bench-ehc: cannot open the stores\n");
    return 2;
  }
  const std::string token =
      *auth::SignJwt("HS256", secret, "",
                     auth::ClaimsJson(auth::TokenClaims{
                         .issuer = "bench",
                         .audience = "casework",
                         .subject = "bench-officer",
                         .roles = auth::kOfficer,
                         .expires = clock.Now() + absl::Hours(1)}));
  ehc::EhcAssessmentServiceImpl ehc(**store, clock, calendar, authorizer,
                                    **audit_log);
  projection::ProjectionServiceImpl reads(**projection, clock, authorizer,
                                          **audit_log);
  ServerRunner runner("bench-overload");
  const ServerLimits limits;  // the services' defaults
  absl::StatusOr<int> port =
      runner.Start("127.0.0.1", 0, {&ehc, &reads}, {}, limits);
  if (!port.ok()) return 2;

  int threads_before = 0, threads_peak = 0;
  int64_t rss_before = 0, rss_peak = 0;
  ReadProcess(&threads_before, &rss_before);
  Tally tally;
  std::atomic<int> running{options.clients};
  absl::Notification done;
  const absl::Time start = absl::Now();
  const absl::Time stop_at = start + options.duration;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < options.clients; ++i) {
    clients.push_back(std::make_unique<Client>(i, *port, token, stop_at, tally,
                                               running, done));
  }
  std::atomic<bool> sampling{true};
  std::thread sampler([&] {
    while (sampling) {
      int threads = 0;
      int64_t rss = 0;
      ReadProcess(&threads, &rss);
      threads_peak = std::max(threads_peak, threads);
      rss_peak = std::max(rss_peak, rss);
      absl::SleepFor(absl::Milliseconds(50));
    }
  });
  for (auto& c : clients) c->Next();
  done.WaitForNotification();
  const absl::Duration took = absl::Now() - start;
  sampling = false;
  sampler.join();
  int threads_after = 0;
  int64_t rss_after = 0;
  ReadProcess(&threads_after, &rss_after);

  const int64_t answered = static_cast<int64_t>(tally.answered_us.size());
  const int64_t refused = static_cast<int64_t>(tally.refused_us.size());
  const int64_t total = answered + refused + tally.hung + tally.other;
  std::printf(
      "overload: %d clients (own connections, one call in flight each; half "
      "record requests, half wait on a write that never comes) for %.1f s, "
      "server limits %d threads\n",
      options.clients, absl::ToDoubleSeconds(took), limits.max_threads);
  std::printf(
      "  calls %lld: answered %lld, refused fast %lld (%.1f%%), hung "
      "past the 10 s deadline %lld, other errors %lld\n",
      static_cast<long long>(total), static_cast<long long>(answered),
      static_cast<long long>(refused),
      total == 0 ? 0.0 : 100.0 * refused / total,
      static_cast<long long>(tally.hung), static_cast<long long>(tally.other));
  std::printf(
      "  answers p50 %.1f ms p99 %.1f ms; refusals p50 %.1f ms p99 "
      "%.1f ms\n",
      PercentileMs(tally.answered_us, 0.5),
      PercentileMs(tally.answered_us, 0.99),
      PercentileMs(tally.refused_us, 0.5),
      PercentileMs(tally.refused_us, 0.99));
  std::printf(
      "  threads: %d before, peak %d, %d after; RSS: %.0f MiB before, "
      "peak %.0f MiB, %.0f MiB after\n",
      threads_before, threads_peak, threads_after, rss_before / 1024.0,
      rss_peak / 1024.0, rss_after / 1024.0);
  if (!tally.first_other.empty()) {
    std::printf("  first other error: %s\n", tally.first_other.c_str());
  }
  clients.clear();
  runner.Shutdown(absl::Seconds(5));
  if (options.check && (tally.hung > 0 || tally.other > 0 || answered == 0)) {
    std::fprintf(stderr, "casework-bench-ehc: overload check failed\n");
    return 1;
  }
  return 0;
}

}  // namespace casework::bench
