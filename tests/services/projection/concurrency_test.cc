// The projection's queries running while batches are applied: what the
// ThreadSanitizer build checks (scripts/test.sh). Team scorecards (which share
// work with the helper thread and read one snapshot), worklists, timelines and
// read-your-writes waits run on four threads while a fifth applies an LA's
// history; at the end every waiter saw its write and the figures equal those
// of a projection that applied the history alone.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "libs/rpc/proto_date.h"
#include "services/projection/projection.h"
#include "tests/testing/la_history.h"
#include "tests/testing/temp_dir.h"

namespace casework::projection {
namespace {

constexpr size_t kBatch = 500;

v1::GetTeamScorecardRequest TeamRequest() {
  v1::GetTeamScorecardRequest r;
  r.set_team_id("team-1");
  *r.mutable_from() = ToProto(Date::Ymd(2025, 12, 1));
  *r.mutable_to() = ToProto(Date::Ymd(2026, 11, 23));
  *r.mutable_as_of() = ToProto(Date::Ymd(2026, 11, 23));
  return r;
}

TEST(ProjectionConcurrency, QueriesDuringApplySeeOneMomentAndWaitersWake) {
  const std::vector<kafka::Message> history = testutil::LaHistory(
      testutil::LaHistoryOptions{.children = 150, .officers = 6});
  testutil::TempDir dir;
  auto p = Projection::Open(dir.Sub("live"));
  ASSERT_TRUE(p.ok()) << p.status();
  Projection& live = **p;

  // A stream's last event: a waiter for it must be woken by the apply.
  v1::EventEnvelopeHeader last;
  ASSERT_TRUE(kafka::DecodeValue(history.back(), &last).ok());
  std::atomic<bool> applying{true};
  std::atomic<int> waited{0}, queries{0}, failures{0};
  std::vector<std::thread> readers;
  readers.emplace_back([&] {
    if (live.WaitForApplied(last.metadata().source(),
                            last.metadata().stream_id(),
                            last.metadata().version(), absl::Seconds(120))) {
      ++waited;
    }
  });
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      while (applying) {
        ++queries;
        if (t == 0) {
          // A team scorecard's totals always equal the sum of its officers'
          // rows: one snapshot, never two moments.
          absl::StatusOr<v1::TeamScorecard> team =
              live.GetTeamScorecard(TeamRequest());
          if (!team.ok()) {
            if (team.status().code() != absl::StatusCode::kNotFound) {
              ++failures;
            }
            continue;
          }
          int64_t sum = 0;
          for (const v1::OfficerScorecard& o : team->officers()) {
            sum += o.caseload();
          }
          if (sum != team->totals().caseload()) ++failures;
        } else if (t == 1) {
          v1::GetWorklistRequest w;
          w.set_officer_id(testutil::LaOfficer(1));
          if (!live.GetWorklist(w, Date::Ymd(2026, 11, 23)).ok()) ++failures;
        } else {
          v1::GetTimelineRequest r;
          r.set_child_id("child-00001");
          r.set_page_size(5);
          if (!live.GetTimeline(r).ok()) ++failures;
        }
      }
    });
  }
  for (size_t i = 0; i < history.size(); i += kBatch) {
    std::vector<kafka::Message> batch(
        history.begin() + static_cast<std::ptrdiff_t>(i),
        history.begin() +
            static_cast<std::ptrdiff_t>(std::min(history.size(), i + kBatch)));
    ASSERT_TRUE(live.Apply(batch).ok());
  }
  applying = false;
  for (auto& t : readers) t.join();
  EXPECT_EQ(waited.load(), 1);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(queries.load(), 0);

  // The same figures as a projection that applied the history alone.
  auto alone = Projection::Open(dir.Sub("alone"));
  ASSERT_TRUE(alone.ok());
  for (size_t i = 0; i < history.size(); i += kBatch) {
    std::vector<kafka::Message> batch(
        history.begin() + static_cast<std::ptrdiff_t>(i),
        history.begin() +
            static_cast<std::ptrdiff_t>(std::min(history.size(), i + kBatch)));
    ASSERT_TRUE((*alone)->Apply(batch).ok());
  }
  absl::StatusOr<v1::TeamScorecard> a = live.GetTeamScorecard(TeamRequest());
  absl::StatusOr<v1::TeamScorecard> b =
      (*alone)->GetTeamScorecard(TeamRequest());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString());
}

}  // namespace
}  // namespace casework::projection
