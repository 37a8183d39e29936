// The web gateway's cost: a team scorecard through the gateway (Connect,
// JSON and binary, over HTTP/1.1 keep-alive, the way the browser asks) against
// the same call straight to the projection over gRPC, in the same run with the
// same concurrency, each ending with the answer parsed: requests/s, p50 and
// p99, and the ratio to the direct figure (the ceiling). Runs against a running
// stack (tests/bench/web_bench.sh starts casework-dev --demo).
//   casework-bench-web --web HOST:PORT --projection HOST:PORT --token T
//                      [--team team-north] [--seconds 5] [--concurrency 8]
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "casework/v1/projection.grpc.pb.h"
#include "libs/core/date.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/server.h"

namespace {

using namespace casework;

struct Result {
  std::string name;
  double per_second = 0;
  double p50_ms = 0, p99_ms = 0;
  int64_t failed = 0;
};

// Runs `call` from `threads` threads for `seconds`; each returns success.
template <typename MakeCall>
Result Run(const std::string& name, int threads, double seconds,
           MakeCall make) {
  std::vector<std::vector<double>> lat(threads);
  std::atomic<int64_t> failed{0};
  const absl::Time end = absl::Now() + absl::Seconds(seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto call = make();
      while (absl::Now() < end) {
        const absl::Time start = absl::Now();
        if (!call()) ++failed;
        lat[t].push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      }
    });
  }
  for (std::thread& th : pool) th.join();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Result r;
  r.name = name;
  r.failed = failed;
  if (!all.empty()) {
    r.per_second = static_cast<double>(all.size()) / seconds;
    r.p50_ms = all[all.size() / 2];
    r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(argc, argv,
                   {"web", "projection", "token", "team", "seconds",
                    "concurrency", "from", "to"});
  if (!flags.ok()) {
    std::fprintf(stderr, "%s\n", std::string(flags.status().message()).c_str());
    return 2;
  }
  const std::string web = flags->Get("web", "", "127.0.0.1:8080");
  const std::string projection = flags->Get("projection", "", "127.0.0.1:7105");
  const std::string token = flags->Get("token", "CASEWORK_MANAGER_TOKEN", "");
  const std::string team = flags->Get("team", "", "team-north");
  double seconds = 5;
  int threads = 8;
  if (!absl::SimpleAtod(flags->Get("seconds", "", "5"), &seconds) ||
      !absl::SimpleAtoi(flags->Get("concurrency", "", "8"), &threads) ||
      seconds <= 0 || threads < 1) {
    std::fprintf(stderr, "--seconds and --concurrency take positive numbers\n");
    return 2;
  }
  const Date to = Date::Parse(flags->Get("to", "", "2026-11-30"))
                      .value_or(Date::Ymd(2026, 11, 30));
  const Date from = Date::Parse(flags->Get("from", "", ""))
                        .value_or(to.AddMonths(-12).AddDays(1));
  v1::GetTeamScorecardRequest request;
  request.set_team_id(team);
  *request.mutable_from() = ToProto(from);
  *request.mutable_to() = ToProto(to);
  const std::string json = absl::StrCat(
      "{\"teamId\":\"", team, "\",\"from\":{\"year\":", from.year(),
      ",\"month\":", from.month(), ",\"day\":", from.day(),
      "},\"to\":{\"year\":", to.year(), ",\"month\":", to.month(),
      ",\"day\":", to.day(), "}}");
  const std::string binary = request.SerializeAsString();
  const size_t colon = web.rfind(':');
  const std::string host = web.substr(0, colon);
  const int port = std::stoi(web.substr(colon + 1));
  const std::string path = "/casework.v1.ProjectionService/GetTeamScorecard";

  size_t json_bytes = 0, proto_bytes = 0;
  auto via_gateway = [&](const std::string& body, const char* type,
                         size_t* bytes) {
    return [&, body, type, bytes] {
      auto client = std::make_shared<httplib::Client>(host, port);
      client->set_keep_alive(true);
      client->set_tcp_nodelay(true);  // as browsers do
      client->set_read_timeout(30, 0);
      httplib::Headers headers = {{"Authorization", "Bearer " + token},
                                  {"Connect-Protocol-Version", "1"}};
      return [client, headers, body, type, bytes, &path]() {
        httplib::Result r = client->Post(path.c_str(), headers, body, type);
        if (!r || r->status != 200) return false;
        *bytes = r->body.size();
        // Each path ends with the answer parsed, as a client would use it.
        v1::TeamScorecard out;
        const bool parsed =
            std::string(type) == "application/json"
                ? google::protobuf::util::JsonStringToMessage(r->body, &out)
                      .ok()
                : out.ParseFromString(r->body);
        return parsed && out.officers_size() > 0;
      };
    };
  };
  auto channel =
      grpc::CreateChannel(projection, grpc::InsecureChannelCredentials());
  auto direct = [&] {
    auto stub = v1::ProjectionService::NewStub(channel);
    return
        [stub = std::shared_ptr<v1::ProjectionService::Stub>(std::move(stub)),
         &request, &token]() {
          grpc::ClientContext ctx;
          ctx.AddMetadata("authorization", "Bearer " + token);
          v1::TeamScorecard out;
          return stub->GetTeamScorecard(&ctx, request, &out).ok() &&
                 out.officers_size() > 0;
        };
  };
  // Warm up each path once (connections, caches), then measure.
  (void)Run("warm-up", threads, 1, direct);
  const Result grpc_direct = Run("gRPC direct", threads, seconds, direct);
  const Result gateway_json =
      Run("gateway JSON", threads, seconds,
          via_gateway(json, "application/json", &json_bytes));
  const Result gateway_proto =
      Run("gateway binary", threads, seconds,
          via_gateway(binary, "application/proto", &proto_bytes));
  std::printf(
      "GetTeamScorecard for %s, %d clients, %.0f s each, on %u cores:\n",
      team.c_str(), threads, seconds, std::thread::hardware_concurrency());
  std::printf("%-16s %10s %9s %9s %7s %10s\n", "path", "req/s", "p50 ms",
              "p99 ms", "failed", "of direct");
  for (const Result* r : {&grpc_direct, &gateway_json, &gateway_proto}) {
    std::printf("%-16s %10.0f %9.2f %9.2f %7lld %9.0f%%\n", r->name.c_str(),
                r->per_second, r->p50_ms, r->p99_ms,
                static_cast<long long>(r->failed),
                100.0 * r->per_second / std::max(1.0, grpc_direct.per_second));
  }
  std::printf("answer sizes: JSON %zu bytes, binary %zu bytes\n", json_bytes,
              proto_bytes);
  const bool ok = grpc_direct.failed == 0 && gateway_json.failed == 0 &&
                  gateway_proto.failed == 0 && gateway_json.per_second > 0 &&
                  gateway_proto.per_second > 0;
  return ok ? 0 : 1;
}
