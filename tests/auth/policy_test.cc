// The access policy against the contract and against the running services:
//  - every RPC of every service in proto/casework/v1 has a rule, and every rule
//    names a real RPC (a new RPC without a rule fails here);
//  - every RPC x every role (and no token) is called over real gRPC on the
//    real service implementations, and the answer matches the table: so each
//    handler really checks, with its own method name;
//  - the officer and team conditions.
#include "libs/auth/policy.h"

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "casework/v1/annual_review.pb.h"
#include "casework/v1/audit.grpc.pb.h"
#include "casework/v1/complaints.pb.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "casework/v1/projection.grpc.pb.h"
#include "casework/v1/transport.pb.h"
#include "libs/admin/admin_service.h"
#include "libs/admin/consumer_admin.h"
#include "libs/admin/dev_stack.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/calendar.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/rpc/server.h"
#include "services/annual-reviews/review_service.h"
#include "services/complaints/complaints_service.h"
#include "services/ehc-assessments/ehc_service.h"
#include "services/projection/projection.h"
#include "services/projection/projection_service.h"
#include "services/statutory-returns/returns_service.h"
#include "services/transport/transport_service.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_token.h"

namespace casework {
namespace {

constexpr char kSecret[] = "policy-test-secret-0123456789abcdef";

// Every service declared in the contract's .proto files.
std::vector<const google::protobuf::ServiceDescriptor*> ContractServices() {
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  const std::filesystem::path dir =
      std::filesystem::path(CASEWORK_SOURCE_DIR) / "proto/casework/v1";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".proto") continue;
    const std::string name = "casework/v1/" + entry.path().filename().string();
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(
            name);
    EXPECT_NE(file, nullptr) << name << " is not compiled into casework_proto";
    if (file == nullptr) continue;
    for (int i = 0; i < file->service_count(); ++i)
      out.push_back(file->service(i));
  }
  return out;
}

std::string MethodPath(const google::protobuf::MethodDescriptor* m) {
  return absl::StrCat("/", m->service()->full_name(), "/", m->name());
}

TEST(PolicyTest, EveryRpcHasARuleAndEveryRuleAnRpc) {
  std::set<std::string> methods;
  for (const auto* service : ContractServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string path = MethodPath(service->method(i));
      methods.insert(path);
      EXPECT_TRUE(auth::Policy().contains(path))
          << path << " has no access rule in libs/auth/policy.cc";
    }
  }
  EXPECT_GE(methods.size(), 18u);  // the contract as of this test
  for (const auto& [path, rule] : auth::Policy()) {
    EXPECT_TRUE(methods.contains(path)) << "rule for unknown RPC " << path;
    EXPECT_NE(rule.roles, 0u) << path << " allows nobody";
  }
}

// A verifier that counts its verifications.
class CountingVerifier final : public auth::JwtVerifier {
 public:
  explicit CountingVerifier(std::unique_ptr<auth::JwtVerifier> inner)
      : inner_(std::move(inner)) {}
  absl::StatusOr<auth::Principal> Verify(absl::string_view token,
                                         absl::Time now) const override {
    ++calls;
    return inner_->Verify(token, now);
  }
  bool TrustsKey(absl::string_view key_id) const override {
    return inner_->TrustsKey(key_id);
  }
  mutable std::atomic<int> calls{0};

 private:
  std::unique_ptr<auth::JwtVerifier> inner_;
};

