// The person details topic (casework.people.v1): its contract, and the SEN2
// code sets and identifier formats a person record is checked against
// (../shared/SEN2.md section 3).
//
// A record breaks the contract (and goes to casework.people.deadletter.v1
// with the reason) when its type is not PersonRecord, its value does not
// decode, its key is not its child id, or a value given is not valid: a sex
// other than M/F, an ethnicity outside the DfE main codes, a UPN whose check
// letter does not match (a typo never becomes another pupil), a ULN that is
// not 10 digits, an unknown UPN-unknown reason, a date of birth that is not a
// date. A value missing is not a broken record: the SEN2 check lists it for
// an officer to supply.
//
// Thread safety: pure functions.
#ifndef CASEWORK_SERVICES_STATUTORY_RETURNS_PEOPLE_H_
#define CASEWORK_SERVICES_STATUTORY_RETURNS_PEOPLE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "casework/v1/people.pb.h"
#include "libs/kafka/kafka.h"

namespace casework::returns {

inline constexpr char kPeopleTopic[] = "casework.people.v1";
inline constexpr char kPersonRecordType[] =
    "uk.send.casework.people.v1.PersonRecord";

absl::StatusOr<v1::PersonRecord> CheckPersonRecord(
    const kafka::Message& record);
// The same checks on a record itself (casectl people import uses them before
// publishing). INVALID_ARGUMENT naming the field.
absl::Status CheckPerson(const v1::PersonRecord& person);

// The UPN's check letter (DfE: weights 2..13 on characters 2..13, modulo 23,
// letters A-Z without I, O, S); true when `upn` is 13 characters, a letter,
// 11 digits and a digit or (temporary UPN) a letter, with the right check
// letter.
bool ValidUpn(absl::string_view upn);
bool ValidUln(absl::string_view uln);  // 10 digits
bool IsEthnicityCode(absl::string_view code);
bool IsUpnUnknownCode(absl::string_view code);

}  // namespace casework::returns

#endif  // CASEWORK_SERVICES_STATUTORY_RETURNS_PEOPLE_H_
