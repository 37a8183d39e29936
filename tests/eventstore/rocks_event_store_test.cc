#include "libs/eventstore/rocks_event_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/testing/temp_dir.h"

namespace casework {
namespace {

using ::testing::ElementsAre;

NewEvent Ev(absl::string_view type, absl::string_view payload = "p") {
  static int n = 0;
  return NewEvent{absl::StrCat("ev-", ++n, "-", type), std::string(type),
                  std::string(payload)};
}

AppendRequest Req(absl::string_view stream, int64_t expected,
                  std::vector<NewEvent> events,
                  absl::string_view request_id = "") {
  AppendRequest r;
  r.stream_id = std::string(stream);
  r.child_id = "child-1";
  r.expected_version = expected;
  r.request_id = std::string(request_id);
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
