// transport: the home-to-school travel eligibility service (its row of the
// service catalogue and its table of RPCs; libs/host does the rest).
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/host/domain_service.h"
#include "services/transport/transport_service.h"

namespace {

using namespace casework;

struct Parts : host::ServiceParts {
  Parts(host::HostContext& h, transport::ServiceOptions options)
      : service(h.store, h.clock, h.calendar, h.authorizer, h.audit,
                std::move(options)) {
    services = {&service};
  }
  transport::TransportServiceImpl service;
};

absl::StatusOr<std::unique_ptr<host::ServiceParts>> Build(
    host::HostContext& h) {
  transport::ServiceOptions options;
  if (auto it = h.config.extras.find("decision-working-days");
      it != h.config.extras.end()) {
    if (!absl::SimpleAtoi(it->second, &options.decision_working_days) ||
        options.decision_working_days < 1 ||
        options.decision_working_days > 100) {
      return absl::InvalidArgumentError(
          "--decision-working-days: a number of working days from 1 to 100 "
          "(default 20)");
    }
  }
  if (auto it = h.config.extras.find("term-starts");
      it != h.config.extras.end()) {
    absl::StatusOr<std::vector<Date>> terms =
        Calendar::ParseClosures(it->second);
    if (!terms.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--term-starts: YYYY-MM-DD,...: ", terms.status().message()));
    }
    options.term_starts = *terms;
    std::sort(options.term_starts.begin(), options.term_starts.end());
  }
  return std::make_unique<Parts>(h, std::move(options));
}

// --restore-from-topic: a stream's list-index entries.
std::vector<std::pair<std::string, std::string>> IndexOf(
    const host::StreamFacts& f) {
  return {{transport::ChildIndexKey(f.child_id, f.stream_id), ""},
          {transport::OfficerIndexKey(f.officer_id, f.stream_id), ""}};
}

}  // namespace

int main(int argc, char** argv) {
  return host::RunDomainService(
      argc, argv,
      {.name = "transport",
       .flags = {{"decision-working-days",
                  "CASEWORK_TRANSPORT_DECISION_WORKING_DAYS"},
                 {"term-starts", "CASEWORK_TERM_STARTS"}},
       .build = Build,
       .index_of = IndexOf});
}
