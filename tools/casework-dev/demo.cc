#include "tools/casework-dev/demo.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "libs/core/grpc_status.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/quality.h"
#include "libs/statutory/rules.h"
#include "tools/casework-dev/demo_people.h"
#include "tools/casework-dev/demo_writer.h"

namespace casework::demo {
namespace {

using Stub = v1::EhcAssessmentService::Stub;

// Request ids "<case id>-<step>"; a refused step is always an error.
using CaseWriter = DemoWriter<Stub>;

// One child's assessment, with delays drawn to look like a real LA's: most
// decisions within 6 weeks, advice mostly on time but EP advice often late,
// about half the plans within 20 weeks, a few exceptions, refusals, withdrawals
// and re-assessments.
// About one piece of advice in five audited by the QA lead within a month
// of its arrival: mostly good, needs described, sometimes late (from a
// generator of its own).
absl::Status AuditDemoAdvice(CaseWriter& w, const std::string& advice_id,
                             Date in, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  if (!chance(0.2)) return absl::OkStatus();
  v1::AuditAdviceRequest audit;
  audit.set_assessment_id(w.id());
  audit.set_advice_id(advice_id);
  audit.set_audit_id(absl::StrCat("qa-", advice_id));
  audit.set_auditor_id("qa-lead");
  audit.set_kind(v1::AUDIT_KIND_DIP_SAMPLE);
  const Date on = in.AddDays(std::uniform_int_distribution<int>(3, 30)(rng));
  *audit.mutable_audited_on() = ToProto(on);
  const bool good = chance(0.7);
  audit.set_grade(
      good ? (chance(0.15) ? v1::AUDIT_GRADE_OUTSTANDING : v1::AUDIT_GRADE_GOOD)
           : (chance(0.75) ? v1::AUDIT_GRADE_REQUIRES_IMPROVEMENT
                           : v1::AUDIT_GRADE_INADEQUATE));
  for (const statutory::Criterion& c : statutory::DefaultQaFramework().advice) {
    v1::CriterionFinding* f = audit.add_findings();
    f->set_criterion(c.id);
    const int r = std::uniform_int_distribution<int>(1, 100)(rng);
    const int met = good ? 85 : 50;
    f->set_result(r <= met        ? v1::CRITERION_RESULT_MET
                  : r <= met + 20 ? v1::CRITERION_RESULT_PARTLY_MET
                                  : v1::CRITERION_RESULT_NOT_MET);
  }
  DEMO_SEND(w, AuditAdvice, audit, on);
  return absl::OkStatus();
}

// About one draft plan in three audited by the QA lead within ten days of
// its issue, before the final plan: mostly good, some requiring improvement
// (from a generator of its own).
absl::Status AuditDemoDraft(CaseWriter& w, Date drafted, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  if (!chance(0.33)) return absl::OkStatus();
  v1::AuditDraftPlanRequest audit;
  audit.set_assessment_id(w.id());
  audit.set_audit_id("qa-draft");
  audit.set_auditor_id("qa-lead");
  audit.set_kind(v1::AUDIT_KIND_FULL);
  const Date on =
      drafted.AddDays(std::uniform_int_distribution<int>(1, 10)(rng));
  *audit.mutable_audited_on() = ToProto(on);
  const bool good = chance(0.65);
  audit.set_grade(good ? v1::AUDIT_GRADE_GOOD
                       : v1::AUDIT_GRADE_REQUIRES_IMPROVEMENT);
  for (const statutory::Criterion& c : statutory::DefaultQaFramework().plan) {
    v1::CriterionFinding* f = audit.add_findings();
    f->set_criterion(c.id);
    const int r = std::uniform_int_distribution<int>(1, 100)(rng);
    f->set_result(c.id == "pfa_year9"     ? v1::CRITERION_RESULT_NOT_APPLICABLE
                  : r <= (good ? 85 : 50) ? v1::CRITERION_RESULT_MET
                                          : v1::CRITERION_RESULT_PARTLY_MET);
  }
  DEMO_SEND(w, AuditDraftPlan, audit, on);
  return absl::OkStatus();
}

absl::Status OneCase(Stub& stub, int n, const DemoOptions& o,
                     std::mt19937_64& rng, int64_t* commands, int64_t* repeated,
                     std::vector<IssuedPlan>* issued_plans,
                     std::mutex* issued_mu) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  const std::string child = absl::StrFormat("child-%05d", n);
  const std::string id = absl::StrFormat("demo-asmt-%05d", n);
  const std::string officer =
      absl::StrFormat("officer-%02d", n % o.officers + 1);
  const Date received = o.today.AddDays(-uniform(3, 730));
  CaseWriter w(stub,
               {.id = id,
                .request_prefix = id,
                .today = o.today,
                .leave_cases_that_went_another_way = false},
               o.token);
  struct Done {
    CaseWriter& w;
    int64_t* c;
    int64_t* r;
    ~Done() {
      *c += w.commands;
      *r += w.repeated;
    }
  } done{w, commands, repeated};

