#include "services/statutory-returns/people.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"

namespace casework::returns {
namespace {

// The 23 check letters of a UPN, by remainder (DfE, "Unique pupil numbers").
constexpr absl::string_view kCheckLetters = "ABCDEFGHJKLMNPQRTUVWXYZ";

constexpr std::array<absl::string_view, 20> kEthnicity = {
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA",
    "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH", "BCRB",
    "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"};

constexpr std::array<absl::string_view, 7> kUpnUnknown = {
    "UN1", "UN2", "UN3", "UN5", "UN8", "UN9", "UN10"};

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status Text(absl::string_view field, const std::string& value,
                  size_t max) {
  if (value.size() > max) {
    return FieldError(field,
                      absl::StrCat("must be at most ", max, " characters"));
  }
  for (unsigned char c : value) {
    if (c < 0x20) return FieldError(field, "has a control character");
  }
  return absl::OkStatus();
}

}  // namespace

bool ValidUpn(absl::string_view upn) {
  if (upn.size() != 13) return false;
  if (!absl::ascii_isupper(static_cast<unsigned char>(upn[0]))) return false;
  if (!AllDigits(upn.substr(1, 11))) return false;
  int sum = 0;
  for (size_t i = 1; i < 13; ++i) {
    int value;
    const char c = upn[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      value = c - '0';
    } else if (i == 12) {
      // A temporary UPN ends in a letter: its value is its place among the
      // check letters.
      const size_t at = kCheckLetters.find(c);
      if (at == absl::string_view::npos) return false;
      value = static_cast<int>(at);
    } else {
      return false;
    }
    sum += value * static_cast<int>(i + 1);
  }
  return upn[0] == kCheckLetters[sum % 23];
}

bool ValidUln(absl::string_view uln) {
  return uln.size() == 10 && AllDigits(uln) && uln[0] != '0';
}

bool IsEthnicityCode(absl::string_view code) {
  for (absl::string_view c : kEthnicity) {
    if (c == code) return true;
  }
  return false;
}

bool IsUpnUnknownCode(absl::string_view code) {
  for (absl::string_view c : kUpnUnknown) {
    if (c == code) return true;
  }
  return false;
}

absl::Status CheckPerson(const v1::PersonRecord& p) {
  RETURN_IF_ERROR(ValidateId("child_id", p.child_id()));
  RETURN_IF_ERROR(Text("surname", p.surname(), 100));
  RETURN_IF_ERROR(Text("forename", p.forename(), 100));
  RETURN_IF_ERROR(Text("postcode", p.postcode(), 10));
  if (IsSet(p.date_of_birth())) {
    RETURN_IF_ERROR(FromProto("date_of_birth", p.date_of_birth()).status());
  }
  if (!p.sex().empty() && p.sex() != "M" && p.sex() != "F") {
    return FieldError("sex", absl::StrCat("'", p.sex().substr(0, 10),
                                          "' is not a SEN2 code (M or F)"));
  }
  if (!p.ethnicity().empty() && !IsEthnicityCode(p.ethnicity())) {
    return FieldError("ethnicity",
                      absl::StrCat("'", p.ethnicity().substr(0, 10),
                                   "' is not a DfE main ethnicity code "
                                   "(WBRI, WIRI, ..., REFU, NOBT)"));
  }
  if (!p.upn().empty() && !ValidUpn(p.upn())) {
    return FieldError("upn",
                      absl::StrCat("'", p.upn().substr(0, 20),
                                   "' is not a UPN: 13 characters, a check "
                                   "letter that matches, 11 digits and a digit "
                                   "or letter"));
  }
  if (!p.uln().empty() && !ValidUln(p.uln())) {
    return FieldError("uln", "is not a unique learner number (10 digits)");
  }
  if (!p.upn_unknown().empty() && !IsUpnUnknownCode(p.upn_unknown())) {
    return FieldError("upn_unknown",
                      absl::StrCat("'", p.upn_unknown().substr(0, 10),
                                   "' is not a SEN2 reason (UN1, UN2, UN3, "
                                   "UN5, UN8, UN9, UN10)"));
  }
  if (!p.upn().empty() && !p.upn_unknown().empty()) {
    return FieldError("upn_unknown", "is for a person without a UPN");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::PersonRecord> CheckPersonRecord(
    const kafka::Message& record) {
  const std::string type = kafka::HeaderOf(record, "ce_type");
  if (type != kPersonRecordType) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ce_type: '", type.substr(0, 100), "' is not ", kPersonRecordType,
        " (the only type ", kPeopleTopic, " carries)"));
  }
  v1::PersonRecord out;
  RETURN_IF_ERROR(kafka::DecodeValue(record, &out));
  RETURN_IF_ERROR(CheckPerson(out));
  if (record.key != out.child_id()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key: '", record.key.substr(0, 100), "' is not the record's child_id"));
  }
  return out;
}

}  // namespace casework::returns
