// Conversions between casework.v1.Date and Date, and id validation, shared by
// the gRPC adapters of every service.
#ifndef CASEWORK_LIBS_RPC_PROTO_DATE_H_
#define CASEWORK_LIBS_RPC_PROTO_DATE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "casework/v1/common.pb.h"
#include "libs/core/date.h"

namespace casework {

// INVALID_ARGUMENT naming `field` when the date is unset or not a real day.
absl::StatusOr<Date> FromProto(absl::string_view field, const v1::Date& d);
// Like FromProto, but an unset date gives `fallback`.
absl::StatusOr<Date> FromProtoOr(absl::string_view field, const v1::Date& d,
                                 Date fallback);
v1::Date ToProto(Date d);
bool IsSet(const v1::Date& d);

// The date of a step in a case: set, real, not after `today`, not before
// `not_before` (the request or an earlier step, named by `not_before_what`).
// INVALID_ARGUMENT or FAILED_PRECONDITION naming the field.
absl::StatusOr<Date> StepDate(absl::string_view field, const v1::Date& d,
                              Date today, Date not_before,
                              absl::string_view not_before_what);

// Validates an id field: 1-64 characters of [A-Za-z0-9._:-], starting with a
// letter or digit, without "..". INVALID_ARGUMENT naming it. (The one id form
// of every service; docs/integration.md.)
absl::Status ValidateId(absl::string_view field, absl::string_view value);

}  // namespace casework

#endif  // CASEWORK_LIBS_RPC_PROTO_DATE_H_
