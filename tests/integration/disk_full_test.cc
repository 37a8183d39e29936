// A domain service on a real file system that runs out of space: the EHC
// service over gRPC with its log, audit trail and relay (to the embedded
// broker) on a small tmpfs this test mounts. Writes are refused with
// UNAVAILABLE and health goes NOT_SERVING; the process stays up, answers
// reads and loses nothing acknowledged; once space returns it writes again
// by itself, positions continuing without a gap. Needs root (or
// CAP_SYS_ADMIN) to mount the tmpfs, as CI has.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/kafka/kafka.h"
#include "libs/rpc/server.h"
#include "services/ehc-assessments/ehc_service.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_token.h"

namespace casework {
namespace {

constexpr char kTopic[] = "casework.ehc-assessments.v1";
constexpr char kSecret[] = "disk-full-test-secret-0123456789abcdef";

// A tmpfs of `bytes` at `dir`, unmounted at the end.
class SmallDisk {
 public:
  SmallDisk(const std::string& dir, size_t bytes) : dir_(dir) {
    std::filesystem::create_directories(dir);
    const std::string data = absl::StrCat("size=", bytes);
    if (mount("casework-test", dir.c_str(), "tmpfs", 0, data.c_str()) != 0) {
      error_ = absl::StrCat("cannot mount a tmpfs at ", dir, ": ",
                            std::strerror(errno),
                            " (the test needs root or CAP_SYS_ADMIN)");
    }
  }
  ~SmallDisk() {
    if (error_.empty()) umount2(dir_.c_str(), MNT_DETACH);
  }
  const std::string& error() const { return error_; }
  size_t Free() const {
    struct statvfs s {};
    statvfs(dir_.c_str(), &s);
    return static_cast<size_t>(s.f_bavail) * s.f_frsize;
  }
  // Fills the disk but for `leave` bytes (files the test removes to give the
  // space back).
  void FillLeaving(size_t leave) {
    std::ofstream out(absl::StrCat(dir_, "/filler-", fillers_++),
                      std::ios::binary);
    const std::string block(4096, 'x');
    while (Free() >= leave + block.size() && out) {
      out.write(block.data(), block.size()).flush();
    }
  }
  void Empty() {
    for (int i = 0; i < fillers_; ++i) {
      std::filesystem::remove(absl::StrCat(dir_, "/filler-", i));
    }
  }

 private:
  std::string dir_;
  std::string error_;
  int fillers_ = 0;
};

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(disk_.error().empty()) << disk_.error();
    auto broker = kafka::EmbeddedBroker::Start();
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = std::move(*broker);
    ASSERT_TRUE(broker_->CreateTopic(kTopic, 3).ok());
    RocksEventStore::Options options;
    options.recovery_interval = absl::Hours(1);  // the test asks itself
    auto store = RocksEventStore::Open(dir_.Sub("disk/ehc"), options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    // The relay as the service host starts it.
    auto relay = kafka::StartServiceRelay(
        *store_, "ehc-assessments", "uk.send.casework.ehc.v1.",
        v1::EhcAssessmentEvent::default_instance(),
        kafka::RelayFlags{.brokers = broker_->bootstrap_servers(),
                          .event_format = "protobuf"});
    ASSERT_TRUE(relay.ok()) << relay.status();
    relay_ = std::move(*relay);
    auto verifier = auth::JwtVerifier::Create(auth::VerifierOptions{
        .issuer = "test", .audience = "casework", .hs256_secret = kSecret});
    ASSERT_TRUE(verifier.ok());
    authorizer_ =
        std::make_unique<auth::Authorizer>(std::move(*verifier), clock_);
    auto audit = audit::AuditLog::Open(dir_.Sub("disk/audit"), clock_);
    ASSERT_TRUE(audit.ok()) << audit.status();
    audit_ = std::move(*audit);
    service_ = std::make_unique<ehc::EhcAssessmentServiceImpl>(
        *store_, clock_, calendar_, *authorizer_, *audit_);
    runner_ = std::make_unique<ServerRunner>("ehc-assessments");
    // As the service host wires them: refusals audited, health from the
    // store.
    runner_->SetRefusalSink(audit::RefusalsTo(*audit_));
    store_->SetHealthListener(
        [this](const absl::Status& s) { runner_->SetHealth("store", s); });
    absl::StatusOr<int> port = runner_->Start("127.0.0.1", 0, {service_.get()});
    ASSERT_TRUE(port.ok());
    stub_ = v1::EhcAssessmentService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", *port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    runner_.reset();
    service_.reset();
    relay_.reset();
    store_.reset();
    audit_.reset();
  }

