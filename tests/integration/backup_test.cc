// Backup during load (AdminService.Backup over real gRPC): writers keep
// appending while an admin backs the service up; the backup opens as a store
// of its own, whole (positions 1..N), holding every append acknowledged
// before the backup was asked for, and the audit trail; a second backup
// under the same name, a bad name and a non-admin are refused.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "casework/v1/admin.grpc.pb.h"
#include "libs/admin/admin_service.h"
#include "libs/auth/jwt.h"
#include "libs/core/clock.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/host/domain_service.h"
#include "libs/rpc/server.h"
#include "tests/testing/temp_dir.h"

namespace casework {
namespace {

constexpr char kSecret[] = "backup-test-secret-0123456789abcdef";

TEST(BackupTest, DuringLoadHoldsEveryAcknowledgedAppend) {
  testutil::TempDir dir;
  FakeClock clock(absl::FromUnixSeconds(1790000000));
  auto store = RocksEventStore::Open(dir.Sub("log"));
  ASSERT_TRUE(store.ok());
  auto audit = audit::AuditLog::Open(dir.Sub("audit"), clock);
  ASSERT_TRUE(audit.ok());
  auto verifier = auth::JwtVerifier::Create(auth::VerifierOptions{
      .issuer = "test", .audience = "casework", .hs256_secret = kSecret});
  ASSERT_TRUE(verifier.ok());
  auth::Authorizer authorizer(std::move(*verifier), clock);
  RocksEventStore& log = **store;
  audit::AuditLog& trail = **audit;
  ASSERT_TRUE(trail
                  .Record(auth::Principal{.subject = "officer-01"}, "/m",
                          {{"child-1", "a-1"}})
                  .ok());
  admin::AdminServiceImpl admin(
      log, nullptr, authorizer, dir.Sub("backups"),
      [&](const std::string& d) { return host::WriteBackup(log, trail, d); });
  ServerRunner runner("backup-test");
  absl::StatusOr<int> port = runner.Start("127.0.0.1", 0, {&admin});
  ASSERT_TRUE(port.ok());
  auto stub = v1::AdminService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", *port), grpc::InsecureChannelCredentials()));
  auto token = [&](unsigned roles) {
    return *auth::SignJwt("HS256", kSecret, "",
                          auth::ClaimsJson(auth::TokenClaims{
                              .issuer = "test",
                              .audience = "casework",
                              .subject = "someone",
                              .roles = roles,
                              .issued_at = clock.Now(),
                              .not_before = clock.Now(),
                              .expires = clock.Now() + absl::Hours(1)}));
  };

  // Writers: each append's request id, and whether it was acknowledged
  // before the backup was asked for.
  std::atomic<bool> asked{false}, stop{false};
  std::mutex mu;
  std::vector<std::string> before;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        AppendRequest req;
        req.stream_id = absl::StrCat("s-", w, "-", i);
        req.request_id = absl::StrCat("r-", w, "-", i);
        req.expected_version = 0;
        req.events.push_back(NewEvent{absl::StrCat("e-", w, "-", i), "T", "x"});
        const bool was_asked = asked.load();
        auto r = log.Append(std::move(req));
        ASSERT_TRUE(r.ok()) << r.status();
        if (!was_asked) {
          std::lock_guard<std::mutex> lock(mu);
          before.push_back(absl::StrCat("r-", w, "-", i));
        }
      }
    });
  }
  ASSERT_TRUE(log.WaitForAppend(500, absl::Seconds(60)));
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token(auth::kAdmin));
  v1::BackupRequest req;
  req.set_name("during-load");
  v1::BackupResponse resp;
  asked.store(true);
  grpc::Status s = stub->Backup(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const int64_t at_backup = resp.last_position();
  ASSERT_TRUE(log.WaitForAppend(at_backup + 500, absl::Seconds(60)));
  stop.store(true);
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(resp.directory(), dir.Sub("backups") + "/during-load");
  EXPECT_GT(resp.bytes(), 0);

  // The backup opens as a store: whole, and holding what was acknowledged.
  auto copy = RocksEventStore::Open(resp.directory() + "/log");
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_GE((*copy)->LastPosition(), at_backup);
  EXPECT_LT((*copy)->LastPosition(), log.LastPosition());
  auto events = (*copy)->ReadAfter(0, 1000000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(static_cast<int64_t>(events->size()), (*copy)->LastPosition());
  for (size_t i = 0; i < events->size(); ++i) {
    ASSERT_EQ((*events)[i].position, static_cast<int64_t>(i) + 1);
  }
  ASSERT_GE(before.size(), 500u);
  for (const std::string& id : before) {
    auto found = (*copy)->FindRequest(id);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value()) << id << " acknowledged before the backup";
  }
  auto trail_copy = audit::AuditLog::Open(resp.directory() + "/audit", clock);
  ASSERT_TRUE(trail_copy.ok()) << trail_copy.status();
  auto entries = (*trail_copy)->List(v1::ListAuditEntriesRequest());
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->entries_size(), 1);

  // Refusals.
  auto call = [&](const std::string& name, unsigned roles) {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer " + token(roles));
    v1::BackupRequest r;
    r.set_name(name);
    v1::BackupResponse out;
    return stub->Backup(&c, r, &out);
  };
  EXPECT_EQ(call("during-load", auth::kAdmin).error_code(),
            grpc::ALREADY_EXISTS);
  grpc::Status bad = call("../etc", auth::kAdmin);
  EXPECT_EQ(bad.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("name:"), std::string::npos);
  EXPECT_EQ(call("x", auth::kOfficer).error_code(), grpc::PERMISSION_DENIED);
  runner.Shutdown(absl::ZeroDuration());
}

}  // namespace
}  // namespace casework
