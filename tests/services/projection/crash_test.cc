// A crash in the middle of applying a batch, then a restart: no figure counts
// an event twice and none is lost.
//
// An LA's history (tests/testing/la_history.h: 300 children, reassignments,
// exceptions, misses, four topics of three partitions) is applied the way
// the consumer applies it - batches from the stored offsets on - by child
// processes that are killed with SIGKILL (no destructor runs, RocksDB is not
// closed) at chosen points inside Apply: half-way through building a batch's
// effects, and just after the batch's write returned. After some kills the
// tail of the write-ahead log is also cut off, as a write torn by a power cut
// would leave it. Every restart resumes from the stored offsets and, like a
// Kafka consumer whose position was behind, first re-reads the last records
// before them. Once the whole history is in, every figure (officer and team
// scorecards, worklists, exception reports, trends, timelines) must equal a
// projection that applied the history once, in one go.
//
// The parent process opens no RocksDB before the last fork (a forked child
// would inherit a background thread pool without its threads).
#include <fcntl.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/rpc/proto_date.h"
#include "services/projection/projection.h"
#include "services/projection/transition.h"
#include "tests/testing/la_history.h"
#include "tests/testing/temp_dir.h"

namespace casework::projection {
namespace {

constexpr int kChildren = 300;
constexpr int kOfficers = 10;
constexpr size_t kBatch = 100;
// Records re-read before the stored offset of each partition on a restart.
constexpr int64_t kRedelivered = 37;
const Date kToday = Date::Ymd(2026, 11, 23);

std::vector<kafka::Message> History() {
  testutil::LaHistoryOptions options;
  options.children = kChildren;
  options.officers = kOfficers;
  options.today = kToday;
  return testutil::LaHistory(options);
}

// The sum of the stored next offsets: how far the projection has got.
int64_t Progress(Projection& p) {
  auto offsets = p.StoredOffsets();
  if (!offsets.ok()) return -1;
  int64_t sum = 0;
  for (const auto& [partition, next] : *offsets) sum += next;
  return sum;
}

// What a run applies: every record at or after its partition's stored offset
// less kRedelivered.
std::vector<kafka::Message> Remaining(
    const std::vector<kafka::Message>& history, Projection& p) {
  auto offsets = p.StoredOffsets();
  if (!offsets.ok()) return {};
  std::vector<kafka::Message> out;
  for (const kafka::Message& m : history) {
    auto it = offsets->find({m.topic, m.partition});
    const int64_t from = it == offsets->end()
                             ? 0
                             : std::max<int64_t>(0, it->second - kRedelivered);
    if (m.offset >= from) out.push_back(m);
  }
  return out;
}

// Applies `records` in batches; false on an error.
bool ApplyAll(Projection& p, const std::vector<kafka::Message>& records) {
  for (size_t i = 0; i < records.size(); i += kBatch) {
    std::vector<kafka::Message> batch(
        records.begin() + static_cast<std::ptrdiff_t>(i),
        records.begin() +
            static_cast<std::ptrdiff_t>(std::min(records.size(), i + kBatch)));
    if (!p.Apply(batch).ok()) return false;
  }
  return true;
}

struct Crash {
  int batch;          // killed in the run's batch number `batch` (from 1)
  const char* point;  // Projection::kFaultMidBatch or kFaultWritten
  bool tear_wal;      // then cut the end off the write-ahead log
};

// What a killed run reported through its pipe: progress when it started and,
// for a kill after a write, the progress that write stored.
struct RunReport {
  int64_t started = -1;
  int64_t written = -1;
};

void Report(int fd, const std::string& line) {
  const std::string out = line + "\n";
  if (write(fd, out.data(), out.size()) < 0) _exit(4);
}

// In a child process: open, resume, and die by SIGKILL at the crash point.
[[noreturn]] void CrashingRun(const std::string& dir,
                              const std::vector<kafka::Message>& history,
                              const Crash& crash, int fd) {
  auto opened = Projection::Open(dir);
  if (!opened.ok()) _exit(3);
  Projection& p = **opened;
  Report(fd, absl::StrCat("started ", Progress(p)));
  int batch = 0;
  p.SetFaultHookForTesting([&](const char* point) {
    if (std::string(point) == Projection::kFaultMidBatch) ++batch;
    if (batch != crash.batch || std::string(point) != crash.point) return;
    if (std::string(point) == Projection::kFaultWritten) {
      Report(fd, absl::StrCat("written ", Progress(p)));
    }
    raise(SIGKILL);
  });
  ApplyAll(p, Remaining(history, p));
  _exit(5);  // the history ran out before the crash point
}

RunReport ReadReport(int fd) {
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    text.append(buf, static_cast<size_t>(n));
  }
  RunReport r;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, ' ');
    int64_t v = 0;
    if (!absl::SimpleAtoi(kv.second, &v)) continue;
    if (kv.first == "started") r.started = v;
    if (kv.first == "written") r.written = v;
  }
  return r;
}

