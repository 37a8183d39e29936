// The demo history: a generated but realistic two years of EHC needs
// assessments for an LA (about 20 officers, 2,000 children, realistic delays,
// some late steps, some exceptions, withdrawals and refusals), loaded through
// the public gRPC API like any front-end would. Deterministic for a given seed
// and "today"; request ids are derived from the case, so loading twice writes
// nothing new.
#ifndef CASEWORK_TOOLS_CASEWORK_DEV_DEMO_H_
#define CASEWORK_TOOLS_CASEWORK_DEV_DEMO_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/common.pb.h"
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

// A final plan the demo issued (its review cycle opens in annual-reviews).
struct IssuedPlan {
  std::string assessment_id;
  Date issued_on;
  v1::PlanContents contents;   // what it names (its placement follows it)
  std::optional<int> nc_year;  // the child's NC year on issued_on
};

struct DemoSummary {
  int64_t commands = 0;
  int64_t repeated = 0;
  int64_t children = 0;
  std::vector<IssuedPlan> final_plans;
};

absl::StatusOr<DemoSummary> LoadDemo(const DemoOptions& options);

// The annual reviews of the demo LA, through the reviews service's gRPC API:
// `migrated_plans` existing plans registered as a migration would (issued up
// to six years ago, children aged 3 to 19, phase transfers for Years 6 and
// 11), and the review cycles of those and of the demo's final plans (whose
// cycles the service opened from the EHC topic; waited for up to a minute):
// most reviews held and decided on time, some late, amendments and ceasings,
// and a realistic backlog of reviews never held. Idempotent like LoadDemo.
struct ReviewDemoOptions {
  std::string reviews_address;
  std::string token;
  Date today;
  int migrated_plans = 600;
  int officers = 20;
  uint64_t seed = 20261123;
  int threads = 8;
};
absl::StatusOr<DemoSummary> LoadReviewDemo(
    const ReviewDemoOptions& options,
    const std::vector<IssuedPlan>& final_plans);

// Home-to-school travel applications of the demo LA for the current academic
// year, through the transport service's gRPC API: the statutory outcomes as
// computed, decisions mostly within the target, arrangements mostly in place
// for the first day of term, some travel training, stage 1 reviews and stage
// 2 appeals. Idempotent like LoadDemo.
struct TransportDemoOptions {
  std::string transport_address;
  std::string token;
  Date today;
  int applications = 500;
  int officers = 20;
  uint64_t seed = 20261123;
  int threads = 8;
};
absl::StatusOr<DemoSummary> LoadTransportDemo(
    const TransportDemoOptions& options);

// Complaints (corporate and children's social care, through their stages, a
// few to the Ombudsman), disagreements (mediation, certificates, appeals,
// Tribunal decisions and orders with their compliance) and families'
// feedback (compliments, new-plan surveys sent and answered, annual-survey
// responses), through the complaints service's gRPC API. Idempotent like
// LoadDemo.
struct ComplaintsDemoOptions {
  std::string complaints_address;
  std::string token;
  Date today;
  int complaints = 100;
  int disagreements = 60;
  int feedback = 300;  // compliments, surveys sent and answered, responses
  int officers = 20;
  uint64_t seed = 20261123;
  int threads = 8;
};
absl::StatusOr<DemoSummary> LoadComplaintsDemo(
    const ComplaintsDemoOptions& options);

// The demo LA's directory: three teams (team-north, team-south, team-east),
// each with a manager (manager-north, ...), and officer-01.. spread across
// them in order.
std::vector<v1::DirectoryRecord> DemoDirectory(int officers);
// The team of a demo officer number (1-based).
std::string DemoTeamOf(int officer, int officers);

}  // namespace casework::demo

#endif  // CASEWORK_TOOLS_CASEWORK_DEV_DEMO_H_
