// The one CSV reader of the imports, on what spreadsheets write.
#include "libs/core/csv.h"

#include <gtest/gtest.h>

namespace casework {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvTest, PlainRowsWithTheirLines) {
  auto rows =
      ParseCsv("kind,id,name\nofficer, officer-1 ,Ann\n\nteam,t-1,North\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].fields, (Fields{"kind", "id", "name"}));
  EXPECT_EQ((*rows)[1].fields, (Fields{"officer", "officer-1", "Ann"}));
  EXPECT_EQ((*rows)[1].line, 2);
  EXPECT_EQ((*rows)[2].line, 4);  // the blank line is skipped, still counted
}

TEST(CsvTest, ExcelsByteOrderMarkAndCrlf) {
  auto rows = ParseCsv("\xEF\xBB\xBFkind,id\r\nofficer,o-1\r\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].fields,
            (Fields{"kind", "id"}));  // not "\xEF\xBB\xBFkind"
  EXPECT_EQ((*rows)[1].fields, (Fields{"officer", "o-1"}));
}

TEST(CsvTest, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  auto rows = ParseCsv(
      "id,name\n"
      "o-1,\"Smith, Jo\"\n"
      "o-2,\"Jo \"\"JJ\"\" Smith\"\n"
      "o-3,\"two\nlines\"\n"
      "o-4, \"  kept  \" \n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[1].fields[1], "Smith, Jo");
  EXPECT_EQ((*rows)[2].fields[1], "Jo \"JJ\" Smith");
  EXPECT_EQ((*rows)[3].fields[1], "two\nlines");
  EXPECT_EQ((*rows)[3].line, 4);
  EXPECT_EQ((*rows)[4].line, 6);
  EXPECT_EQ((*rows)[4].fields[1], "  kept  ");
}

TEST(CsvTest, EmptyFieldsAndNoFinalNewline) {
  auto rows = ParseCsv("a,b,c\n1,,3");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].fields, (Fields{"1", "", "3"}));
}

TEST(CsvTest, MalformedQuotingIsRefusedNamingTheLine) {
  auto open = ParseCsv("a,b\n1,\"never closed\n2,3\n");
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("line 2"), std::string::npos)
      << open.status();
  auto trailing = ParseCsv("a,b\n1,\"x\"y\n");
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("line 2"), std::string::npos)
      << trailing.status();
}

}  // namespace
}  // namespace casework
