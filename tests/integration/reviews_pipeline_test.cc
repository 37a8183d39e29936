// Integration: a final plan issued in the EHC service reaches the annual
// reviews service through the embedded broker and opens a review due 12
// months later; the projection shows it; a simulated year with a fake clock
// produces the backlog; a full re-publish of the EHC topic opens nothing new.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "casework/v1/annual_review.grpc.pb.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/clock.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/kafka/kafka.h"
#include "libs/kafka/topics.h"
#include "libs/rpc/server.h"
#include "services/annual-reviews/plan_intake.h"
#include "services/annual-reviews/review_service.h"
#include "services/ehc-assessments/ehc_service.h"
#include "services/projection/projection.h"
#include "services/projection/projection_consumer.h"
#include "tests/testing/temp_dir.h"

namespace casework {
namespace {

constexpr char kEhcTopic[] = "casework.ehc-assessments.v1";
constexpr char kReviewTopic[] = "casework.annual-reviews.v1";
constexpr char kSecret[] = "reviews-pipeline-secret-0123456789ab";

v1::Date P(int y, int m, int d) { return ToProto(Date::Ymd(y, m, d)); }

template <typename Pred>
bool WaitFor(Pred pred) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

class ReviewsPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto broker = kafka::EmbeddedBroker::Start();
    ASSERT_TRUE(broker.ok());
    broker_ = std::move(*broker);
    for (const char* t : {kEhcTopic, kReviewTopic})
      ASSERT_TRUE(broker_->CreateTopic(t, 3).ok());
    auto verifier = auth::JwtVerifier::Create(auth::VerifierOptions{
        .issuer = "test", .audience = "casework", .hs256_secret = kSecret});
    ASSERT_TRUE(verifier.ok());
    authorizer_ =
        std::make_unique<auth::Authorizer>(std::move(*verifier), clock_);
    audit_ = std::move(*audit::AuditLog::Open(dir_.Sub("audit"), clock_));

    ehc_store_ = std::move(*RocksEventStore::Open(dir_.Sub("ehc")));
    ehc_relay_ = Relay(*ehc_store_, kEhcTopic, "uk.send.casework.ehc.v1.");
    ehc_ = std::make_unique<ehc::EhcAssessmentServiceImpl>(
        *ehc_store_, clock_, calendar_, *authorizer_, *audit_);

    review_store_ = std::move(*RocksEventStore::Open(
        dir_.Sub("reviews"),
        RocksEventStore::Options{.faults = review_faults_}));
    review_relay_ =
        Relay(*review_store_, kReviewTopic, "uk.send.casework.reviews.v1.");
    reviews_ = std::make_unique<reviews::AnnualReviewServiceImpl>(
        *review_store_, clock_, calendar_, *authorizer_, *audit_);
    StartIntake(/*from_start=*/false);

    runner_ = std::make_unique<ServerRunner>("test");
    absl::StatusOr<int> port =
        runner_->Start("127.0.0.1", 0, {ehc_.get(), reviews_.get()});
    ASSERT_TRUE(port.ok());
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", *port),
                                       grpc::InsecureChannelCredentials());
    ehc_stub_ = v1::EhcAssessmentService::NewStub(channel);
    review_stub_ = v1::AnnualReviewService::NewStub(channel);

