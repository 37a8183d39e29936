// Sends a demo case's commands through a service's gRPC API, shared by the
// four demo loaders (EHC assessments, annual reviews, transport, complaints).
#ifndef CASEWORK_TOOLS_CASEWORK_DEV_DEMO_WRITER_H_
#define CASEWORK_TOOLS_CASEWORK_DEV_DEMO_WRITER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/common.pb.h"
#include "libs/core/date.h"
#include "libs/core/grpc_status.h"

namespace casework::demo {

// Leaves the request's case id as the caller set it.
struct CaseIdSetByCaller {
  template <typename Req>
  void operator()(Req&, const std::string&) const {}
};

// Sends one case's commands in order, with request ids "<prefix>-<step>", so
// loading the demo again writes nothing new. `set_id(request, id)` puts the
// case's id in each request. Counts the commands sent and those the service
// had already applied.
template <typename Stub, typename SetId = CaseIdSetByCaller>
class DemoWriter {
 public:
  struct Options {
    std::string id;              // the case: its id, and the name in errors
    std::string request_prefix;  // default "demo-<id>"
    Date today;
    // A repeat load may meet a case that went another way when it was first
    // loaded (on another day): a refused step then leaves the case as it is.
    bool leave_cases_that_went_another_way = true;
  };

  DemoWriter(Stub& stub, Options options, const std::string& token,
             SetId set_id = {})
      : stub_(stub),
        o_(std::move(options)),
        token_(token),
        set_id_(std::move(set_id)) {
    if (o_.request_prefix.empty()) o_.request_prefix = "demo-" + o_.id;
  }

  const std::string& id() const { return o_.id; }

  // Sends one command; false when its date is after today (the case has not
  // got there yet) or when a repeat load leaves the case as it is.
  template <typename Req>
  absl::StatusOr<bool> Send(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                         const Req&,
                                                         v1::CommandResult*),
                            Req req, Date on) {
    if (on > o_.today) return false;
    req.set_request_id(absl::StrCat(o_.request_prefix, "-", ++step_));
    set_id_(req, o_.id);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token_);
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    v1::CommandResult result;
    grpc::Status s = (stub_.*method)(&ctx, req, &result);
    if (!s.ok() && o_.leave_cases_that_went_another_way && repeated > 0 &&
        (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
         s.error_code() == grpc::StatusCode::ALREADY_EXISTS)) {
      return false;
    }
    if (!s.ok()) {
      return absl::Status(
          FromGrpcStatus(s).code(),
          absl::StrCat(o_.id, " step ", step_, ": ", s.error_message()));
    }
    ++commands;
    if (result.repeated()) ++repeated;
    return true;
  }

  int64_t commands = 0;
  int64_t repeated = 0;

 private:
  Stub& stub_;
  Options o_;
  const std::string& token_;
  SetId set_id_;
  int step_ = 0;
};

// In a function returning absl::Status, with `Stub` the service's stub type:
// sends `req` by `writer` on `on`, returns an error, or gives whether it was
// sent.
#define DEMO_SEND(writer, Rpc, req, on)                                  \
  ({                                                                     \
    absl::StatusOr<bool> sent_ = (writer).Send(&Stub::Rpc, (req), (on)); \
    if (!sent_.ok()) return sent_.status();                              \
    *sent_;                                                              \
  })

// Loads cases 0..count-1 on `threads` threads, each case with its own
// random generator (seeded from `seed` and the case number, so a load is the
// same whatever the threads). `one(i, rng, &commands, &repeated)` loads case
// i. The counts summed, or the first error (the other threads stop after
// their case in hand).
struct DemoCounts {
  int64_t commands = 0;
  int64_t repeated = 0;
};
inline absl::StatusOr<DemoCounts> LoadInParallel(
    int threads, int count, uint64_t seed,
    const std::function<absl::Status(int i, std::mt19937_64& rng,
                                     int64_t* commands, int64_t* repeated)>&
        one) {
  std::atomic<int> next{0};
  std::atomic<int64_t> commands{0}, repeated{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  absl::Status first_error = absl::OkStatus();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = next++; i < count && !failed; i = next++) {
        std::mt19937_64 rng(seed + static_cast<uint64_t>(i));
        int64_t c = 0, r = 0;
        const absl::Status s = one(i, rng, &c, &r);
        commands += c;
        repeated += r;
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.ok()) first_error = s;
          failed = true;
          return;
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
  if (!first_error.ok()) return first_error;
  return DemoCounts{commands.load(), repeated.load()};
}

}  // namespace casework::demo

#endif  // CASEWORK_TOOLS_CASEWORK_DEV_DEMO_WRITER_H_
