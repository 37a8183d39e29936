// A plan's outcomes and the progress each review meeting records towards
// them: every outcome judged, the tallies of the outcome measures, Year 9
// from a final plan's national curriculum year, and the wording kept out of
// events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/rpc/proto_date.h"
#include "libs/statutory/clock_ops.h"
#include "services/annual-reviews/review.h"
#include "tests/services/annual-reviews/plan_case.h"
#include "tests/testing/tallies.h"

namespace casework::reviews {
namespace {

using ::testing::HasSubstr;
using testplan::D;
using testplan::FinalPlan;
using testplan::PlanCase;
using testutil::Tallies;

v1::PlanOutcome Outcome(std::string id, v1::OutcomeArea area,
                        std::string wording = "") {
  v1::PlanOutcome o;
  o.set_outcome_id(std::move(id));
  o.set_area(area);
  *o.mutable_target_date() = ToProto(D(2027, 7, 31));
  o.set_wording(std::move(wording));
  return o;
}

// A final plan issued 1 March 2026 with four outcomes, two of them
// preparing for adulthood; the child in Year 8 that day when `nc_year`.
void Issue(PlanCase& c, std::optional<int> nc_year = std::nullopt) {
  FinalPlanIssuedFacts f = FinalPlan(D(2026, 3, 1), nc_year);
  *f.contents.add_outcomes() = Outcome("E1", v1::OUTCOME_AREA_EDUCATION);
  *f.contents.add_outcomes() = Outcome("E2", v1::OUTCOME_AREA_HEALTH);
  *f.contents.add_outcomes() = Outcome("E3", v1::OUTCOME_AREA_PFA_EMPLOYMENT);
  *f.contents.add_outcomes() = Outcome("E4", v1::OUTCOME_AREA_PFA_COMMUNITY);
  ASSERT_TRUE(c.Do(f).ok());
}

v1::RecordMeetingHeldRequest Held(
    Date on, std::vector<std::pair<std::string, v1::OutcomeProgress>> progress,
    bool pfa = false) {
  v1::RecordMeetingHeldRequest r;
  *r.mutable_held_on() = ToProto(on);
  r.set_preparation_for_adulthood_covered(pfa);
  for (const auto& [id, p] : progress) {
    v1::OutcomeReview* o = r.add_outcomes();
    o->set_outcome_id(id);
    o->set_progress(p);
  }
  return r;
}

const std::vector<std::pair<std::string, v1::OutcomeProgress>> kAll = {
    {"E1", v1::OUTCOME_PROGRESS_ACHIEVED},
    {"E2", v1::OUTCOME_PROGRESS_NOT_PROGRESSING},
    {"E3", v1::OUTCOME_PROGRESS_PROGRESSING},
    {"E4", v1::OUTCOME_PROGRESS_NO_LONGER_RELEVANT}};

TEST(OutcomeReviewTest, AMeetingJudgesEveryOutcomeOrIsRefusedNamingIt) {
  {
    PlanCase c(D(2026, 12, 1));
    Issue(c);
    auto held = c.Do(Held(D(2026, 11, 2), kAll));
    ASSERT_TRUE(held.ok()) << held.status();
    EXPECT_EQ(c.state().outcome_reviews_size(), 4);
    EXPECT_EQ(statutory::DateOf(c.state().outcomes_reviewed_on()),
              D(2026, 11, 2));
  }
  PlanCase c(D(2026, 12, 1));
  Issue(c);
  auto three = kAll;
  three.pop_back();
  auto refused = c.Do(Held(D(2026, 11, 2), three));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("outcomes: outcome E4 (preparing for adulthood: "
                        "community, target 2027-07-31) is not assessed"));
  auto unknown = kAll;
  unknown.push_back({"E9", v1::OUTCOME_PROGRESS_ACHIEVED});
  EXPECT_THAT(c.Do(Held(D(2026, 11, 2), unknown)).status().message(),
              HasSubstr("outcomes[4].outcome_id: 'E9' is not an outcome"));
  auto twice = kAll;
  twice.push_back({"E1", v1::OUTCOME_PROGRESS_ACHIEVED});
  EXPECT_THAT(c.Do(Held(D(2026, 11, 2), twice)).status().message(),
              HasSubstr("outcomes[4].outcome_id: E1 appears twice"));
  auto unjudged = kAll;
  unjudged[1].second = v1::OUTCOME_PROGRESS_UNSPECIFIED;
  EXPECT_THAT(c.Do(Held(D(2026, 11, 2), unjudged)).status().message(),
              HasSubstr("outcomes[1].progress: is required"));
  EXPECT_FALSE(IsSet(c.state().meeting_held_on()));
}

TEST(OutcomeReviewTest, APlanWithoutOutcomesIsReviewedAsBefore) {
  PlanCase c(D(2026, 12, 1));
  v1::RegisterPlanRequest r;
  r.set_child_id("child-1");
  r.set_officer_id("officer-1");
  *r.mutable_issued_on() = ToProto(D(2026, 1, 5));
  ASSERT_TRUE(c.Do("plan-1", r).ok());
  auto held = c.Do(Held(D(2026, 11, 2), {}));
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_TRUE(Tallies(held->events[0]).empty());
}

TEST(OutcomeReviewTest, TalliesCountProgressNotThoseNoLongerRelevant) {
  PlanCase c(D(2026, 12, 1));
  Issue(c);
  auto held = c.Do(Held(D(2026, 11, 2), kAll));
  ASSERT_TRUE(held.ok());
  // Reviewed: E1-E3 (E4 no longer relevant); achieved or progressing: E1,
  // E3; preparing for adulthood: E3 of E3.
  EXPECT_EQ(Tallies(held->events[0]),
            (std::map<std::string, int64_t>{{"outcomes.reviewed", 3},
                                            {"outcomes.progressing", 2},
                                            {"outcomes.pfa_reviewed", 1},
                                            {"outcomes.pfa_progressing", 1}}));
  EXPECT_EQ(held->events[0].meeting_held().outcomes_size(), 4);
}

TEST(OutcomeReviewTest, Year9FromTheFinalPlansNcYear) {
  // Year 8 on 1 March 2026; Year 9 from 1 September 2026.
  {
    PlanCase c(D(2026, 12, 1));
    Issue(c, 8);
    EXPECT_EQ(c.state().nc_year(), 8);
    EXPECT_EQ(statutory::DateOf(c.state().nc_year_as_of()), D(2026, 3, 1));
    auto held = c.Do(Held(D(2026, 8, 31), kAll));
    ASSERT_TRUE(held.ok()) << held.status();
    EXPECT_EQ(held->events[0].meeting_held().nc_year(), 8);
    EXPECT_FALSE(Tallies(held->events[0]).contains("reviews.year9"));
  }
  PlanCase c(D(2026, 12, 1));
  Issue(c, 8);
  auto refused = c.Do(Held(D(2026, 9, 1), kAll));
  EXPECT_THAT(refused.status().message(),
              HasSubstr("from Year 9 every review must cover preparation"));
  auto held = c.Do(Held(D(2026, 9, 1), kAll, /*pfa=*/true));
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->events[0].meeting_held().nc_year(), 9);
  std::map<std::string, int64_t> t = Tallies(held->events[0]);
  EXPECT_EQ(t["reviews.year9"], 1);
  EXPECT_EQ(t["reviews.year9_pfa_covered"], 1);
  EXPECT_EQ(t["reviews.year9_pfa_outcomes"], 1);
}