  grpc::Status Record(int n, v1::CommandResult* result) {
    v1::RecordRequestRequest request;
    request.set_request_id(absl::StrCat("req-", n));
    request.set_assessment_id(absl::StrCat("asmt-", n));
    request.set_child_id(absl::StrCat("child-", n));
    request.set_officer_id("officer-a");
    *request.mutable_received_on() = ToProto(Date::Ymd(2026, 11, 2));
    request.set_source(v1::REQUEST_SOURCE_PARENT);
    request.set_kind(v1::ASSESSMENT_KIND_FIRST);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + Token());
    return stub_->RecordRequest(&ctx, request, result);
  }

  grpc::Status Get(int n) {
    v1::GetAssessmentRequest get;
    get.set_assessment_id(absl::StrCat("asmt-", n));
    v1::Assessment a;
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + Token());
    return stub_->GetAssessment(&ctx, get, &a);
  }

  std::string Token() {
    return testutil::TestToken(kSecret, "officer-a", auth::kOfficer,
                               clock_.Now());
  }

  testutil::TempDir dir_;
  SmallDisk disk_{dir_.Sub("disk"), 24 << 20};
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
};

TEST_F(DiskFullTest, ARealFullDiskRefusesWritesKeepsReadsAndRecovers) {
  std::set<int> acknowledged;
  v1::CommandResult result;
  // Presence first: with space, steps are taken and read back.
  for (int n = 1; n <= 5; ++n) {
    ASSERT_TRUE(Record(n, &result).ok());
    acknowledged.insert(n);
  }
  ASSERT_TRUE(Get(1).ok());
  ASSERT_TRUE(runner_->Health().ok());

  disk_.FillLeaving(256 * 1024);
  int n = 6;
  grpc::Status status;
  for (; n < 20000; ++n) {
    status = Record(n, &result);
    if (!status.ok()) break;
    acknowledged.insert(n);
  }
  ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_EQ(status.error_message().find(dir_.path()), std::string::npos)
      << "a caller never sees server paths: " << status.error_message();
  // Not serving until the store writes again; reads still answer from what
  // it holds.
  EXPECT_FALSE(store_->WriteHealth().ok());
  EXPECT_FALSE(runner_->Health().ok());
  EXPECT_TRUE(Get(1).ok());
  // More steps while the disk stays full: each is refused or, when a reopen
  // found room (RocksDB gives back a log file's preallocated space when it
  // closes), acknowledged and kept. The relay and the audit trail go on
  // trying. Nothing aborts.
  for (int i = 0; i < 50; ++i) {
    disk_.FillLeaving(0);
    ++n;
    status = Record(n, &result);
    if (status.ok()) {
      acknowledged.insert(n);
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
          << status.error_message();
    }
    if (i % 10 == 0) relay_->RepublishFrom(1);
    const grpc::Status read = Get(1);
    EXPECT_TRUE(read.ok() || read.error_code() == grpc::StatusCode::UNAVAILABLE)
        << read.error_message();
  }
  disk_.FillLeaving(0);
  Record(++n, &result);  // fails now the disk has no room at all
  EXPECT_FALSE(store_->WriteHealth().ok());
  EXPECT_FALSE(runner_->Health().ok());

  // Space returns: the store writes again by itself and nothing acknowledged
  // is lost.
  disk_.Empty();
  ASSERT_TRUE(store_->TryRecover().ok());
  EXPECT_TRUE(store_->WriteHealth().ok());
  EXPECT_TRUE(runner_->Health().ok());
  const int after = n + 1;
  ASSERT_TRUE(Record(after, &result).ok());
  acknowledged.insert(after);
  ASSERT_TRUE(Get(1).ok());
  auto events = store_->ReadAfter(0, 100000);
  ASSERT_TRUE(events.ok());
  std::set<int> stored;
  int64_t expected_position = 1;
  for (const StoredEvent& e : *events) {
    EXPECT_EQ(e.position, expected_position++) << "no gap, no repeat";
    stored.insert(std::stoi(e.stream_id.substr(5)));
  }
  for (int a : acknowledged) {
    EXPECT_TRUE(stored.contains(a)) << "acknowledged asmt-" << a << " lost";
  }
}

}  // namespace
}  // namespace casework