    projection_ =
        std::move(*projection::Projection::Open(dir_.Sub("projection")));
    consumer_ = std::make_unique<projection::ProjectionConsumer>(
        *projection_,
        kafka::ConsumerOptions{.brokers = broker_->bootstrap_servers(),
                               .properties = {{"fetch.wait.max.ms", "20"}},
                               .group_id = "projection"},
        std::vector<std::string>{kEhcTopic, kReviewTopic});
  }

  void TearDown() override {
    consumer_.reset();
    intake_.reset();
    runner_.reset();
    ehc_relay_.reset();
    review_relay_.reset();
  }

  std::unique_ptr<kafka::Relay> Relay(EventStore& store, const char* topic,
                                      const char* prefix) {
    auto relay = kafka::Relay::Start(
        store, kafka::RelayOptions{
                   .brokers = broker_->bootstrap_servers(),
                   .topic = topic,
                   .ce_source = kafka::FindDomainTopic(topic)->ce_source,
                   .ce_type_prefix = prefix,
                   .dataschema = "x"});
    EXPECT_TRUE(relay.ok()) << relay.status();
    return relay.ok() ? std::move(*relay) : nullptr;
  }

  void StartIntake(bool from_start,
                   absl::Duration retry_interval = absl::Seconds(1)) {
    intake_.reset();
    intake_ = std::make_unique<reviews::FinalPlanIntake>(
        *reviews_, *review_store_,
        kafka::ConsumerOptions{.brokers = broker_->bootstrap_servers(),
                               .properties = {{"fetch.wait.max.ms", "20"}},
                               .group_id = "reviews"},
        from_start, retry_interval);
  }

  template <typename Stub, typename Req, typename Resp>
  grpc::Status Call(Stub* stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Req&, Resp*),
                    const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.AddMetadata(
        "authorization",
        "Bearer " +
            *auth::SignJwt("HS256", kSecret, "",
                           auth::ClaimsJson(auth::TokenClaims{
                               .issuer = "test",
                               .audience = "casework",
                               .subject = "officer-a",
                               .roles = auth::kOfficer,
                               .expires = clock_.Now() + absl::Hours(1)})));
    return (stub->*method)(&ctx, req, resp);
  }

  v1::OfficerScorecard Scorecard(Date as_of) {
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id("officer-a");
    *r.mutable_from() = P(2026, 1, 1);
    *r.mutable_to() = P(2027, 12, 31);
    *r.mutable_as_of() = ToProto(as_of);
    auto card = projection_->GetOfficerScorecard(r);
    EXPECT_TRUE(card.ok()) << card.status();
    return card.ok() ? *card : v1::OfficerScorecard();
  }

  testutil::TempDir dir_;
  FakeClock clock_{Date::Ymd(2026, 11, 23)};
  Calendar calendar_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<RocksEventStore> ehc_store_;
  std::unique_ptr<kafka::Relay> ehc_relay_;
  std::unique_ptr<ehc::EhcAssessmentServiceImpl> ehc_;
  std::shared_ptr<StorageFaults> review_faults_ =
      std::make_shared<StorageFaults>();
  std::unique_ptr<RocksEventStore> review_store_;
  std::unique_ptr<kafka::Relay> review_relay_;
  std::unique_ptr<reviews::AnnualReviewServiceImpl> reviews_;
  std::unique_ptr<reviews::FinalPlanIntake> intake_;
  std::unique_ptr<ServerRunner> runner_;
  std::unique_ptr<v1::EhcAssessmentService::Stub> ehc_stub_;
  std::unique_ptr<v1::AnnualReviewService::Stub> review_stub_;
  std::unique_ptr<projection::Projection> projection_;
  std::unique_ptr<projection::ProjectionConsumer> consumer_;
};

