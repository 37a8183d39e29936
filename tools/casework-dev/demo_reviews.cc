// The demo LA's annual reviews (see demo.h, LoadReviewDemo).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/annual_review.grpc.pb.h"
#include "libs/core/grpc_status.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/quality.h"
#include "libs/statutory/rules.h"
#include "tools/casework-dev/demo.h"
#include "tools/casework-dev/demo_people.h"
#include "tools/casework-dev/demo_writer.h"

namespace casework::demo {
namespace {

using Stub = v1::AnnualReviewService::Stub;

// Sends one plan's commands with request ids derived from the plan and step.
const auto kPlanId = [](auto& r, const std::string& id) { r.set_plan_id(id); };
using PlanWriter = DemoWriter<Stub, decltype(kPlanId)>;

// Progress towards every outcome of the plan, from a generator of its own:
// about a quarter achieved, nearly half progressing, one in five not
// progressing, the rest no longer relevant.
void AddDemoProgress(v1::RecordMeetingHeldRequest* held,
                     const v1::PlanContents& contents, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (const v1::PlanOutcome& o : contents.outcomes()) {
    const int roll = std::uniform_int_distribution<int>(1, 100)(rng);
    v1::OutcomeReview* r = held->add_outcomes();
    r->set_outcome_id(o.outcome_id());
    r->set_progress(roll <= 25   ? v1::OUTCOME_PROGRESS_ACHIEVED
                    : roll <= 70 ? v1::OUTCOME_PROGRESS_PROGRESSING
                    : roll <= 90 ? v1::OUTCOME_PROGRESS_NOT_PROGRESSING
                                 : v1::OUTCOME_PROGRESS_NO_LONGER_RELEVANT);
  }
}

// A quality audit by the LA's QA lead of about three final plans in five, a
// few weeks after issue: grades spread (one in ten outstanding, half good,
// three in ten requiring improvement, one in ten inadequate), each criterion
// mostly met, and an action for a plan requiring improvement or worse,
// usually completed, mostly on time. From a generator of its own.
absl::Status AuditDemoPlan(PlanWriter& w, Date issued, std::optional<int> year,
                           Date today, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  if (!chance(0.6)) return absl::OkStatus();
  const Date on = std::min(today, issued.AddDays(uniform(7, 60)));
  v1::AuditPlanRequest audit;
  audit.set_audit_id("qa-1");
  audit.set_auditor_id("qa-lead");
  audit.set_kind(chance(0.7) ? v1::AUDIT_KIND_DIP_SAMPLE : v1::AUDIT_KIND_FULL);
  *audit.mutable_audited_on() = ToProto(on);
  const int roll = uniform(1, 100);
  audit.set_grade(roll <= 10   ? v1::AUDIT_GRADE_OUTSTANDING
                  : roll <= 60 ? v1::AUDIT_GRADE_GOOD
                  : roll <= 90 ? v1::AUDIT_GRADE_REQUIRES_IMPROVEMENT
                               : v1::AUDIT_GRADE_INADEQUATE);
  const bool weak = roll > 60;
  for (const statutory::Criterion& c : statutory::DefaultQaFramework().plan) {
    v1::CriterionFinding* f = audit.add_findings();
    f->set_criterion(c.id);
    const int r = uniform(1, 100);
    const int met = weak ? 55 : 85;
    f->set_result(c.id == "pfa_year9" && (!year.has_value() || *year < 9)
                      ? v1::CRITERION_RESULT_NOT_APPLICABLE
                  : r <= met      ? v1::CRITERION_RESULT_MET
                  : r <= met + 25 ? v1::CRITERION_RESULT_PARTLY_MET
                                  : v1::CRITERION_RESULT_NOT_MET);
  }
  if (weak) {
    v1::AuditAction* a = audit.add_actions();
    a->set_action_id("rewrite");
    a->set_section(chance(0.5) ? "E" : "F");
    a->set_description(
        "Rewrite the section so that each need, outcome and provision is "
        "specific");
  }
  if (!DEMO_SEND(w, AuditPlan, audit, on) || !weak) return absl::OkStatus();
  const Date done = on.AddDays(chance(0.8) ? uniform(5, 26) : uniform(29, 60));
  if (done > today || chance(0.15)) return absl::OkStatus();  // still open
  v1::CompleteAuditActionRequest complete;
  complete.set_audit_id("qa-1");
  complete.set_action_id("rewrite");
  *complete.mutable_completed_on() = ToProto(done);
  DEMO_SEND(w, CompleteAuditAction, complete, done);
  return absl::OkStatus();
}

// The current review cycle of a plan whose cycle counts from `from`: held and
// decided (on time or late), or never held (the backlog) when it is overdue.
absl::Status OneCycle(PlanWriter& w, Date from, Date dob, int nc_year,
                      const Date today, std::mt19937_64& rng,
                      const v1::PlanContents& contents, Date placed,
                      std::optional<int> plan_year = std::nullopt) {
  // The plan's placements (placement-<rank>, from `placed`) end on `on`.
  auto leave = [&](Date on) -> absl::Status {
    for (const v1::Setting& s : contents.settings()) {
      v1::RecordPlacementRequest r;
      v1::Placement* p = r.mutable_placement();
      p->set_placement_id(absl::StrFormat("placement-%d", s.rank()));
      *p->mutable_establishment() = s;
      *p->mutable_entry_date() = ToProto(placed);
      *p->mutable_leaving_date() = ToProto(on);
      p->set_residential(contents.residential());
      DEMO_SEND(w, RecordPlacement, r, on);
    }
    return absl::OkStatus();
  };
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  const Date due = statutory::ReviewDue(from, dob, 6);
  if (due > today.AddDays(45)) return absl::OkStatus();  // not started yet
  const bool overdue = due < today;
  if (overdue && chance(0.45)) return absl::OkStatus();  // never held: backlog
  // Most meetings 2-6 weeks before the due date; late ones after it.
  Date meeting = overdue && chance(0.3) ? due.AddDays(uniform(3, 60))
                                        : due.AddDays(-uniform(14, 42));
  meeting = std::max(meeting, from.AddDays(30));
  if (meeting > today) {
    // Scheduled, papers maybe out, not yet held.
    v1::ScheduleReviewMeetingRequest schedule;
    *schedule.mutable_meeting_on() = ToProto(meeting);
    DEMO_SEND(w, ScheduleReviewMeeting, schedule, today);
    return absl::OkStatus();
  }
  v1::ScheduleReviewMeetingRequest schedule;
  *schedule.mutable_meeting_on() = ToProto(meeting);
  DEMO_SEND(w, ScheduleReviewMeeting, schedule, today);
  v1::RecordPapersSentRequest papers;
  const Date sent =
      meeting.AddDays(chance(0.8) ? -uniform(14, 21) : -uniform(3, 13));
  *papers.mutable_sent_on() = ToProto(std::max(sent, from));
  DEMO_SEND(w, RecordPapersSent, papers, std::max(sent, from));
  v1::RecordMeetingHeldRequest held;
  *held.mutable_held_on() = ToProto(meeting);
  // (The plan's own NC year, when it records one, as the service judges
  // Year 9 by it.)
  const bool year9 = plan_year.has_value() &&
                     statutory::NcYearOn(*plan_year, placed, meeting) >= 9;
  held.set_preparation_for_adulthood_covered(year9 ||
                                             (nc_year >= 9 || chance(0.3)));
  AddDemoProgress(&held, contents, std::hash<std::string>{}(w.id()));
  DEMO_SEND(w, RecordMeetingHeld, held, meeting);
  const Date notified =
      meeting.AddDays(chance(0.85) ? uniform(7, 28) : uniform(29, 50));
  v1::RecordReviewDecisionRequest decision;
  const int roll = uniform(1, 100);
  const v1::ReviewDecision what = roll <= 60   ? v1::REVIEW_DECISION_MAINTAIN
                                  : roll <= 92 ? v1::REVIEW_DECISION_AMEND
                                               : v1::REVIEW_DECISION_CEASE;
  decision.set_decision(what);
  *decision.mutable_notified_on() = ToProto(notified);
  if (!DEMO_SEND(w, RecordReviewDecision, decision, notified)) {
    return absl::OkStatus();
  }
  if (what == v1::REVIEW_DECISION_AMEND) {
    if (chance(0.08)) {
      v1::DecideNotToAmendRequest no;
      const Date on = notified.AddDays(uniform(16, 30));
      *no.mutable_decided_on() = ToProto(on);
      DEMO_SEND(w, DecideNotToAmend, no, on);
    } else {
      v1::IssueAmendedPlanRequest amended;
      const Date on =
          notified.AddDays(chance(0.55) ? uniform(20, 56) : uniform(57, 100));
      *amended.mutable_issued_on() = ToProto(on);
      // Some amendments name a new school: the child leaves the old one the
      // day the amended plan is issued and starts at the new one next day.
      const bool moves = !contents.settings().empty() &&
                         contents.settings(0).rank() == 1 && chance(0.3);
      v1::PlanContents changed = contents;
      if (moves) {
        changed.mutable_settings(0)->Clear();
        changed.mutable_settings(0)->set_rank(1);
        changed.mutable_settings(0)->set_urn(
            absl::StrFormat("1%05d", uniform(0, 99999)));
        *amended.mutable_contents() = changed;
      }
      if (DEMO_SEND(w, IssueAmendedPlan, amended, on) && moves) {
        RETURN_IF_ERROR(leave(on));
        v1::RecordPlacementRequest r;
        v1::Placement* p = r.mutable_placement();
        p->set_placement_id("placement-after-review");
        *p->mutable_establishment() = changed.settings(0);
        *p->mutable_entry_date() = ToProto(on.AddDays(1));
        DEMO_SEND(w, RecordPlacement, r, on.AddDays(1));
      }
    }
  } else if (what == v1::REVIEW_DECISION_CEASE) {
    v1::CeasePlanRequest cease;
    const Date on = notified.AddDays(uniform(14, 40));
    *cease.mutable_ceased_on() = ToProto(on);
    const v1::CeaseReason reasons[] = {
        v1::CEASE_REASON_NEEDS_MET, v1::CEASE_REASON_MAX_AGE,
        v1::CEASE_REASON_EMPLOYMENT, v1::CEASE_REASON_HIGHER_EDUCATION,
        v1::CEASE_REASON_TRANSFERRED_TO_ANOTHER_LA};
    cease.set_reason(reasons[uniform(0, 4)]);
    if (DEMO_SEND(w, CeasePlan, cease, on)) RETURN_IF_ERROR(leave(on));
  }
  return absl::OkStatus();
}

// Where the child attends: each setting the plan names, from the day it was
// issued (a setting given by URN or UKPRN, or by a code).
absl::Status Placements(PlanWriter& w, const v1::PlanContents& contents,
                        Date issued, Date today) {
  for (const v1::Setting& s : contents.settings()) {
    v1::RecordPlacementRequest r;
    r.mutable_placement()->set_placement_id(
        absl::StrFormat("placement-%d", s.rank()));
    *r.mutable_placement()->mutable_establishment() = s;
    *r.mutable_placement()->mutable_entry_date() = ToProto(issued);
    r.mutable_placement()->set_residential(contents.residential());
    const Date on = std::min(issued, today);
    DEMO_SEND(w, RecordPlacement, r, on);
  }
  return absl::OkStatus();
}

absl::Status OneMigratedPlan(Stub& stub, int n, const ReviewDemoOptions& o,
                             std::mt19937_64& rng, int64_t* commands,
                             int64_t* repeated) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  const std::string plan = absl::StrFormat("demo-plan-%04d", n);
  PlanWriter w(stub, {.id = plan, .today = o.today}, o.token);
  struct Done {
    PlanWriter& w;
    int64_t* c;
    int64_t* r;
    ~Done() {
      *c += w.commands;
      *r += w.repeated;
    }
  } done{w, commands, repeated};
  const std::string child = absl::StrFormat("pchild-%04d", n);
  const Date dob = DemoBirthDate(child, o.today, o.seed, 3, 19);
  const Date issued =
      std::max(dob.AddDays(2 * 365), o.today.AddDays(-uniform(60, 6 * 365)));
  const int nc_year = DemoNcYear(dob, o.today);
  v1::RegisterPlanRequest reg;
  reg.set_child_id(child);
  reg.set_officer_id(absl::StrFormat("officer-%02d", n % o.officers + 1));
  *reg.mutable_issued_on() = ToProto(issued);
  *reg.mutable_date_of_birth() = ToProto(dob);
  reg.set_nc_year(std::clamp(nc_year, -2, 14));
  reg.set_origin(chance(0.05) ? v1::PLAN_ORIGIN_TRANSFER_IN
                              : v1::PLAN_ORIGIN_MIGRATED);
  *reg.mutable_contents() =
      DemoPlanContents(rng, statutory::AgeOn(dob, o.today));
  AddDemoOutcomes(reg.mutable_contents(), std::hash<std::string>{}(plan),
                  statutory::AgeOn(dob, issued), issued);
  if (reg.origin() == v1::PLAN_ORIGIN_TRANSFER_IN) {
    // Brought from another LA, which maintained it until then.
    reg.set_transferred_from_la(absl::StrFormat("%03d", uniform(201, 938)));
    *reg.mutable_transferred_on() =
        ToProto(std::min(o.today, issued.AddDays(uniform(30, 900))));
  }
  // Plans older than a year were last reviewed some months ago; a few
  // reviews are already overdue (the backlog the LA inherits).
  Date from = issued;
  if (issued < o.today.AddDays(-380)) {
    from = std::max(issued.AddDays(300), o.today.AddDays(-uniform(40, 420)));
    *reg.mutable_last_decision_on() = ToProto(from);
  }
  DEMO_SEND(w, RegisterPlan, reg, issued);
  RETURN_IF_ERROR(Placements(w, reg.contents(), issued, o.today));
  if (nc_year == 6 || nc_year == 11) {
    v1::SetPhaseTransferRequest t;
    t.set_kind(nc_year == 6 ? v1::PHASE_TRANSFER_KIND_SCHOOL_PHASE
                            : v1::PHASE_TRANSFER_KIND_SECONDARY_TO_POST16);
    const int move_year =
        o.today.month() >= 9 ? o.today.year() + 1 : o.today.year();
    *t.mutable_move_on() = ToProto(Date::Ymd(move_year, 9, 1));
    const Date set = std::max(issued, o.today.AddDays(-uniform(0, 60)));
    *t.mutable_set_on() = ToProto(set);
    DEMO_SEND(w, SetPhaseTransfer, t, set);
  }
  return OneCycle(w, from, dob, nc_year, o.today, rng, reg.contents(), issued);
}

// The QA lead's dip sample of last month's plans at the framework's rate
// (request id and sample id by the month, so loading again draws nothing
// new), and, when first drawn, a dip-sample audit of about half the plans
// drawn: the rest wait on the QA lead's worklist.
absl::StatusOr<DemoCounts> DrawDemoSample(Stub& stub,
                                          const ReviewDemoOptions& o) {
  const Date first_of_month = Date::Ymd(o.today.year(), o.today.month(), 1);
  const Date last_month_end = first_of_month.AddDays(-1);
  const Date last_month_start =
      Date::Ymd(last_month_end.year(), last_month_end.month(), 1);
  const std::string sample_id =
      absl::StrCat("demo-", last_month_start.ToString().substr(0, 7));
  v1::DrawSampleRequest r;
  r.set_request_id(sample_id);
  r.set_sample_id(sample_id);
  *r.mutable_issued_from() = ToProto(last_month_start);
  *r.mutable_issued_to() = ToProto(last_month_end);
  r.set_auditor_id("qa-lead");
  v1::DrawSampleResponse drawn;
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + o.token);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  grpc::Status s = stub.DrawSample(&ctx, r, &drawn);
  if (!s.ok()) {
    return absl::InternalError(
        absl::StrCat("DrawSample ", sample_id, ": ", s.error_message()));
  }
  DemoCounts out{1, drawn.repeated() ? 1 : 0};
  if (drawn.repeated()) return out;  // audited when first drawn
  for (int i = 0; i < drawn.plan_ids_size(); i += 2) {
    PlanWriter w(stub,
                 {.id = drawn.plan_ids(i),
                  .request_prefix =
                      absl::StrCat("demo-", sample_id, "-", drawn.plan_ids(i)),
                  .today = o.today},
                 o.token);
    v1::AuditPlanRequest audit;
    audit.set_audit_id(absl::StrCat("qa-", sample_id));
    audit.set_auditor_id("qa-lead");
    audit.set_kind(v1::AUDIT_KIND_DIP_SAMPLE);
    *audit.mutable_audited_on() = ToProto(o.today);
    audit.set_grade(i % 4 == 0 ? v1::AUDIT_GRADE_GOOD
                               : v1::AUDIT_GRADE_REQUIRES_IMPROVEMENT);
    for (const statutory::Criterion& c : statutory::DefaultQaFramework().plan) {
      v1::CriterionFinding* f = audit.add_findings();
      f->set_criterion(c.id);
      f->set_result(c.id == "pfa_year9" ? v1::CRITERION_RESULT_NOT_APPLICABLE
                    : i % 4 == 0        ? v1::CRITERION_RESULT_MET
                                        : v1::CRITERION_RESULT_PARTLY_MET);
    }
    DEMO_SEND(w, AuditPlan, audit, o.today);
    out.commands += w.commands;
    out.repeated += w.repeated;
  }
  return out;
}

}  // namespace

