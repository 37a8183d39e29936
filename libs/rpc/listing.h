// The "by child or by officer" listings of the domain services (List* RPCs):
// one check of the request and the index prefix to scan.
#ifndef CASEWORK_LIBS_RPC_LISTING_H_
#define CASEWORK_LIBS_RPC_LISTING_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace casework {

// Page tokens are opaque to clients: the position to resume after, encoded
// as base64url without padding, so every token is valid UTF-8 (a proto3
// string) in any client. A client passes back what it was given.
std::string EncodePageToken(absl::string_view position);
// The position in a token; INVALID_ARGUMENT naming page_token when it is not
// one this service made. An empty token is the start (empty position).
absl::StatusOr<std::string> DecodePageToken(absl::string_view token);

struct Listing {
  std::string prefix;    // the index entries to scan
  std::string after;     // the decoded page token: scan after this key
  size_t page_size = 0;  // 50 when the request gives 0, at most 500
};

// A service's index key for a child or an officer (called with an empty key
// for the prefix of all of them), e.g. ChildIndexKey(child_id, "").
using IndexKeyFn = std::string (*)(absl::string_view id, absl::string_view key);

// Exactly one of child_id and officer_id, a valid id, a page size not
// negative, a page token (EncodePageToken of an index key) from this same
// listing. INVALID_ARGUMENT naming the
// field otherwise.
absl::StatusOr<Listing> CheckListing(
    absl::string_view child_id, absl::string_view officer_id, int32_t page_size,
    absl::string_view page_token, IndexKeyFn child_key, IndexKeyFn officer_key);

}  // namespace casework

#endif  // CASEWORK_LIBS_RPC_LISTING_H_