// Cuts `bytes` off the newest write-ahead log of `dir`.
void TearWal(const std::string& dir, uintmax_t bytes) {
  std::filesystem::path newest;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log" &&
        (newest.empty() || entry.path().filename() > newest.filename())) {
      newest = entry.path();
    }
  }
  ASSERT_FALSE(newest.empty()) << "no write-ahead log in " << dir;
  const uintmax_t size = std::filesystem::file_size(newest);
  ASSERT_GT(size, bytes) << newest << " is too short to tear";
  std::filesystem::resize_file(newest, size - bytes);
}

void ExpectSame(const google::protobuf::Message& want,
                const google::protobuf::Message& got, const std::string& what) {
  google::protobuf::util::MessageDifferencer differ;
  std::string diff;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(want, got)) << what << ":\n" << diff;
}

v1::Date Day(Date d) { return ToProto(d); }

// Compares every read model of `got` with `want`; returns how many figures
// (measure denominators) were compared, so the test knows it compared data.
int64_t CompareEverything(Projection& want, Projection& got) {
  int64_t denominators = 0;
  const Date from = Date::Ymd(2018, 1, 1);
  for (int o = 1; o <= kOfficers; ++o) {
    const std::string officer = testutil::LaOfficer(o);
    for (Date start : {from, kToday.AddMonths(-12).AddDays(1)}) {
      v1::GetOfficerScorecardRequest r;
      r.set_officer_id(officer);
      *r.mutable_from() = Day(start);
      *r.mutable_to() = Day(kToday);
      auto a = want.GetOfficerScorecard(r);
      auto b = got.GetOfficerScorecard(r);
      EXPECT_TRUE(a.ok() && b.ok());
      if (!a.ok() || !b.ok()) continue;
      for (const v1::Measure& m : a->measures())
        denominators += m.denominator();
      ExpectSame(*a, *b, absl::StrCat("scorecard of ", officer));
      for (const v1::Measure& m : a->measures()) {
        v1::GetExceptionReportRequest x;
        x.set_officer_id(officer);
        x.set_measure(m.code());
        *x.mutable_from() = Day(start);
        *x.mutable_to() = Day(kToday);
        x.set_page_size(1000);
        auto xa = want.GetExceptionReport(x);
        auto xb = got.GetExceptionReport(x);
        EXPECT_EQ(xa.ok(), xb.ok());
        if (xa.ok() && xb.ok()) {
          ExpectSame(*xa, *xb, absl::StrCat("exceptions ", m.code()));
        }
        v1::GetTrendRequest t;
        t.set_officer_id(officer);
        t.set_measure(m.code());
        t.set_months(36);
        auto ta = want.GetTrend(t, kToday);
        auto tb = got.GetTrend(t, kToday);
        EXPECT_EQ(ta.ok(), tb.ok());
        if (ta.ok() && tb.ok()) ExpectSame(*ta, *tb, "trend " + m.code());
      }
    }
    v1::GetWorklistRequest w;
    w.set_officer_id(officer);
    w.set_page_size(1000);
    auto wa = want.GetWorklist(w, kToday);
    auto wb = got.GetWorklist(w, kToday);
    EXPECT_TRUE(wa.ok() && wb.ok());
    if (wa.ok() && wb.ok()) ExpectSame(*wa, *wb, "worklist of " + officer);
  }
  v1::GetTeamScorecardRequest team;
  team.set_team_id("team-1");
  *team.mutable_from() = Day(from);
  *team.mutable_to() = Day(kToday);
  auto ta = want.GetTeamScorecard(team);
  auto tb = got.GetTeamScorecard(team);
  EXPECT_TRUE(ta.ok() && tb.ok());
  if (ta.ok() && tb.ok()) ExpectSame(*ta, *tb, "team scorecard");
  for (int n = 1; n <= kChildren; ++n) {
    v1::GetTimelineRequest t;
    t.set_child_id(absl::StrFormat("child-%05d", n));
    t.set_page_size(1000);
    auto a = want.GetTimeline(t);
    auto b = got.GetTimeline(t);
    EXPECT_TRUE(a.ok() && b.ok());
    if (a.ok() && b.ok()) ExpectSame(*a, *b, "timeline of " + t.child_id());
  }
  return denominators;
}

// Runs `crashes` one after another over `history` in `crashed`; each run is
// killed at its point. Returns the progress the last kill's write stored (-1
// when the last kill came before a write or tore it).
int64_t CrashRuns(const std::string& crashed,
                  const std::vector<kafka::Message>& history,
                  const std::vector<Crash>& crashes) {
  int64_t last_written = -1;
  bool last_torn = false;
  for (size_t i = 0; i < crashes.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("crash ", i + 1, ": batch ", crashes[i].batch,
                              " at ", crashes[i].point));
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    EXPECT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      CrashingRun(crashed, history, crashes[i], fds[1]);
    }
    close(fds[1]);
    const RunReport report = ReadReport(fds[0]);
    close(fds[0]);
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the run was to be killed; it exited with status "
        << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    // What the previous kill left is what this run found: a write that
    // returned survived the kill; a torn one is gone entirely.
    if (last_written >= 0) {
      if (last_torn) {
        EXPECT_LT(report.started, last_written);
      } else {
        EXPECT_EQ(report.started, last_written);
      }
    }
    last_written = -1;
    last_torn = false;
    if (std::string(crashes[i].point) == Projection::kFaultWritten) {
      EXPECT_GT(report.written, report.started);
      last_written = report.written;
      if (crashes[i].tear_wal) {
        TearWal(crashed, 200);
        last_torn = true;
      }
    }
  }
  return last_torn ? -1 : last_written;
}

