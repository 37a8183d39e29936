// casework-bench-projection: the projection at the scale of a large LA.
//
// Generates, deterministically, the event history of `--children` children
// (default 15,000; tests/testing/la_history.h: one EHC needs assessment each
// with advice, draft and final plan, some reassigned and some with an
// exception; annual review cycles; travel applications; complaints; about
// 480,000 events for 25 officers in one team), then:
//   1. rebuild: applies every record to an empty projection in the batches
//      the consumer uses, and reports events/s;
//   2. team scorecard: asks for the 25-officer team's scorecard over 12 months
//      `--queries` times and reports p50/p99/max;
//   3. memory: the process's peak resident set (before the broker stages);
//   4. through the broker: the records produced to an embedded broker (the
//      four domain topics and the directory, 12 partitions each), then
//      (a) the ceiling: consumed through librdkafka from offset 0 and
//      discarded, records/s; (b) the real rebuild: an empty projection fed by
//      the consumer runtime (contract checks, batches, offsets) from the same
//      topics, events/s, and its fraction of the ceiling measured in the same
//      run.
// It names the allocator it runs on (the servers link jemalloc; see
// cmake/casework.cmake), since that changes the figures.
// Records are built as the relays publish them (envelope header, CloudEvents
// type), straight into Projection::Apply: no broker, so the figures are the
// projection's own.
//
//   casework-bench-projection [--children=15000] [--queries=300]
//                             [--data-dir=DIR] [--expect-allocator=NAME]
//                             [--order=published|by-child] [--broker=0|1]
// --order: the records as the services publish them, by the day of the
// event, which is what a rebuild reads from each partition (default); or one
// child's whole history after another, the hardest order for the per-month
// counters (a batch touches many months of every officer).
// --expect-allocator=jemalloc: exit 2 unless running on it (the smoke test).
#include <dlfcn.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/kafka/consumer_runtime.h"
#include "libs/kafka/kafka.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/server.h"
#include "services/projection/projection.h"
#include "services/projection/projection_consumer.h"
#include "tests/testing/la_history.h"

namespace casework::bench {
namespace {

constexpr int kOfficers = 25;
double ceiling_ = 0;  // records/s librdkafka consumes (stage 4a)

// The resident set now, in MiB (/proc/self/statm).
double RssMiB() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages = 0, resident = 0;
  const int n = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  return n == 2 ? static_cast<double>(resident) * 4096.0 / (1 << 20) : 0;
}

int64_t Percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(
      v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i),
                   v.end());
  return v[i];
}

