// casework-bench-returns: the SEN2 return at the scale of a large LA.
//
// Generates the event history of `--children` children (default 15,000,
// about 450,000 records: an EHC assessment with advice and a plan with its
// placement and a review cycle a year each, over up to eight years) and a
// person record for
// each, then:
//   1. rebuild: applies every record to an empty statutory-returns store
//      through its sink (contract check, then Apply) in the consumer's batches
//      of 4,000, and reports records/s;
//   2. the ceiling: one pass over the store reading and decoding every child's
//      events and doing nothing else (the floor any return costs);
//   3. the return: BuildReturn for the 2026 census (every child's SEN2 record
//      and problems) and the files (the XML and the nine CSVs), in seconds,
//      against the 10 s target and as a multiple of the ceiling of stage 2
//      measured in the same run;
//   4. memory: the process's peak resident set.
//
//   casework-bench-returns [--children=15000] [--data-dir=DIR] [--check=1]
// --check=1: exit 1 unless the return names every child with a plan (the
// smoke run's check; nothing about speed).
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "casework/v1/people.pb.h"
#include "libs/kafka/topics.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/server.h"
#include "services/statutory-returns/people.h"
#include "services/statutory-returns/returns_service.h"
#include "tests/testing/domain_record.h"

namespace casework::bench {
namespace {

double PeakRssMiB() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// The log of one child, as the relays publish it: an EHC request assessed
// and a final plan naming a school and needs (some years ago, some in the
// year), the plan in annual-reviews with its placement and a review cycle a
// year (meeting, papers, decision; some amended, a few ceased), and the
// child's person details. About 30 records a child.
class History {
 public:
  explicit History(uint64_t seed) : rng_(seed) {}
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

  template <typename Envelope>
  Envelope Event(const std::string& service, const std::string& child,
                 const std::string& stream, Date on) {
    Envelope e;
    v1::EventMetadata* m = e.mutable_metadata();
    m->set_event_id(absl::StrCat("e", ++position_));
    m->set_stream_id(stream);
    m->set_version(++versions_[stream]);
    m->set_position(position_);
    m->set_child_id(child);
    m->set_officer_id(absl::StrFormat("officer-%02d", Uniform(1, 25)));
    *m->mutable_occurred_on() = ToProto(on);
    m->set_source(service);
    return e;
  }
  void Emit(const google::protobuf::Message& e) {
    out.push_back(testutil::DomainRecord(e));
  }
  void Ehc(const v1::EhcAssessmentEvent& e) { Emit(e); }
  void Plan(const v1::AnnualReviewEvent& e) { Emit(e); }

