// Input hygiene for every command the domain services accept: one walk over
// the request message (by reflection, so a new field cannot escape it) that
// refuses what no officer means to send, before anything is decided.
//
//  - ids (string fields named *_id): ValidateId's safe set, or empty;
//  - free text (every other string field): valid UTF-8, printable characters,
//    newlines and tabs only (no other control characters, no bidirectional
//    overrides or isolates that could disguise text), at most kMaxTextLength
//    characters;
//  - dates (casework.v1.Date fields): a real day, not before the regime the
//    service records (InputRules::earliest, e.g. the SEND regime of the
//    Children and Families Act 2014 from 1 Sep 2014) and not more than
//    kMaxYearsAhead years after today; a date of birth not in the future and
//    at most 26 years back (SEND 0-25);
//  - enums: a value the contract defines.
// Errors are INVALID_ARGUMENT naming the field (its path, e.g. "school.name").
// Domain rules (a step not before the request, not in the future) stay in the
// domain cores.
//
// Thread safety: pure functions.
#ifndef CASEWORK_LIBS_RPC_INPUT_H_
#define CASEWORK_LIBS_RPC_INPUT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "libs/core/date.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace casework {

inline constexpr size_t kMaxTextLength = 2000;
inline constexpr int kMaxYearsAhead = 5;

struct InputRules {
  Date today;
  // The first day of the regime the service records; earlier dates are
  // refused (a 1900 for 2019 typo would otherwise be a case 119 years late).
  Date earliest;
  // The regime, for the message, e.g. "the SEND regime (Children and Families
  // Act 2014 Part 3, in force 1 September 2014)".
  std::string regime;
};

// The SEND regime every domain service records: CFA 2014 Part 3 and the SEND
// Regulations 2014 (SI 2014/1530) came into force on 1 September 2014; steps
// before it belong to statements under the Education Act 1996 Part 4.
InputRules SendRegimeRules(Date today);

// Checks every field of `request` as the header says. REQUIRES: the request
// id was validated separately (ValidateRequestId); it is skipped here.
absl::Status ValidateCommandInput(const google::protobuf::Message& request,
                                  const InputRules& rules);

// Free text: INVALID_ARGUMENT naming `field` unless valid UTF-8 of printable
// characters, newlines and tabs (CR only before LF), at most `max_length`
// characters.
absl::Status ValidateText(absl::string_view field, absl::string_view value,
                          size_t max_length = kMaxTextLength);

}  // namespace casework

#endif  // CASEWORK_LIBS_RPC_INPUT_H_
