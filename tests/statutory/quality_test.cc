// The QA framework as data: the default's criteria, a framework file read
// line by line, and the checks of an audit's findings and actions.
#include "libs/statutory/quality.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace casework::statutory {
namespace {

using ::testing::HasSubstr;

TEST(QaFrameworkTest, TheDefaultCitesASourceForEveryCriterion) {
  const QaFramework& f = DefaultQaFramework();
  EXPECT_EQ(f.action_working_days, 20);
  std::vector<std::string> ids;
  for (const Criterion& c : f.plan) {
    ids.push_back(c.id);
    EXPECT_FALSE(c.label.empty()) << c.id;
    EXPECT_FALSE(c.wording.empty()) << c.id;
    EXPECT_FALSE(c.source.empty()) << c.id;
  }
  EXPECT_THAT(ids,
              ::testing::ElementsAre(
                  "needs_specific", "provision_quantified", "outcomes_smart",
                  "child_views", "coproduction", "health_advice",
                  "social_care_advice", "all_advice", "pfa_year9"));
  EXPECT_EQ(f.advice.size(), 4u);
}

TEST(QaFrameworkTest, AFileReplacesTheDefault) {
  absl::StatusOr<QaFramework> f = ParseQaFramework(
      "# Northshire QA framework\n"
      "name Northshire QA 2027\n"
      "action_working_days 15\n"
      "sample_percent 25\n"
      "sample_working_days 10\n"
      "plan voice | Voice of the child | Section A in the child's words | "
      "CoP 9.69\n"
      "plan sections | Sections complete | Every section filled | local\n"
      "advice clear | Clear | Needs described | CoP 9.49\n");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->name, "Northshire QA 2027");
  EXPECT_EQ(f->action_working_days, 15);
  EXPECT_EQ(f->sample_percent, 25);
  EXPECT_EQ(f->sample_working_days, 10);
  ASSERT_EQ(f->plan.size(), 2u);
  EXPECT_EQ(f->plan[0].id, "voice");
  EXPECT_EQ(f->plan[0].wording, "Section A in the child's words");
  EXPECT_EQ(f->plan[1].source, "local");
  ASSERT_EQ(f->advice.size(), 1u);
}

TEST(QaFrameworkTest, ABadFileIsRefusedNamingTheLine) {
  struct Row {
    const char* text;
    const char* says;
  } rows[] = {
      {"name X\nplan a | b | c\n", "line 2: plan needs"},
      {"name X\nplan A-1 | b | c | d\n", "line 2: criterion id 'A-1'"},
      {"name X\nplan a | b | c | d\nplan a | e | f | g\n",
       "line 3: plan criterion a appears twice"},
      {"name X\naction_working_days 0\nplan a | b | c | d\n",
       "line 2: action_working_days"},
      {"name X\nsample_percent 101\nplan a | b | c | d\n",
       "line 2: sample_percent must be a whole number from 1 to 100"},
      {"name X\nsample_working_days x\nplan a | b | c | d\n",
       "line 2: sample_working_days"},
      {"name X\nplan a | b |  | d\n", "needs a label, wording and source"},
      {"name X\ncriterion a\n", "line 2: 'criterion' is not"},
      {"plan a | b | c | d\n", "no name line"},
      {"name X\n", "no plan criteria"},
  };
  for (const Row& r : rows) {
    absl::StatusOr<QaFramework> f = ParseQaFramework(r.text);
    ASSERT_FALSE(f.ok()) << r.text;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(f.status().message(), HasSubstr(r.says)) << r.text;
  }
}

google::protobuf::RepeatedPtrField<v1::CriterionFinding> Findings(
    std::vector<std::pair<std::string, v1::CriterionResult>> rows) {
  google::protobuf::RepeatedPtrField<v1::CriterionFinding> out;
  for (const auto& [id, result] : rows) {
    v1::CriterionFinding* f = out.Add();
    f->set_criterion(id);
    f->set_result(result);
  }
  return out;
}

TEST(QaFrameworkTest, AFullAuditJudgesEveryCriterionAThemedOneSome) {
  const std::vector<Criterion> criteria = {{"a", "A", "a", "s"},
                                           {"b", "B", "b", "s"}};
  const auto both = Findings({{"a", v1::CRITERION_RESULT_MET},
                              {"b", v1::CRITERION_RESULT_NOT_APPLICABLE}});
  const auto one = Findings({{"a", v1::CRITERION_RESULT_NOT_MET}});
  // Presence first: what the rule allows.
  EXPECT_TRUE(
      CheckAudit(criteria, v1::AUDIT_KIND_FULL, v1::AUDIT_GRADE_GOOD, both)
          .ok());
  EXPECT_TRUE(CheckAudit(criteria, v1::AUDIT_KIND_THEMED,
                         v1::AUDIT_GRADE_UNSPECIFIED, one)
                  .ok());
  // Then what it refuses, each naming the field.
  absl::Status s = CheckAudit(criteria, v1::AUDIT_KIND_DIP_SAMPLE,
                              v1::AUDIT_GRADE_GOOD, one);
  EXPECT_THAT(s.message(), HasSubstr("no finding for criterion b"));
  s = CheckAudit(criteria, v1::AUDIT_KIND_FULL, v1::AUDIT_GRADE_UNSPECIFIED,
                 both);
  EXPECT_THAT(s.message(), HasSubstr("grade"));
  s = CheckAudit(criteria, v1::AUDIT_KIND_UNSPECIFIED, v1::AUDIT_GRADE_GOOD,
                 both);
  EXPECT_THAT(s.message(), HasSubstr("kind"));
  s = CheckAudit(criteria, v1::AUDIT_KIND_THEMED, v1::AUDIT_GRADE_GOOD,
                 Findings({}));
  EXPECT_THAT(s.message(), HasSubstr("at least one criterion"));
  s = CheckAudit(criteria, v1::AUDIT_KIND_THEMED, v1::AUDIT_GRADE_GOOD,
                 Findings({{"z", v1::CRITERION_RESULT_MET}}));
  EXPECT_THAT(s.message(), HasSubstr("findings[0].criterion: 'z'"));
  s = CheckAudit(criteria, v1::AUDIT_KIND_THEMED, v1::AUDIT_GRADE_GOOD,
                 Findings({{"a", v1::CRITERION_RESULT_MET},
                           {"a", v1::CRITERION_RESULT_MET}}));
  EXPECT_THAT(s.message(), HasSubstr("findings[1].criterion: a appears twice"));
  s = CheckAudit(criteria, v1::AUDIT_KIND_THEMED, v1::AUDIT_GRADE_GOOD,
                 Findings({{"a", v1::CRITERION_RESULT_UNSPECIFIED}}));
  EXPECT_THAT(s.message(), HasSubstr("findings[0].result"));
}

