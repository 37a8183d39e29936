#include "tests/testing/la_history.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <map>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/common.pb.h"
#include "casework/v1/directory.pb.h"
#include "libs/core/codec.h"
#include "libs/kafka/topics.h"
#include "libs/rpc/proto_date.h"
#include "services/projection/projection.h"

namespace casework::testutil {
namespace {

constexpr int kPartitions = 3;

// Appends the envelope's event field (oneof `event`) of `type` ("ehc.v1.
// FinalPlanIssued"), empty, to a serialized EventEnvelopeHeader: the value
// is then the topic's envelope with that event set, as the relay publishes it
// (the projection reads the header; consumers check the type).
void AppendEventField(const std::string& topic, const std::string& type,
                      std::string* value) {
  const kafka::DomainTopic* owner = kafka::FindDomainTopic(topic);
  if (owner == nullptr) return;
  const std::string name = type.substr(type.rfind('.') + 1);
  const google::protobuf::OneofDescriptor* oneof =
      owner->envelope->GetDescriptor()->FindOneofByName("event");
  for (int i = 0; oneof != nullptr && i < oneof->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = oneof->field(i);
    if (f->message_type() == nullptr || f->message_type()->name() != name) {
      continue;
    }
    codec::PutVarint((static_cast<uint64_t>(f->number()) << 3) | 2, value);
    codec::PutVarint(0, value);  // length 0: an event with no fields set
    return;
  }
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // One event: its metadata, clock changes and type, as a record.
  void Emit(const std::string& topic, const std::string& source,
            const std::string& type, const std::string& stream, int64_t version,
            const std::string& child, const std::string& officer, Date on,
            std::vector<v1::ClockChange> clocks) {
    v1::EventEnvelopeHeader e;
    v1::EventMetadata* m = e.mutable_metadata();
    m->set_event_id(absl::StrCat("e", ++position_));
    m->set_stream_id(stream);
    m->set_version(version);
    m->set_position(position_);
    m->set_child_id(child);
    m->set_officer_id(officer);
    *m->mutable_occurred_on() = ToProto(on);
    m->set_source(source);
    for (auto& c : clocks) *e.add_clocks() = std::move(c);
    kafka::Message msg;
    msg.topic = topic;
    msg.partition =
        static_cast<int32_t>(std::hash<std::string>{}(child) % kPartitions);
    msg.offset = offsets_[{topic, msg.partition}]++;
    msg.key = child;
    msg.value = e.SerializeAsString();
    AppendEventField(topic, type, &msg.value);
    const kafka::DomainTopic* owner = kafka::FindDomainTopic(topic);
    msg.headers = {{"ce_source", owner != nullptr ? owner->ce_source : ""},
                   {"ce_type", absl::StrCat("uk.send.casework.", type)},
                   {"content-type", "application/protobuf"},
                   {"casework_position", std::to_string(position_)}};
    out.push_back(std::move(msg));
    days.push_back(on.ToYyyymmdd());
  }

  void Directory(int officers) {
    for (int o = 1; o <= officers; ++o) {
      v1::DirectoryRecord r;
      r.mutable_officer()->set_officer_id(LaOfficer(o));
      r.mutable_officer()->set_team_id("team-1");
      r.mutable_officer()->set_active(true);
      kafka::Message m;
      m.topic = projection::kDirectoryTopic;
      m.offset = offsets_[{m.topic, 0}]++;
      days.push_back(0);
      m.key = r.officer().officer_id();
      m.value = r.SerializeAsString();
      m.headers = {
          {"ce_type", "uk.send.casework.directory.v1.DirectoryRecord"}};
      out.push_back(std::move(m));
    }
  }

  std::vector<kafka::Message> out;
  std::vector<int32_t> days;  // of each record in `out` (0: directory)

 private:
  std::mt19937_64 rng_;
  std::map<std::pair<std::string, int>, int64_t> offsets_;
  int64_t position_ = 0;
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

void Child(Generator& g, int n, int officers, Date today) {
  const std::string child = absl::StrFormat("child-%05d", n);
  std::string officer = LaOfficer(n % officers + 1);
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
  // The four requests on one day, then the advice as it arrives (a stream's
  // events in the order of their days).
  Date last = decided;
  const Date asked = decided.AddDays(1);
  std::vector<std::pair<Date, int>> arrivals;
  for (int a = 0; a < 4; ++a) {
    const Date got =
        asked.AddDays(g.Chance(0.75) ? g.Uniform(20, 42) : g.Uniform(43, 80));
    arrivals.emplace_back(got, a);
    last = std::max(last, got);
    g.Emit(ehc, "ehc-assessments", "ehc.v1.AdviceRequested", stream, ++v, child,
           officer, asked,
           {Open(absl::StrCat("advice/", a), "ehc.advice", asked,
                 asked.AddWeeks(6), types[a])});
  }
  std::stable_sort(arrivals.begin(), arrivals.end());
  for (const auto& [got, a] : arrivals) {
    g.Emit(ehc, "ehc-assessments", "ehc.v1.AdviceReceived", stream, ++v, child,
           officer, got,
           {Close(absl::StrCat("advice/", a), "ehc.advice", asked,
                  asked.AddWeeks(6), got, types[a])});
  }
  // One assessment in nine changes hands once the advice is in: the open
  // clocks (final plan, no-plan decision) move to the new officer.
  if (n % 9 == 4) {
    officer = LaOfficer((n + 7) % officers + 1);
    g.Emit(ehc, "ehc-assessments", "ehc.v1.OfficerReassigned", stream, ++v,
           child, officer, last, {});
  }
  // One in thirteen has an exception recorded (reg 13(3)): the 20-week
  // outcome is excluded from the measure.
  const bool exception = n % 13 == 6;
  if (exception) {
    v1::ClockChange applied =
        Open("final_plan", "ehc.final_plan", received, final_due);
    applied.set_action(v1::CLOCK_EXCEPTION_APPLIED);
    applied.set_exception(true);
    g.Emit(ehc, "ehc-assessments", "ehc.v1.ExceptionRecorded", stream, ++v,
           child, officer, last, {applied});
  }
  const Date draft = last.AddDays(g.Uniform(5, 20));
  v1::ClockChange cancel = Open("no_plan_decision", "ehc.no_plan_decision",
                                received, received.AddWeeks(16));
  cancel.set_action(v1::CLOCK_CANCELLED);
  *cancel.mutable_closed_on() = ToProto(draft);
  g.Emit(ehc, "ehc-assessments", "ehc.v1.DraftPlanIssued", stream, ++v, child,
         officer, draft, {cancel});
  const Date issued = draft.AddDays(g.Uniform(15, 45));
  v1::ClockChange final_plan =
      Close("final_plan", "ehc.final_plan", received, final_due, issued);
  final_plan.set_exception(exception);
  g.Emit(ehc, "ehc-assessments", "ehc.v1.FinalPlanIssued", stream, ++v, child,
         officer, issued, {final_plan});

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
  // A travel application for every child, decided; for one in two,
  // transport arranged (the in-place clock closes).
  const std::string travel = "casework.transport.v1";
  const std::string app = absl::StrCat("travel-", n);
  const Date got = today.AddDays(-g.Uniform(30, 300));
  const Date due = got.AddDays(28);
  g.Emit(travel, "transport", "transport.v1.ApplicationReceived", app, 1, child,
         officer, got, {Open("decision", "transport.decision", got, due)});
  const Date decided_on = got.AddDays(g.Uniform(10, 40));
  const Date term = decided_on.AddDays(g.Uniform(5, 30));
  g.Emit(travel, "transport", "transport.v1.TransportDecided", app, 2, child,
         officer, decided_on,
         {Close("decision", "transport.decision", got, due, decided_on),
          Open("in_place", "transport.in_place", decided_on, term)});
  if (n % 2 == 0) {
    const Date arranged = decided_on.AddDays(g.Uniform(3, 35));
    g.Emit(
        travel, "transport", "transport.v1.TransportArranged", app, 3, child,
        officer, arranged,
        {Close("in_place", "transport.in_place", decided_on, term, arranged)});
  }
  // A complaint for one child in two: acknowledged, answered at stage 1,
  // one in three of those escalated to stage 2.
  if (n % 2 == 1) {
    const std::string complaints = "casework.complaints.v1";
    const std::string id = absl::StrCat("complaint-", n);
    int cv = 0;
    const Date logged = today.AddDays(-g.Uniform(20, 700));
    g.Emit(complaints, "complaints", "complaints.v1.ComplaintLogged", id, ++cv,
           child, officer, logged,
           {Open("acknowledge", "complaint.acknowledge", logged,
                 logged.AddDays(7))});
    const Date acked = logged.AddDays(g.Uniform(1, 9));
    g.Emit(complaints, "complaints", "complaints.v1.ComplaintAcknowledged", id,
           ++cv, child, officer, acked,
           {Close("acknowledge", "complaint.acknowledge", logged,
                  logged.AddDays(7), acked),
            Open("stage1", "complaint.stage1", acked, acked.AddDays(14))});
    const Date replied = acked.AddDays(g.Uniform(5, 20));
    g.Emit(complaints, "complaints", "complaints.v1.ComplaintResponded", id,
           ++cv, child, officer, replied,
           {Close("stage1", "complaint.stage1", acked, acked.AddDays(14),
                  replied)});
    if (g.Chance(1.0 / 3)) {
      const Date escalated = replied.AddDays(g.Uniform(3, 20));
      g.Emit(complaints, "complaints", "complaints.v1.ComplaintEscalated", id,
             ++cv, child, officer, escalated,
             {Open("stage2", "complaint.stage2", escalated,
                   escalated.AddDays(28))});
      const Date answered = escalated.AddDays(g.Uniform(10, 40));
      g.Emit(complaints, "complaints", "complaints.v1.ComplaintResponded", id,
             ++cv, child, officer, answered,
             {Close("stage2", "complaint.stage2", escalated,
                    escalated.AddDays(28), answered)});
    }
  }
  // A disagreement for one child in five: mediation, its certificate, and
  // for one in three an appeal to the Tribunal.
  if (n % 5 == 2) {
    const std::string complaints = "casework.complaints.v1";
    const std::string id = absl::StrCat("disagreement-", n);
    int dv = 0;
    const Date asked = issued.AddDays(g.Uniform(1, 20));
    g.Emit(complaints, "complaints", "complaints.v1.DisagreementRecorded", id,
           ++dv, child, officer, asked,
           {Open("mediation", "mediation.held", asked, asked.AddDays(30))});
    const Date held = asked.AddDays(g.Uniform(10, 40));
    g.Emit(
        complaints, "complaints", "complaints.v1.MediationHeld", id, ++dv,
        child, officer, held,
        {Close("mediation", "mediation.held", asked, asked.AddDays(30), held),
         Open("certificate", "mediation.certificate", held, held.AddDays(5))});
    const Date certified = held.AddDays(g.Uniform(1, 7));
    g.Emit(complaints, "complaints", "complaints.v1.MediationCertificateIssued",
           id, ++dv, child, officer, certified,
           {Close("certificate", "mediation.certificate", held, held.AddDays(5),
                  certified)});
    if (g.Chance(1.0 / 3)) {
      g.Emit(complaints, "complaints", "complaints.v1.AppealRegistered", id,
             ++dv, child, officer, certified.AddDays(g.Uniform(10, 50)), {});
    }
  }
}

}  // namespace

std::string LaOfficer(int n) { return absl::StrFormat("officer-%02d", n); }

std::vector<kafka::Message> LaHistory(const LaHistoryOptions& options) {
  Generator g(options.seed);
  g.Directory(options.officers);
  for (int n = 1; n <= options.children; ++n) {
    Child(g, n, options.officers, options.today);
  }
  if (options.order == LaHistoryOptions::kByChild) return std::move(g.out);
  // As the services publish: by the day of the event (a stream's events
  // keep their order), the offsets of each partition following.
  std::vector<size_t> order(g.out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return g.days[a] < g.days[b]; });
  std::vector<kafka::Message> out;
  out.reserve(order.size());
  std::map<std::pair<std::string, int>, int64_t> offsets;
  for (size_t i : order) {
    kafka::Message& m = g.out[i];
    m.offset = offsets[{m.topic, m.partition}]++;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace casework::testutil
