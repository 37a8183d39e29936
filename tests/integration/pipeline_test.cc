// Integration: the EHC service over real gRPC, its RocksDB log, the relay to
// the embedded Kafka-protocol broker, and the projection consuming the topic,
// all in one process.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "libs/core/clock.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/kafka/kafka.h"
#include "libs/rpc/server.h"
#include "services/ehc-assessments/ehc_service.h"
#include "services/projection/projection.h"
#include "services/projection/projection_consumer.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_token.h"

namespace casework {
namespace {

constexpr char kTopic[] = "casework.ehc-assessments.v1";
constexpr char kSecret[] = "pipeline-test-secret-0123456789abcdef";

v1::Date P(int y, int m, int d) { return ToProto(Date::Ymd(y, m, d)); }

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto broker = kafka::EmbeddedBroker::Start();
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = std::move(*broker);
    ASSERT_TRUE(broker_->CreateTopic(kTopic, 3).ok());
    auto store = RocksEventStore::Open(dir_.Sub("ehc"));
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    StartRelay();
    auto verifier = auth::JwtVerifier::Create(auth::VerifierOptions{
        .issuer = "test", .audience = "casework", .hs256_secret = kSecret});
    ASSERT_TRUE(verifier.ok());
    authorizer_ =
        std::make_unique<auth::Authorizer>(std::move(*verifier), clock_);
    auto audit = audit::AuditLog::Open(dir_.Sub("audit"), clock_);
    ASSERT_TRUE(audit.ok());
    audit_ = std::move(*audit);
    service_ = std::make_unique<ehc::EhcAssessmentServiceImpl>(
        *store_, clock_, calendar_, *authorizer_, *audit_);
    runner_ = std::make_unique<ServerRunner>("ehc-assessments");
    absl::StatusOr<int> port = runner_->Start("127.0.0.1", 0, {service_.get()});
    ASSERT_TRUE(port.ok());
    stub_ = v1::EhcAssessmentService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", *port), grpc::InsecureChannelCredentials()));
    auto projection = projection::Projection::Open(dir_.Sub("projection"));
    ASSERT_TRUE(projection.ok());
    projection_ = std::move(*projection);
    StartConsumer();
  }

  void TearDown() override {
    consumer_.reset();
    relay_.reset();
    runner_.reset();
  }

  void StartRelay() {
    auto relay = kafka::Relay::Start(
        *store_, kafka::RelayOptions{
                     .brokers = broker_->bootstrap_servers(),
                     .topic = kTopic,
                     .ce_source = "/casework/ehc-assessments",
                     .ce_type_prefix = "uk.send.casework.ehc.v1.",
                     .dataschema = "casework.v1.EhcAssessmentEvent",
                     .encoding = encoding_,
                     .event_type = &v1::EhcAssessmentEvent::default_instance(),
                     .delivery_timeout = absl::Seconds(2)});
    ASSERT_TRUE(relay.ok()) << relay.status();
    relay_ = std::move(*relay);
  }

  void StartConsumer() {
    consumer_ = std::make_unique<projection::ProjectionConsumer>(
        *projection_,
        kafka::ConsumerOptions{.brokers = broker_->bootstrap_servers(),
                               .properties = {{"fetch.wait.max.ms", "20"}}},
        std::vector<std::string>{kTopic});
  }

  // Waits (on a condition, with a deadline) until the projection has applied n
  // records.
  bool WaitApplied(int64_t n) {
    absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      if (projection_->applied() >= n) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

  grpc::Status Call(auto method, const auto& request,
                    v1::CommandResult* result) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + Token("officer-a"));
    return ((*stub_).*method)(&ctx, request, result);
  }

  std::string Token(const std::string& subject) {
    return testutil::TestToken(kSecret, subject, auth::kOfficer, clock_.Now());
  }

  kafka::Encoding encoding_ = kafka::Encoding::kProtobuf;
  testutil::TempDir dir_;
  FakeClock clock_{Date::Ymd(2026, 11, 23)};
  Calendar calendar_;
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
  std::unique_ptr<RocksEventStore> store_;
  std::unique_ptr<kafka::Relay> relay_;
  std::unique_ptr<auth::Authorizer> authorizer_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<ehc::EhcAssessmentServiceImpl> service_;
  std::unique_ptr<ServerRunner> runner_;
  std::unique_ptr<v1::EhcAssessmentService::Stub> stub_;
  std::unique_ptr<projection::Projection> projection_;
  std::unique_ptr<projection::ProjectionConsumer> consumer_;
};

