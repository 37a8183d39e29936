// Families' experience: a compliment, a comment or a survey response about a
// case, and a survey sent and answered; the tallies the experience measures
// divide (libs/statutory/experience.h) at their boundaries (a score of 3 is
// not satisfied, 4 is); the text kept out of the event.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/rpc/proto_date.h"
#include "services/complaints/complaint.h"
#include "tests/testing/decide_case.h"
#include "tests/testing/tallies.h"

namespace casework::complaints {
namespace {

using ::testing::HasSubstr;
using testutil::Tallies;
using Counts = std::map<std::string, int64_t>;

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }

class FeedbackCase : public testutil::DecideCase<FeedbackTraits, Env> {
 public:
  explicit FeedbackCase(Date today) : DecideCase("f-1", today) {}
};

v1::RecordFeedbackRequest Feedback(v1::FeedbackKind kind,
                                   v1::Survey survey = v1::SURVEY_UNSPECIFIED,
                                   int score = 0) {
  v1::RecordFeedbackRequest r;
  r.set_child_id("child-1");
  r.set_officer_id("officer-1");
  r.set_kind(kind);
  r.set_survey(survey);
  r.set_score(score);
  r.set_process("ehc-assessments");
  r.set_case_id("a-1");
  *r.mutable_received_on() = ToProto(D(2026, 11, 2));
  r.set_text("Thank you for listening to us");
  return r;
}

TEST(FeedbackTest, AComplimentCountsAndItsTextStaysOutOfTheEvent) {
  FeedbackCase c(D(2026, 11, 30));
  auto d = c.Do("f-1", Feedback(v1::FEEDBACK_KIND_COMPLIMENT));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(Tallies(d->events[0]), (Counts{{"experience.compliments", 1}}));
  EXPECT_THAT(d->events[0].SerializeAsString(),
              ::testing::Not(HasSubstr("listening")));
  bool kept = false;
  for (const auto& [key, value] : d->index_puts) {
    kept |= key == TextKey("f-1", "text") &&
            value == "Thank you for listening to us";
  }
  EXPECT_TRUE(kept);
  EXPECT_EQ(c.state().officer_id(), "officer-1");
  EXPECT_EQ(c.state().kind(), v1::FEEDBACK_KIND_COMPLIMENT);
  // The id is now a case of the service: not another's.
  EXPECT_EQ(c.Do("f-1", Feedback(v1::FEEDBACK_KIND_COMMENT)).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(FeedbackTest, SatisfiedIsAScoreOfFourOrFive) {
  for (const auto& [score, satisfied] :
       {std::pair{3, false}, std::pair{4, true}, std::pair{5, true}}) {
    FeedbackCase c(D(2026, 11, 30));
    auto d = c.Do("f-1", Feedback(v1::FEEDBACK_KIND_SURVEY_RESPONSE,
                                  v1::SURVEY_NEW_PLAN, score));
    ASSERT_TRUE(d.ok()) << d.status();
    Counts want = {{"experience.scored", 1}, {"experience.scored.new_plan", 1}};
    if (satisfied) {
      want["experience.satisfied"] = 1;
      want["experience.satisfied.new_plan"] = 1;
    }
    EXPECT_EQ(Tallies(d->events[0]), want) << score;
  }
  // A survey without a score counts as neither.
  FeedbackCase c(D(2026, 11, 30));
  auto d = c.Do("f-1", Feedback(v1::FEEDBACK_KIND_SURVEY_RESPONSE,
                                v1::SURVEY_ANNUAL_FAMILY, 0));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(Tallies(d->events[0]).empty());
}

TEST(FeedbackTest, WhatDoesNotFitIsRefusedNamingTheField) {
  struct Row {
    v1::RecordFeedbackRequest r;
    const char* says;
  };
  std::vector<Row> rows;
  rows.push_back({Feedback(v1::FEEDBACK_KIND_UNSPECIFIED), "kind"});
  rows.push_back({Feedback(v1::FEEDBACK_KIND_SURVEY_RESPONSE),
                  "survey: a survey response names its survey"});
  rows.push_back({Feedback(v1::FEEDBACK_KIND_COMPLIMENT, v1::SURVEY_NEW_PLAN),
                  "survey: only a survey response names a survey"});
  rows.push_back(
      {Feedback(v1::FEEDBACK_KIND_SURVEY_RESPONSE, v1::SURVEY_NEW_PLAN, 6),
       "score: is 1 (very dissatisfied) to 5"});
  rows.push_back(
      {Feedback(v1::FEEDBACK_KIND_COMPLIMENT, v1::SURVEY_UNSPECIFIED, 5),
       "score: only a survey response has a score"});
  v1::RecordFeedbackRequest process = Feedback(v1::FEEDBACK_KIND_COMPLIMENT);
  process.set_process("housing");
  rows.push_back({process, "process: 'housing' is not"});
  v1::RecordFeedbackRequest future = Feedback(v1::FEEDBACK_KIND_COMPLIMENT);
  *future.mutable_received_on() = ToProto(D(2026, 12, 1));
  rows.push_back({future, "received_on: 2026-12-01 is in the future"});
  for (const Row& row : rows) {
    FeedbackCase c(D(2026, 11, 30));
    auto d = c.Do("f-1", row.r);
    ASSERT_FALSE(d.ok()) << row.says;
    EXPECT_THAT(d.status().message(), HasSubstr(row.says));
    EXPECT_EQ(c.state().version(), 0);
  }
}

TEST(FeedbackTest, ASurveySentIsAnsweredOnceNotBeforeItWasSent) {
  FeedbackCase c(D(2026, 11, 30));
  v1::RecordSurveySentRequest sent;
  sent.set_child_id("child-1");
  sent.set_officer_id("officer-1");
  sent.set_survey(v1::SURVEY_ANNUAL_REVIEW);
  sent.set_process("annual-reviews");
  *sent.mutable_sent_on() = ToProto(D(2026, 11, 2));
  auto s = c.Do("f-1", sent);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(Tallies(s->events[0]), (Counts{{"experience.surveys_sent", 1}}));
  EXPECT_EQ(FeedbackTraits::AllowedActions(c.state()),
            std::vector<std::string>{"RecordSurveyResponse"});
  v1::RecordSurveyResponseRequest answer;
  answer.set_feedback_id("f-1");
  answer.set_score(4);
  *answer.mutable_received_on() = ToProto(D(2026, 11, 1));
  EXPECT_THAT(c.Do(answer).status().message(),
              HasSubstr("before the survey was sent"));
  *answer.mutable_received_on() = ToProto(D(2026, 11, 2));
  auto a = c.Do(answer);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(Tallies(a->events[0]),
            (Counts{{"experience.surveys_answered", 1},
                    {"experience.scored", 1},
                    {"experience.scored.annual_review", 1},
                    {"experience.satisfied", 1},
                    {"experience.satisfied.annual_review", 1}}));
  EXPECT_TRUE(FeedbackTraits::AllowedActions(c.state()).empty());
  EXPECT_THAT(c.Do(answer).status().message(), HasSubstr("was answered on"));
}

TEST(FeedbackTest, OnlyASurveySentIsAnswered) {
  FeedbackCase c(D(2026, 11, 30));
  v1::RecordSurveyResponseRequest answer;
  answer.set_feedback_id("f-1");
  EXPECT_EQ(c.Do(answer).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(c.Do("f-1", Feedback(v1::FEEDBACK_KIND_COMPLIMENT)).ok());
  EXPECT_THAT(c.Do(answer).status().message(),
              HasSubstr("is not a survey sent through casework"));
}

TEST(FeedbackTest, AnIdOfAnotherKindOfCaseIsRefusedNotAppendedTo) {
  // The stream of complaint f-1, read as feedback.
  Event logged;
  logged.mutable_metadata()->set_stream_id("f-1");
  logged.mutable_metadata()->set_version(1);
  logged.mutable_complaint_logged()->set_subject(
      v1::COMPLAINT_SUBJECT_COMMUNICATION);
  v1::Feedback state;
  FeedbackTraits::Evolve(state, logged);
  Calendar calendar;
  auto d = Decide(state, "f-1", Feedback(v1::FEEDBACK_KIND_COMPLIMENT),
                  Env{D(2026, 11, 30), calendar, {}});
  EXPECT_EQ(d.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(d.status().message(),
              HasSubstr("f-1 is already a case of this service"));
  // And the other way round: a complaint under a feedback id.
  Event recorded;
  recorded.mutable_metadata()->set_stream_id("f-1");
  recorded.mutable_metadata()->set_version(1);
  recorded.mutable_feedback_recorded()->set_kind(v1::FEEDBACK_KIND_COMMENT);
  Complaint complaint;
  ComplaintTraits::Evolve(complaint, recorded);
  v1::LogComplaintRequest log;
  log.set_child_id("child-1");
  log.set_officer_id("officer-1");
  log.set_complainant(v1::COMPLAINANT_PARENT);
  log.set_subject(v1::COMPLAINT_SUBJECT_COMMUNICATION);
  log.set_procedure(v1::COMPLAINT_PROCEDURE_CORPORATE);
  *log.mutable_received_on() = ToProto(D(2026, 11, 2));
  EXPECT_EQ(Decide(complaint, "f-1", log, Env{D(2026, 11, 30), calendar, {}})
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace casework::complaints
