#include "libs/core/log.h"

#include <gtest/gtest.h>

namespace casework {
namespace {

TEST(LogTest, PlainValuesAreBareAndOthersQuotedAndEscaped) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, LogLevel::kInfo, "rpc",
                          {{"method", "/casework.v1.X/Y"}, {"code", "OK"}},
                          /*with_time=*/false),
            "level=info msg=\"rpc\" method=/casework.v1.X/Y code=OK\n");
  // A value cannot forge another field or another line.
  EXPECT_EQ(FormatLogLine(LogFormat::kText, LogLevel::kWarn, "rpc refused",
                          {{"actor", "x code=OK\nlevel=error msg=\"forged\""},
                           {"empty", ""},
                           {"bell",
                            "a\x07"
                            "b"}},
                          false),
            "level=warn msg=\"rpc refused\" "
            "actor=\"x code=OK\\nlevel=error msg=\\\"forged\\\"\" "
            "empty=\"\" bell=\"a\\x07b\"\n");
}

TEST(LogTest, KeysAreNames) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, LogLevel::kInfo, "m",
                          {{"a b=c", "1"}}, false),
            "level=info msg=\"m\" a_b_c=1\n");
}

TEST(LogTest, JsonLinesAreObjectsWithEscapedStrings) {
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, LogLevel::kError, "say \"hi\"",
                          {{"reason", "line1\nline2\t\\"},
                           {"ctl", std::string("a\x01", 2)}},
                          false),
            "{\"level\":\"error\",\"msg\":\"say \\\"hi\\\"\","
            "\"reason\":\"line1\\nline2\\t\\\\\",\"ctl\":\"a\\u0001\"}\n");
}

TEST(LogTest, FormatFlagIsCheckedByName) {
  EXPECT_TRUE(SetLogFormat("json").ok());
  EXPECT_EQ(CurrentLogFormat(), LogFormat::kJson);
  EXPECT_TRUE(SetLogFormat("text").ok());
  const absl::Status bad = SetLogFormat("xml");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("--log-format"), std::string::npos);
  EXPECT_EQ(CurrentLogFormat(), LogFormat::kText);
}

}  // namespace
}  // namespace casework