TEST_F(ReviewsPipelineTest, AnIntakeStoppedWhileRetryingOpensThePlanOnRestart) {
  using E = v1::EhcAssessmentService::Stub;
  using R = v1::AnnualReviewService::Stub;
  // The reviews service's disk is full: the intake cannot record the plan
  // and waits (an hour here) before trying again.
  StartIntake(/*from_start=*/false, /*retry_interval=*/absl::Hours(1));
  review_faults_->Set(StorageFaults::Fault::kNoSpace);
  v1::CommandResult r;
  v1::RecordRequestRequest req;
  req.set_request_id("s1");
  req.set_assessment_id("asmt-7");
  req.set_child_id("child-7");
  req.set_officer_id("officer-a");
  *req.mutable_received_on() = P(2026, 1, 5);
  req.set_source(v1::REQUEST_SOURCE_PARENT);
  req.set_kind(v1::ASSESSMENT_KIND_FIRST);
  ASSERT_TRUE(Call(ehc_stub_.get(), &E::RecordRequest, req, &r).ok());
  v1::DecideToAssessRequest assess;
  assess.set_request_id("s2");
  assess.set_assessment_id("asmt-7");
  *assess.mutable_decided_on() = P(2026, 2, 10);
  ASSERT_TRUE(Call(ehc_stub_.get(), &E::DecideToAssess, assess, &r).ok());
  v1::IssueDraftPlanRequest draft;
  draft.set_request_id("s3");
  draft.set_assessment_id("asmt-7");
  *draft.mutable_issued_on() = P(2026, 4, 20);
  ASSERT_TRUE(Call(ehc_stub_.get(), &E::IssueDraftPlan, draft, &r).ok());
  v1::IssueFinalPlanRequest final_plan;
  final_plan.set_request_id("s4");
  final_plan.set_assessment_id("asmt-7");
  *final_plan.mutable_issued_on() = P(2026, 5, 18);
  ASSERT_TRUE(Call(ehc_stub_.get(), &E::IssueFinalPlan, final_plan, &r).ok());
  ASSERT_TRUE(WaitFor([&] { return intake_->retries() >= 1; }));
  // The disk has room again, but the intake is stopped before its retry (as
  // at a service restart): it must not pass the plan it never recorded.
  review_faults_->Set(StorageFaults::Fault::kNone);
  ASSERT_TRUE(review_store_->TryRecover().ok());
  intake_.reset();
  StartIntake(/*from_start=*/false);
  v1::GetPlanRequest get;
  get.set_plan_id("plan-asmt-7");
  v1::Plan plan;
  ASSERT_TRUE(WaitFor([&] {
    return Call(review_stub_.get(), &R::GetPlan, get, &plan).ok();
  })) << "the final plan never opened a review cycle";
  EXPECT_EQ(plan.child_id(), "child-7");
  EXPECT_EQ(intake_->plans_opened(), 1);
}

