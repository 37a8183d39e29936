// Published figures to compare with: the shipped file parses and is the
// built-in default, a bad file is refused naming the line, and a scorecard
// shows the latest figure of each scope up to its period's year.
#include "services/projection/comparisons.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace casework::projection {
namespace {

using ::testing::HasSubstr;

TEST(ComparisonsTest, TheShippedFileIsTheDefaultWithASourceForEachFigure) {
  std::ifstream in(std::string(CASEWORK_SOURCE_DIR) +
                   "/docs/samples/comparisons.csv");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Comparisons> parsed = ParseComparisons(text.str());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), DefaultComparisons().size());
  ASSERT_FALSE(parsed->empty());
  for (size_t i = 0; i < parsed->size(); ++i) {
    EXPECT_EQ((*parsed)[i].measure, DefaultComparisons()[i].measure);
    EXPECT_EQ((*parsed)[i].percent, DefaultComparisons()[i].percent);
    EXPECT_FALSE((*parsed)[i].source.empty());
  }
  // The DfE's national figure for 2024: 46.4% within 20 weeks.
  std::vector<v1::Comparison> c =
      ComparisonsOf(DefaultComparisons(), "ehc.final_plan_20_weeks", 2024);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scope(), "national");
  EXPECT_EQ(c[0].year(), 2024);
  EXPECT_DOUBLE_EQ(c[0].percent(), 46.4);
}

TEST(ComparisonsTest, APeriodShowsTheLatestFigureOfEachScopeUpToItsYear) {
  absl::StatusOr<Comparisons> all = ParseComparisons(
      "measure,year,scope,percent,source\n"
      "ehc.final_plan_20_weeks,2022,national,49.2,DfE 2023\n"
      "ehc.final_plan_20_weeks,2023,national,50.3,DfE 2024\n"
      "ehc.final_plan_20_weeks,2024,national,46.4,DfE 2025\n"
      "ehc.final_plan_20_weeks,2023,neighbours,55.0,\"LAIT, 10 neighbours\"\n"
      "ehc.decision_6_weeks,2024,national,70.0,made up\n");
  ASSERT_TRUE(all.ok()) << all.status();
  auto shown = [&](int year) {
    std::vector<std::string> out;
    for (const v1::Comparison& c :
         ComparisonsOf(*all, "ehc.final_plan_20_weeks", year)) {
      out.push_back(absl::StrCat(c.scope(), " ", c.year(), " ", c.percent()));
    }
    return out;
  };
  EXPECT_THAT(shown(2026), ::testing::ElementsAre("national 2024 46.4",
                                                  "neighbours 2023 55"));
  EXPECT_THAT(shown(2024), ::testing::ElementsAre("national 2024 46.4",
                                                  "neighbours 2023 55"));
  EXPECT_THAT(shown(2023), ::testing::ElementsAre("national 2023 50.3",
                                                  "neighbours 2023 55"));
  EXPECT_THAT(shown(2022), ::testing::ElementsAre("national 2022 49.2"));
  EXPECT_THAT(shown(2021), ::testing::IsEmpty());
  // A trend has every year of every scope.
  EXPECT_EQ(ComparisonsOf(*all, "ehc.final_plan_20_weeks", 0).size(), 4u);
}

TEST(ComparisonsTest, ABadFileIsRefusedNamingTheLine) {
  const std::string header = "measure,year,scope,percent,source\n";
  struct Row {
    std::string text;
    const char* says;
  } rows[] = {
      {"", "no header row"},
      {"measure,year,scope,percent\n", "line 1: the header must be"},
      {header + "ehc.final_plan_20_weeks,2024,national,46.4\n",
       "line 2: expected 5 fields, found 4"},
      {header + "ehc.nothing,2024,national,46.4,x\n",
       "line 2: 'ehc.nothing' is not a measure code"},
      {header + "ehc.final_plan_20_weeks,2013,national,46.4,x\n",
       "line 2: year '2013' is not a year from 2014 to 2100"},
      {header + "ehc.final_plan_20_weeks,2024,National,46.4,x\n",
       "line 2: scope 'National' must be"},
      {header + "ehc.final_plan_20_weeks,2024,national,100.1,x\n",
       "line 2: percent '100.1' is not a number from 0 to 100"},
      {header + "ehc.final_plan_20_weeks,2024,national,46.4,\n",
       "line 2: a figure needs its source"},
      {header + "ehc.final_plan_20_weeks,2024,national,46.4,x\n" +
           "ehc.final_plan_20_weeks,2024,national,47,y\n",
       "line 3: ehc.final_plan_20_weeks 2024 national appears twice"},
  };
  for (const Row& r : rows) {
    absl::StatusOr<Comparisons> c = ParseComparisons(r.text);
    ASSERT_FALSE(c.ok()) << r.text;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(), HasSubstr(r.says)) << r.text;
  }
  // 100 and 0 are figures.
  EXPECT_TRUE(ParseComparisons(header +
                               "ehc.final_plan_20_weeks,2024,national,100,x\n"
                               "ehc.final_plan_20_weeks,2023,national,0,x\n")
                  .ok());
}

}  // namespace
}  // namespace casework::projection
