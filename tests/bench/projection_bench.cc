// casework-bench-projection: the projection at the scale of a large LA.
//
// Generates, deterministically, the event history of `--children` children
// (default 15,000: one EHC needs assessment each with advice, draft and final
// plan; annual review cycles; some travel applications; about 500,000 events
// for 25 officers in one team), then:
//   1. rebuild: applies every record to an empty projection in the batches
//      the consumer uses, and reports events/s;
//   2. team scorecard: asks for the 25-officer team's scorecard over 12 months
//      `--queries` times and reports p50/p99/max;
//   3. memory: the process's peak resident set.
// Records are built as the relays publish them (envelope header, CloudEvents
// type), straight into Projection::Apply: no broker, so the figures are the
// projection's own.
//
//   casework-bench-projection [--children=15000] [--queries=300]
//                             [--data-dir=DIR]
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "casework/v1/common.pb.h"
#include "casework/v1/directory.pb.h"
#include "libs/core/calendar.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/server.h"
#include "services/projection/projection.h"

namespace casework::bench {
namespace {

constexpr int kOfficers = 25;
constexpr int kPartitions = 3;

struct Generator {
  std::mt19937_64 rng{20261123};
  std::map<std::pair<std::string, int>, int64_t> offsets;
  std::vector<kafka::Message> out;
  int64_t position = 0;

  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng); }

  // One event: its metadata, clock changes and type, as a record.
  void Emit(const std::string& topic, const std::string& source,
            const std::string& type, const std::string& stream, int64_t version,
            const std::string& child, const std::string& officer, Date on,
            std::vector<v1::ClockChange> clocks) {
    v1::EventEnvelopeHeader e;
    v1::EventMetadata* m = e.mutable_metadata();
    m->set_event_id(absl::StrCat("e", ++position));
    m->set_stream_id(stream);
    m->set_version(version);
    m->set_position(position);
    m->set_child_id(child);
    m->set_officer_id(officer);
    *m->mutable_occurred_on() = ToProto(on);
    m->set_source(source);
    for (auto& c : clocks) *e.add_clocks() = std::move(c);
    kafka::Message msg;
    msg.topic = topic;
    msg.partition =
        static_cast<int32_t>(std::hash<std::string>{}(child) % kPartitions);
    msg.offset = offsets[{topic, msg.partition}]++;
    msg.key = child;
    msg.value = e.SerializeAsString();
    msg.headers = {{"ce_type", absl::StrCat("uk.send.casework.", type)}};
    out.push_back(std::move(msg));
  }
};

v1::ClockChange Open(const std::string& id, const std::string& rule, Date start,
                     Date due, const std::string& subtype = "") {
  v1::ClockChange c;
  c.set_clock_id(id);
  c.set_rule(rule);
  c.set_action(v1::CLOCK_OPENED);
  *c.mutable_started_on() = ToProto(start);
  *c.mutable_due_on() = ToProto(due);
  c.set_measure_subtype(subtype);
  return c;
}

v1::ClockChange Close(const std::string& id, const std::string& rule,
                      Date start, Date due, Date on,
                      const std::string& subtype = "") {
  v1::ClockChange c = Open(id, rule, start, due, subtype);
  c.set_action(on <= due ? v1::CLOCK_MET : v1::CLOCK_MISSED);
  *c.mutable_closed_on() = ToProto(on);
  if (on > due) c.set_days_late(due.DaysUntil(on));
  return c;
}

