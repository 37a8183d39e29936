// The transport core: the statutory outcome on receipt, what the officer may
// decide, the in-place clock against term start, and the working-day review
// and appeal clocks (across Christmas), with bad input refused.
#include "services/transport/application.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/rpc/proto_date.h"
#include "libs/statutory/clock_ops.h"
#include "tests/testing/decide_case.h"

namespace casework::transport {
namespace {

using ::testing::HasSubstr;

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }
Date Due(const v1::Clock& c) { return statutory::DateOf(c.due_on()); }

// An application in memory, in an LA whose terms begin on these days.
class AppCase : public testutil::DecideCase<Traits, Env> {
 public:
  explicit AppCase(Date today)
      : DecideCase("app-1", today, 20,
                   std::vector<Date>{D(2026, 9, 3), D(2027, 1, 5),
                                     D(2027, 4, 19), D(2027, 9, 2)}) {}
};

v1::SubmitApplicationRequest Application_(Date received, double walking,
                                          Date dob = D(2015, 5, 1)) {
  v1::SubmitApplicationRequest r;
  r.set_child_id("child-1");
  r.set_officer_id("officer-1");
  *r.mutable_received_on() = ToProto(received);
  v1::TravelFacts* f = r.mutable_facts();
  *f->mutable_date_of_birth() = ToProto(dob);
  f->set_academic_year(2026);
  f->set_school_id("school-42");
  f->set_nearest_suitable_school(true);
  f->set_walking_miles(walking);
  f->set_road_miles(walking);
  return r;
}

v1::RecordTransportDecisionRequest Decision(v1::TransportDecision d, Date on,
                                            std::string reason = "") {
  v1::RecordTransportDecisionRequest r;
  r.set_decision(d);
  *r.mutable_notified_on() = ToProto(on);
  r.set_reason(reason);
  return r;
}

TEST(TransportTest, ReceiptComputesTheOutcomeAndOpensTheDecisionClock) {
  AppCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("app-1", Application_(D(2026, 6, 1), 3.4)).ok());
  EXPECT_EQ(c.state().assessment().outcome(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
  EXPECT_THAT(c.state().assessment().grounds(),
              ::testing::ElementsAre("beyond_walking_distance"));
  // 20 working days from Monday 1 June 2026 (no bank holiday): 29 June.
  EXPECT_EQ(Due(c.clock("decision")), D(2026, 6, 29));
  // Needed from the first day of the autumn term.
  EXPECT_EQ(statutory::DateOf(c.state().needed_from()), D(2026, 9, 3));
}

TEST(TransportTest, AnEligibleChildCannotBeRefused) {
  AppCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("app-1", Application_(D(2026, 6, 1), 3.4)).ok());
  auto refused =
      c.Do(Decision(v1::TRANSPORT_DECISION_REFUSED, D(2026, 6, 20), "budget"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("s.508B"));
  ASSERT_TRUE(
      c.Do(Decision(v1::TRANSPORT_DECISION_ELIGIBLE, D(2026, 6, 20))).ok());
  EXPECT_EQ(c.clock("decision").status(), v1::CLOCK_STATUS_MET);
  EXPECT_EQ(Due(c.clock("in_place")), D(2026, 9, 3));
}

TEST(TransportTest, NotEligibleMeansDiscretionWithAReasonOrRefusal) {
  AppCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("app-1", Application_(D(2026, 6, 1), 1.2)).ok());
  EXPECT_EQ(c.state().assessment().outcome(),
            v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
  EXPECT_EQ(c.Do(Decision(v1::TRANSPORT_DECISION_ELIGIBLE, D(2026, 6, 20)))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.Do(Decision(v1::TRANSPORT_DECISION_REFUSED, D(2026, 6, 20)))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);  // no reason
  auto d = c.Do(Decision(v1::TRANSPORT_DECISION_REFUSED, D(2026, 7, 15),
                         "within walking distance on a safe route"));
  ASSERT_TRUE(d.ok());
  // The reason is kept beside the log, never in the event.
  ASSERT_EQ(d->index_puts.size(), 1u);
  EXPECT_EQ(d->index_puts[0].first, ReasonKey("app-1"));
  EXPECT_EQ(d->events[0].SerializeAsString().find("walking distance"),
            std::string::npos);
  EXPECT_EQ(c.clock("decision").status(), v1::CLOCK_STATUS_MISSED);  // 29 June
  EXPECT_EQ(c.clock("in_place").clock_id(), "");  // nothing to arrange
}

TEST(TransportTest, InPlaceIsJudgedOnTheDayTransportStarts) {
  AppCase c(D(2026, 11, 23));
  ASSERT_TRUE(c.Do("app-1", Application_(D(2026, 6, 1), 3.4)).ok());
  ASSERT_TRUE(
      c.Do(Decision(v1::TRANSPORT_DECISION_ELIGIBLE, D(2026, 6, 20))).ok());
  v1::ArrangeTransportRequest arrange;
  arrange.set_type(v1::ARRANGEMENT_TYPE_VEHICLE_OR_TAXI);
  *arrange.mutable_starts_on() = ToProto(D(2026, 9, 7));  // 2 school days late
  *arrange.mutable_arranged_on() = ToProto(D(2026, 9, 4));
  ASSERT_TRUE(c.Do(arrange).ok());
  EXPECT_EQ(c.clock("in_place").status(), v1::CLOCK_STATUS_MISSED);
  EXPECT_EQ(c.state().status(), v1::APPLICATION_STATUS_ARRANGED);
  // Travel training: the child then travels independently.
  v1::RecordTravelTrainingRequest itt;
  *itt.mutable_on() = ToProto(D(2026, 10, 1));
  ASSERT_TRUE(c.Do(itt).ok());
  itt.set_completed(true);
  *itt.mutable_on() = ToProto(D(2026, 11, 20));
  ASSERT_TRUE(c.Do(itt).ok());
  EXPECT_EQ(c.state().status(), v1::APPLICATION_STATUS_ENDED);
}

TEST(TransportTest, ReviewAndAppealOnWorkingDaysAcrossChristmas) {
  AppCase c(D(2027, 3, 1));
  ASSERT_TRUE(c.Do("app-1", Application_(D(2026, 11, 2), 1.0)).ok());
  ASSERT_TRUE(c.Do(Decision(v1::TRANSPORT_DECISION_REFUSED, D(2026, 11, 20),
                            "within distance"))
                  .ok());
  // Asked for 22 working days after the decision: heard, recorded as late.
  v1::RequestStage1ReviewRequest stage1;
  *stage1.mutable_requested_on() = ToProto(D(2026, 12, 22));
  ASSERT_TRUE(c.Do(stage1).ok());
  EXPECT_TRUE(c.state().stage1_late());
  // 20 working days from 22 Dec skip 25, 28 Dec and 1 Jan: 22 January.
  EXPECT_EQ(Due(c.clock("stage1")), D(2027, 1, 22));
  v1::RecordStage1DecisionRequest upheld;
  upheld.set_outcome(v1::APPEAL_OUTCOME_UPHELD);
  *upheld.mutable_decided_on() = ToProto(D(2027, 1, 20));
  ASSERT_TRUE(c.Do(upheld).ok());
  EXPECT_EQ(c.clock("stage1").status(), v1::CLOCK_STATUS_MET);
  v1::RequestStage2AppealRequest stage2;
  *stage2.mutable_requested_on() = ToProto(D(2027, 1, 25));
  ASSERT_TRUE(c.Do(stage2).ok());
  EXPECT_FALSE(c.state().stage2_late());
  v1::RecordPanelDecisionRequest panel;
  panel.set_outcome(v1::APPEAL_OUTCOME_CHANGED);
  *panel.mutable_decided_on() = ToProto(D(2027, 2, 26));
  ASSERT_TRUE(c.Do(panel).ok());
  EXPECT_EQ(c.clock("stage2_panel").status(), v1::CLOCK_STATUS_MET);
  EXPECT_EQ(Due(c.clock("stage2_outcome")), D(2027, 3, 5));  // 5 working days
  // The refusal is overturned: transport to arrange by the next term start.
  EXPECT_EQ(c.state().status(), v1::APPLICATION_STATUS_AWARDED);
  EXPECT_EQ(Due(c.clock("in_place")), D(2027, 4, 19));
}

// Education Act 1996 s.8, s.508B: a post-16 label on a child whose date of
// birth makes them of compulsory school age is refused, naming the field, and
// nothing is recorded.
TEST(TransportTest, APost16LabelCannotOverrideTheDateOfBirth_EA1996S8) {
  AppCase c(D(2026, 7, 1));
  v1::SubmitApplicationRequest r = Application_(
      D(2026, 6, 1), 4.0, D(2011, 5, 1));  // school age to 25 Jun 27
  r.mutable_facts()->set_post16(true);
  auto refused = c.Do(std::string("app-1"), r);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("facts.post16"));
  EXPECT_EQ(c.state().version(), 0);
  r.mutable_facts()->set_post16(false);
  auto ok = c.Do(std::string("app-1"), r);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(statutory::DateOf(c.state().assessment().entitled_until()),
            D(2027, 6, 25));
}

// A child who reaches compulsory school age during the year is entitled from
// that day (born 1 Mar 2022: 31 Mar 2027), and the in-place clock is due then.
TEST(TransportTest, EntitledFromTheDayTheChildReachesSchoolAge_EA1996S8) {
  AppCase c(D(2026, 10, 1));
  auto submitted = c.Do(std::string("app-1"),
                        Application_(D(2026, 9, 10), 4.0, D(2022, 3, 1)));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const v1::EligibilityAssessment& a = c.state().assessment();
  EXPECT_EQ(a.outcome(), v1::ELIGIBILITY_OUTCOME_ELIGIBLE);
  EXPECT_EQ(statutory::DateOf(a.entitled_from()), D(2027, 3, 31));
  EXPECT_EQ(statutory::DateOf(a.compulsory_school_age_from()), D(2027, 3, 31));
  EXPECT_THAT(a.explanation(), HasSubstr("from 2027-03-31"));
  ASSERT_TRUE(
      c.Do(Decision(v1::TRANSPORT_DECISION_ELIGIBLE, D(2026, 9, 20))).ok());
  EXPECT_EQ(Due(c.clock("in_place")), D(2027, 3, 31));
}

// An unmeasured distance is "not given": the assessment refuses to decide,
// naming the distance, instead of reading 0 miles.
TEST(TransportTest, ADistanceNotGivenIsRefusedNotReadAsZero) {
  AppCase c(D(2026, 7, 1));
  v1::SubmitApplicationRequest r = Application_(D(2026, 6, 1), 4.0);
  r.mutable_facts()->clear_walking_miles();
  r.mutable_facts()->clear_road_miles();
  auto refused = c.Do(std::string("app-1"), r);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("facts.walking_miles"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("not given"));
  r.mutable_facts()->set_walking_miles(0);  // measured: next door
  auto decided = c.Do(std::string("app-1"), r);
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(c.state().assessment().outcome(),
            v1::ELIGIBILITY_OUTCOME_NOT_ELIGIBLE);
}

TEST(TransportTest, BadInputIsRefusedNamingTheField) {
  AppCase c(D(2026, 11, 23));
  auto negative = c.Do("app-1", Application_(D(2026, 6, 1), -0.5));
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(negative.status().message()),
              HasSubstr("facts.walking_miles"));
  auto unborn = c.Do("app-1", Application_(D(2026, 6, 1), 2.5, D(2027, 1, 1)));
  EXPECT_EQ(unborn.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unborn.status().message()),
              HasSubstr("facts.date_of_birth"));
  auto future = c.Do("app-1", Application_(D(2026, 12, 1), 2.5));
  EXPECT_EQ(future.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.state().application_id(), "");  // nothing recorded
  EXPECT_EQ(c.Do(Decision(v1::TRANSPORT_DECISION_ELIGIBLE, D(2026, 6, 20)))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace casework::transport

namespace casework::transport {
namespace {

std::vector<std::string> Offered(const Application& s) {
  std::vector<std::string> v = Traits::AllowedActions(s);
  std::sort(v.begin(), v.end());
  return v;
}

TEST(TransportAllowedActions,
     FollowTheApplicationThroughDecisionAndArrangement) {
  AppCase c(D(2026, 11, 23));
  EXPECT_TRUE(Offered(c.state()).empty());
  ASSERT_TRUE(c.Do("app-1", Application_(D(2026, 6, 1), 3.4)).ok());
  EXPECT_EQ(Offered(c.state()),
            (std::vector<std::string>{"ReassignOfficer", "RecordDecision"}));
  v1::ArrangeTransportRequest arrange;
  arrange.set_type(v1::ARRANGEMENT_TYPE_VEHICLE_OR_TAXI);
  *arrange.mutable_starts_on() = ToProto(D(2026, 9, 3));
  EXPECT_EQ(c.Do(arrange).status().code(),
            absl::StatusCode::kFailedPrecondition);  // not offered: refused
  ASSERT_TRUE(
      c.Do(Decision(v1::TRANSPORT_DECISION_ELIGIBLE, D(2026, 6, 20))).ok());
  EXPECT_EQ(Offered(c.state()),
            (std::vector<std::string>{"ArrangeTransport", "ReassignOfficer",
                                      "RecordTravelTraining",
                                      "RequestStage1Review"}));
  ASSERT_TRUE(c.Do(arrange).ok());
  EXPECT_EQ(Offered(c.state()),
            (std::vector<std::string>{"ChangeArrangement", "EndArrangement",
                                      "ReassignOfficer", "RecordTravelTraining",
                                      "RequestStage1Review"}));
}

}  // namespace
}  // namespace casework::transport