TEST(OutcomeReviewTest, AnAmendmentNamingOutcomesReplacesThem) {
  PlanCase c(D(2026, 12, 20));
  Issue(c);
  ASSERT_TRUE(c.Do(Held(D(2026, 10, 1), kAll)).ok());
  v1::RecordReviewDecisionRequest amend;
  amend.set_decision(v1::REVIEW_DECISION_AMEND);
  *amend.mutable_notified_on() = ToProto(D(2026, 10, 8));
  ASSERT_TRUE(c.Do(amend).ok());
  // An amendment of the settings alone keeps the outcomes...
  v1::IssueAmendedPlanRequest settings;
  *settings.mutable_issued_on() = ToProto(D(2026, 11, 2));
  settings.mutable_contents()->add_settings()->set_urn("100001");
  settings.mutable_contents()->mutable_settings(0)->set_rank(1);
  ASSERT_TRUE(c.Do(settings).ok());
  EXPECT_EQ(c.state().contents().outcomes_size(), 4);
  EXPECT_EQ(c.state().contents().settings(0).urn(), "100001");
  // ... and at the next amendment new outcomes replace them.
  PlanCase d(D(2026, 12, 20));
  Issue(d);
  ASSERT_TRUE(d.Do(Held(D(2026, 10, 1), kAll)).ok());
  ASSERT_TRUE(d.Do(amend).ok());
  v1::IssueAmendedPlanRequest outcomes;
  *outcomes.mutable_issued_on() = ToProto(D(2026, 11, 2));
  *outcomes.mutable_contents()->add_outcomes() =
      Outcome("F1", v1::OUTCOME_AREA_PFA_INDEPENDENT_LIVING,
              "Travels to college alone");
  auto issued = d.Do(outcomes);
  ASSERT_TRUE(issued.ok()) << issued.status();
  ASSERT_EQ(d.state().contents().outcomes_size(), 1);
  EXPECT_EQ(d.state().contents().outcomes(0).outcome_id(), "F1");
  // The wording is kept beside the log, not in the event.
  EXPECT_TRUE(issued->events[0]
                  .amended_plan_issued()
                  .contents()
                  .outcomes(0)
                  .wording()
                  .empty());
  ASSERT_EQ(issued->index_puts.size(), 1u);
  EXPECT_EQ(issued->index_puts[0].first, OutcomeTextKey("plan-1", "F1"));
  EXPECT_EQ(issued->index_puts[0].second, "Travels to college alone");
}

