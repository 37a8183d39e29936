// The demo LA's home-to-school travel applications (see demo.h,
// LoadTransportDemo).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/transport.grpc.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/grpc_status.h"
#include "libs/rpc/proto_date.h"
#include "tools/casework-dev/demo.h"
#include "tools/casework-dev/demo_writer.h"

namespace casework::demo {
namespace {

using Stub = v1::TransportService::Stub;

const auto kApplicationId = [](auto& r, const std::string& id) {
  r.set_application_id(id);
};
using AppWriter = DemoWriter<Stub, decltype(kApplicationId)>;

absl::Status OneApplication(Stub& stub, int n, const TransportDemoOptions& o,
                            const Calendar& calendar, std::mt19937_64& rng,
                            int64_t* commands, int64_t* repeated) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  auto miles = [&](double lo, double hi) {
    return std::round(std::uniform_real_distribution<double>(lo, hi)(rng) *
                      10) /
           10;
  };
  const std::string id = absl::StrFormat("demo-travel-%04d", n);
  AppWriter w(stub, {.id = id, .today = o.today}, o.token);
  struct Done {
    AppWriter& w;
    int64_t* c;
    int64_t* r;
    ~Done() {
      *c += w.commands;
      *r += w.repeated;
    }
  } done{w, commands, repeated};
  // Applications for the current academic year, most in the spring and
  // summer before it starts, some during it.
  const int year = o.today.month() >= 9 ? o.today.year() : o.today.year() - 1;
  const Date year_start = Date::Ymd(year, 9, 1);
  Date received = chance(0.75) ? year_start.AddDays(-uniform(20, 170))
                               : year_start.AddDays(uniform(5, 70));
  received = std::min(received, o.today);
  const bool post16 = chance(0.06);
  // A post-16 learner is past compulsory school age (born 17 to 18 years
  // before the academic year: Education Act 1996 s.8).
  const Date dob = Date::Ymd(year - (post16 ? uniform(17, 18) : uniform(4, 15)),
                             uniform(1, 12), uniform(1, 28));
  v1::SubmitApplicationRequest app;
  app.set_child_id(absl::StrFormat("child-%05d", n * 3 % 2000 + 1));
  app.set_officer_id(absl::StrFormat("officer-%02d", n % o.officers + 1));
  *app.mutable_received_on() = ToProto(received);
  v1::TravelFacts* f = app.mutable_facts();
  *f->mutable_date_of_birth() = ToProto(dob);
  f->set_academic_year(year);
  f->set_school_id(absl::StrFormat("school-%03d", uniform(1, 60)));
  f->set_nearest_suitable_school(chance(0.8));
  f->set_among_three_nearest(f->nearest_suitable_school() || chance(0.5));
  f->set_religion_or_belief(!f->nearest_suitable_school() && chance(0.2));
  f->set_walking_miles(miles(0.3, 9.0));
  f->set_road_miles(f->walking_miles() + miles(0.0, 1.5));
  f->set_cannot_walk_sen_disability(chance(0.45));
  f->set_route_unsafe(chance(0.05));
  f->set_low_income(chance(0.2));
  f->set_post16(post16);
  if (!DEMO_SEND(w, SubmitApplication, app, received)) return absl::OkStatus();

  // The outcome the service recorded with the application (judged on the
  // date in question: the term it is needed from) decides what the officer
  // may record.
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + o.token);
  v1::GetApplicationRequest get;
  get.set_application_id(id);
  v1::TransportApplication recorded;
  grpc::Status s = stub.GetApplication(&ctx, get, &recorded);
  if (!s.ok()) return FromGrpcStatus(s);
  const v1::EligibilityAssessment& a = recorded.assessment();
  v1::RecordTransportDecisionRequest decide;
  switch (a.outcome()) {
    case v1::ELIGIBILITY_OUTCOME_ELIGIBLE:
      decide.set_decision(v1::TRANSPORT_DECISION_ELIGIBLE);
      break;
    case v1::ELIGIBILITY_OUTCOME_POLICY_DECISION:
      decide.set_decision(post16 && chance(0.6)
                              ? v1::TRANSPORT_DECISION_POST16_POLICY
                          : chance(0.5) ? v1::TRANSPORT_DECISION_DISCRETIONARY
                                        : v1::TRANSPORT_DECISION_REFUSED);
      decide.set_reason("decided under the LA's policy statement");
      if (decide.decision() == v1::TRANSPORT_DECISION_POST16_POLICY &&
          !post16) {
        decide.set_decision(v1::TRANSPORT_DECISION_DISCRETIONARY);
      }
      break;
    default:
      decide.set_decision(chance(0.2) ? v1::TRANSPORT_DECISION_DISCRETIONARY
                                      : v1::TRANSPORT_DECISION_REFUSED);
      decide.set_reason(
          "within walking distance of the nearest suitable "
          "school on a safe route");
  }
  const Date decided = calendar.AddWorkingDays(
      received, chance(0.8) ? uniform(5, 20) : uniform(21, 40));
  *decide.mutable_notified_on() = ToProto(decided);
  if (!DEMO_SEND(w, RecordDecision, decide, decided)) return absl::OkStatus();

