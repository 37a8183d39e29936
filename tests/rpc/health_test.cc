// Health tells the truth: a service whose event store cannot write reports
// NOT_SERVING over the standard grpc.health.v1 protocol, and SERVING again
// once the store has recovered, without a restart.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <future>

#include "absl/strings/str_cat.h"
#include "libs/eventstore/rocks_event_store.h"
#include "libs/rpc/server.h"
#include "tests/testing/temp_dir.h"

namespace casework {
namespace {

// grpc.health.v1.HealthCheckResponse.ServingStatus of an empty-service Check.
int CheckHealth(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  grpc::Slice empty("");
  grpc::ByteBuffer in(&empty, 1);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &in,
                 &out, [&](grpc::Status s) { done.set_value(std::move(s)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return -1;
  std::vector<grpc::Slice> slices;
  if (!out.Dump(&slices).ok()) return -1;
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  // Field 1 (varint): 0x08 <status>; an absent field is UNKNOWN (0).
  if (bytes.size() == 2 && bytes[0] == 0x08) return bytes[1];
  return bytes.empty() ? 0 : -1;
}

constexpr int kServing = 1;
constexpr int kNotServing = 2;

AppendRequest Append(const std::string& id) {
  AppendRequest r;
  r.stream_id = id;
  r.request_id = id;
  r.request_digest = id;
  r.events.push_back(NewEvent{id, "X", "p"});
  return r;
}

TEST(Health, FollowsTheEventStoreThroughADiskFullAndBack) {
  testutil::TempDir dir;
  auto faults = std::make_shared<StorageFaults>();
  absl::StatusOr<std::unique_ptr<RocksEventStore>> store =
      RocksEventStore::Open(dir.path(), RocksEventStore::Options{
                                            .stamp_position = false,
                                            .recovery_interval = absl::Hours(1),
                                            .faults = faults});
  ASSERT_TRUE(store.ok()) << store.status();
  ServerRunner runner("health-test");
  (*store)->SetHealthListener(
      [&runner](const absl::Status& s) { runner.SetHealth(s); });
  absl::StatusOr<int> port = runner.Start("127.0.0.1", 0, {});
  ASSERT_TRUE(port.ok());
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", *port),
                                     grpc::InsecureChannelCredentials());
  EXPECT_EQ(CheckHealth(channel), kServing);

  faults->Set(StorageFaults::Fault::kNoSpace);
  EXPECT_EQ((*store)->Append(Append("a-1")).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(CheckHealth(channel), kNotServing);

  faults->Set(StorageFaults::Fault::kNone);
  ASSERT_TRUE((*store)->TryRecover().ok());
  EXPECT_EQ(CheckHealth(channel), kServing);
  EXPECT_TRUE((*store)->Append(Append("a-2")).ok());
  runner.Shutdown(absl::ZeroDuration());
}

}  // namespace
}  // namespace casework
