// The overload run of casework-bench-ehc (--overload-clients=N): N clients,
// each on its own connection, keep one call in flight each against the EHC
// service and the projection, half of them recording requests and half
// reading a timeline with read-your-writes on a write that never comes (the
// slowest call there is: it waits until its deadline). Reported: answers,
// fast refusals (RESOURCE_EXHAUSTED), calls that hung past their deadline,
// latency of answers and refusals, the peak number of threads and the peak
// RSS of the process (servers and clients together), against the same
// figures before the load.
#ifndef CASEWORK_TESTS_BENCH_OVERLOAD_H_
#define CASEWORK_TESTS_BENCH_OVERLOAD_H_

#include <string>

#include "absl/time/time.h"

namespace casework::bench {

struct OverloadOptions {
  int clients = 1000;
  absl::Duration duration = absl::Seconds(10);
  std::string dir;  // data directory (exists)
  bool check = false;
};

// Returns the process exit code: with `check`, non-zero unless every call
// was answered or refused before its deadline.
int RunOverload(const OverloadOptions& options);

}  // namespace casework::bench

#endif  // CASEWORK_TESTS_BENCH_OVERLOAD_H_