const std::vector<Crash>& Crashes() {
  static const auto* crashes = new std::vector<Crash>{
      {3, Projection::kFaultMidBatch, false},
      {5, Projection::kFaultWritten, false},
      {8, Projection::kFaultWritten, true},
      {1, Projection::kFaultMidBatch, false},
      {12, Projection::kFaultMidBatch, false},
      {9, Projection::kFaultWritten, false},
      {15, Projection::kFaultWritten, true},
      {20, Projection::kFaultMidBatch, false},
      {25, Projection::kFaultWritten, false},
  };
  return *crashes;
}

// The history as a re-publish may deliver it: in every partition, one
// stream in four has its second event after its third (offsets follow the
// new order).
std::vector<kafka::Message> OutOfOrder(std::vector<kafka::Message> history) {
  std::map<std::string, std::map<int64_t, size_t>> where;  // stream -> v -> i
  for (size_t i = 0; i < history.size(); ++i) {
    v1::EventEnvelopeHeader e;
    if (!kafka::DecodeValue(history[i], &e).ok() ||
        e.metadata().version() < 1) {
      continue;
    }
    where[absl::StrCat(history[i].topic, "/", e.metadata().stream_id())]
         [e.metadata().version()] = i;
  }
  int n = 0;
  for (auto& [stream, versions] : where) {
    if (versions.size() < 3 || n++ % 4 != 0) continue;
    const size_t a = versions[2], b = versions[3];
    if (history[a].partition != history[b].partition) continue;
    std::swap(history[a].value, history[b].value);
    std::swap(history[a].headers, history[b].headers);
  }
  return history;
}

TEST(ProjectionCrashTest, KilledMidBatchThenRestartedCountsEveryEventOnce) {
  testutil::TempDir dir;
  const std::string crashed = dir.Sub("crashed");
  const std::vector<kafka::Message> history = History();
  ASSERT_GT(history.size(), 9000u);
  const int64_t last_written = CrashRuns(crashed, history, Crashes());
  // The restart that finishes, then the same history applied once.
  auto reopened = Projection::Open(crashed);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  if (last_written >= 0) {
    EXPECT_EQ(Progress(**reopened), last_written);
  }
  const std::vector<kafka::Message> rest = Remaining(history, **reopened);
  ASSERT_LT(rest.size(), history.size() / 2)
      << "the crashed runs should have got through half the history";
  ASSERT_TRUE(ApplyAll(**reopened, rest));
  auto once = Projection::Open(dir.Sub("once"));
  ASSERT_TRUE(once.ok()) << once.status();
  ASSERT_TRUE(ApplyAll(**once, history));
  EXPECT_EQ(Progress(**reopened), Progress(**once));
  const int64_t compared = CompareEverything(**once, **reopened);
  EXPECT_GT(compared, 10000) << "too few figures to compare";
}

// The same kills while streams are held (events out of order) and parked (a
// build that does not know a rule): after the restart, the upgrade and a
// retry of the parked streams, every figure is the in-order history's.
TEST(ProjectionCrashTest, KilledWhileStreamsAreHeldAndParked) {
  testutil::TempDir dir;
  const std::string crashed = dir.Sub("crashed");
  const std::vector<kafka::Message> history = History();
  const std::vector<kafka::Message> delivered = OutOfOrder(history);
  SetUnknownRulesForTesting({"review.decision"});
  CrashRuns(crashed, delivered, Crashes());
  auto reopened = Projection::Open(crashed);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  ASSERT_TRUE(ApplyAll(**reopened, Remaining(delivered, **reopened)));
  EXPECT_GT((*reopened)->Trouble().parked, 20);
  EXPECT_EQ((*reopened)->Trouble().held, 0);
  SetUnknownRulesForTesting({});
  auto parked = (*reopened)->Troubled(100000);
  ASSERT_TRUE(parked.ok()) << parked.status();
  for (const internal::StreamTrouble& t : *parked) {
    ASSERT_TRUE((*reopened)->RetryStream(t.source(), t.stream_id()).ok())
        << t.ShortDebugString();
  }
  EXPECT_EQ((*reopened)->Trouble().parked, 0);
  auto once = Projection::Open(dir.Sub("once"));
  ASSERT_TRUE(once.ok()) << once.status();
  ASSERT_TRUE(ApplyAll(**once, history));
  EXPECT_EQ(Progress(**reopened), Progress(**once));
  EXPECT_GT(CompareEverything(**once, **reopened), 10000);
}

}  // namespace
}  // namespace casework::projection