  v1::RecordRequestRequest rec;
  rec.set_assessment_id(id);
  rec.set_child_id(child);
  rec.set_officer_id(officer);
  *rec.mutable_received_on() = ToProto(received);
  const v1::RequestSource sources[] = {v1::REQUEST_SOURCE_PARENT,
                                       v1::REQUEST_SOURCE_PARENT,
                                       v1::REQUEST_SOURCE_SCHOOL_OR_SETTING,
                                       v1::REQUEST_SOURCE_SCHOOL_OR_SETTING,
                                       v1::REQUEST_SOURCE_YOUNG_PERSON,
                                       v1::REQUEST_SOURCE_HEALTH,
                                       v1::REQUEST_SOURCE_SOCIAL_CARE,
                                       v1::REQUEST_SOURCE_OTHER};
  rec.set_source(sources[uniform(0, 7)]);
  // The child's (made-up) date of birth, as the person details give it.
  const Date dob = DemoBirthDate(child, o.today, o.seed);
  *rec.mutable_date_of_birth() = ToProto(dob);
  rec.set_kind(chance(0.08) ? v1::ASSESSMENT_KIND_REASSESSMENT
                            : v1::ASSESSMENT_KIND_FIRST);
  rec.set_rya(chance(0.03));  // the LA's SEN2 RYA flag
  // A re-assessment names the plan it re-assesses (the child's earlier plan).
  if (rec.kind() == v1::ASSESSMENT_KIND_REASSESSMENT) {
    rec.set_plan_id(absl::StrCat("plan-of-", child));
  }
  DEMO_SEND(w, RecordRequest, rec, received);

