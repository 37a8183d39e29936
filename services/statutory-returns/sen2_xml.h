// The SEN2 return as files: the XML message for DfE COLLECT (element order of
// ../shared/SEN2.md section 2; child groups placed as the third-party 2024 XSD
// places them: PlanDetail right after StartDate, PlacementDetail and SENneed
// right after TransferLA), and the COLLECT "Blade" CSVs beside it, one per
// group with the tag names lower-cased as columns and table ids linking each
// row to its parent.
//
// Every tag name comes from one table (Sen2Tag): SEN2.md flags spellings to
// confirm against the official specification (SENsetting or SENSetting,
// SENSettingOther, Res), so a correction is one line. The file we produce is
// described by services/statutory-returns/sen2.xsd; the tests validate every
// export against it with xmllint.
//
// Thread safety: pure functions.
#ifndef CASEWORK_SERVICES_STATUTORY_RETURNS_SEN2_XML_H_
#define CASEWORK_SERVICES_STATUTORY_RETURNS_SEN2_XML_H_

#include <string>
#include <utility>
#include <vector>

#include "services/statutory-returns/sen2.h"

namespace casework::returns {

struct Sen2Header {
  ReturnPeriod period;
  std::string lea;  // the LA's 3-digit number
  std::string software_code = "casework";
  std::string release;
  std::string serial_no = "001";
  std::string date_time;  // YYYY-MM-DDThh:mm:ss
  // Designated medical / clinical / social care officer in the area: Y, N
  // (or R).
  std::string dmo = "N", dco = "N", dsco = "N";
};

// The tag for an element: the default spelling is the key itself.
const std::string& Sen2Tag(const std::string& key);

std::string WriteSen2Xml(const Sen2Header& header,
                         const std::vector<Sen2Person>& persons);

// (file name, content) for sen2.csv, person.csv, requests.csv, assessment.csv,
// namedplan.csv, plandetail.csv, activeplans.csv, placementdetail.csv and
// senneed.csv.
std::vector<std::pair<std::string, std::string>> WriteSen2Csvs(
    const Sen2Header& header, const std::vector<Sen2Person>& persons);

}  // namespace casework::returns

#endif  // CASEWORK_SERVICES_STATUTORY_RETURNS_SEN2_XML_H_