TEST(OutcomeReviewTest, OutcomesNeedAnIdAnAreaAndATargetDate) {
  v1::RegisterPlanRequest r;
  r.set_child_id("child-1");
  r.set_officer_id("officer-1");
  *r.mutable_issued_on() = ToProto(D(2026, 1, 5));
  *r.mutable_contents()->add_outcomes() =
      Outcome("E1", v1::OUTCOME_AREA_EDUCATION, "Reads a short book aloud");
  {
    PlanCase c(D(2026, 12, 1));
    auto ok = c.Do("plan-1", r);
    ASSERT_TRUE(ok.ok()) << ok.status();
    EXPECT_TRUE(ok->events[0]
                    .plan_registered()
                    .contents()
                    .outcomes(0)
                    .wording()
                    .empty());
    ASSERT_EQ(ok->index_puts.size(), 3u);  // the two list indexes and the text
  }
  struct Row {
    std::function<void(v1::PlanOutcome*)> spoil;
    const char* says;
  } rows[] = {
      {[](v1::PlanOutcome* o) { o->set_outcome_id(""); },
       "contents.outcomes[0].outcome_id"},
      {[](v1::PlanOutcome* o) { o->clear_area(); },
       "contents.outcomes[0].area"},
      {[](v1::PlanOutcome* o) { o->clear_target_date(); },
       "contents.outcomes[0].target_date"},
  };
  for (const Row& row : rows) {
    PlanCase c(D(2026, 12, 1));
    v1::RegisterPlanRequest bad = r;
    row.spoil(bad.mutable_contents()->mutable_outcomes(0));
    EXPECT_THAT(c.Do("plan-1", bad).status().message(), HasSubstr(row.says));
  }
  PlanCase c(D(2026, 12, 1));
  v1::RegisterPlanRequest twice = r;
  *twice.mutable_contents()->add_outcomes() =
      Outcome("E1", v1::OUTCOME_AREA_HEALTH);
  EXPECT_THAT(c.Do("plan-1", twice).status().message(),
              HasSubstr("contents.outcomes[1].outcome_id: E1 appears twice"));
}

}  // namespace
}  // namespace casework::reviews
