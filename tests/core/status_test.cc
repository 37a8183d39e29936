#include "libs/core/status.h"

#include <gtest/gtest.h>

#include "libs/core/clock.h"
#include "libs/core/grpc_status.h"

namespace casework {
namespace {

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) return FieldError("n", "must be even");
  return n / 2;
}

absl::StatusOr<int> Quarter(int n) {
  ASSIGN_OR_RETURN(int half, Half(n));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

absl::Status CheckEven(int n) {
  RETURN_IF_ERROR(Half(n).status());
  return absl::OkStatus();
}

TEST(StatusMacros, PropagateTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "n: must be even");
  EXPECT_EQ(CheckEven(3).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckEven(4).ok());
}

TEST(GrpcStatus, MapsEveryCanonicalCodeOneToOne) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status s(static_cast<absl::StatusCode>(code), "why");
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), code);
    EXPECT_EQ(g.error_message(), "why");
    EXPECT_EQ(FromGrpcStatus(g), s);
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(ToGrpcStatus(NotAllowed("no")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST(FakeClock, MovesOnlyWhenTold) {
  FakeClock clock(Date::Ymd(2026, 6, 30));
  EXPECT_EQ(clock.Today(), Date::Ymd(2026, 6, 30));
  clock.Advance(absl::Hours(24));
  EXPECT_EQ(clock.Today(), Date::Ymd(2026, 7, 1));
}

}  // namespace
}  // namespace casework
