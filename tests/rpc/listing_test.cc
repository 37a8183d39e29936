#include "libs/rpc/listing.h"

#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace casework {
namespace {

std::string ByChild(absl::string_view id, absl::string_view key) {
  return absl::StrCat("c/", id, "/", key);
}
std::string ByOfficer(absl::string_view id, absl::string_view key) {
  return absl::StrCat("o/", id, "/", key);
}

void ExpectRefused(const absl::StatusOr<Listing>& got,
                   absl::string_view field) {
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(got.status().message(), field)) << got.status();
}

TEST(ListingTest, ScansTheChildOrTheOfficerWithABoundedPage) {
  auto child = CheckListing("child-1", "", 0, "", ByChild, ByOfficer);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->prefix, "c/child-1/");
  EXPECT_EQ(child->page_size, 50u);
  auto officer =
      CheckListing("", "officer-1", 10000, EncodePageToken("o/officer-1/x"),
                   ByChild, ByOfficer);
  ASSERT_TRUE(officer.ok()) << officer.status();
  EXPECT_EQ(officer->prefix, "o/officer-1/");
  EXPECT_EQ(officer->page_size, 500u);
  EXPECT_EQ(CheckListing("", "officer-1", 7, "", ByChild, ByOfficer)->page_size,
            7u);
}

TEST(ListingTest, BadRequestsNameTheField) {
  ExpectRefused(CheckListing("", "", 0, "", ByChild, ByOfficer), "child_id");
  ExpectRefused(CheckListing("child-1", "officer-1", 0, "", ByChild, ByOfficer),
                "child_id");
  ExpectRefused(CheckListing("bad id!", "", 0, "", ByChild, ByOfficer),
                "child_id");
  ExpectRefused(CheckListing("", "bad id!", 0, "", ByChild, ByOfficer),
                "officer_id");
  ExpectRefused(CheckListing("child-1", "", -1, "", ByChild, ByOfficer),
                "page_size");
  // A token from another child's listing would page through that child.
  ExpectRefused(CheckListing("child-1", "", 0, EncodePageToken("c/child-2/x"),
                             ByChild, ByOfficer),
                "page_token");
  // A raw key, or anything else not made by EncodePageToken.
  ExpectRefused(
      CheckListing("child-1", "", 0, "c/child-1/x", ByChild, ByOfficer),
      "page_token");
  ExpectRefused(CheckListing("child-1", "", 0, "@@@", ByChild, ByOfficer),
                "page_token");
  absl::StatusOr<Listing> ok = CheckListing(
      "child-1", "", 0, EncodePageToken("c/child-1/x"), ByChild, ByOfficer);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->after, "c/child-1/x");
}

TEST(PageToken, IsBase64UrlOfAnyBytesAndRoundTrips) {
  const std::string raw("T\0\x01\xff\xfe key", 9);
  const std::string token = EncodePageToken(raw);
  for (char c : token) {
    EXPECT_TRUE(absl::ascii_isalnum(c) || c == '-' || c == '_') << token;
  }
  absl::StatusOr<std::string> back = DecodePageToken(token);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, raw);
  EXPECT_EQ(*DecodePageToken(""), "");
}

}  // namespace
}  // namespace casework