// Stage 4: the records through an embedded broker. Returns non-zero on
// failure (printed).
int ThroughTheBroker(const std::vector<kafka::Message>& records,
                     const std::string& dir) {
  constexpr int kPartitions = 12;
  absl::StatusOr<std::unique_ptr<kafka::EmbeddedBroker>> broker =
      kafka::EmbeddedBroker::Start();
  if (!broker.ok()) return 2;
  std::map<std::string, std::vector<kafka::Message>> by_topic;
  for (const kafka::Message& m : records) by_topic[m.topic].push_back(m);
  absl::StatusOr<std::unique_ptr<kafka::Producer>> producer =
      kafka::Producer::Create((*broker)->bootstrap_servers());
  if (!producer.ok()) return 2;
  const absl::Time produce_start = absl::Now();
  for (auto& [topic, list] : by_topic) {
    if (!(*broker)->CreateTopic(topic, kPartitions).ok()) return 2;
    for (size_t i = 0; i < list.size(); i += 20000) {
      std::vector<kafka::Message> chunk(
          list.begin() + static_cast<std::ptrdiff_t>(i),
          list.begin() +
              static_cast<std::ptrdiff_t>(std::min(list.size(), i + 20000)));
      absl::Status sent = (*producer)->Send(topic, chunk, absl::Seconds(120));
      if (!sent.ok()) {
        std::fprintf(stderr, "produce: %s\n",
                     std::string(sent.message()).c_str());
        return 1;
      }
    }
  }
  producer->reset();
  std::printf(
      "broker: %zu records produced to %zu topics x %d partitions "
      "in %.1f s\n",
      records.size(), by_topic.size(), kPartitions,
      absl::ToDoubleSeconds(absl::Now() - produce_start));
  const kafka::ConsumerOptions options{
      .brokers = (*broker)->bootstrap_servers(),
      .properties = {{"fetch.wait.max.ms", "20"}},
      .group_id = "bench"};
  // (a) The ceiling: consume and discard.
  {
    absl::StatusOr<std::unique_ptr<kafka::Consumer>> consumer =
        kafka::Consumer::Create(options);
    if (!consumer.ok()) return 2;
    std::map<std::pair<std::string, int32_t>, int64_t> from;
    for (const auto& [topic, list] : by_topic) {
      for (int32_t p = 0; p < kPartitions; ++p) from[{topic, p}] = 0;
    }
    if (!(*consumer)->Assign(from).ok()) return 2;
    size_t seen = 0;
    const absl::Time start = absl::Now();
    while (seen < records.size()) {
      absl::StatusOr<std::optional<kafka::Message>> m =
          (*consumer)->Poll(absl::Seconds(5));
      if (!m.ok() || !m->has_value()) {
        std::fprintf(stderr, "consume: stopped at %zu records\n", seen);
        return 1;
      }
      ++seen;
    }
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    ceiling_ = static_cast<double>(seen) / seconds;
    std::printf(
        "ceiling: librdkafka consumes and discards %zu records in "
        "%.2f s = %.0f records/s\n",
        seen, seconds, ceiling_);
  }
  // (b) The rebuild through the consumer runtime.
  absl::StatusOr<std::unique_ptr<projection::Projection>> p =
      projection::Projection::Open(dir + "/rebuilt");
  if (!p.ok()) return 2;
  const absl::Time start = absl::Now();
  projection::ProjectionConsumer consumer(**p, options,
                                          projection::ProjectionTopics());
  if (consumer.runtime() == nullptr) return 2;
  const int64_t total = static_cast<int64_t>(records.size());
  const bool done = consumer.runtime()->WaitUntil(
      [&](const kafka::RuntimeStatus& s) {
        return s.applied + s.dead_lettered >= total;
      },
      absl::Minutes(30));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const kafka::RuntimeStatus status = consumer.runtime()->Status();
  if (!done || status.dead_lettered != 0) {
    std::fprintf(stderr,
                 "rebuild through the broker: %lld applied, %lld "
                 "dead-lettered of %lld\n",
                 static_cast<long long>(status.applied),
                 static_cast<long long>(status.dead_lettered),
                 static_cast<long long>(total));
    return 1;
  }
  const double rate = static_cast<double>(total) / seconds;
  std::printf(
      "rebuild through the broker and the consumer runtime: %lld "
      "records in %.2f s = %.0f events/s = %.2f of the ceiling (%lld "
      "batches)\n",
      static_cast<long long>(total), seconds, rate, rate / ceiling_,
      static_cast<long long>(status.batches));
  return 0;
}

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(argc, argv,
                   {"children", "queries", "data-dir", "expect-allocator",
                    "order", "broker"});
  if (!flags.ok()) {
    std::fprintf(stderr, "%s\n", std::string(flags.status().message()).c_str());
    return 2;
  }
  int children = 15000, queries = 300;
  if (!absl::SimpleAtoi(flags->Get("children", "", "15000"), &children) ||
      !absl::SimpleAtoi(flags->Get("queries", "", "300"), &queries) ||
      children < 1 || queries < 1) {
    std::fprintf(stderr, "--children and --queries take positive numbers\n");
    return 2;
  }
  // jemalloc exports mallctl; glibc's malloc does not.
  const bool jemalloc = dlsym(RTLD_DEFAULT, "mallctl") != nullptr;
  const char* allocator = jemalloc ? "jemalloc" : "the C library's malloc";
  const std::string expected = flags->Get("expect-allocator", "", "");
  if (!expected.empty() && expected != (jemalloc ? "jemalloc" : "libc")) {
    std::fprintf(stderr, "running on %s, not %s\n", allocator,
                 expected.c_str());
    return 2;
  }
  const std::string order = flags->Get("order", "", "published");
  if (order != "published" && order != "by-child") {
    std::fprintf(stderr, "--order is published or by-child, not %s\n",
                 order.c_str());
    return 2;
  }
  std::string dir = flags->Get("data-dir", "", "");
  bool remove = false;
  if (dir.empty()) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "casework-pbench-XXXXXX")
            .string();
    if (mkdtemp(tmpl.data()) == nullptr) return 2;
    dir = tmpl;
    remove = true;
  }
  const Date today = Date::Ymd(2026, 11, 23);
  const absl::Time gen_start = absl::Now();
  testutil::LaHistoryOptions history;
  history.children = children;
  history.officers = kOfficers;
  history.today = today;
  if (order == "by-child") history.order = testutil::LaHistoryOptions::kByChild;
  const std::vector<kafka::Message> records = testutil::LaHistory(history);
  std::printf(
      "casework-bench-projection: %d children, %d officers in one team, %zu "
      "records in %s order generated in %.1f s; data in %s; allocator %s\n",
      children, kOfficers, records.size(), order.c_str(),
      absl::ToDoubleSeconds(absl::Now() - gen_start), dir.c_str(), allocator);

  const double rss_before = RssMiB();
  absl::StatusOr<std::unique_ptr<projection::Projection>> p =
      projection::Projection::Open(dir + "/projection");
  if (!p.ok()) {
    std::fprintf(stderr, "%s\n", std::string(p.status().message()).c_str());
    return 2;
  }
  // 1. Rebuild, in the consumer's largest batches (a rebuild reads a backlog).
  // The time is Apply's alone: copying the generated records into each
  // batch is the benchmark's own work, not the projection's.
  absl::Duration applying;
  const absl::Time start = absl::Now();
  for (size_t i = 0; i < records.size();
       i += projection::ProjectionConsumer::kMaxBatch) {
    std::vector<kafka::Message> batch(
        records.begin() + static_cast<std::ptrdiff_t>(i),
        records.begin() + static_cast<std::ptrdiff_t>(std::min(
                              records.size(),
                              i + projection::ProjectionConsumer::kMaxBatch)));
    const absl::Time t = absl::Now();
    absl::StatusOr<int> applied = (*p)->Apply(batch);
    applying += absl::Now() - t;
    if (!applied.ok()) {
      std::fprintf(stderr, "apply: %s\n",
                   std::string(applied.status().message()).c_str());
      return 1;
    }
  }
  const double seconds = absl::ToDoubleSeconds(applying);
  std::printf(
      "rebuild: %zu records in %.2f s of Apply = %.0f events/s "
      "(%.2f s in all with copying the records into batches)\n",
      records.size(), seconds, static_cast<double>(records.size()) / seconds,
      absl::ToDoubleSeconds(absl::Now() - start));
  const absl::Time compact_start = absl::Now();
  absl::Status compacted = (*p)->Compact();
  if (!compacted.ok()) return 1;
  std::printf("compaction after the rebuild: %.2f s\n",
              absl::ToDoubleSeconds(absl::Now() - compact_start));

  // 2. The team scorecard over 12 months.
  v1::GetTeamScorecardRequest req;
  req.set_team_id("team-1");
  *req.mutable_from() = ToProto(today.AddMonths(-12).AddDays(1));
  *req.mutable_to() = ToProto(today);
  req.set_sort_by("ehc.final_plan_20_weeks");
  std::vector<int64_t> micros;
  int64_t measures = 0;
  for (int q = 0; q < queries; ++q) {
    const absl::Time t = absl::Now();
    absl::StatusOr<v1::TeamScorecard> card = (*p)->GetTeamScorecard(req);
    micros.push_back(absl::ToInt64Microseconds(absl::Now() - t));
    if (!card.ok() || card->officers_size() != kOfficers) {
      std::fprintf(stderr, "team scorecard: %s\n",
                   card.ok() ? "wrong size"
                             : std::string(card.status().message()).c_str());
      return 1;
    }
    measures = card->totals().measures_size();
  }
  std::printf(
      "team scorecard (%d officers, 12 months, %lld measures each): p50 %.2f "
      "ms, p99 %.2f ms, max %.2f ms over %d queries\n",
      kOfficers, static_cast<long long>(measures),
      Percentile(micros, 0.5) / 1000.0, Percentile(micros, 0.99) / 1000.0,
      *std::max_element(micros.begin(), micros.end()) / 1000.0, queries);
  // 3. The early warning on this history: at-risk report time, and the
  // back-test over the assessments due in the last 12 months.
  {
    v1::GetAtRiskRequest risk;
    risk.set_team_id("team-1");
    const absl::Time t = absl::Now();
    absl::StatusOr<v1::AtRiskReport> at = (*p)->GetAtRisk(risk, today);
    if (!at.ok()) {
      std::fprintf(stderr, "at risk: %s\n",
                   std::string(at.status().message()).c_str());
      return 1;
    }
    std::printf(
        "at risk on %s: %d of %d open assessments (%d without a forecast) in "
        "%.1f ms\n",
        today.ToString().c_str(), at->items_size(), at->open_cases(),
        at->without_forecast(), absl::ToDoubleMilliseconds(absl::Now() - t));
    v1::GetForecastBackTestRequest back;
    *back.mutable_due_from() = ToProto(today.AddMonths(-12).AddDays(1));
    *back.mutable_due_to() = ToProto(today);
    absl::StatusOr<v1::ForecastBackTest> bt =
        (*p)->GetForecastBackTest(back, today);
    if (!bt.ok()) {
      std::fprintf(stderr, "back-test: %s\n",
                   std::string(bt.status().message()).c_str());
      return 1;
    }
    std::printf(
        "early-warning back-test, assessments due %s to %s: %d with a known "
        "outcome, %d breached\n",
        today.AddMonths(-12).AddDays(1).ToString().c_str(),
        today.ToString().c_str(), bt->assessments(), bt->breached());
    for (const v1::RuleScore& r : bt->rules()) {
      std::printf(
          "  %-50s flagged %5d (breached %5d: precision %5.1f%%), breaches "
          "flagged %5d of %5d (recall %5.1f%%)\n",
          r.rule().c_str(), r.flagged(), r.flagged_breached(), r.precision(),
          r.breached_flagged(), r.breached(), r.recall());
    }
  }
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "peak RSS %.0f MiB (includes the %zu generated records held in memory: "
      "%.0f MiB before the projection opened; %.0f MiB more after the "
      "queries)\n",
      usage.ru_maxrss / 1024.0, records.size(), rss_before,
      RssMiB() - rss_before);
  p->reset();
  if (flags->Get("broker", "", "1") != "0") {
    if (int failed = ThroughTheBroker(records, dir); failed != 0) return failed;
    getrusage(RUSAGE_SELF, &usage);
    std::printf("peak RSS with the broker stages %.0f MiB\n",
                usage.ru_maxrss / 1024.0);
  }
  if (remove) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}

}  // namespace
}  // namespace casework::bench

int main(int argc, char** argv) { return casework::bench::Main(argc, argv); }