TEST_F(ReviewsPipelineTest, FinalPlanOpensAReviewAndAYearMakesTheBacklog) {
  using E = v1::EhcAssessmentService::Stub;
  using R = v1::AnnualReviewService::Stub;
  v1::CommandResult r;
  v1::RecordRequestRequest req;
  req.set_request_id("e1");
  req.set_assessment_id("asmt-1");
  req.set_child_id("child-1");
  req.set_officer_id("officer-a");
  *req.mutable_received_on() = P(2026, 1, 5);
  req.set_source(v1::REQUEST_SOURCE_PARENT);
  req.set_kind(v1::ASSESSMENT_KIND_FIRST);
  ASSERT_TRUE(Call(ehc_stub_.get(), &E::RecordRequest, req, &r).ok());
  v1::DecideToAssessRequest assess;
  assess.set_request_id("e2");
  assess.set_assessment_id("asmt-1");
  *assess.mutable_decided_on() = P(2026, 2, 10);
  ASSERT_TRUE(Call(ehc_stub_.get(), &E::DecideToAssess, assess, &r).ok());
  v1::IssueDraftPlanRequest draft;
  draft.set_request_id("e3");
  draft.set_assessment_id("asmt-1");
  *draft.mutable_issued_on() = P(2026, 4, 20);
  ASSERT_TRUE(Call(ehc_stub_.get(), &E::IssueDraftPlan, draft, &r).ok());
  v1::IssueFinalPlanRequest final_plan;
  final_plan.set_request_id("e4");
  final_plan.set_assessment_id("asmt-1");
  *final_plan.mutable_issued_on() = P(2026, 5, 18);
  ASSERT_TRUE(Call(ehc_stub_.get(), &E::IssueFinalPlan, final_plan, &r).ok());

  // The plan appears in the reviews service, due 12 months after issue.
  v1::GetPlanRequest get;
  get.set_plan_id("plan-asmt-1");
  v1::Plan plan;
  ASSERT_TRUE(WaitFor(
      [&] { return Call(review_stub_.get(), &R::GetPlan, get, &plan).ok(); }));
  EXPECT_EQ(plan.origin(), v1::PLAN_ORIGIN_EHC_FINAL_PLAN);
  EXPECT_EQ(plan.child_id(), "child-1");
  EXPECT_EQ(plan.officer_id(), "officer-a");
  ASSERT_EQ(plan.clocks_size(), 1);
  EXPECT_EQ(plan.clocks(0).due_on().year(), 2027);
  EXPECT_EQ(plan.clocks(0).due_on().month(), 5);
  // CFA 2014 s.44(1): the 12 months starting with 18 May 2026 end 17 May 2027.
  EXPECT_EQ(plan.clocks(0).due_on().day(), 17);

  // Two migrated plans: one reviewed in time, one never reviewed.
  v1::RegisterPlanRequest reg;
  reg.set_request_id("m1");
  reg.set_plan_id("mig-1");
  reg.set_child_id("child-2");
  reg.set_officer_id("officer-a");
  *reg.mutable_issued_on() = P(2025, 12, 1);
  ASSERT_TRUE(Call(review_stub_.get(), &R::RegisterPlan, reg, &r).ok());
  reg.set_request_id("m2");
  reg.set_plan_id("mig-2");
  reg.set_child_id("child-3");
  *reg.mutable_issued_on() = P(2026, 2, 1);
  ASSERT_TRUE(Call(review_stub_.get(), &R::RegisterPlan, reg, &r).ok());

  // The projection has all three as active plans, none overdue today.
  ASSERT_TRUE(
      WaitFor([&] { return Scorecard(clock_.Today()).active_plans() == 3; }));
  EXPECT_EQ(Scorecard(clock_.Today()).review_backlog(), 0);

  // A year passes (fake clock). mig-1 is reviewed on time; the others are not.
  clock_.SetToday(Date::Ymd(2027, 6, 30));
  v1::RecordMeetingHeldRequest held;
  held.set_request_id("m3");
  held.set_plan_id("mig-1");
  *held.mutable_held_on() = P(2026, 11, 2);
  ASSERT_TRUE(Call(review_stub_.get(), &R::RecordMeetingHeld, held, &r).ok());
  v1::RecordReviewDecisionRequest decision;
  decision.set_request_id("m4");
  decision.set_plan_id("mig-1");
  decision.set_decision(v1::REVIEW_DECISION_MAINTAIN);
  *decision.mutable_notified_on() = P(2026, 11, 20);
  ASSERT_TRUE(
      Call(review_stub_.get(), &R::RecordReviewDecision, decision, &r).ok());
  ASSERT_TRUE(WaitFor([&] {
    const v1::OfficerScorecard now = Scorecard(clock_.Today());
    for (const v1::Measure& m : now.measures()) {
      if (m.code() == "review.on_time") return m.denominator() == 1;
    }
    return false;
  }));
  v1::OfficerScorecard card = Scorecard(clock_.Today());
  EXPECT_EQ(card.active_plans(), 3);
  EXPECT_EQ(card.review_backlog(), 2);  // asmt-1 (due 18 May) and mig-2
  EXPECT_NEAR(card.review_backlog_percent(), 66.67, 0.01);
  for (const v1::Measure& m : card.measures()) {
    if (m.code() == "review.on_time") {
      EXPECT_EQ(m.numerator(), 1);
    }
    if (m.code() == "review.decision_4_weeks") {
      EXPECT_EQ(m.numerator(), 1);
    }
  }

  // The EHC topic read again from the start (as after a topics reset):
  // nothing new is opened.
  const int64_t before = review_store_->LastPosition();
  StartIntake(/*from_start=*/true);
  ASSERT_TRUE(WaitFor([&] { return intake_->records_seen() >= 4; }));
  EXPECT_EQ(review_store_->LastPosition(), before);
  EXPECT_EQ(intake_->plans_opened(), 0);
}

}  // namespace
}  // namespace casework