  if (chance(0.1)) {  // a reassignment part-way
    v1::ReassignOfficerRequest re;
    re.set_assessment_id(id);
    re.set_officer_id(
        absl::StrFormat("officer-%02d", (n + 7) % o.officers + 1));
    Date on = received.AddDays(uniform(5, 30));
    *re.mutable_reassigned_on() = ToProto(std::min(on, o.today));
    DEMO_SEND(w, ReassignOfficer, re, std::min(on, o.today));
  }
  if (chance(0.05)) {  // an exception early on
    v1::RecordExceptionRequest ex;
    ex.set_assessment_id(id);
    ex.set_kind(chance(0.5) ? v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES
                            : v1::EXCEPTION_KIND_ABSENCE_FROM_AREA);
    Date on = received.AddDays(uniform(7, 35));
    *ex.mutable_starts_on() = ToProto(on);
    *ex.mutable_ends_on() = ToProto(on.AddDays(uniform(28, 60)));
    DEMO_SEND(w, RecordException, ex, on);
  }
  const Date decided =
      received.AddDays(chance(0.82) ? uniform(21, 42) : uniform(43, 70));
  if (chance(0.03)) {
    v1::WithdrawRequestRequest wd;
    wd.set_assessment_id(id);
    Date on = received.AddDays(uniform(10, 30));
    *wd.mutable_withdrawn_on() = ToProto(on);
    DEMO_SEND(w, WithdrawRequest, wd, on);
    return absl::OkStatus();
  }
  if (chance(0.18)) {
    v1::DecideNotToAssessRequest no;
    no.set_assessment_id(id);
    *no.mutable_decided_on() = ToProto(decided);
    DEMO_SEND(w, DecideNotToAssess, no, decided);
    return absl::OkStatus();
  }
  v1::DecideToAssessRequest yes;
  yes.set_assessment_id(id);
  *yes.mutable_decided_on() = ToProto(decided);
  if (!DEMO_SEND(w, DecideToAssess, yes, decided)) return absl::OkStatus();
  if (chance(0.02)) {  // the family moves to another LA mid-assessment
    v1::RecordMovedOutOfAreaRequest moved;
    moved.set_assessment_id(id);
    const Date on = decided.AddDays(uniform(10, 60));
    *moved.mutable_moved_on() = ToProto(on);
    moved.set_to_la(absl::StrFormat("%03d", uniform(201, 938)));
    DEMO_SEND(w, RecordMovedOutOfArea, moved, on);
    return absl::OkStatus();
  }