void Child(Generator& g, int n, Date today) {
  const std::string child = absl::StrFormat("child-%05d", n);
  const std::string officer =
      absl::StrFormat("officer-%02d", n % kOfficers + 1);
  const std::string ehc = "casework.ehc-assessments.v1";
  const std::string stream = absl::StrCat("asmt-", n);
  int v = 0;
  const Date received = today.AddDays(-g.Uniform(200, 3000));
  const Date decision_due = received.AddWeeks(6);
  const Date final_due = received.AddWeeks(20);
  g.Emit(ehc, "ehc-assessments", "ehc.v1.RequestRecorded", stream, ++v, child,
         officer, received,
         {Open("decision", "ehc.decision_to_assess", received, decision_due)});
  const Date decided =
      received.AddDays(g.Chance(0.8) ? g.Uniform(20, 42) : g.Uniform(43, 70));
  g.Emit(ehc, "ehc-assessments", "ehc.v1.DecidedToAssess", stream, ++v, child,
         officer, decided,
         {Close("decision", "ehc.decision_to_assess", received, decision_due,
                decided),
          Open("final_plan", "ehc.final_plan", received, final_due),
          Open("no_plan_decision", "ehc.no_plan_decision", received,
               received.AddWeeks(16))});
  const char* types[] = {"educational_psychology", "health", "social_care",
                         "education_setting"};
  Date last = decided;
  for (int a = 0; a < 4; ++a) {
    const std::string id = absl::StrCat("advice/", a);
    const Date asked = decided.AddDays(1);
    g.Emit(ehc, "ehc-assessments", "ehc.v1.AdviceRequested", stream, ++v, child,
           officer, asked,
           {Open(id, "ehc.advice", asked, asked.AddWeeks(6), types[a])});
    const Date got =
        asked.AddDays(g.Chance(0.75) ? g.Uniform(20, 42) : g.Uniform(43, 80));
    last = std::max(last, got);
    g.Emit(ehc, "ehc-assessments", "ehc.v1.AdviceReceived", stream, ++v, child,
           officer, got,
           {Close(id, "ehc.advice", asked, asked.AddWeeks(6), got, types[a])});
  }
  const Date draft = last.AddDays(g.Uniform(5, 20));
  v1::ClockChange cancel = Open("no_plan_decision", "ehc.no_plan_decision",
                                received, received.AddWeeks(16));
  cancel.set_action(v1::CLOCK_CANCELLED);
  *cancel.mutable_closed_on() = ToProto(draft);
  g.Emit(ehc, "ehc-assessments", "ehc.v1.DraftPlanIssued", stream, ++v, child,
         officer, draft, {cancel});
  const Date issued = draft.AddDays(g.Uniform(15, 45));
  g.Emit(ehc, "ehc-assessments", "ehc.v1.FinalPlanIssued", stream, ++v, child,
         officer, issued,
         {Close("final_plan", "ehc.final_plan", received, final_due, issued)});

  // Annual reviews: a cycle a year, most on time, the last one open.
  const std::string reviews = "casework.annual-reviews.v1";
  const std::string plan = absl::StrCat("plan-asmt-", n);
  int pv = 0;
  Date from = issued;
  g.Emit(reviews, "annual-reviews", "reviews.v1.PlanRegistered", plan, ++pv,
         child, officer, issued,
         {Open("review/1", "review.annual", from, from.AddMonths(12))});
  for (int cycle = 1; from.AddMonths(12) < today; ++cycle) {
    const Date due = from.AddMonths(12);
    const Date meeting = due.AddDays(-g.Uniform(5, 40));
    const std::string c = absl::StrCat(cycle);
    g.Emit(reviews, "annual-reviews", "reviews.v1.ReviewMeetingScheduled", plan,
           ++pv, child, officer, meeting.AddDays(-30),
           {Open("papers/" + c, "review.meeting_papers", meeting.AddDays(-30),
                 meeting.AddDays(-14))});
    g.Emit(reviews, "annual-reviews", "reviews.v1.ReviewPapersSent", plan, ++pv,
           child, officer, meeting.AddDays(-15),
           {Close("papers/" + c, "review.meeting_papers", meeting.AddDays(-30),
                  meeting.AddDays(-14), meeting.AddDays(-g.Uniform(10, 20)))});
    g.Emit(reviews, "annual-reviews", "reviews.v1.ReviewMeetingHeld", plan,
           ++pv, child, officer, meeting,
           {Open("decision/" + c, "review.decision", meeting,
                 meeting.AddWeeks(4))});
    const Date notified = meeting.AddDays(g.Uniform(7, 40));
    g.Emit(reviews, "annual-reviews", "reviews.v1.ReviewDecisionNotified", plan,
           ++pv, child, officer, notified,
           {Close("decision/" + c, "review.decision", meeting,
                  meeting.AddWeeks(4), notified),
            Close("review/" + c, "review.annual", from, due, notified),
            Open(absl::StrCat("review/", cycle + 1), "review.annual", notified,
                 notified.AddMonths(12))});
    from = notified;
  }
  // A travel application for one child in two.
  if (n % 2 == 0) {
    const std::string travel = "casework.transport.v1";
    const std::string app = absl::StrCat("travel-", n);
    const Date got = today.AddDays(-g.Uniform(30, 300));
    const Date due = got.AddDays(28);
    g.Emit(travel, "transport", "transport.v1.ApplicationReceived", app, 1,
           child, officer, got,
           {Open("decision", "transport.decision", got, due)});
    const Date decided_on = got.AddDays(g.Uniform(10, 40));
    g.Emit(travel, "transport", "transport.v1.TransportDecided", app, 2, child,
           officer, decided_on,
           {Close("decision", "transport.decision", got, due, decided_on)});
  }
}

