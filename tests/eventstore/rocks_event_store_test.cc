#include "libs/eventstore/rocks_event_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/testing/temp_dir.h"

namespace casework {
namespace {

using ::testing::ElementsAre;

NewEvent Ev(absl::string_view type, absl::string_view payload = "p") {
  static std::atomic<int> n{0};
  return NewEvent{absl::StrCat("ev-", ++n, "-", type), std::string(type),
                  std::string(payload)};
}

// An append; its request digest defaults to one per (stream, request id), as
// a retry of the same command would have.
AppendRequest Req(absl::string_view stream, int64_t expected,
                  std::vector<NewEvent> events,
                  absl::string_view request_id = "",
                  absl::string_view digest = "") {
  AppendRequest r;
  r.stream_id = std::string(stream);
  r.child_id = "child-1";
  r.expected_version = expected;
  r.request_id = std::string(request_id);
  r.request_digest = digest.empty() ? absl::StrCat(stream, "|", request_id)
                                    : std::string(digest);
  r.events = std::move(events);
  return r;
}

class RocksEventStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<RocksEventStore> OpenStore() {
    absl::StatusOr<std::unique_ptr<RocksEventStore>> store =
        RocksEventStore::Open(
            dir_.path(), RocksEventStore::Options{.stamp_position = false});
    EXPECT_TRUE(store.ok()) << store.status();
    return std::move(*store);
  }
  testutil::TempDir dir_;
};

TEST_F(RocksEventStoreTest, AppendsAndReadsAStreamInVersionOrder) {
  auto store = OpenStore();
  absl::StatusOr<AppendResult> r =
      store->Append(Req("a-1", kNoStream, {Ev("X"), Ev("Y")}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->first_version, 1);
  EXPECT_EQ(r->last_version, 2);
  EXPECT_EQ(r->first_position, 1);
  EXPECT_EQ(r->last_position, 2);
  ASSERT_TRUE(store->Append(Req("a-2", kNoStream, {Ev("Z")})).ok());
  ASSERT_TRUE(store->Append(Req("a-1", 2, {Ev("W")})).ok());

  absl::StatusOr<std::vector<StoredEvent>> events = store->ReadStream("a-1");
  ASSERT_TRUE(events.ok());
  std::vector<std::string> types;
  std::vector<int64_t> positions;
  for (const StoredEvent& e : *events) {
    types.push_back(e.type);
    positions.push_back(e.position);
  }
  EXPECT_THAT(types, ElementsAre("X", "Y", "W"));
  EXPECT_THAT(positions, ElementsAre(1, 2, 4));
  EXPECT_TRUE(store->ReadStream("nope")->empty());
}

TEST_F(RocksEventStoreTest, WrongExpectedVersionIsAbortedAndWritesNothing) {
  auto store = OpenStore();
  ASSERT_TRUE(store->Append(Req("a-1", kNoStream, {Ev("X")})).ok());
  absl::StatusOr<AppendResult> stale =
      store->Append(Req("a-1", kNoStream, {Ev("Y")}));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store->LastPosition(), 1);
  EXPECT_EQ(store->ReadStream("a-1")->size(), 1u);
}

TEST_F(RocksEventStoreTest,
       RepeatedRequestIdReturnsTheFirstResultAndWritesNothing) {
  auto store = OpenStore();
  absl::StatusOr<AppendResult> first =
      store->Append(Req("a-1", kNoStream, {Ev("X")}, "req-1"));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->repeated);
  // The repeat would conflict on version if it were decided again: it must not
  // be.
  absl::StatusOr<AppendResult> again =
      store->Append(Req("a-1", kNoStream, {Ev("X")}, "req-1"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->repeated);
  EXPECT_EQ(again->first_position, first->first_position);
  EXPECT_EQ(again->event_ids, first->event_ids);
  EXPECT_EQ(store->LastPosition(), 1);
  absl::StatusOr<std::optional<AppendResult>> found =
      store->FindRequest("req-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->event_ids, first->event_ids);
}

TEST_F(RocksEventStoreTest, ARequestIdIsBoundToWhatItAsked) {
  auto store = OpenStore();
  absl::StatusOr<AppendResult> first =
      store->Append(Req("a-1", kNoStream, {Ev("X")}, "req-1", "digest-a"));
  ASSERT_TRUE(first.ok()) << first.status();
  // The same id for another stream, or for other content: refused, nothing
  // written.
  absl::StatusOr<AppendResult> other_stream =
      store->Append(Req("a-2", kNoStream, {Ev("X")}, "req-1", "digest-b"));
  EXPECT_EQ(other_stream.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(other_stream.status().message()),
              ::testing::StartsWith("request_id: 'req-1'"));
  absl::StatusOr<AppendResult> other_content =
      store->Append(Req("a-1", kAnyVersion, {Ev("Y")}, "req-1", "digest-c"));
  EXPECT_EQ(other_content.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store->LastPosition(), 1);
  EXPECT_TRUE(store->ReadStream("a-2")->empty());
  // The same request again: the first result.
  absl::StatusOr<AppendResult> again =
      store->Append(Req("a-1", kNoStream, {Ev("X")}, "req-1", "digest-a"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->repeated);
  EXPECT_EQ(again->event_ids, first->event_ids);
  // The digest is kept across a reopen.
  store.reset();
  store = OpenStore();
  EXPECT_EQ(store->Append(Req("a-2", kNoStream, {Ev("X")}, "req-1", "digest-b"))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  absl::StatusOr<std::optional<AppendResult>> found =
      store->FindRequest("req-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->request_digest, "digest-a");
}

TEST_F(RocksEventStoreTest,
       OfDifferentAppendsRacingUnderOneIdExactlyOneIsRecorded) {
  auto store = OpenStore();
  constexpr int kRounds = 50;
  constexpr int kThreads = 6;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = absl::StrCat("race-", round);
    std::atomic<int> ok{0}, refused{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        absl::StatusOr<AppendResult> r =
            store->Append(Req(absl::StrCat("s-", round, "-", t), kNoStream,
                              {Ev("X")}, id, absl::StrCat("digest-", t)));
        if (r.ok()) {
          ok++;
        } else if (r.status().code() == absl::StatusCode::kAlreadyExists) {
          refused++;
        } else {
          other++;
        }
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_EQ(ok.load(), 1) << "round " << round;
    ASSERT_EQ(refused.load(), kThreads - 1) << "round " << round;
    ASSERT_EQ(other.load(), 0);
  }
  EXPECT_EQ(store->LastPosition(), kRounds);
}

// The store on a disk that fails when told to (storage_faults.h).
class FaultyStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<RocksEventStore> OpenStore() {
    absl::StatusOr<std::unique_ptr<RocksEventStore>> store =
        RocksEventStore::Open(
            dir_.path(),
            RocksEventStore::Options{.stamp_position = false,
                                     .max_queued = 16,
                                     .recovery_interval = absl::Hours(1),
                                     .faults = faults_});
    EXPECT_TRUE(store.ok()) << store.status();
    return std::move(*store);
  }

  // Every position from 1 to the last, in order, once.
  static void ExpectGapFree(RocksEventStore& store) {
    absl::StatusOr<std::vector<StoredEvent>> all = store.ReadAfter(0, 100000);
    ASSERT_TRUE(all.ok()) << all.status();
    ASSERT_EQ(all->size(), static_cast<size_t>(store.LastPosition()));
    for (size_t i = 0; i < all->size(); ++i) {
      ASSERT_EQ((*all)[i].position, static_cast<int64_t>(i + 1));
    }
  }

  std::shared_ptr<StorageFaults> faults_ = std::make_shared<StorageFaults>();
  testutil::TempDir dir_;
};

TEST_F(FaultyStoreTest,
       AFailedSyncAcknowledgesNothingAndTheNextAppendSucceeds) {
  auto store = OpenStore();
  ASSERT_TRUE(store->Append(Req("a-1", kNoStream, {Ev("X")}, "r-1")).ok());
  faults_->Set(StorageFaults::Fault::kSyncFails);
  absl::StatusOr<AppendResult> failed =
      store->Append(Req("a-2", kNoStream, {Ev("X"), Ev("Y")}, "r-2"));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_GT(faults_->injected(), 0);
  EXPECT_EQ(store->WriteHealth().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store->LastPosition(), 1);  // nothing acknowledged is visible
  // While the disk fails, appends are refused and nothing is acknowledged.
  EXPECT_EQ(
      store->Append(Req("a-3", kNoStream, {Ev("X")}, "r-3")).status().code(),
      absl::StatusCode::kUnavailable);
  faults_->Set(StorageFaults::Fault::kNone);
  absl::StatusOr<AppendResult> next =
      store->Append(Req("a-3", kNoStream, {Ev("X")}, "r-3"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(store->WriteHealth().ok());
  EXPECT_EQ(next->first_position, store->LastPosition());
  ExpectGapFree(*store);
  // The failed command, retried with its request id, is recorded once: the
  // bytes of its write may have reached the log even though its sync failed.
  absl::StatusOr<AppendResult> retried =
      store->Append(Req("a-2", kNoStream, {Ev("X"), Ev("Y")}, "r-2"));
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(store->ReadStream("a-2")->size(), 2u);
  ExpectGapFree(*store);
  // And all of it survives a restart.
  const int64_t last = store->LastPosition();
  store.reset();
  store = OpenStore();
  EXPECT_EQ(store->LastPosition(), last);
  ExpectGapFree(*store);
}

TEST_F(FaultyStoreTest, ARepeatInAFailedGroupGetsTheFailure) {
  auto store = OpenStore();
  // Hold the first append in its sync, so the next two (one command sent
  // twice) queue up behind it and are written together as the next group,
  // whose sync fails.
  faults_->HoldSyncs();
  std::thread first([&] {
    EXPECT_TRUE(store->Append(Req("a-1", kNoStream, {Ev("X")}, "r-1")).ok());
  });
  faults_->WaitUntilASyncIsHeld();
  std::vector<absl::StatusOr<AppendResult>> twice(
      2, absl::UnknownError("not run"));
  std::vector<std::thread> senders;
  for (int i = 0; i < 2; ++i) {
    senders.emplace_back([&, i] {
      twice[i] = store->Append(Req("a-2", kNoStream, {Ev("X")}, "r-2"));
    });
  }
  while (store->QueuedAppends() < 2) std::this_thread::yield();
  faults_->FailSyncsAfter(1);  // the held sync succeeds, the next fails
  faults_->ReleaseSyncs();
  first.join();
  for (auto& t : senders) t.join();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(twice[i].status().code(), absl::StatusCode::kUnavailable)
        << "append " << i << ": " << twice[i].status();
  }
  EXPECT_EQ(store->LastPosition(), 1);
}

TEST_F(FaultyStoreTest, DiskFullRecoversWithoutARestartAndNamesNoServerFile) {
  auto store = OpenStore();
  std::vector<absl::Status> health_changes;
  std::mutex mu;
  store->SetHealthListener([&](const absl::Status& s) {
    std::lock_guard<std::mutex> lock(mu);
    health_changes.push_back(s);
  });
  ASSERT_TRUE(store->Append(Req("a-1", kNoStream, {Ev("X")}, "r-1")).ok());
  faults_->Set(StorageFaults::Fault::kNoSpace);
  absl::StatusOr<AppendResult> full =
      store->Append(Req("a-2", kNoStream, {Ev("X")}, "r-2"));
  ASSERT_EQ(full.status().code(), absl::StatusCode::kUnavailable);
  const std::string message(full.status().message());
  EXPECT_THAT(message, ::testing::HasSubstr("no space left on device"));
  EXPECT_THAT(message, ::testing::Not(::testing::HasSubstr(dir_.path())));
  EXPECT_THAT(message, ::testing::Not(::testing::HasSubstr(".log")));
  EXPECT_THAT(std::string(store->WriteHealth().message()),
              ::testing::HasSubstr("no space left on device"));
  // Still full: recovery fails, the store stays unhealthy, reads that need
  // the database say why without a path.
  EXPECT_EQ(store->TryRecover().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(store->WriteHealth().ok());
  // Space is back: the store recovers by itself on the next append.
  faults_->Set(StorageFaults::Fault::kNone);
  absl::StatusOr<AppendResult> after =
      store->Append(Req("a-3", kNoStream, {Ev("X")}, "r-3"));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(store->WriteHealth().ok());
  ExpectGapFree(*store);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_GE(health_changes.size(), 2u);
  EXPECT_FALSE(health_changes.front().ok());
  EXPECT_TRUE(health_changes.back().ok());
}

TEST_F(FaultyStoreTest, AFullQueueIsResourceExhaustedNotUnboundedMemory) {
  auto store = OpenStore();  // max_queued = 16
  faults_->HoldSyncs();
  std::thread first([&] {
    EXPECT_TRUE(store->Append(Req("a-0", kNoStream, {Ev("X")}, "r-0")).ok());
  });
  faults_->WaitUntilASyncIsHeld();
  std::vector<std::thread> waiting;
  std::atomic<int> ok{0};
  for (int i = 1; i <= 16; ++i) {
    waiting.emplace_back([&, i] {
      if (store
              ->Append(Req(absl::StrCat("a-", i), kNoStream, {Ev("X")},
                           absl::StrCat("r-", i)))
              .ok()) {
        ok++;
      }
    });
  }
  while (store->QueuedAppends() < 16) std::this_thread::yield();
  absl::StatusOr<AppendResult> refused =
      store->Append(Req("a-17", kNoStream, {Ev("X")}, "r-17"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  faults_->ReleaseSyncs();
  first.join();
  for (auto& t : waiting) t.join();
  EXPECT_EQ(ok.load(), 16);
  EXPECT_EQ(store->LastPosition(), 17);
}

TEST_F(RocksEventStoreTest, EmptyAppendIsInvalid) {
  auto store = OpenStore();
  EXPECT_EQ(store->Append(Req("a-1", kNoStream, {})).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Append(Req("", kNoStream, {Ev("X")})).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RocksEventStoreTest, ConcurrentAppendsGetGapFreePositionsInCommitOrder) {
  auto store = OpenStore();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  std::atomic<int> conflicts{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Half the appends go to a shared stream with kAnyVersion, half to own
        // streams.
        std::string stream = i % 2 ? "shared" : absl::StrCat("s-", t, "-", i);
        absl::StatusOr<AppendResult> r = store->Append(
            Req(stream, i % 2 ? kAnyVersion : kNoStream, {Ev("X"), Ev("Y")},
                absl::StrCat("r-", t, "-", i)));
        if (!r.ok()) conflicts++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(conflicts.load(), 0);
  EXPECT_EQ(store->LastPosition(), 2 * kThreads * kPerThread);
  absl::StatusOr<std::vector<StoredEvent>> all = store->ReadAfter(0, 100000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(2 * kThreads * kPerThread));
  for (size_t i = 0; i < all->size(); ++i)
    ASSERT_EQ((*all)[i].position, int64_t(i + 1));
  // The shared stream's versions are consecutive and its events keep log order.
  absl::StatusOr<std::vector<StoredEvent>> shared = store->ReadStream("shared");
  ASSERT_EQ(shared->size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < shared->size(); ++i) {
    ASSERT_EQ((*shared)[i].version, int64_t(i + 1));
    if (i > 0) {
      ASSERT_GT((*shared)[i].position, (*shared)[i - 1].position);
    }
  }
}

TEST_F(RocksEventStoreTest, ReopenLosesNothing) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(
        store->Append(Req("a-1", kNoStream, {Ev("X", "payload-1")}, "req-1"))
            .ok());
    AppendRequest with_index = Req("a-2", kNoStream, {Ev("Y")});
    with_index.index_puts.emplace_back("officer/o-1/a-2", "a-2");
    ASSERT_TRUE(store->Append(std::move(with_index)).ok());
    ASSERT_TRUE(store->SetCursor("relay", 1).ok());
  }
  auto store = OpenStore();
  EXPECT_EQ(store->LastPosition(), 2);
  EXPECT_EQ(*store->GetCursor("relay"), 1);
  EXPECT_EQ(*store->GetCursor("never-set"), 0);
  absl::StatusOr<std::vector<StoredEvent>> after = store->ReadAfter(1, 10);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].stream_id, "a-2");
  EXPECT_EQ((*store->ReadStream("a-1"))[0].payload, "payload-1");
  EXPECT_TRUE(
      store->Append(Req("a-1", kNoStream, {Ev("X")}, "req-1"))->repeated);
  ASSERT_TRUE(store->Append(Req("a-3", kNoStream, {Ev("Z")})).ok());
  EXPECT_EQ(store->LastPosition(), 3);
  auto index = store->ScanIndex("officer/o-1/", "", 10);
  ASSERT_TRUE(index.ok());
  ASSERT_EQ(index->size(), 1u);
  EXPECT_EQ((*index)[0].first, "officer/o-1/a-2");
}

TEST_F(RocksEventStoreTest, ScanIndexPagesAfterAKey) {
  auto store = OpenStore();
  for (int i = 0; i < 5; ++i) {
    AppendRequest r = Req(absl::StrCat("a-", i), kNoStream, {Ev("X")});
    r.index_puts.emplace_back(absl::StrCat("child/c-1/a-", i), "");
    ASSERT_TRUE(store->Append(std::move(r)).ok());
  }
  auto page1 = store->ScanIndex("child/c-1/", "", 2);
  ASSERT_EQ(page1->size(), 2u);
  auto page2 = store->ScanIndex("child/c-1/", page1->back().first, 10);
  ASSERT_EQ(page2->size(), 3u);
  EXPECT_EQ((*page2)[0].first, "child/c-1/a-2");
}

TEST_F(RocksEventStoreTest, SecondOpenOfTheSameDirectoryIsUnavailable) {
  auto store = OpenStore();
  auto second = RocksEventStore::Open(dir_.path());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace casework
