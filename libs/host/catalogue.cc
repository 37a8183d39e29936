#include "libs/host/catalogue.h"

#include "absl/strings/str_cat.h"
#include "casework/v1/annual_review.pb.h"
#include "casework/v1/complaints.pb.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "casework/v1/transport.pb.h"

namespace casework {

const std::vector<ServiceEntry>& Catalogue() {
  static const auto* rows = new std::vector<ServiceEntry>{
      {"ehc-assessments", 7101, 9101, "ehc", "CASEWORK_EHC_ADDR", "ehc", "e",
       &v1::EhcAssessmentEvent::default_instance(),
       "casework.v1.EhcAssessmentService"},
      {"annual-reviews", 7102, 9102, "reviews", "CASEWORK_REVIEWS_ADDR",
       "reviews", "r", &v1::AnnualReviewEvent::default_instance(),
       "casework.v1.AnnualReviewService"},
      {"transport", 7103, 9103, "transport", "CASEWORK_TRANSPORT_ADDR",
       "transport", "t", &v1::TransportEvent::default_instance(),
       "casework.v1.TransportService"},
      {"complaints", 7104, 9104, "complaints", "CASEWORK_COMPLAINTS_ADDR",
       "complaints", "c", &v1::ComplaintsEvent::default_instance(),
       "casework.v1.ComplaintsService"},
      {"projection", 7105, 9105, "projection", "CASEWORK_PROJECTION_ADDR", "",
       "", nullptr, "casework.v1.ProjectionService"},
      {"statutory-returns", 7106, 9106, "returns", "CASEWORK_RETURNS_ADDR", "",
       "", nullptr, "casework.v1.ReturnsService"},
  };
  return *rows;
}

std::vector<const ServiceEntry*> DomainServices() {
  std::vector<const ServiceEntry*> out;
  for (const ServiceEntry& e : Catalogue()) {
    if (e.domain()) out.push_back(&e);
  }
  return out;
}

const ServiceEntry* FindService(absl::string_view name) {
  for (const ServiceEntry& e : Catalogue()) {
    if (e.name == name || e.cli_name == name) return &e;
  }
  return nullptr;
}

std::string ServiceEntry::topic() const {
  return absl::StrCat("casework.", name, ".v1");
}
std::string ServiceEntry::ce_source() const {
  return absl::StrCat("/casework/", name);
}
std::string ServiceEntry::type_prefix() const {
  return absl::StrCat("uk.send.casework.", type_name, ".v1.");
}
std::string ServiceEntry::default_address() const {
  return absl::StrCat("127.0.0.1:", port);
}

}  // namespace casework