absl::StatusOr<DemoSummary> LoadReviewDemo(
    const ReviewDemoOptions& o, const std::vector<IssuedPlan>& final_plans) {
  auto stub = v1::AnnualReviewService::NewStub(grpc::CreateChannel(
      o.reviews_address, grpc::InsecureChannelCredentials()));
  const int total = o.migrated_plans + static_cast<int>(final_plans.size());
  absl::StatusOr<DemoCounts> counts = LoadInParallel(
      o.threads, total, o.seed * 7919u,
      [&](int i, std::mt19937_64& rng, int64_t* c, int64_t* r) {
        if (i < o.migrated_plans) {
          return OneMigratedPlan(*stub, i + 1, o, rng, c, r);
        }
        const IssuedPlan& p =
            final_plans[static_cast<size_t>(i - o.migrated_plans)];
        // The service opens the final plans from the EHC topic, partition by
        // partition: a plan it has not opened yet answers NOT_FOUND at its
        // first step; wait for it (up to a minute) and start again.
        const absl::Time deadline = absl::Now() + absl::Seconds(60);
        while (true) {
          PlanWriter w(
              *stub,
              {.id = absl::StrCat("plan-", p.assessment_id), .today = o.today},
              o.token);
          absl::Status s = Placements(w, p.contents, p.issued_on, o.today);
          if (s.ok()) {
            s = AuditDemoPlan(
                w, p.issued_on, p.nc_year, o.today,
                std::hash<std::string>{}(p.assessment_id) ^ (o.seed * 31u));
          }
          if (s.ok()) {
            s = OneCycle(w, p.issued_on, Date(), 0, o.today, rng, p.contents,
                         p.issued_on, p.nc_year);
          }
          *c = w.commands;
          *r = w.repeated;
          if (!absl::IsNotFound(s) || w.commands > 0 ||
              absl::Now() > deadline) {
            return s;
          }
          absl::SleepFor(absl::Milliseconds(200));
        }
      });
  if (!counts.ok()) return counts.status();
  absl::StatusOr<DemoCounts> sample = DrawDemoSample(*stub, o);
  if (!sample.ok()) return sample.status();
  return DemoSummary{counts->commands + sample->commands,
                     counts->repeated + sample->repeated,
                     total,
                     {}};
}

}  // namespace casework::demo