// The real services, authorizing with a fixed team directory.
class PolicyWalkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto verifier = auth::JwtVerifier::Create(auth::VerifierOptions{
        .issuer = "test", .audience = "casework", .hs256_secret = kSecret});
    ASSERT_TRUE(verifier.ok());
    auto counting = std::make_shared<CountingVerifier>(std::move(*verifier));
    verifier_ = counting.get();
    authorizer_ = std::make_unique<auth::Authorizer>(
        counting, clock_, [](const std::string& officer) {
          if (officer == "officer-n1" || officer == "officer-n2")
            return std::vector<std::string>{"team-north"};
          if (officer == "officer-s1")
            return std::vector<std::string>{"team-south"};
          return std::vector<std::string>{};
        });
    auto store = RocksEventStore::Open(dir_.Sub("ehc"));
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    auto audit = audit::AuditLog::Open(dir_.Sub("audit"), clock_);
    ASSERT_TRUE(audit.ok());
    audit_ = std::move(*audit);
    auto projection = projection::Projection::Open(dir_.Sub("projection"));
    ASSERT_TRUE(projection.ok());
    projection_ = std::move(*projection);
    ehc_ = std::make_unique<ehc::EhcAssessmentServiceImpl>(
        *store_, clock_, calendar_, *authorizer_, *audit_);
    reviews_store_ = std::move(*RocksEventStore::Open(dir_.Sub("reviews")));
    reviews_ = std::make_unique<reviews::AnnualReviewServiceImpl>(
        *reviews_store_, clock_, calendar_, *authorizer_, *audit_);
    transport_store_ = std::move(*RocksEventStore::Open(dir_.Sub("transport")));
    transport_ = std::make_unique<transport::TransportServiceImpl>(
        *transport_store_, clock_, calendar_, *authorizer_, *audit_);
    complaints_store_ =
        std::move(*RocksEventStore::Open(dir_.Sub("complaints")));
    complaints_ = std::make_unique<complaints::ComplaintsServiceImpl>(
        *complaints_store_, clock_, calendar_, *authorizer_, *audit_);
    projection_service_ = std::make_unique<projection::ProjectionServiceImpl>(
        *projection_, clock_, *authorizer_, *audit_);
    returns_store_ =
        std::move(*returns::ReturnsStore::Open(dir_.Sub("returns")));
    returns_ = std::make_unique<returns::ReturnsServiceImpl>(
        *returns_store_, clock_, *authorizer_, *audit_,
        returns::ReturnsConfig{.lea = "999"});
    audit_service_ =
        std::make_unique<audit::AuditServiceImpl>(*audit_, *authorizer_);
    admin_service_ = std::make_unique<admin::AdminServiceImpl>(*store_, nullptr,
                                                               *authorizer_);
    consumer_admin_ = std::make_unique<admin::ConsumerAdminServiceImpl>(
        "projection", nullptr, nullptr, *authorizer_);
    dev_stack_ =
        std::make_unique<admin::DevStackServiceImpl>([](bool) {}, *authorizer_);
    runner_ = std::make_unique<ServerRunner>("policy-test");
    absl::StatusOr<int> port = runner_->Start(
        "127.0.0.1", 0,
        {ehc_.get(), reviews_.get(), transport_.get(), complaints_.get(),
         projection_service_.get(), audit_service_.get(), admin_service_.get(),
         consumer_admin_.get(), dev_stack_.get(), returns_.get()});
    ASSERT_TRUE(port.ok());
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", *port),
                                   grpc::InsecureChannelCredentials());
  }

  std::string Token(const std::string& subject, unsigned roles,
                    std::vector<std::string> teams = {}) {
    return testutil::TestToken(kSecret, subject, roles, clock_.Now(),
                               std::move(teams));
  }

  // Calls `method` with the serialized request and the token (none when
  // empty).
  grpc::StatusCode Call(const std::string& method, const std::string& request,
                        const std::string& token) {
    return CallStatus(method, request, token).error_code();
  }

  grpc::Status CallStatus(const std::string& method, const std::string& request,
                          const std::string& token,
                          const std::string& expected_version = "") {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    if (!expected_version.empty()) {
      ctx.AddMetadata("casework-expected-version", expected_version);
    }
    grpc::Slice slice(request);
    grpc::ByteBuffer in(&slice, 1);
    grpc::ByteBuffer out;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, method, grpc::StubOptions(), &in, &out,
                   [&](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  testutil::TempDir dir_;
  FakeClock clock_{Date::Ymd(2026, 11, 23)};
  Calendar calendar_;
  CountingVerifier* verifier_ = nullptr;
  std::unique_ptr<auth::Authorizer> authorizer_;
  std::unique_ptr<RocksEventStore> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<projection::Projection> projection_;
  std::unique_ptr<ehc::EhcAssessmentServiceImpl> ehc_;
  std::unique_ptr<RocksEventStore> reviews_store_;
  std::unique_ptr<reviews::AnnualReviewServiceImpl> reviews_;
  std::unique_ptr<RocksEventStore> transport_store_;
  std::unique_ptr<transport::TransportServiceImpl> transport_;
  std::unique_ptr<RocksEventStore> complaints_store_;
  std::unique_ptr<complaints::ComplaintsServiceImpl> complaints_;
  std::unique_ptr<projection::ProjectionServiceImpl> projection_service_;
  std::unique_ptr<returns::ReturnsStore> returns_store_;
  std::unique_ptr<returns::ReturnsServiceImpl> returns_;
  std::unique_ptr<audit::AuditServiceImpl> audit_service_;
  std::unique_ptr<admin::AdminServiceImpl> admin_service_;
  std::unique_ptr<admin::ConsumerAdminServiceImpl> consumer_admin_;
  std::unique_ptr<admin::DevStackServiceImpl> dev_stack_;
  std::unique_ptr<ServerRunner> runner_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(PolicyWalkTest, EveryRpcTimesEveryRoleAnswersAsTheTableSays) {
  int calls = 0;
  for (const auto* service : ContractServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string path = MethodPath(service->method(i));
      const auth::Rule& rule = auth::Policy().at(path);
      // An empty request names no officer, so only the role decides.
      EXPECT_EQ(Call(path, "", ""), grpc::StatusCode::UNAUTHENTICATED)
          << path << " without a token";
      EXPECT_EQ(Call(path, "", "garbage"), grpc::StatusCode::UNAUTHENTICATED)
          << path << " with a junk token";
      for (auth::Role role :
           {auth::kOfficer, auth::kManager, auth::kAdmin, auth::kIntegration,
            auth::kReturns, auth::kHeadOfService}) {
        const grpc::StatusCode code =
            Call(path, "", Token("someone", role, {"team-north"}));
        ++calls;
        if ((rule.roles & role) != 0) {
          EXPECT_NE(code, grpc::StatusCode::PERMISSION_DENIED)
              << path << " refused to " << auth::RoleName(role);
          EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED) << path;
          EXPECT_NE(code, grpc::StatusCode::INTERNAL) << path;
        } else {
          EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED)
              << path << " allowed to " << auth::RoleName(role);
        }
      }
    }
  }
  EXPECT_GE(calls, 18 * 4);
}

