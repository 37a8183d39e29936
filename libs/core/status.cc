#include "libs/core/status.h"

#include "absl/strings/str_cat.h"

namespace casework {

absl::Status FieldError(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

absl::Status NotAllowed(absl::string_view why) {
  return absl::FailedPreconditionError(why);
}

}  // namespace casework