int64_t Percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(
      v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i),
                   v.end());
  return v[i];
}

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(argc, argv, {"children", "queries", "data-dir"});
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
  Generator g;
  // The directory: one team of 25 officers.
  for (int o = 1; o <= kOfficers; ++o) {
    v1::DirectoryRecord r;
    r.mutable_officer()->set_officer_id(absl::StrFormat("officer-%02d", o));
    r.mutable_officer()->set_team_id("team-1");
    r.mutable_officer()->set_active(true);
    kafka::Message m;
    m.topic = projection::kDirectoryTopic;
    m.offset = o - 1;
    m.key = r.officer().officer_id();
    m.value = r.SerializeAsString();
    g.out.push_back(std::move(m));
  }
  const absl::Time gen_start = absl::Now();
  for (int n = 1; n <= children; ++n) Child(g, n, today);
  std::printf(
      "casework-bench-projection: %d children, %d officers in one team, %zu "
      "records generated in %.1f s; data in %s\n",
      children, kOfficers, g.out.size(),
      absl::ToDoubleSeconds(absl::Now() - gen_start), dir.c_str());

  absl::StatusOr<std::unique_ptr<projection::Projection>> p =
      projection::Projection::Open(dir + "/projection");
  if (!p.ok()) {
    std::fprintf(stderr, "%s\n", std::string(p.status().message()).c_str());
    return 2;
  }
  // 1. Rebuild, in the consumer's batches of 500.
  const absl::Time start = absl::Now();
  for (size_t i = 0; i < g.out.size(); i += 500) {
    std::vector<kafka::Message> batch(
        g.out.begin() + static_cast<std::ptrdiff_t>(i),
        g.out.begin() +
            static_cast<std::ptrdiff_t>(std::min(g.out.size(), i + 500)));
    absl::StatusOr<int> applied = (*p)->Apply(batch);
    if (!applied.ok()) {
      std::fprintf(stderr, "apply: %s\n",
                   std::string(applied.status().message()).c_str());
      return 1;
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("rebuild: %zu records in %.2f s = %.0f events/s\n", g.out.size(),
              seconds, static_cast<double>(g.out.size()) / seconds);
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
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "peak RSS %.0f MiB (includes the %zu generated records held in memory)\n",
      usage.ru_maxrss / 1024.0, g.out.size());
  p->reset();
  if (remove) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}

}  // namespace
}  // namespace casework::bench

int main(int argc, char** argv) { return casework::bench::Main(argc, argv); }