  struct AdviceSpec {
    v1::AdviceType type;
    const char* code;
    const char* adviser;
    double late;
  };
  const AdviceSpec advice[] = {
      // Made-up people: the advisers' names are personal data the service
      // keeps beside the log and never logs (the e2e test greps for them).
      {v1::ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY, "ep",
       "Dr Amara Okonkwo-Farrell (educational psychologist)", 0.3},
      {v1::ADVICE_TYPE_HEALTH, "health",
       "Dr Tobias Wrenfield (designated clinical officer)", 0.2},
      {v1::ADVICE_TYPE_SOCIAL_CARE, "sc",
       "Priyanka Halloran-Beck (social worker)", 0.15},
      {v1::ADVICE_TYPE_EDUCATION_SETTING, "school",
       "Mrs Gwendolyn Ashcombe (SENCo)", 0.1},
  };
  Date last_advice = decided;
  for (const AdviceSpec& a : advice) {
    if (a.type == v1::ADVICE_TYPE_SOCIAL_CARE && chance(0.5)) continue;
    v1::RequestAdviceRequest req;
    req.set_assessment_id(id);
    req.set_advice_id(a.code);
    req.set_advice_type(a.type);
    req.set_adviser(a.adviser);
    Date asked = decided.AddDays(uniform(0, 7));
    *req.mutable_requested_on() = ToProto(asked);
    if (!DEMO_SEND(w, RequestAdvice, req, asked)) continue;
    Date in = asked.AddDays(chance(a.late) ? uniform(43, 80) : uniform(14, 42));
    v1::RecordAdviceReceivedRequest got;
    got.set_assessment_id(id);
    got.set_advice_id(a.code);
    *got.mutable_received_on() = ToProto(in);
    if (DEMO_SEND(w, RecordAdviceReceived, got, in)) {
      last_advice = std::max(last_advice, in);
      RETURN_IF_ERROR(AuditDemoAdvice(w, a.code, in,
                                      std::hash<std::string>{}(id + a.code)));
    }
  }
  if (chance(0.07)) {
    v1::DecideNotToIssuePlanRequest no;
    no.set_assessment_id(id);
    Date on = std::max(last_advice, received.AddDays(uniform(90, 125)));
    *no.mutable_decided_on() = ToProto(on);
    DEMO_SEND(w, DecideNotToIssuePlan, no, on);
    return absl::OkStatus();
  }
  v1::IssueDraftPlanRequest draft;
  draft.set_assessment_id(id);
  Date drafted = std::max(last_advice.AddDays(uniform(3, 14)),
                          received.AddDays(uniform(84, 120)));
  *draft.mutable_issued_on() = ToProto(drafted);
  if (!DEMO_SEND(w, IssueDraftPlan, draft, drafted)) return absl::OkStatus();
  RETURN_IF_ERROR(
      AuditDemoDraft(w, drafted, std::hash<std::string>{}(id + "/draft")));
  v1::IssueFinalPlanRequest final_plan;
  final_plan.set_assessment_id(id);
  Date issued =
      drafted.AddDays(chance(0.5) ? uniform(15, 25) : uniform(26, 70));
  *final_plan.mutable_issued_on() = ToProto(issued);
  *final_plan.mutable_contents() =
      DemoPlanContents(rng, statutory::AgeOn(dob, issued));
  AddDemoOutcomes(final_plan.mutable_contents(),
                  std::hash<std::string>{}(id) ^ o.seed,
                  statutory::AgeOn(dob, issued), issued);
  std::optional<int> nc_year;
  if (const int year = DemoNcYear(dob, issued); year >= -2 && year <= 14) {
    nc_year = year;
    final_plan.set_nc_year(year);
  }
  if (DEMO_SEND(w, IssueFinalPlan, final_plan, issued)) {
    std::lock_guard<std::mutex> lock(*issued_mu);
    issued_plans->push_back(
        IssuedPlan{id, issued, final_plan.contents(), nc_year});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DemoSummary> LoadDemo(const DemoOptions& o) {
  auto channel =
      grpc::CreateChannel(o.ehc_address, grpc::InsecureChannelCredentials());
  auto stub = v1::EhcAssessmentService::NewStub(channel);
  std::mutex issued_mu;
  std::vector<IssuedPlan> issued_plans;
  // Case n (from 1) draws from seed * 1000003 + n.
  absl::StatusOr<DemoCounts> counts = LoadInParallel(
      o.threads, o.children, o.seed * 1000003u + 1,
      [&](int i, std::mt19937_64& rng, int64_t* c, int64_t* r) {
        return OneCase(*stub, i + 1, o, rng, c, r, &issued_plans, &issued_mu);
      });
  if (!counts.ok()) return counts.status();
  std::sort(issued_plans.begin(), issued_plans.end(),
            [](const IssuedPlan& a, const IssuedPlan& b) {
              return a.assessment_id < b.assessment_id;
            });
  return DemoSummary{counts->commands, counts->repeated, o.children,
                     std::move(issued_plans)};
}

std::string DemoTeamOf(int officer, int officers) {
  static const char* kTeams[] = {"team-north", "team-south", "team-east"};
  return kTeams[std::min(2, (officer - 1) * 3 / std::max(1, officers))];
}

std::vector<v1::DirectoryRecord> DemoDirectory(int officers) {
  std::vector<v1::DirectoryRecord> out;
  for (const char* area : {"north", "south", "east"}) {
    v1::DirectoryRecord team;
    team.mutable_team()->set_team_id(absl::StrCat("team-", area));
    team.mutable_team()->set_name(absl::StrCat("SEND ", area, " team"));
    team.mutable_team()->set_manager_id(absl::StrCat("manager-", area));
    out.push_back(team);
    v1::DirectoryRecord manager;
    v1::Officer* m = manager.mutable_officer();
    m->set_officer_id(absl::StrCat("manager-", area));
    m->set_name(absl::StrCat("Team manager (", area, ")"));
    m->set_team_id(absl::StrCat("team-", area));
    m->set_role("team manager");
    m->set_active(true);
    out.push_back(manager);
  }
  for (int n = 1; n <= officers; ++n) {
    v1::DirectoryRecord officer;
    v1::Officer* o = officer.mutable_officer();
    o->set_officer_id(absl::StrFormat("officer-%02d", n));
    o->set_name(absl::StrFormat("Case officer %02d", n));
    o->set_team_id(DemoTeamOf(n, officers));
    o->set_role("case officer");
    o->set_active(true);
    out.push_back(officer);
  }
  return out;
}

}  // namespace casework::demo
