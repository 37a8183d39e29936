#include "libs/rpc/input.h"

#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "casework/v1/annual_review.pb.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/rpc/proto_date.h"

namespace casework {
namespace {

const Date kToday = Date::Ymd(2026, 11, 29);

// The field an INVALID_ARGUMENT names ("<field>: <why>"), or the status text.
std::string Refused(const absl::Status& s) {
  if (s.code() != absl::StatusCode::kInvalidArgument) return s.ToString();
  const std::string m(s.message());
  return m.substr(0, m.find(':'));
}

v1::RecordRequestRequest GoodRequest() {
  v1::RecordRequestRequest r;
  r.set_request_id("r-1");
  r.set_assessment_id("asmt-1");
  r.set_child_id("child-1");
  r.set_officer_id("officer-1");
  *r.mutable_received_on() = ToProto(Date::Ymd(2026, 11, 2));
  r.set_source(v1::REQUEST_SOURCE_PARENT);
  return r;
}

TEST(ValidateCommandInput, AcceptsAnOrdinaryCommand) {
  EXPECT_TRUE(
      ValidateCommandInput(GoodRequest(), SendRegimeRules(kToday)).ok());
  v1::RequestAdviceRequest advice;
  advice.set_request_id("r-2");
  advice.set_assessment_id("asmt-1");
  advice.set_adviser("Educational Psychology Service\n(Ms O'Brien - Zoë)\t");
  EXPECT_TRUE(ValidateCommandInput(advice, SendRegimeRules(kToday)).ok());
}

TEST(ValidateCommandInput, RefusesDatesBeforeTheSendRegimeAndFarAhead) {
  v1::RecordRequestRequest r = GoodRequest();
  *r.mutable_received_on() = ToProto(Date::Ymd(1900, 1, 1));
  absl::Status s = ValidateCommandInput(r, SendRegimeRules(kToday));
  EXPECT_EQ(Refused(s), "received_on");
  EXPECT_NE(s.message().find("1 September 2014"), absl::string_view::npos);
  // The boundary: the regime's first day is accepted, the day before is not.
  *r.mutable_received_on() = ToProto(Date::Ymd(2014, 9, 1));
  EXPECT_TRUE(ValidateCommandInput(r, SendRegimeRules(kToday)).ok());
  *r.mutable_received_on() = ToProto(Date::Ymd(2014, 8, 31));
  EXPECT_EQ(Refused(ValidateCommandInput(r, SendRegimeRules(kToday))),
            "received_on");
  // A year typed 2036 for 2026 (more than 5 years ahead).
  *r.mutable_received_on() = ToProto(Date::Ymd(2036, 11, 2));
  EXPECT_EQ(Refused(ValidateCommandInput(r, SendRegimeRules(kToday))),
            "received_on");
  // Not a real day.
  r.mutable_received_on()->set_day(31);
  r.mutable_received_on()->set_month(2);
  r.mutable_received_on()->set_year(2026);
  EXPECT_EQ(Refused(ValidateCommandInput(r, SendRegimeRules(kToday))),
            "received_on");
}

TEST(ValidateCommandInput, ADateOfBirthMayPrecedeTheRegimeButNotToday) {
  v1::RegisterPlanRequest plan;
  plan.set_request_id("r-1");
  plan.set_plan_id("plan-1");
  *plan.mutable_date_of_birth() = ToProto(Date::Ymd(2010, 3, 2));
  EXPECT_TRUE(ValidateCommandInput(plan, SendRegimeRules(kToday)).ok());
  *plan.mutable_date_of_birth() = ToProto(kToday.AddDays(1));
  EXPECT_EQ(Refused(ValidateCommandInput(plan, SendRegimeRules(kToday))),
            "date_of_birth");
  *plan.mutable_date_of_birth() = ToProto(Date::Ymd(1990, 1, 1));
  EXPECT_EQ(Refused(ValidateCommandInput(plan, SendRegimeRules(kToday))),
            "date_of_birth");
}

TEST(ValidateCommandInput, RefusesUnsafeIds) {
  for (const std::string& bad : std::vector<std::string>{
           "..", "../etc", "a..b", ".hidden", "-x", "a b", "a/b", "a\x01",
           std::string("a\0b", 3), "caf\xc3\xa9", "a\xe2\x80\xae"}) {
    v1::RecordRequestRequest r = GoodRequest();
    r.set_child_id(bad);
    const absl::Status s = ValidateCommandInput(r, SendRegimeRules(kToday));
    EXPECT_EQ(Refused(s), "child_id") << absl::CHexEscape(bad);
    // The refusal never echoes a control or formatting character.
    for (char c : s.message()) {
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << absl::CHexEscape(s.message());
    }
  }
  v1::RecordRequestRequest r = GoodRequest();
  r.set_child_id(std::string(65, 'a'));
  EXPECT_EQ(Refused(ValidateCommandInput(r, SendRegimeRules(kToday))),
            "child_id");
}

TEST(ValidateCommandInput, RefusesUnknownEnumValues) {
  v1::RecordRequestRequest r = GoodRequest();
  r.set_source(static_cast<v1::RequestSource>(999));
  EXPECT_EQ(Refused(ValidateCommandInput(r, SendRegimeRules(kToday))),
            "source");
}

TEST(ValidateText, PrintableNewlinesAndTabsOnly) {
  EXPECT_TRUE(ValidateText("note", "Line one\r\nline two\tend").ok());
  EXPECT_TRUE(
      ValidateText("note", "Ysgol Gymraeg \xe2\x80\x94 caf\xc3\xa9").ok());
  EXPECT_EQ(Refused(ValidateText("note", std::string("a\0b", 3))), "note");
  EXPECT_EQ(Refused(ValidateText("note", "bell\x07")), "note");
  EXPECT_EQ(Refused(ValidateText("note", "lone\rCR")), "note");
  EXPECT_EQ(Refused(ValidateText("note", "esc\x1b[31m")), "note");
  EXPECT_EQ(Refused(ValidateText("note", "c1\xc2\x85")), "note");
  // Right-to-left override, isolate, zero-width space, byte-order mark.
  for (const char* hidden :
       {"\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x80\x8b", "\xef\xbb\xbf"}) {
    EXPECT_EQ(Refused(ValidateText("note", absl::StrCat("a", hidden, "b"))),
              "note");
  }
  // Not UTF-8: a lone continuation byte, an overlong '/', a truncated
  // sequence, a surrogate.
  for (const char* broken : {"\x80", "\xc0\xaf", "\xe2\x80", "\xed\xa0\x80"}) {
    EXPECT_EQ(Refused(ValidateText("note", broken)), "note")
        << absl::CHexEscape(broken);
  }
  EXPECT_TRUE(ValidateText("note", std::string(kMaxTextLength, 'x')).ok());
  EXPECT_EQ(Refused(ValidateText("note", std::string(kMaxTextLength + 1, 'x'))),
            "note");
  // Length counts characters, not bytes.
  std::string accents;
  for (size_t i = 0; i < kMaxTextLength; ++i) accents += "\xc3\xa9";
  EXPECT_TRUE(ValidateText("note", accents).ok());
}

}  // namespace
}  // namespace casework
