// ehc-assessments: the EHC needs assessment service (its row of the service
// catalogue and its table of RPCs; libs/host does the rest).
#include "libs/host/domain_service.h"
#include "services/ehc-assessments/ehc_service.h"

namespace {

using namespace casework;

struct Parts : host::ServiceParts {
  explicit Parts(host::HostContext& h)
      : service(h.store, h.clock, h.calendar, h.authorizer, h.audit) {
    services = {&service};
  }
  ehc::EhcAssessmentServiceImpl service;
};

// --restore-from-topic: a stream's list-index entries.
std::vector<std::pair<std::string, std::string>> IndexOf(
    const host::StreamFacts& f) {
  return {{ehc::ChildIndexKey(f.child_id, f.stream_id), ""},
          {ehc::OfficerIndexKey(f.officer_id, f.stream_id), ""}};
}

}  // namespace

int main(int argc, char** argv) {
  return host::RunDomainService(
      argc, argv,
      {.name = "ehc-assessments",
       .build = [](host::HostContext& h)
           -> absl::StatusOr<std::unique_ptr<host::ServiceParts>> {
         return std::make_unique<Parts>(h);
       },
       .index_of = IndexOf});
}