TEST(QaFrameworkTest, ActionsNeedAnIdASectionAndADescription) {
  google::protobuf::RepeatedPtrField<v1::AuditAction> actions;
  v1::AuditAction* a = actions.Add();
  a->set_action_id("a1");
  a->set_section("F");
  a->set_description("Quantify the speech and language therapy");
  v1::AuditAction* b = actions.Add();
  b->set_action_id("a2");
  b->set_section("H1");
  b->set_description("Reflect the social care advice");
  EXPECT_TRUE(CheckAuditActions(actions).ok());
  b->set_section("L");
  EXPECT_THAT(CheckAuditActions(actions).message(),
              HasSubstr("actions[1].section"));
  b->set_section("");
  b->set_action_id("a1");
  EXPECT_THAT(CheckAuditActions(actions).message(),
              HasSubstr("actions[1].action_id: a1 appears twice"));
  b->set_action_id("a2");
  b->set_description("  ");
  EXPECT_THAT(CheckAuditActions(actions).message(),
              HasSubstr("actions[1].description"));
}

std::vector<std::string> Plans(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(absl::StrCat("plan-", i));
  return out;
}

TEST(DipSampleTest, TheRateRoundsUpAndNeverDrawsNothingFromSomething) {
  // ceil(percent of n), at least one: 10% of 1, 10, 11 and 95 plans.
  EXPECT_EQ(DrawSample(Plans(1), "s", 10).size(), 1u);
  EXPECT_EQ(DrawSample(Plans(10), "s", 10).size(), 1u);
  EXPECT_EQ(DrawSample(Plans(11), "s", 10).size(), 2u);
  EXPECT_EQ(DrawSample(Plans(95), "s", 10).size(), 10u);
  EXPECT_EQ(DrawSample(Plans(40), "s", 100).size(), 40u);
  EXPECT_TRUE(DrawSample({}, "s", 10).empty());
}

TEST(DipSampleTest, TheSameRequestDrawsTheSameSample) {
  std::vector<std::string> plans = Plans(200);
  const std::vector<std::string> first = DrawSample(plans, "2026-11-north", 10);
  ASSERT_EQ(first.size(), 20u);
  // The order of the population and duplicates in it change nothing.
  std::vector<std::string> shuffled(plans.rbegin(), plans.rend());
  shuffled.push_back(plans[3]);
  EXPECT_EQ(DrawSample(shuffled, "2026-11-north", 10), first);
  // Drawn in id order, from the population.
  EXPECT_TRUE(std::is_sorted(first.begin(), first.end()));
  for (const std::string& id : first) {
    EXPECT_NE(std::find(plans.begin(), plans.end(), id), plans.end()) << id;
  }
  // Another seed draws another sample.
  EXPECT_NE(DrawSample(plans, "2026-12-north", 10), first);
  // The draw does not depend on this build or machine: a fixed population
  // and seed give these plans (the 64-bit FNV-1a of the seed, a NUL and the
  // id, computed independently).
  EXPECT_THAT(DrawSample(Plans(10), "seed", 30),
              ::testing::ElementsAre("plan-6", "plan-8", "plan-9"));
}

TEST(DipSampleTest, APlanAddedLaterDisplacesAtMostOne) {
  auto kept = [](const std::vector<std::string>& before,
                 const std::vector<std::string>& after) {
    int n = 0;
    for (const std::string& id : before) {
      n += std::find(after.begin(), after.end(), id) != after.end();
    }
    return n;
  };
  // 99 plans and 100 both draw 10 at 10%: the late plan displaces at most
  // one of the first draw.
  std::vector<std::string> plans = Plans(99);
  const std::vector<std::string> before = DrawSample(plans, "q3", 10);
  plans.push_back("plan-late");
  const std::vector<std::string> after = DrawSample(plans, "q3", 10);
  ASSERT_EQ(before.size(), 10u);
  ASSERT_EQ(after.size(), 10u);
  EXPECT_GE(kept(before, after), 9);
  // 101 plans draw 11: every plan of the draw of 100 is drawn again.
  plans.push_back("plan-later");
  EXPECT_EQ(kept(after, DrawSample(plans, "q3", 10)), 10);
}

}  // namespace
}  // namespace casework::statutory
