// complaints: the complaints and disagreements service (its row of the
// service catalogue and its table of RPCs; libs/host does the rest).
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/core/status.h"
#include "libs/host/domain_service.h"
#include "services/complaints/complaints_service.h"

namespace {

using namespace casework;

// --timescales acknowledge=5,stage1=10,...: the LA's working-day limits.
absl::Status ParseTimescales(const std::string& text,
                             casework::complaints::Timescales* t) {
  const std::map<std::string, int*> fields = {
      {"acknowledge", &t->acknowledge},
      {"stage1", &t->stage1},
      {"stage1_extension", &t->stage1_extension},
      {"stage2_acknowledge", &t->stage2_acknowledge},
      {"stage2", &t->stage2},
      {"stage2_extension", &t->stage2_extension},
      {"csc_stage1", &t->csc_stage1},
      {"csc_stage1_max", &t->csc_stage1_max},
      {"csc_stage2", &t->csc_stage2},
      {"csc_stage2_max", &t->csc_stage2_max},
      {"csc_stage3", &t->csc_stage3}};
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, '=');
    auto it = fields.find(kv.first);
    int days = 0;
    if (it == fields.end() || !absl::SimpleAtoi(kv.second, &days) || days < 1 ||
        days > 200) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--timescales: '", item,
          "' is not NAME=working days (names: acknowledge, stage1, "
          "stage1_extension, stage2_acknowledge, stage2, stage2_extension, "
          "csc_stage1, csc_stage1_max, csc_stage2, "
          "csc_stage2_max, csc_stage3)"));
    }
    *it->second = days;
  }
  return absl::OkStatus();
}

struct Parts : host::ServiceParts {
  Parts(host::HostContext& h, complaints::Timescales limits)
      : service(h.store, h.clock, h.calendar, h.authorizer, h.audit, limits) {
    services = {&service};
  }
  complaints::ComplaintsServiceImpl service;
};

absl::StatusOr<std::unique_ptr<host::ServiceParts>> Build(
    host::HostContext& h) {
  complaints::Timescales limits;
  if (auto it = h.config.extras.find("timescales");
      it != h.config.extras.end()) {
    RETURN_IF_ERROR(ParseTimescales(it->second, &limits));
  }
  return std::make_unique<Parts>(h, limits);
}

// --restore-from-topic: a stream's list-index entries.
std::vector<std::pair<std::string, std::string>> IndexOf(
    const host::StreamFacts& f) {
  // The index keeps both kinds of stream: c:<complaint>, d:<disagreement>.
  const std::string key = absl::StrCat(
      f.first_type == "ComplaintLogged" ? "c:" : "d:", f.stream_id);
  return {{complaints::ChildIndexKey(f.child_id, key), ""},
          {complaints::OfficerIndexKey(f.officer_id, key), ""}};
}

}  // namespace

int main(int argc, char** argv) {
  return host::RunDomainService(
      argc, argv,
      {.name = "complaints",
       .flags = {{"timescales", "CASEWORK_COMPLAINT_TIMESCALES"}},
       .build = Build,
       .index_of = IndexOf});
}