  if (decide.decision() == v1::TRANSPORT_DECISION_REFUSED) {
    if (!chance(0.3)) return absl::OkStatus();
    v1::RequestStage1ReviewRequest review;
    const Date asked = calendar.AddWorkingDays(
        decided, chance(0.9) ? uniform(3, 20) : uniform(21, 30));
    *review.mutable_requested_on() = ToProto(asked);
    if (!DEMO_SEND(w, RequestStage1Review, review, asked))
      return absl::OkStatus();
    v1::RecordStage1DecisionRequest stage1;
    const Date s1 = calendar.AddWorkingDays(
        asked, chance(0.85) ? uniform(5, 20) : uniform(21, 30));
    const bool changed = chance(0.3);
    stage1.set_outcome(changed ? v1::APPEAL_OUTCOME_CHANGED
                               : v1::APPEAL_OUTCOME_UPHELD);
    *stage1.mutable_decided_on() = ToProto(s1);
    if (!DEMO_SEND(w, RecordStage1Decision, stage1, s1))
      return absl::OkStatus();
    if (changed) {
      v1::ArrangeTransportRequest arrange;
      arrange.set_type(v1::ARRANGEMENT_TYPE_BUS_PASS);
      const Date starts = calendar.AddWorkingDays(s1, uniform(5, 15));
      *arrange.mutable_starts_on() = ToProto(starts);
      *arrange.mutable_arranged_on() = ToProto(s1.AddDays(2));
      DEMO_SEND(w, ArrangeTransport, arrange, s1.AddDays(2));
      return absl::OkStatus();
    }
    if (!chance(0.4)) return absl::OkStatus();
    v1::RequestStage2AppealRequest appeal;
    const Date asked2 = calendar.AddWorkingDays(s1, uniform(3, 18));
    *appeal.mutable_requested_on() = ToProto(asked2);
    if (!DEMO_SEND(w, RequestStage2Appeal, appeal, asked2))
      return absl::OkStatus();
    v1::RecordPanelDecisionRequest panel;
    const Date p = calendar.AddWorkingDays(
        asked2, chance(0.8) ? uniform(15, 40) : uniform(41, 55));
    panel.set_outcome(chance(0.25) ? v1::APPEAL_OUTCOME_CHANGED
                                   : v1::APPEAL_OUTCOME_UPHELD);
    *panel.mutable_decided_on() = ToProto(p);
    if (!DEMO_SEND(w, RecordPanelDecision, panel, p)) return absl::OkStatus();
    v1::RecordWrittenOutcomeRequest letter;
    const Date sent = calendar.AddWorkingDays(
        p, chance(0.85) ? uniform(1, 5) : uniform(6, 9));
    *letter.mutable_sent_on() = ToProto(sent);
    DEMO_SEND(w, RecordWrittenOutcome, letter, sent);
    return absl::OkStatus();
  }

  // Awarded: arranged for the first day of term, mostly.
  v1::ArrangeTransportRequest arrange;
  const v1::ArrangementType types[] = {
      v1::ARRANGEMENT_TYPE_VEHICLE_OR_TAXI,
      v1::ARRANGEMENT_TYPE_VEHICLE_OR_TAXI,
      v1::ARRANGEMENT_TYPE_MINIBUS,
      v1::ARRANGEMENT_TYPE_BUS_PASS,
      v1::ARRANGEMENT_TYPE_PERSONAL_TRANSPORT_BUDGET,
      v1::ARRANGEMENT_TYPE_MILEAGE_ALLOWANCE};
  arrange.set_type(types[uniform(0, 5)]);
  const Date term = std::max(Date::Ymd(year, 9, 3), decided.AddDays(7));
  const Date starts =
      chance(0.85) ? term : calendar.AddWorkingDays(term, uniform(1, 12));
  const Date arranged = std::min(decided.AddDays(uniform(3, 40)), starts);
  *arrange.mutable_starts_on() = ToProto(starts);
  *arrange.mutable_arranged_on() = ToProto(std::max(arranged, decided));
  if (!DEMO_SEND(w, ArrangeTransport, arrange, std::max(arranged, decided)))
    return absl::OkStatus();
  if (chance(0.08)) {
    v1::RecordTravelTrainingRequest itt;
    const Date began = starts.AddDays(uniform(20, 60));
    *itt.mutable_on() = ToProto(began);
    if (!DEMO_SEND(w, RecordTravelTraining, itt, began))
      return absl::OkStatus();
    if (chance(0.6)) {
      itt.set_completed(true);
      const Date done_on = began.AddDays(uniform(30, 90));
      *itt.mutable_on() = ToProto(done_on);
      DEMO_SEND(w, RecordTravelTraining, itt, done_on);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DemoSummary> LoadTransportDemo(const TransportDemoOptions& o) {
  auto stub = v1::TransportService::NewStub(grpc::CreateChannel(
      o.transport_address, grpc::InsecureChannelCredentials()));
  const Calendar calendar;
  // Case n (from 1) draws from seed * 104729 + n.
  absl::StatusOr<DemoCounts> counts = LoadInParallel(
      o.threads, o.applications, o.seed * 104729u + 1,
      [&](int i, std::mt19937_64& rng, int64_t* c, int64_t* r) {
        return OneApplication(*stub, i + 1, o, calendar, rng, c, r);
      });
  if (!counts.ok()) return counts.status();
  return DemoSummary{counts->commands, counts->repeated, o.applications, {}};
}

}  // namespace casework::demo
