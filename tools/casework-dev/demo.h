// The demo history: a generated but realistic two years of EHC needs
// assessments for an LA (about 20 officers, 2,000 children, realistic delays,
// some late steps, some exceptions, withdrawals and refusals), loaded through
// the public gRPC API like any front-end would. Deterministic for a given seed
// and "today"; request ids are derived from the case, so loading twice writes
// nothing new.
#ifndef CASEWORK_TOOLS_CASEWORK_DEV_DEMO_H_
#define CASEWORK_TOOLS_CASEWORK_DEV_DEMO_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/directory.pb.h"
#include "libs/core/date.h"

namespace casework::demo {

struct DemoOptions {
  std::string ehc_address;  // host:port
  int children = 2000;
  int officers = 20;
  Date today;
  uint64_t seed = 20261123;
  int threads = 8;
  std::string token;  // bearer token the loader calls with
};

struct DemoSummary {
  int64_t commands = 0;
  int64_t repeated = 0;
  int64_t children = 0;
};

absl::StatusOr<DemoSummary> LoadDemo(const DemoOptions& options);

// The demo LA's directory: three teams (team-north, team-south, team-east),
// each with a manager (manager-north, ...), and officer-01.. spread across
// them in order.
std::vector<v1::DirectoryRecord> DemoDirectory(int officers);
// The team of a demo officer number (1-based).
std::string DemoTeamOf(int officer, int officers);

}  // namespace casework::demo

#endif  // CASEWORK_TOOLS_CASEWORK_DEV_DEMO_H_
