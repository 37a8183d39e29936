#include "libs/rpc/listing.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"

namespace casework {

std::string EncodePageToken(absl::string_view position) {
  return absl::WebSafeBase64Escape(position);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token) {
  std::string position;
  if (token.size() > 1024 || !absl::WebSafeBase64Unescape(token, &position) ||
      absl::WebSafeBase64Escape(position) != token) {
    return FieldError("page_token",
                      "is not a page token this service gave (pass back "
                      "next_page_token unchanged)");
  }
  return position;
}

absl::StatusOr<Listing> CheckListing(absl::string_view child_id,
                                     absl::string_view officer_id,
                                     int32_t page_size,
                                     absl::string_view page_token,
                                     IndexKeyFn child_key,
                                     IndexKeyFn officer_key) {
  if (child_id.empty() == officer_id.empty()) {
    return FieldError("child_id",
                      "give exactly one of child_id and officer_id");
  }
  Listing out;
  if (!child_id.empty()) {
    RETURN_IF_ERROR(ValidateId("child_id", child_id));
    out.prefix = child_key(child_id, "");
  } else {
    RETURN_IF_ERROR(ValidateId("officer_id", officer_id));
    out.prefix = officer_key(officer_id, "");
  }
  if (page_size < 0) return FieldError("page_size", "must not be negative");
  ASSIGN_OR_RETURN(out.after, DecodePageToken(page_token));
  if (!out.after.empty() && !absl::StartsWith(out.after, out.prefix)) {
    return FieldError("page_token", "does not belong to this listing");
  }
  out.page_size = page_size == 0
                      ? 50
                      : std::min<size_t>(500, static_cast<size_t>(page_size));
  return out;
}

}  // namespace casework