// A token is verified once per call, a good one or a bad one (a good one is
// then cached; a bad one is not).
TEST_F(PolicyWalkTest, ATokenIsVerifiedOncePerCall) {
  v1::GetAssessmentRequest get;
  get.set_assessment_id("none");
  const std::string method = "/casework.v1.EhcAssessmentService/GetAssessment";
  const std::string good = Token("officer-n1", auth::kOfficer);
  std::string bad = good;
  bad.back() = bad.back() == 'A' ? 'B' : 'A';  // the signature no longer fits
  EXPECT_EQ(Call(method, get.SerializeAsString(), good),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(verifier_->calls, 1);
  EXPECT_EQ(Call(method, get.SerializeAsString(), good),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(verifier_->calls, 1) << "a verified token is cached";
  EXPECT_EQ(Call(method, get.SerializeAsString(), bad),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verifier_->calls, 2);
  EXPECT_EQ(Call(method, get.SerializeAsString(), bad),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verifier_->calls, 3);
}

TEST_F(PolicyWalkTest, EveryCommandOfEveryServiceRequiresARequestId) {
  const std::string token = Token("back-office", auth::kIntegration);
  int commands = 0;
  for (const auto* service : ContractServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* m = service->method(i);
      if (m->output_type()->full_name() != "casework.v1.CommandResult") {
        continue;
      }
      ++commands;
      EXPECT_NE(m->input_type()->FindFieldByName("request_id"), nullptr)
          << m->full_name() << " has no request_id";
      const grpc::Status status = CallStatus(MethodPath(m), "", token);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << m->full_name() << ": " << status.error_message();
      EXPECT_EQ(status.error_message().rfind("request_id: is required", 0), 0u)
          << m->full_name() << ": " << status.error_message();
    }
  }
  EXPECT_GE(commands, 40);
}

TEST_F(PolicyWalkTest, ARequestIdIsBoundToTheCommandItFirstNamed) {
  const std::string token = Token("back-office", auth::kIntegration);
  const std::string record = "/casework.v1.EhcAssessmentService/RecordRequest";
  v1::RecordRequestRequest first;
  first.set_request_id("same-id");
  first.set_assessment_id("asmt-1");
  first.set_child_id("child-1");
  first.set_officer_id("officer-n1");
  *first.mutable_received_on() = ToProto(Date::Ymd(2026, 11, 2));
  first.set_source(v1::REQUEST_SOURCE_PARENT);
  first.set_kind(v1::ASSESSMENT_KIND_FIRST);
  ASSERT_TRUE(CallStatus(record, first.SerializeAsString(), token).ok());
  const int64_t written = store_->LastPosition();
  // The same id on another assessment: refused, not the first's result.
  v1::RecordRequestRequest other = first;
  other.set_assessment_id("asmt-2");
  grpc::Status status = CallStatus(record, other.SerializeAsString(), token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS)
      << status.error_message();
  EXPECT_EQ(status.error_message().rfind("request_id: ", 0), 0u);
  // The same id for another step of the same case.
  v1::DecideToAssessRequest decide;
  decide.set_request_id("same-id");
  decide.set_assessment_id("asmt-1");
  *decide.mutable_decided_on() = ToProto(Date::Ymd(2026, 11, 20));
  status = CallStatus("/casework.v1.EhcAssessmentService/DecideToAssess",
                      decide.SerializeAsString(), token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS)
      << status.error_message();
  // The same command from another caller.
  status = CallStatus(record, first.SerializeAsString(),
                      Token("someone-else", auth::kIntegration));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(store_->LastPosition(), written);
  // A true retry: the first result, nothing written.
  status = CallStatus(record, first.SerializeAsString(), token);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(store_->LastPosition(), written);
  // A request id outside the safe set is refused before anything else.
  v1::RecordRequestRequest odd = first;
  odd.set_request_id("id with spaces");
  status = CallStatus(record, odd.SerializeAsString(), token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("request_id: ", 0), 0u);
}

TEST_F(PolicyWalkTest, EveryServiceChecksCommandInputBeforeDeciding) {
  const std::string token = Token("back-office", auth::kIntegration);
  // A date before the SEND regime, in each service's opening command.
  v1::RecordRequestRequest ehc;
  ehc.set_request_id("in-1");
  ehc.set_assessment_id("asmt-9");
  ehc.set_child_id("child-9");
  ehc.set_officer_id("officer-n1");
  *ehc.mutable_received_on() = ToProto(Date::Ymd(1900, 1, 1));
  ehc.set_source(v1::REQUEST_SOURCE_PARENT);
  v1::RegisterPlanRequest plan;
  plan.set_request_id("in-2");
  plan.set_plan_id("plan-9");
  *plan.mutable_issued_on() = ToProto(Date::Ymd(1900, 1, 1));
  v1::SubmitApplicationRequest travel;
  travel.set_request_id("in-3");
  travel.set_application_id("tr-9");
  *travel.mutable_received_on() = ToProto(Date::Ymd(1900, 1, 1));
  v1::LogComplaintRequest complaint;
  complaint.set_request_id("in-4");
  complaint.set_complaint_id("cp-9");
  *complaint.mutable_received_on() = ToProto(Date::Ymd(1900, 1, 1));
  const std::vector<std::pair<std::string, std::string>> calls = {
      {"/casework.v1.EhcAssessmentService/RecordRequest",
       ehc.SerializeAsString()},
      {"/casework.v1.AnnualReviewService/RegisterPlan",
       plan.SerializeAsString()},
      {"/casework.v1.TransportService/SubmitApplication",
       travel.SerializeAsString()},
      {"/casework.v1.ComplaintsService/LogComplaint",
       complaint.SerializeAsString()}};
  for (const auto& [method, request] : calls) {
    const grpc::Status status = CallStatus(method, request, token);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << method;
    EXPECT_NE(status.error_message().find("1900-01-01 is before the SEND "
                                          "regime"),
              std::string::npos)
        << method << ": " << status.error_message();
  }
  // Free text with a right-to-left override.
  v1::RequestAdviceRequest advice;
  advice.set_request_id("in-5");
  advice.set_assessment_id("asmt-9");
  advice.set_adviser(
      "EP \xe2\x80\xae"
      "ecivres");
  const grpc::Status status =
      CallStatus("/casework.v1.EhcAssessmentService/RequestAdvice",
                 advice.SerializeAsString(), token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("adviser: ", 0), 0u)
      << status.error_message();
  EXPECT_EQ(store_->LastPosition(), 0);
}

TEST_F(PolicyWalkTest, ReadYourWritesWaitsAreBoundedAndRefusedFastWhenFull) {
  projection_service_->set_max_waiting(2);
  projection_service_->set_consistency_wait(absl::Seconds(2));
  const std::string token = Token("officer-n1", auth::kOfficer);
  v1::GetTimelineRequest r;
  r.set_child_id("child-1");
  v1::SeenWrite* w = r.add_after();
  w->set_source("ehc-assessments");
  w->set_stream_id("never-written");
  w->set_version(1);
  const std::string path = "/casework.v1.ProjectionService/GetTimeline";
  std::vector<std::future<grpc::Status>> waiting;
  for (int i = 0; i < 2; ++i) {
    waiting.push_back(std::async(std::launch::async, [&] {
      return CallStatus(path, r.SerializeAsString(), token);
    }));
  }
  while (projection_service_->waiting() < 2) std::this_thread::yield();
  const absl::Time start = absl::Now();
  const grpc::Status refused = CallStatus(path, r.SerializeAsString(), token);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1)) << "refused, but not fast";
  for (auto& f : waiting) {
    EXPECT_EQ(f.get().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  EXPECT_EQ(projection_service_->waiting(), 0);
}

TEST_F(PolicyWalkTest, OfficersActOnTheirOwnCasesAndMovingTeamsNeedsAManager) {
  const std::string n1 = Token("officer-n1", auth::kOfficer);
  const std::string n2 = Token("officer-n2", auth::kOfficer);
  const std::string s1 = Token("officer-s1", auth::kOfficer);
  const std::string north =
      Token("manager-north", auth::kManager, {"team-north"});
  const std::string back_office = Token("back-office", auth::kIntegration);
  int n = 0;
  auto record = [&](const std::string& token, const std::string& id,
                    const std::string& officer) {
    v1::RecordRequestRequest r;
    r.set_request_id(absl::StrCat("rr-", ++n));
    r.set_assessment_id(id);
    r.set_child_id("child-" + id);
    r.set_officer_id(officer);
    *r.mutable_received_on() = ToProto(Date::Ymd(2026, 11, 2));
    r.set_source(v1::REQUEST_SOURCE_PARENT);
    r.set_kind(v1::ASSESSMENT_KIND_FIRST);
    return CallStatus("/casework.v1.EhcAssessmentService/RecordRequest",
                      r.SerializeAsString(), token)
        .error_code();
  };
  auto decide = [&](const std::string& token, const std::string& id) {
    v1::DecideToAssessRequest r;
    r.set_request_id(absl::StrCat("rd-", ++n));
    r.set_assessment_id(id);
    *r.mutable_decided_on() = ToProto(Date::Ymd(2026, 11, 20));
    return CallStatus("/casework.v1.EhcAssessmentService/DecideToAssess",
                      r.SerializeAsString(), token)
        .error_code();
  };
  auto reassign = [&](const std::string& token, const std::string& id,
                      const std::string& to) {
    v1::ReassignOfficerRequest r;
    r.set_request_id(absl::StrCat("ra-", ++n));
    r.set_assessment_id(id);
    r.set_officer_id(to);
    *r.mutable_reassigned_on() = ToProto(Date::Ymd(2026, 11, 21));
    return CallStatus("/casework.v1.EhcAssessmentService/ReassignOfficer",
                      r.SerializeAsString(), token)
        .error_code();
  };
  using grpc::StatusCode;
  // New cases: for yourself; a manager for the team's officers.
  EXPECT_EQ(record(n1, "c-1", "officer-n1"), StatusCode::OK);
  EXPECT_EQ(record(n1, "c-2", "officer-n2"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(record(north, "c-2", "officer-n2"), StatusCode::OK);
  EXPECT_EQ(record(north, "c-3", "officer-s1"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(record(back_office, "c-3", "officer-s1"), StatusCode::OK);
  // Another team's officer can neither act on a case nor take it.
  EXPECT_EQ(decide(s1, "c-1"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(reassign(s1, "c-1", "officer-s1"), StatusCode::PERMISSION_DENIED);
  // Nor can a team-mate act on a case not theirs (the LA may allow it:
  // officers_act_for_team, below).
  EXPECT_EQ(decide(n2, "c-1"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(decide(n1, "c-1"), StatusCode::OK);
  // Within the team the holder hands the case on; the new holder acts on it.
  EXPECT_EQ(reassign(n1, "c-1", "officer-n2"), StatusCode::OK);
  EXPECT_EQ(decide(n1, "c-2"), StatusCode::PERMISSION_DENIED);
  // To another team: not the holder alone; a manager of the holding team.
  EXPECT_EQ(reassign(n2, "c-1", "officer-s1"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(reassign(north, "c-1", "officer-s1"), StatusCode::OK);
  // Now team-south's: team-north's manager no longer acts on it.
  EXPECT_EQ(reassign(north, "c-1", "officer-n1"),
            StatusCode::PERMISSION_DENIED);
  // The back office acts on any case.
  EXPECT_EQ(reassign(back_office, "c-1", "officer-n1"), StatusCode::OK);
}

TEST(CaseAccess, AnLaMayLetOfficersActForTheirTeam) {
  FakeClock clock(Date::Ymd(2026, 11, 23));
  auto verifier = auth::JwtVerifier::Create(auth::VerifierOptions{
      .issuer = "test", .audience = "casework", .hs256_secret = kSecret});
  ASSERT_TRUE(verifier.ok());
  auto teams = [](const std::string& officer) {
    if (officer == "officer-n1" || officer == "officer-n2")
      return std::vector<std::string>{"team-north"};
    if (officer == "officer-s1") return std::vector<std::string>{"team-south"};
    return std::vector<std::string>{};
  };
  const auth::Authorizer together(
      std::shared_ptr<const auth::JwtVerifier>(std::move(*verifier)), clock,
      teams, auth::CaseAccessOptions{.officers_act_for_team = true});
  auth::Principal n2{.subject = "officer-n2",
                     .officer_id = "officer-n2",
                     .roles = auth::kOfficer};
  EXPECT_TRUE(together.AuthorizeCase(n2, "officer-n1", "officer-n1").ok());
  EXPECT_TRUE(together.AuthorizeCase(n2, "", "officer-n1").ok());
  EXPECT_TRUE(together.AuthorizeCase(n2, "officer-n1", "officer-n2").ok());
  EXPECT_EQ(together.AuthorizeCase(n2, "officer-s1", "officer-s1").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(together.AuthorizeCase(n2, "officer-n1", "officer-s1").code(),
            absl::StatusCode::kPermissionDenied);
  // An officer the directory does not know is in no team.
  EXPECT_EQ(together.AuthorizeCase(n2, "officer-x", "officer-x").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(PolicyWalkTest, OfficersSeeTheirOwnAndManagersTheirTeams) {
  const std::string scorecard =
      "/casework.v1.ProjectionService/GetOfficerScorecard";
  auto request = [](const std::string& officer) {
    v1::GetOfficerScorecardRequest r;
    r.set_officer_id(officer);
    *r.mutable_from() = ToProto(Date::Ymd(2026, 1, 1));
    *r.mutable_to() = ToProto(Date::Ymd(2026, 12, 31));
    return r.SerializeAsString();
  };
  const std::string officer = Token("officer-n1", auth::kOfficer);
  EXPECT_EQ(Call(scorecard, request("officer-n1"), officer),
            grpc::StatusCode::OK);
  EXPECT_EQ(Call(scorecard, request("officer-n2"), officer),
            grpc::StatusCode::PERMISSION_DENIED);
  const std::string manager =
      Token("manager-north", auth::kManager, {"team-north"});
  EXPECT_EQ(Call(scorecard, request("officer-n2"), manager),
            grpc::StatusCode::OK);
  EXPECT_EQ(Call(scorecard, request("officer-s1"), manager),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(scorecard, request("officer-unknown"), manager),
            grpc::StatusCode::PERMISSION_DENIED);
  // A manager token naming another team does not reach into team-north.
  EXPECT_EQ(Call(scorecard, request("officer-n2"),
                 Token("manager-south", auth::kManager, {"team-south"})),
            grpc::StatusCode::PERMISSION_DENIED);

  // Integration callers list any officer's caseload; officers only their own.
  v1::ListAssessmentsRequest list;
  list.set_officer_id("officer-s1");
  const std::string path = "/casework.v1.EhcAssessmentService/ListAssessments";
  EXPECT_EQ(Call(path, list.SerializeAsString(),
                 Token("back-office", auth::kIntegration)),
            grpc::StatusCode::OK);
  EXPECT_EQ(Call(path, list.SerializeAsString(), officer),
            grpc::StatusCode::PERMISSION_DENIED);
}

// The head of service reads every team, every officer and the LA, and
// takes no step on a case; the LA's figures are theirs alone.
TEST_F(PolicyWalkTest, TheHeadOfServiceSeesTheWholeLaAndActsOnNoCase) {
  const std::string head = Token("head-of-send", auth::kHeadOfService);
  const std::string manager =
      Token("manager-north", auth::kManager, {"team-north"});
  v1::GetTeamScorecardRequest team;
  team.set_team_id("team-south");
  *team.mutable_from() = ToProto(Date::Ymd(2026, 1, 1));
  *team.mutable_to() = ToProto(Date::Ymd(2026, 12, 31));
  const std::string team_path =
      "/casework.v1.ProjectionService/GetTeamScorecard";
  // (No such team in this test's read model: NOT_FOUND, not a refusal.)
  EXPECT_EQ(Call(team_path, team.SerializeAsString(), head),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call(team_path, team.SerializeAsString(), manager),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetWorklistRequest worklist;
  worklist.set_officer_id("officer-s1");
  EXPECT_EQ(Call("/casework.v1.ProjectionService/GetWorklist",
                 worklist.SerializeAsString(), head),
            grpc::StatusCode::OK);
  v1::GetLaScorecardRequest la;
  *la.mutable_from() = team.from();
  *la.mutable_to() = team.to();
  const std::string la_path = "/casework.v1.ProjectionService/GetLaScorecard";
  EXPECT_EQ(Call(la_path, la.SerializeAsString(), head), grpc::StatusCode::OK);
  EXPECT_EQ(Call(la_path, la.SerializeAsString(), manager),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetTrendRequest trend;
  trend.set_la(true);
  trend.set_measure("ehc.decision_6_weeks");
  const std::string trend_path = "/casework.v1.ProjectionService/GetTrend";
  EXPECT_EQ(Call(trend_path, trend.SerializeAsString(), head),
            grpc::StatusCode::OK);
  EXPECT_EQ(Call(trend_path, trend.SerializeAsString(),
                 Token("officer-n1", auth::kOfficer)),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::RecordRequestRequest command;
  command.set_request_id("r-1");
  command.set_child_id("child-1");
  EXPECT_EQ(Call("/casework.v1.EhcAssessmentService/RecordRequest",
                 command.SerializeAsString(), head),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A step taken on a page of an older version of the case is refused, not
// applied over what was recorded meanwhile; a retry of the same request still
// gets its first answer; and the answers' allowed_actions follow the state.
TEST_F(PolicyWalkTest, CommandsNamingAnOlderVersionAreRefusedAsAborted) {
  const std::string token = Token("officer-n1", auth::kOfficer);
  v1::RecordRequestRequest record;
  record.set_request_id("req-ev-1");
  record.set_assessment_id("a-ev");
  record.set_child_id("child-ev");
  record.set_officer_id("officer-n1");
  *record.mutable_received_on() = ToProto(Date::Ymd(2026, 11, 2));
  record.set_source(v1::REQUEST_SOURCE_PARENT);
  record.set_kind(v1::ASSESSMENT_KIND_FIRST);
  const std::string ehc = "/casework.v1.EhcAssessmentService/";
  ASSERT_EQ(Call(ehc + "RecordRequest", record.SerializeAsString(), token),
            grpc::StatusCode::OK);
  v1::DecideToAssessRequest decide;
  decide.set_request_id("req-ev-2");
  decide.set_assessment_id("a-ev");
  *decide.mutable_decided_on() = ToProto(Date::Ymd(2026, 11, 20));
  const grpc::Status bad = CallStatus(ehc + "DecideToAssess",
                                      decide.SerializeAsString(), token, "x");
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      bad.error_message(),
      "casework-expected-version: 'x' is not a version (a number from 1)");
  // The page showed version 1: the step is taken.
  ASSERT_EQ(
      CallStatus(ehc + "DecideToAssess", decide.SerializeAsString(), token, "1")
          .error_code(),
      grpc::StatusCode::OK);
  // The same request again (a double click): its first answer, not a refusal.
  EXPECT_EQ(
      CallStatus(ehc + "DecideToAssess", decide.SerializeAsString(), token, "1")
          .error_code(),
      grpc::StatusCode::OK);
  // Another step from the same old page: refused, saying why.
  v1::WithdrawRequestRequest withdraw;
  withdraw.set_request_id("req-ev-3");
  withdraw.set_assessment_id("a-ev");
  *withdraw.mutable_withdrawn_on() = ToProto(Date::Ymd(2026, 11, 21));
  const grpc::Status stale = CallStatus(
      ehc + "WithdrawRequest", withdraw.SerializeAsString(), token, "1");
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(stale.error_message(),
            "the case changed since you opened it (it was at version 1, it is "
            "now at 2): look at it again before you record this step");
  // What the case offers now, in the query's answer.
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  v1::GetAssessmentRequest get;
  get.set_assessment_id("a-ev");
  v1::Assessment a;
  const grpc::Status got =
      v1::EhcAssessmentService::NewStub(channel_)->GetAssessment(&ctx, get, &a);
  ASSERT_TRUE(got.ok()) << got.error_message();
  EXPECT_EQ(a.version(), 2);
  EXPECT_THAT(a.allowed_actions(),
              ::testing::UnorderedElementsAre(
                  "ReassignOfficer", "RecordException", "WithdrawRequest",
                  "RecordMovedOutOfArea", "RequestAdvice", "IssueDraftPlan",
                  "DecideNotToIssuePlan"));
}

TEST_F(PolicyWalkTest, ExpiredAndForeignTokensAreRefused) {
  const std::string path = "/casework.v1.ProjectionService/GetTimeline";
  v1::GetTimelineRequest r;
  r.set_child_id("child-1");
  const std::string token = Token("officer-n1", auth::kOfficer);
  EXPECT_EQ(Call(path, r.SerializeAsString(), token), grpc::StatusCode::OK);
  // The same token after it expired (the cache must not keep it alive).
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(Call(path, r.SerializeAsString(), token),
            grpc::StatusCode::UNAUTHENTICATED);
  // Signed with another secret.
  const std::string foreign =
      *auth::SignJwt("HS256", "another-secret-0123456789abcdef0123", "",
                     auth::ClaimsJson(auth::TokenClaims{
                         .issuer = "test",
                         .audience = "casework",
                         .subject = "x",
                         .roles = auth::kOfficer,
                         .expires = clock_.Now() + absl::Hours(1)}));
  EXPECT_EQ(Call(path, r.SerializeAsString(), foreign),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace casework