  void Child(int n, Date today) {
    const std::string child = absl::StrFormat("child-%05d", n);
    const std::string a = absl::StrFormat("asmt-%05d", n);
    const std::string plan = absl::StrCat("plan-", a);
    const Date received = today.AddDays(-Uniform(200, 8 * 365));
    auto ehc = [&](Date on) {
      return Event<v1::EhcAssessmentEvent>("ehc-assessments", child, a, on);
    };
    v1::EhcAssessmentEvent e = ehc(received);
    *e.mutable_request_recorded()->mutable_received_on() = ToProto(received);
    e.mutable_request_recorded()->set_source(v1::REQUEST_SOURCE_PARENT);
    e.mutable_request_recorded()->set_kind(v1::ASSESSMENT_KIND_FIRST);
    Ehc(e);
    const Date decided = received.AddDays(Uniform(20, 50));
    e = ehc(decided);
    *e.mutable_decided_to_assess()->mutable_decided_on() = ToProto(decided);
    Ehc(e);
    // Advice from an educational psychologist, health and the school.
    for (int k = 1; k <= 3; ++k) {
      const std::string advice = absl::StrCat("adv-", k);
      const Date asked = decided.AddDays(Uniform(1, 10));
      e = ehc(asked);
      e.mutable_advice_requested()->set_advice_id(advice);
      e.mutable_advice_requested()->set_advice_type(
          static_cast<v1::AdviceType>(k));
      *e.mutable_advice_requested()->mutable_requested_on() = ToProto(asked);
      Ehc(e);
      const Date back = asked.AddDays(Uniform(20, 60));
      e = ehc(back);
      e.mutable_advice_received()->set_advice_id(advice);
      *e.mutable_advice_received()->mutable_received_on() = ToProto(back);
      Ehc(e);
    }
    const Date draft = decided.AddDays(Uniform(60, 100));
    e = ehc(draft);
    *e.mutable_draft_plan_issued()->mutable_issued_on() = ToProto(draft);
    Ehc(e);
    const Date issued = draft.AddDays(Uniform(15, 40));
    v1::PlanContents contents;
    v1::Setting* s = contents.add_settings();
    s->set_urn(absl::StrFormat("1%05d", Uniform(0, 99999)));
    s->set_rank(1);
    v1::SenNeed* need = contents.add_needs();
    need->set_type(static_cast<v1::SenType>(Uniform(1, 13)));
    need->set_rank(1);
    e = ehc(issued);
    *e.mutable_final_plan_issued()->mutable_issued_on() = ToProto(issued);
    *e.mutable_final_plan_issued()->mutable_contents() = contents;
    Ehc(e);
    auto rev = [&](Date on) {
      return Event<v1::AnnualReviewEvent>("annual-reviews", child, plan, on);
    };
    v1::AnnualReviewEvent r = rev(issued);
    r.mutable_plan_registered()->set_origin(v1::PLAN_ORIGIN_EHC_FINAL_PLAN);
    *r.mutable_plan_registered()->mutable_issued_on() = ToProto(issued);
    r.mutable_plan_registered()->set_source_assessment_id(a);
    *r.mutable_plan_registered()->mutable_contents() = contents;
    Plan(r);
    r = rev(issued);
    v1::Placement* p = r.mutable_placement_recorded()->mutable_placement();
    p->set_placement_id("p1");
    *p->mutable_establishment() = *s;
    *p->mutable_entry_date() = ToProto(issued);
    Plan(r);
    Date from = issued;
    for (int cycle = 1; from.AddDays(330) < today; ++cycle) {
      const Date meeting = from.AddDays(Uniform(300, 360));
      r = rev(meeting.AddDays(-30));
      r.mutable_meeting_scheduled()->set_cycle(cycle);
      *r.mutable_meeting_scheduled()->mutable_meeting_on() = ToProto(meeting);
      Plan(r);
      r = rev(meeting.AddDays(-15));
      r.mutable_papers_sent()->set_cycle(cycle);
      *r.mutable_papers_sent()->mutable_sent_on() =
          ToProto(meeting.AddDays(-15));
      Plan(r);
      r = rev(meeting);
      r.mutable_meeting_held()->set_cycle(cycle);
      *r.mutable_meeting_held()->mutable_held_on() = ToProto(meeting);
      Plan(r);
      const Date notice = meeting.AddDays(Uniform(10, 35));
      if (notice > today) break;
      r = rev(notice);
      r.mutable_decision_notified()->set_cycle(cycle);
      r.mutable_decision_notified()->set_decision(
          Uniform(0, 9) < 3 ? v1::REVIEW_DECISION_AMEND
                            : v1::REVIEW_DECISION_MAINTAIN);
      *r.mutable_decision_notified()->mutable_notified_on() = ToProto(notice);
      Plan(r);
      from = notice;
      if (Uniform(0, 99) < 3) {
        const Date ceased = notice.AddDays(Uniform(30, 120));
        if (ceased > today) break;
        r = rev(ceased);
        *r.mutable_plan_ceased()->mutable_ceased_on() = ToProto(ceased);
        r.mutable_plan_ceased()->set_reason(v1::CEASE_REASON_NEEDS_MET);
        Plan(r);
        break;
      }
    }
    v1::PersonRecord person;
    person.set_child_id(child);
    person.set_surname("Bench");
    person.set_forename("Child");
    *person.mutable_date_of_birth() =
        ToProto(received.AddDays(-Uniform(3 * 365, 15 * 365)));
    person.set_sex(n % 2 ? "M" : "F");
    person.set_ethnicity("WBRI");
    person.set_postcode("ZZ1 1ZZ");
    person.set_upn_unknown("UN8");
    kafka::Message m;
    m.topic = returns::kPeopleTopic;
    m.key = child;
    m.value = person.SerializeAsString();
    m.headers = {{"content-type", "application/protobuf"},
                 {"ce_type", returns::kPersonRecordType}};
    out.push_back(std::move(m));
  }

  std::vector<kafka::Message> out;