TEST_F(PipelineTest, CommandsBecomeTimelineWorklistAndScorecard) {
  using S = v1::EhcAssessmentService::Stub;
  v1::CommandResult r;
  v1::RecordRequestRequest request;
  request.set_request_id("req-1");
  request.set_assessment_id("asmt-1");
  request.set_child_id("child-1");
  request.set_officer_id("officer-a");
  *request.mutable_received_on() = P(2026, 1, 5);
  request.set_source(v1::REQUEST_SOURCE_PARENT);
  request.set_kind(v1::ASSESSMENT_KIND_FIRST);
  ASSERT_TRUE(Call(&S::RecordRequest, request, &r).ok());
  EXPECT_EQ(r.position(), 1);
  // The actor recorded is the token's subject.
  auto logged = store_->ReadAfter(0, 1);
  ASSERT_TRUE(logged.ok() && logged->size() == 1);
  v1::EventEnvelopeHeader header;
  ASSERT_TRUE(header.ParseFromString((*logged)[0].payload));
  EXPECT_EQ(header.metadata().actor(), "officer-a");
  // The repeat is answered from the first result and writes nothing.
  v1::CommandResult again;
  ASSERT_TRUE(Call(&S::RecordRequest, request, &again).ok());
  EXPECT_TRUE(again.repeated());
  EXPECT_EQ(again.event_ids(0), r.event_ids(0));

  v1::DecideToAssessRequest assess;
  assess.set_request_id("req-2");
  assess.set_assessment_id("asmt-1");
  *assess.mutable_decided_on() = P(2026, 2, 20);  // due 16 Feb: 4 days late
  ASSERT_TRUE(Call(&S::DecideToAssess, assess, &r).ok());
  v1::RequestAdviceRequest advice;
  advice.set_request_id("req-3");
  advice.set_assessment_id("asmt-1");
  advice.set_advice_id("ep-1");
  advice.set_advice_type(v1::ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY);
  advice.set_adviser("Dr Jane Example, EP");
  *advice.mutable_requested_on() = P(2026, 2, 23);
  ASSERT_TRUE(Call(&S::RequestAdvice, advice, &r).ok());
  // The adviser's name is kept by the service and shown to officers, but is
  // in no event (nor, so, on the topic).
  auto events = store_->ReadAfter(0, 100);
  ASSERT_TRUE(events.ok());
  for (const StoredEvent& e : *events) {
    EXPECT_EQ(e.payload.find("Jane Example"), std::string::npos);
  }
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + Token("officer-a"));
    v1::GetAssessmentRequest get;
    get.set_assessment_id("asmt-1");
    v1::Assessment a;
    ASSERT_TRUE(stub_->GetAssessment(&ctx, get, &a).ok());
    ASSERT_EQ(a.advice_size(), 1);
    EXPECT_EQ(a.advice(0).adviser(), "Dr Jane Example, EP");
  }
  v1::RecordAdviceReceivedRequest received;
  received.set_request_id("req-4");
  received.set_assessment_id("asmt-1");
  received.set_advice_id("ep-1");
  *received.mutable_received_on() = P(2026, 3, 30);  // due 6 April: on time
  ASSERT_TRUE(Call(&S::RecordAdviceReceived, received, &r).ok());

  // A refused step changes nothing and names the problem.
  v1::IssueFinalPlanRequest too_soon;
  too_soon.set_request_id("req-5");
  too_soon.set_assessment_id("asmt-1");
  *too_soon.mutable_issued_on() = P(2026, 4, 1);
  grpc::Status refused = Call(&S::IssueFinalPlan, too_soon, &r);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("draft"), std::string::npos);
  EXPECT_EQ(store_->LastPosition(), 4);

  ASSERT_TRUE(WaitApplied(4));
  v1::GetTimelineRequest tl;
  tl.set_child_id("child-1");
  auto timeline = projection_->GetTimeline(tl);
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->entries_size(), 4);
  EXPECT_EQ(timeline->entries(0).event_type(), "RequestRecorded");
  EXPECT_EQ(timeline->entries(3).event_type(), "AdviceReceived");
  EXPECT_NE(timeline->entries(1).line().find("4 days late"), std::string::npos)
      << timeline->entries(1).line();

  v1::GetWorklistRequest wl;
  wl.set_officer_id("officer-a");
  *wl.mutable_as_of() = P(2026, 4, 30);
  auto worklist = projection_->GetWorklist(wl, Date::Ymd(2026, 11, 23));
  ASSERT_TRUE(worklist.ok());
  ASSERT_EQ(worklist->open_count(),
            2);  // final plan (25 May) and no-plan decision (27 Apr)
  EXPECT_EQ(worklist->items(0).clock_id(), "no_plan_decision");
  EXPECT_TRUE(worklist->items(0).overdue());
  EXPECT_EQ(worklist->items(0).days_overdue(), 3);
  EXPECT_FALSE(worklist->items(1).overdue());
  EXPECT_EQ(worklist->overdue_count(), 1);

  v1::GetOfficerScorecardRequest sc;
  sc.set_officer_id("officer-a");
  *sc.mutable_from() = P(2026, 1, 1);
  *sc.mutable_to() = P(2026, 12, 31);
  auto scorecard = projection_->GetOfficerScorecard(sc);
  ASSERT_TRUE(scorecard.ok());
  std::map<std::string, std::pair<int64_t, int64_t>> figures;
  for (const v1::Measure& m : scorecard->measures()) {
    figures[m.code()] = {m.numerator(), m.denominator()};
  }
  EXPECT_EQ(figures["ehc.decision_6_weeks"],
            std::make_pair(int64_t{0}, int64_t{1}));
  EXPECT_EQ(figures["ehc.advice_6_weeks"],
            std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(figures["ehc.advice_6_weeks.educational_psychology"],
            std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(scorecard->caseload(), 1);
}

TEST_F(PipelineTest, BrokerOutageLosesNothingAndReplaysAreNotAppliedTwice) {
  using S = v1::EhcAssessmentService::Stub;
  broker_->SetDown(true);
  for (int i = 0; i < 20; ++i) {
    v1::RecordRequestRequest request;
    request.set_request_id(absl::StrCat("req-", i));
    request.set_assessment_id(absl::StrCat("asmt-", i));
    request.set_child_id(absl::StrCat("child-", i % 5));
    request.set_officer_id("officer-a");
    *request.mutable_received_on() = P(2026, 10, 1);
    request.set_source(v1::REQUEST_SOURCE_SCHOOL_OR_SETTING);
    request.set_kind(v1::ASSESSMENT_KIND_FIRST);
    v1::CommandResult r;
    // Commands are accepted and durable while the broker is down.
    ASSERT_TRUE(Call(&S::RecordRequest, request, &r).ok());
  }
  EXPECT_EQ(store_->LastPosition(), 20);
  broker_->SetDown(false);
  ASSERT_TRUE(WaitApplied(20));
  // Re-publishing the whole log (as after a relay crash before its cursor was
  // saved) is deduplicated by (stream, version).
  consumer_.reset();
  relay_.reset();
  ASSERT_TRUE(store_->SetCursor("relay", 0).ok());
  StartRelay();
  StartConsumer();
  ASSERT_TRUE(WaitApplied(40));
  v1::GetWorklistRequest wl;
  wl.set_officer_id("officer-a");
  wl.set_page_size(1000);
  auto worklist = projection_->GetWorklist(wl, Date::Ymd(2026, 11, 23));
  ASSERT_TRUE(worklist.ok());
  EXPECT_EQ(worklist->open_count(), 20);
  v1::GetTimelineRequest tl;
  tl.set_child_id("child-0");
  EXPECT_EQ(projection_->GetTimeline(tl)->entries_size(), 4);
}

// The same pipeline with the services configured to publish JSON.
class JsonPipelineTest : public PipelineTest {
 protected:
  JsonPipelineTest() { encoding_ = kafka::Encoding::kJson; }
};

TEST_F(JsonPipelineTest, EventsArePublishedAsProtobufJsonAndProjected) {
  using S = v1::EhcAssessmentService::Stub;
  v1::CommandResult r;
  v1::RecordRequestRequest request;
  request.set_request_id("req-1");
  request.set_assessment_id("asmt-1");
  request.set_child_id("child-1");
  request.set_officer_id("officer-a");
  *request.mutable_received_on() = P(2026, 1, 5);
  request.set_source(v1::REQUEST_SOURCE_PARENT);
  request.set_kind(v1::ASSESSMENT_KIND_FIRST);
  ASSERT_TRUE(Call(&S::RecordRequest, request, &r).ok());
  v1::DecideToAssessRequest assess;
  assess.set_request_id("req-2");
  assess.set_assessment_id("asmt-1");
  *assess.mutable_decided_on() = P(2026, 2, 20);  // 4 days late
  ASSERT_TRUE(Call(&S::DecideToAssess, assess, &r).ok());

  // On the topic: JSON values with the same CloudEvents headers (only the
  // content-type differs), decoding to exactly the events in the log.
  auto reader = kafka::Consumer::Create(
      kafka::ConsumerOptions{.brokers = broker_->bootstrap_servers(),
                             .properties = {{"fetch.wait.max.ms", "20"}},
                             .group_id = "json-test"});
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::map<std::pair<std::string, int32_t>, int64_t> from;
  for (int32_t p = 0; p < 3; ++p) from[{kTopic, p}] = 0;
  ASSERT_TRUE((*reader)->Assign(from).ok());
  std::vector<kafka::Message> got;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (got.size() < 2 && absl::Now() < deadline) {
    auto m = (*reader)->Poll(absl::Milliseconds(100));
    ASSERT_TRUE(m.ok()) << m.status();
    if (m->has_value()) got.push_back(std::move(**m));
  }
  ASSERT_EQ(got.size(), 2u);
  auto logged = store_->ReadAfter(0, 10);
  ASSERT_TRUE(logged.ok() && logged->size() == 2);
  for (const kafka::Message& m : got) {
    std::map<std::string, std::string> headers;
    for (const kafka::Header& h : m.headers) headers[h.key] = h.value;
    EXPECT_EQ(headers["content-type"], "application/json");
    EXPECT_EQ(headers["ce_dataschema"], "casework.v1.EhcAssessmentEvent");
    EXPECT_EQ(m.key, "child-1");
    // Proto field names, readable without protobuf.
    EXPECT_NE(m.value.find("\"child_id\":\"child-1\""), std::string::npos)
        << m.value;
    const int64_t version = std::stoll(headers["casework_version"]);
    ASSERT_TRUE(version == 1 || version == 2);
    const StoredEvent& stored = (*logged)[version - 1];
    EXPECT_EQ(headers["ce_id"], stored.event_id);
    v1::EhcAssessmentEvent decoded, original;
    ASSERT_TRUE(kafka::DecodeValue(m, &decoded).ok());
    ASSERT_TRUE(original.ParseFromString(stored.payload));
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(decoded, original))
        << decoded.DebugString() << " vs " << original.DebugString();
  }
  // A value that is not the JSON of the type is refused with the reason.
  kafka::Message junk = got[0];
  junk.value = "{\"metadata\": 7}";
  v1::EhcAssessmentEvent e;
  absl::Status bad = kafka::DecodeValue(junk, &e);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("casework.v1.EhcAssessmentEvent"),
            std::string::npos)
      << bad;

  // The projection reads JSON as it reads protobuf.
  ASSERT_TRUE(WaitApplied(2));
  v1::GetTimelineRequest tl;
  tl.set_child_id("child-1");
  auto timeline = projection_->GetTimeline(tl);
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->entries_size(), 2);
  EXPECT_NE(timeline->entries(1).line().find("4 days late"), std::string::npos)
      << timeline->entries(1).line();
  v1::GetOfficerScorecardRequest sc;
  sc.set_officer_id("officer-a");
  *sc.mutable_from() = P(2026, 1, 1);
  *sc.mutable_to() = P(2026, 12, 31);
  auto scorecard = projection_->GetOfficerScorecard(sc);
  ASSERT_TRUE(scorecard.ok());
  bool counted = false;
  for (const v1::Measure& m : scorecard->measures()) {
    if (m.code() == "ehc.decision_6_weeks") {
      counted = true;
      EXPECT_EQ(m.numerator(), 0);
      EXPECT_EQ(m.denominator(), 1);
    }
  }
  EXPECT_TRUE(counted);
}

}  // namespace
}  // namespace casework