 private:
  std::mt19937_64 rng_;
  std::map<std::string, int64_t> versions_;
  int64_t position_ = 0;
};

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(argc, argv, {"children", "data-dir", "check"});
  if (!flags.ok()) {
    std::fprintf(stderr, "%s\n", std::string(flags.status().message()).c_str());
    return 2;
  }
  int children = 15000;
  if (!absl::SimpleAtoi(flags->Get("children", "", "15000"), &children) ||
      children < 1) {
    std::fprintf(stderr, "--children takes a positive number\n");
    return 2;
  }
  std::string dir = flags->Get("data-dir", "", "");
  bool remove = false;
  if (dir.empty()) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "casework-rbench-XXXXXX")
            .string();
    if (mkdtemp(tmpl.data()) == nullptr) return 2;
    dir = tmpl;
    remove = true;
  }
  History history(20261130);
  for (int n = 1; n <= children; ++n) history.Child(n, Date::Ymd(2026, 11, 23));
  std::vector<kafka::Message> records = std::move(history.out);
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].partition = static_cast<int32_t>(i % 3);
    records[i].offset = static_cast<int64_t>(i / 3);
  }
  std::printf("history: %d children, %zu records\n", children, records.size());

  auto store = returns::ReturnsStore::Open(dir + "/returns");
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 2;
  }
  returns::ReturnsSink sink(**store);
  // 1. Rebuild.
  size_t kept = 0;
  const absl::Time start = absl::Now();
  for (size_t i = 0; i < records.size(); i += 4000) {
    std::vector<kafka::Message> batch;
    for (size_t j = i; j < std::min(records.size(), i + 4000); ++j) {
      if (sink.Check(records[j]).ok()) {
        batch.push_back(records[j]);
        ++kept;
      }
    }
    absl::Status applied = sink.Apply(batch, kafka::NextOffsets(batch));
    if (!applied.ok()) {
      std::fprintf(stderr, "apply: %s\n",
                   std::string(applied.message()).c_str());
      return 1;
    }
  }
  const double rebuild = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf(
      "1. rebuild: %zu records applied (%zu kept by the contract) in "
      "%.2f s: %.0f records/s\n",
      records.size(), kept, rebuild,
      static_cast<double>(records.size()) / rebuild);
  // 2. The ceiling: read and decode everything kept.
  int64_t events = 0, kids = 0;
  absl::Time t = absl::Now();
  absl::Status scanned =
      (*store)->ForEachChild([&](const returns::ChildData& c) {
        ++kids;
        events += static_cast<int64_t>(c.ehc.size() + c.reviews.size() +
                                       c.complaints.size());
        return absl::OkStatus();
      });
  if (!scanned.ok()) return 1;
  const double ceiling = absl::ToDoubleSeconds(absl::Now() - t);
  std::printf(
      "2. ceiling: one pass reading %lld events of %lld children: "
      "%.2f s\n",
      static_cast<long long>(events), static_cast<long long>(kids), ceiling);
  // 3. The return and its files.
  t = absl::Now();
  const returns::ReturnPeriod period = returns::PeriodFor(2026);
  absl::StatusOr<returns::Sen2Return> r = returns::BuildReturn(**store, period);
  if (!r.ok()) return 1;
  const double built = absl::ToDoubleSeconds(absl::Now() - t);
  const std::vector<v1::Sen2File> files = returns::ReturnFiles(
      returns::Sen2Header{.period = period, .lea = "999"}, *r);
  const double total = absl::ToDoubleSeconds(absl::Now() - t);
  size_t bytes = 0;
  for (const v1::Sen2File& f : files) bytes += f.content().size();
  std::printf(
      "3. the 2026 return: %d persons, %d requests, %d plans active on "
      "census day, %d problems; built in %.2f s, with the XML and CSVs "
      "(%.1f MB) %.2f s: %.0f%% of the 10 s target, %.1f x the ceiling\n",
      r->counts.persons(), r->counts.requests(), r->counts.active_plans(),
      static_cast<int>(r->problems.size()), built,
      static_cast<double>(bytes) / 1e6, total, 100.0 * total / 10.0,
      total / ceiling);
  std::printf("4. memory: peak resident set %.0f MiB\n", PeakRssMiB());
  store->reset();
  if (remove) std::filesystem::remove_all(dir);
  if (flags->Has("check") && r->counts.active_plans() == 0) {
    std::fprintf(stderr, "check: no plan active on census day\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace casework::bench

int main(int argc, char** argv) { return casework::bench::Main(argc, argv); }
