// casectl: the command-line client for officers, managers and admins.
//
//   casectl [--ehc HOST:PORT] [--projection HOST:PORT] [--json]
//           [--token JWT] [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]
//           COMMAND ...
//
// Commands (dates are YYYY-MM-DD):
//   ehc request --child C --officer O --received D
//       [--source parent|young-person|school|other]
//       [--kind first|reassessment] [--id ASSESSMENT]
//   ehc decide-assess ID --on D
//   ehc decide-not-assess ID --on D
//   ehc request-advice ID --type ep|health|social-care|setting|pfa|other
//       --on D [--adviser NAME] [--advice-id X]
//   ehc advice-received ID --advice-id X --on D
//   ehc exception ID --from D [--to D] [--advice-id X] [--note TEXT]
//       --kind closure|early-years-closure|personal|absence|
//              missed-appointment
//   ehc draft ID --on D
//   ehc no-plan ID --on D
//   ehc final ID --on D [--representations-complete]
//   ehc withdraw ID --on D
//   ehc moved-out ID --on D
//   ehc reassign ID --officer O [--on D]
//   ehc show ID
//   ehc list (--child C | --officer O) [--page-size N] [--page-token T]
//   timeline CHILD
//   worklist OFFICER [--as-of D]
//   scorecard OFFICER [--from D] [--to D] [--as-of D]  (default: 12 months)
//   review register --child C --officer O --issued D [--last-decision D]
//       [--dob D] [--nc-year N] [--transfer-in] [--id PLAN]
//   review schedule PLAN --on D           review papers PLAN --on D
//   review held PLAN --on D [--pfa]
//   review decision PLAN --decision maintain|amend|cease --on D
//   review amended PLAN --on D [--representations-complete]
//   review not-amend PLAN --on D          review propose-cease PLAN --on D
//   review cease PLAN --on D --reason max-age|needs-met|higher-education|
//       employment|transferred|no-engagement|left-england|deceased|other
//   review phase-transfer PLAN --kind school|post16|post16-move --move D
//       [--on D]
//   review reassign PLAN --officer O [--on D]
//   review show PLAN    review list (--child C | --officer O)
//   plans import FILE.csv   (columns: plan_id, child_id, officer_id,
//       issued_on, last_decision_on, date_of_birth, nc_year, origin)
//   transport apply --child C --officer O --received D --dob D
//       --academic-year YYYY [--walking-miles N] [--road-miles N] [--school S]
//       [--nearest] [--three-nearest] [--religion-or-belief] [--sen]
//       [--unsafe-route] [--low-income] [--post16] [--needed-from D] [--id A]
//   transport assess (the same facts; records nothing)
//   transport decide A --decision eligible|discretionary|post16|refused
//       --on D [--reason TEXT]
//   transport arrange A --type taxi|minibus|bus-pass|ptb|mileage|itt
//       --starts D [--on D]     transport change A --type T --starts D
//   transport end A --on D   transport itt-started|itt-completed A --on D
//   transport review A --on D   transport review-decision A --outcome
//       upheld|changed --on D   transport appeal A --on D
//   transport panel A --outcome upheld|changed --on D
//   transport written-outcome A --on D   transport reassign A --officer O
//   transport show A   transport list (--child C | --officer O)
//   complaint log --child C --officer O --subject S --received D
//       [--procedure corporate|social-care] [--complainant C] [--id X]
//   complaint ack X --on D   complaint extend X --working-days N --reason T
//   complaint respond X --finding upheld|partly|not-upheld --on D
//       [--handler H] [--remedy]   complaint escalate X --on D --handler H
//   complaint ombudsman X --on D   complaint ombudsman-decision X
//       --finding fault|fault-remedy|no-fault|not-investigated --on D
//   complaint withdraw|close X --on D   complaint show X
//   disagreement record --child C --officer O --decision refusal-to-assess|
//       refusal-to-issue|plan-contents|review-decision|ceasing --letter D
//   disagreement mediation-contact X --on D [--declined]
//   disagreement mediation-held X --outcome agreed|partly|not-agreed --on D
//   disagreement certificate|appeal X --on D
//   disagreement tribunal-decision X --outcome allowed|partly|dismissed|
//       conceded|withdrawn --on D
//   disagreement order X --kind assess|make-plan|amend-plan|named-school
//       --on D [--order-id O]
//   disagreement comply X --order-id O [--step done|draft|final] --on D
//   disagreement show X
//   team-scorecard TEAM [--sort-by MEASURE] [--desc] [--from D] [--to D]
//   la-scorecard [--sort-by MEASURE] [--desc] [--from D] [--to D]
//   exceptions (--officer O | --team T | --la) --measure M [--from D] [--to D]
//   trend (--officer O | --team T | --la) --measure M [--months N] [--to D]
//   directory import FILE.csv [--brokers HOST:PORT]   (columns: kind, id,
//       name, team_id, role, active, manager_id; CASEWORK_BROKERS)
//   admin republish --service ehc|reviews|transport|complaints [--from N]
//   admin status [--consumer projection|reviews]   admin parked [--page-size N]
//   admin retry STREAM [--source SERVICE]   admin resume [--consumer C]
//   health HOST:PORT   (grpc.health.v1; exit 0 when SERVING)
//   events tail TOPIC [--count N] [--follow]   (JSON lines; CASEWORK_BROKERS)
//   audit [--service ehc|reviews|transport|complaints|projection] [--child C]
//   [--actor SUBJECT]
//       [--page-size N] [--page-token T]                (admins)
//
// Environment: CASEWORK_EHC_ADDR, CASEWORK_REVIEWS_ADDR,
// CASEWORK_TRANSPORT_ADDR, CASEWORK_PROJECTION_ADDR, CASEWORK_TOKEN (the bearer
// token; casework-dev writes var/tokens.env), CASEWORK_TLS_CA,
// CASEWORK_TLS_CERT, CASEWORK_TLS_KEY. Server errors are printed plainly with
// their gRPC code; the exit status is non-zero.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/admin.grpc.pb.h"
#include "casework/v1/audit.grpc.pb.h"
#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "casework/v1/projection.grpc.pb.h"
#include "libs/core/clock.h"
#include "libs/core/grpc_status.h"
#include "libs/host/catalogue.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/raw_call.h"
#include "tools/casectl/cli.h"
#include "tools/casectl/parse.h"

namespace {

using namespace casework;
using namespace casework::cli;

int RunEhc(const Args& a, Client& client) {
  auto stub = v1::EhcAssessmentService::NewStub(
      client.Channel(ServiceAddress(a, "ehc")));
  const std::string verb =
      Positional(a, 1, "ehc command (request, decide-assess, ...)");
  const std::string request_id = a.Get("request-id", NewUuid());
  v1::CommandResult result;
  grpc::ClientContext ctx;
  client.Context(&ctx);
  grpc::Status s;
  auto id = [&] { return Positional(a, 2, "assessment id"); };
  if (verb == "request") {
    v1::RecordRequestRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(a.Get("id"));
    r.set_child_id(Require(a, "child"));
    r.set_officer_id(Require(a, "officer"));
    *r.mutable_received_on() = DateFlag(a, "received");
    r.set_source(Pick<v1::RequestSource>(
        {{"parent", v1::REQUEST_SOURCE_PARENT},
         {"young-person", v1::REQUEST_SOURCE_YOUNG_PERSON},
         {"school", v1::REQUEST_SOURCE_SCHOOL_OR_SETTING},
         {"health", v1::REQUEST_SOURCE_HEALTH},
         {"social-care", v1::REQUEST_SOURCE_SOCIAL_CARE},
         {"other", v1::REQUEST_SOURCE_OTHER}},
        "source", a.Get("source", "parent")));
    r.set_kind(Pick<v1::AssessmentKind>(
        {{"first", v1::ASSESSMENT_KIND_FIRST},
         {"reassessment", v1::ASSESSMENT_KIND_REASSESSMENT}},
        "kind", a.Get("kind", "first")));
    if (a.Has("dob")) *r.mutable_date_of_birth() = DateFlag(a, "dob");
    r.set_plan_id(a.Get("plan"));
    r.set_rya(a.Has("rya"));
    s = stub->RecordRequest(&ctx, r, &result);
  } else if (verb == "decide-assess" || verb == "decide-not-assess") {
    if (verb == "decide-assess") {
      v1::DecideToAssessRequest r;
      r.set_request_id(request_id);
      r.set_assessment_id(id());
      *r.mutable_decided_on() = DateFlag(a, "on");
      s = stub->DecideToAssess(&ctx, r, &result);
    } else {
      v1::DecideNotToAssessRequest r;
      r.set_request_id(request_id);
      r.set_assessment_id(id());
      *r.mutable_decided_on() = DateFlag(a, "on");
      s = stub->DecideNotToAssess(&ctx, r, &result);
    }
  } else if (verb == "request-advice") {
    v1::RequestAdviceRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    r.set_advice_id(a.Get("advice-id"));
    r.set_adviser(a.Get("adviser"));
    r.set_advice_type(Pick<v1::AdviceType>(
        {{"ep", v1::ADVICE_TYPE_EDUCATIONAL_PSYCHOLOGY},
         {"health", v1::ADVICE_TYPE_HEALTH},
         {"social-care", v1::ADVICE_TYPE_SOCIAL_CARE},
         {"setting", v1::ADVICE_TYPE_EDUCATION_SETTING},
         {"pfa", v1::ADVICE_TYPE_PREPARATION_FOR_ADULTHOOD},
         {"other", v1::ADVICE_TYPE_OTHER}},
        "type", Require(a, "type")));
    *r.mutable_requested_on() = DateFlag(a, "on");
    s = stub->RequestAdvice(&ctx, r, &result);
  } else if (verb == "advice-received") {
    v1::RecordAdviceReceivedRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    r.set_advice_id(Require(a, "advice-id"));
    *r.mutable_received_on() = DateFlag(a, "on");
    s = stub->RecordAdviceReceived(&ctx, r, &result);
  } else if (verb == "exception") {
    v1::RecordExceptionRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    r.set_kind(Pick<v1::ExceptionKind>(
        {{"closure", v1::EXCEPTION_KIND_SCHOOL_CLOSURE},
         {"early-years-closure",
          v1::EXCEPTION_KIND_EARLY_YEARS_SETTING_CLOSURE},
         {"personal", v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES},
         {"absence", v1::EXCEPTION_KIND_ABSENCE_FROM_AREA},
         {"missed-appointment", v1::EXCEPTION_KIND_MISSED_APPOINTMENT}},
        "kind", Require(a, "kind")));
    *r.mutable_starts_on() = DateFlag(a, "from");
    *r.mutable_ends_on() = DateFlag(a, "to", false);
    r.set_advice_id(a.Get("advice-id"));
    r.set_note(a.Get("note"));
    s = stub->RecordException(&ctx, r, &result);
  } else if (verb == "draft") {
    v1::IssueDraftPlanRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    *r.mutable_issued_on() = DateFlag(a, "on");
    s = stub->IssueDraftPlan(&ctx, r, &result);
  } else if (verb == "no-plan") {
    v1::DecideNotToIssuePlanRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    *r.mutable_decided_on() = DateFlag(a, "on");
    s = stub->DecideNotToIssuePlan(&ctx, r, &result);
  } else if (verb == "final") {
    v1::IssueFinalPlanRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    *r.mutable_issued_on() = DateFlag(a, "on");
    r.set_representations_complete(a.Has("representations-complete"));
    *r.mutable_contents() = ContentsFlags(a);
    s = stub->IssueFinalPlan(&ctx, r, &result);
  } else if (verb == "withdraw") {
    v1::WithdrawRequestRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    *r.mutable_withdrawn_on() = DateFlag(a, "on");
    s = stub->WithdrawRequest(&ctx, r, &result);
  } else if (verb == "moved-out") {
    v1::RecordMovedOutOfAreaRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    *r.mutable_moved_on() = DateFlag(a, "on");
    r.set_to_la(a.Get("to-la"));
    s = stub->RecordMovedOutOfArea(&ctx, r, &result);
  } else if (verb == "reassign") {
    v1::ReassignOfficerRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    r.set_officer_id(Require(a, "officer"));
    *r.mutable_reassigned_on() = DateFlag(a, "on", false);
    s = stub->ReassignOfficer(&ctx, r, &result);
  } else if (verb == "show") {
    v1::GetAssessmentRequest r;
    r.set_assessment_id(id());
    v1::Assessment out;
    s = stub->GetAssessment(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("assessment %s  child %s  officer %s  %s\n",
                out.assessment_id().c_str(), out.child_id().c_str(),
                out.officer_id().c_str(),
                v1::AssessmentStatus_Name(out.status()).c_str());
    std::printf("received %s  decided %s  draft %s  closed %s\n",
                Str(out.received_on()).c_str(), Str(out.decided_on()).c_str(),
                Str(out.draft_issued_on()).c_str(),
                Str(out.closed_on()).c_str());
    PrintClocks(out.clocks());
    return 0;
  } else if (verb == "list") {
    v1::ListAssessmentsRequest r;
    ListFilters(a, &r);
    v1::ListAssessmentsResponse out;
    s = stub->ListAssessments(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("%-20s %-12s %-12s %-11s %s\n", "ASSESSMENT", "CHILD",
                "OFFICER", "RECEIVED", "STATUS");
    for (const v1::Assessment& x : out.assessments()) {
      std::printf("%-20s %-12s %-12s %-11s %s\n", x.assessment_id().c_str(),
                  x.child_id().c_str(), x.officer_id().c_str(),
                  Str(x.received_on()).c_str(),
                  v1::AssessmentStatus_Name(x.status()).substr(18).c_str());
    }
    if (!out.next_page_token().empty()) {
      std::printf("more: --page-token '%s'\n", out.next_page_token().c_str());
    }
    return 0;
  } else {
    Die(absl::StrCat("unknown ehc command '", verb, "' (see casectl --help)"));
  }
  return client.PrintCommandResult(verb, s, result);
}

const char* RagName(v1::Rag rag) {
  switch (rag) {
    case v1::RAG_GREEN:
      return "green";
    case v1::RAG_AMBER:
      return "AMBER";
    case v1::RAG_RED:
      return "RED";
    case v1::RAG_NO_DATA:
      return "-";
    default:
      return "";
  }
}

void PrintMeasures(const v1::OfficerScorecard& out) {
  std::printf("%-58s %7s %7s %8s %7s %6s\n", "MEASURE", "MET", "OF", "%",
              "TARGET", "RAG");
  for (const v1::Measure& m : out.measures()) {
    std::string excluded = m.excluded() ? absl::StrCat("  (", m.excluded(),
                                                       " excluded: exceptions)")
                                        : "";
    std::printf("%-58s %7lld %7lld %7.1f%% %6.0f%s %6s%s\n", m.name().c_str(),
                static_cast<long long>(m.numerator()),
                static_cast<long long>(m.denominator()), m.percent(),
                m.target(), m.lower_is_better() ? "v" : "^", RagName(m.rag()),
                excluded.c_str());
  }
}

int RunManager(const Args& a, Client& client, const std::string& command) {
  auto stub = v1::ProjectionService::NewStub(
      client.Channel(ServiceAddress(a, "projection")));
  grpc::ClientContext ctx;
  client.Context(&ctx);
  const Date today = SystemClock::Get().Today();
  const v1::Date from = a.Has("from")
                            ? DateFlag(a, "from")
                            : ToProto(today.AddMonths(-12).AddDays(1));
  const v1::Date to = a.Has("to") ? DateFlag(a, "to") : ToProto(today);
  if (command == "team-scorecard") {
    v1::GetTeamScorecardRequest r;
    r.set_team_id(Positional(a, 1, "team id"));
    *r.mutable_from() = from;
    *r.mutable_to() = to;
    r.set_sort_by(a.Get("sort-by"));
    r.set_descending(a.Has("desc"));
    v1::TeamScorecard out;
    grpc::Status s = stub->GetTeamScorecard(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    const std::string code = a.Get("sort-by", "ehc.final_plan_20_weeks");
    std::printf("team %s (%s), %s to %s; column: %s\n", out.team_id().c_str(),
                out.team_name().c_str(), Str(r.from()).c_str(),
                Str(r.to()).c_str(), code.c_str());
    std::printf("%-14s %8s %8s %8s %8s %8s %6s\n", "OFFICER", "CASELOAD",
                "OVERDUE", "BACKLOG", "MET/OF", "%", "RAG");
    auto row = [&](const v1::OfficerScorecard& c) {
      const v1::Measure* m = nullptr;
      for (const v1::Measure& x : c.measures()) {
        if (x.code() == code) m = &x;
      }
      std::printf(
          "%-14s %8lld %8lld %8lld %8s %7.1f%% %6s\n", c.officer_id().c_str(),
          static_cast<long long>(c.caseload()),
          static_cast<long long>(c.overdue_items()),
          static_cast<long long>(c.review_backlog()),
          m ? absl::StrCat(m->numerator(), "/", m->denominator()).c_str() : "-",
          m ? m->percent() : 0.0, m ? RagName(m->rag()) : "");
    };
    for (const v1::OfficerScorecard& c : out.officers()) row(c);
    row(out.totals());
    return 0;
  }
  if (command == "la-scorecard") {
    v1::GetLaScorecardRequest r;
    *r.mutable_from() = from;
    *r.mutable_to() = to;
    r.set_sort_by(a.Get("sort-by"));
    r.set_descending(a.Has("desc"));
    v1::LaScorecard out;
    grpc::Status s = stub->GetLaScorecard(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    const std::string code = a.Get("sort-by", "ehc.final_plan_20_weeks");
    std::printf("the LA, %s to %s; column: %s\n", Str(r.from()).c_str(),
                Str(r.to()).c_str(), code.c_str());
    std::printf("%-24s %8s %8s %8s %8s %8s %8s %6s\n", "TEAM", "OFFICERS",
                "CASELOAD", "OVERDUE", "BACKLOG", "MET/OF", "%", "RAG");
    auto row = [&](const std::string& name, int officers,
                   const v1::OfficerScorecard& c) {
      const v1::Measure* m = nullptr;
      for (const v1::Measure& x : c.measures()) {
        if (x.code() == code) m = &x;
      }
      std::printf(
          "%-24s %8d %8lld %8lld %8lld %8s %7.1f%% %6s\n", name.c_str(),
          officers, static_cast<long long>(c.caseload()),
          static_cast<long long>(c.overdue_items()),
          static_cast<long long>(c.review_backlog()),
          m ? absl::StrCat(m->numerator(), "/", m->denominator()).c_str() : "-",
          m ? m->percent() : 0.0, m ? RagName(m->rag()) : "");
    };
    int officers = 0;
    for (const v1::TeamTotals& t : out.teams()) {
      row(t.team_id().empty() ? "(no team)" : t.team_id(), t.officers(),
          t.totals());
      officers += t.officers();
    }
    row("LA", officers, out.totals());
    return 0;
  }
  if (command == "exceptions") {
    v1::GetExceptionReportRequest r;
    r.set_officer_id(a.Get("officer"));
    r.set_team_id(a.Get("team"));
    r.set_la(a.Has("la"));
    r.set_measure(Require(a, "measure"));
    *r.mutable_from() = from;
    *r.mutable_to() = to;
    v1::ExceptionReport out;
    grpc::Status s = stub->GetExceptionReport(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("%s: %d case(s)%s\n", out.name().c_str(), out.items_size(),
                out.truncated() ? " (more: narrow the period)" : "");
    std::printf("%-12s %-12s %-24s %-30s %-11s %-11s %s\n", "OFFICER", "CHILD",
                "STREAM", "CLOCK", "DUE", "CLOSED", "DAYS LATE");
    for (const v1::ExceptionItem& x : out.items()) {
      std::printf("%-12s %-12s %-24s %-30s %-11s %-11s %d%s\n",
                  x.officer_id().c_str(), x.child_id().c_str(),
                  x.stream_id().c_str(), x.clock_id().c_str(),
                  Str(x.due_on()).c_str(),
                  x.open() ? "(open)" : Str(x.closed_on()).c_str(),
                  x.days_late(), x.open() ? " so far" : "");
    }
    return 0;
  }
  v1::GetTrendRequest r;
  r.set_officer_id(a.Get("officer"));
  r.set_team_id(a.Get("team"));
  r.set_la(a.Has("la"));
  r.set_measure(Require(a, "measure"));
  *r.mutable_to() = to;
  if (a.Has("months")) {
    int months = 0;
    if (!absl::SimpleAtoi(a.Get("months"), &months))
      Die("--months takes a number");
    r.set_months(months);
  }
  v1::Trend out;
  grpc::Status s = stub->GetTrend(&ctx, r, &out);
  if (!s.ok()) return client.Check(s);
  if (client.json()) {
    client.PrintJson(out);
    return 0;
  }
  std::printf("%s (target %.0f%%)\n", out.name().c_str(), out.target());
  for (const v1::TrendPoint& p : out.points()) {
    std::printf("%04d-%02d %6lld/%-6lld %6.1f%% %6s\n", p.year(), p.month(),
                static_cast<long long>(p.numerator()),
                static_cast<long long>(p.denominator()), p.percent(),
                RagName(p.rag()));
  }
  return 0;
}

int RunProjection(const Args& a, Client& client, const std::string& command) {
  auto stub = v1::ProjectionService::NewStub(
      client.Channel(ServiceAddress(a, "projection")));
  grpc::ClientContext ctx;
  client.Context(&ctx);
  if (command == "timeline") {
    v1::GetTimelineRequest r;
    r.set_child_id(Positional(a, 1, "child id"));
    r.set_page_size(1000);
    v1::Timeline out;
    grpc::Status s = stub->GetTimeline(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("timeline of %s (%d events)\n", out.child_id().c_str(),
                out.entries_size());
    for (const v1::TimelineEntry& e : out.entries()) {
      std::printf("%s  %-16s %-12s %s\n", Str(e.occurred_on()).c_str(),
                  e.source().c_str(), e.officer_id().c_str(), e.line().c_str());
    }
    return 0;
  }
  if (command == "worklist") {
    v1::GetWorklistRequest r;
    r.set_officer_id(Positional(a, 1, "officer id"));
    *r.mutable_as_of() = DateFlag(a, "as-of", false);
    r.set_page_size(1000);
    v1::Worklist out;
    grpc::Status s = stub->GetWorklist(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("worklist of %s as of %s: %d open, %d overdue\n",
                out.officer_id().c_str(), Str(out.as_of()).c_str(),
                out.open_count(), out.overdue_count());
    std::printf("%-11s %-9s %-12s %-18s %-24s %s\n", "DUE", "OVERDUE", "CHILD",
                "ASSESSMENT", "CLOCK", "WHAT");
    for (const v1::WorklistItem& i : out.items()) {
      std::string overdue =
          i.overdue() ? absl::StrCat(i.days_overdue(), "d") : "";
      if (i.exception())
        absl::StrAppend(&overdue, overdue.empty() ? "" : " ", "exc");
      std::printf("%-11s %-9s %-12s %-18s %-24s %s\n", Str(i.due_on()).c_str(),
                  overdue.c_str(), i.child_id().c_str(), i.stream_id().c_str(),
                  i.clock_id().c_str(), i.name().c_str());
    }
    return 0;
  }
  // scorecard
  v1::GetOfficerScorecardRequest r;
  r.set_officer_id(Positional(a, 1, "officer id"));
  Date today = SystemClock::Get().Today();
  *r.mutable_to() = a.Has("to") ? DateFlag(a, "to") : ToProto(today);
  *r.mutable_from() = a.Has("from") ? DateFlag(a, "from")
                                    : ToProto(today.AddMonths(-12).AddDays(1));
  *r.mutable_as_of() = DateFlag(a, "as-of", false);
  v1::OfficerScorecard out;
  grpc::Status s = stub->GetOfficerScorecard(&ctx, r, &out);
  if (!s.ok()) return client.Check(s);
  if (client.json()) {
    client.PrintJson(out);
    return 0;
  }
  std::printf("scorecard of %s, %s to %s\n", out.officer_id().c_str(),
              Str(out.from()).c_str(), Str(out.to()).c_str());
  std::printf(
      "caseload %lld children; open items %lld, overdue %lld (as of %s)\n",
      static_cast<long long>(out.caseload()),
      static_cast<long long>(out.open_items()),
      static_cast<long long>(out.overdue_items()), Str(out.as_of()).c_str());
  std::printf("review backlog %lld of %lld active plans (%.1f%%)\n",
              static_cast<long long>(out.review_backlog()),
              static_cast<long long>(out.active_plans()),
              out.review_backlog_percent());
  PrintMeasures(out);
  return 0;
}

}  // namespace

std::string casework::cli::ServiceAddress(const Args& a,
                                          const std::string& service) {
  // The service catalogue (libs/host/catalogue.h): --ehc, $CASEWORK_EHC_ADDR,
  // 127.0.0.1:7101, and so on.
  const ServiceEntry* e = FindService(service);
  if (e == nullptr) {
    std::string names;
    for (const ServiceEntry& row : Catalogue()) {
      absl::StrAppend(&names, names.empty() ? "" : ", ", row.cli_name);
    }
    Die(absl::StrCat("--service: '", service, "' is not one of ", names));
  }
  return a.Get(e->cli_name, Env(e->address_env.c_str(), e->default_address()));
}

// The address of a consumer: the projection, or the annual-reviews
// service (its plan intake).
std::string ConsumerAddress(const Args& a) {
  const std::string consumer = a.Get("consumer", "projection");
  if (consumer == "reviews") return ServiceAddress(a, "reviews");
  if (consumer == "returns") return ServiceAddress(a, "returns");
  return ServiceAddress(a, "projection");
}

int RunConsumerAdmin(const std::string& verb, const Args& a, Client& client) {
  const bool projection = a.Get("consumer", "projection") == "projection";
  auto stub = v1::ConsumerAdminService::NewStub(client.Channel(
      verb == "status" || verb == "resume" ? ConsumerAddress(a)
                                           : ServiceAddress(a, "projection")));
  auto parked = [&](int32_t page_size)
      -> std::pair<grpc::Status, v1::ListParkedStreamsResponse> {
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::ListParkedStreamsRequest r;
    r.set_page_size(page_size);
    v1::ListParkedStreamsResponse out;
    grpc::Status s = stub->ListParkedStreams(&ctx, r, &out);
    return {s, out};
  };
  if (verb == "status") {
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::ConsumerStatus out;
    grpc::Status s = stub->GetConsumerStatus(&ctx, {}, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("%s: %s%s%s\n", out.name().c_str(),
                out.serving() ? "SERVING" : "NOT SERVING",
                out.reason().empty() ? "" : " - ", out.reason().c_str());
    std::printf(
        "lag %lld records; applied %lld, dead-lettered %lld, "
        "retries %lld since start\n",
        static_cast<long long>(out.lag()),
        static_cast<long long>(out.applied()),
        static_cast<long long>(out.dead_lettered()),
        static_cast<long long>(out.retries()));
    if (projection) {
      std::printf("streams held %lld, parked %lld\n",
                  static_cast<long long>(out.held_streams()),
                  static_cast<long long>(out.parked_streams()));
    }
    for (const v1::PartitionStatus& p : out.partitions()) {
      std::printf("  %-40s %3d  next %-8lld end %-8lld lag %lld\n",
                  p.topic().c_str(), p.partition(),
                  static_cast<long long>(p.next_offset()),
                  static_cast<long long>(p.end_offset()),
                  static_cast<long long>(p.lag()));
    }
    return out.serving() ? 0 : 1;
  }
  if (verb == "parked") {
    int32_t page = 0;
    if (a.Has("page-size") && !absl::SimpleAtoi(a.Get("page-size"), &page))
      Die("--page-size takes a number");
    auto [s, out] = parked(page);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    if (out.streams().empty()) std::printf("no stream is held or parked\n");
    for (const v1::ParkedStream& p : out.streams()) {
      if (p.parked_reason().empty()) {
        std::printf(
            "held    %s %s (child %s): applied to version %lld, "
            "waiting for %lld; %lld event(s) behind\n",
            p.source().c_str(), p.stream_id().c_str(), p.child_id().c_str(),
            static_cast<long long>(p.applied_version()),
            static_cast<long long>(p.waiting_for_version()),
            static_cast<long long>(p.held_events()));
      } else {
        std::printf(
            "parked  %s %s (child %s) at version %lld: %s; %lld "
            "event(s) behind\n",
            p.source().c_str(), p.stream_id().c_str(), p.child_id().c_str(),
            static_cast<long long>(p.parked_version()),
            p.parked_reason().c_str(), static_cast<long long>(p.held_events()));
      }
    }
    if (out.truncated()) std::printf("(more: raise --page-size)\n");
    return 0;
  }
  if (verb == "retry") {
    const std::string stream = Positional(a, 2, "STREAM");
    std::string source = a.Get("source", "");
    if (source.empty()) {
      // The service of the parked stream with that id.
      auto [s, out] = parked(1000);
      if (!s.ok()) return client.Check(s);
      std::vector<std::string> sources;
      for (const v1::ParkedStream& p : out.streams()) {
        if (p.stream_id() == stream && !p.parked_reason().empty()) {
          sources.push_back(p.source());
        }
      }
      if (sources.empty()) {
        Fail(absl::StrCat("stream ", stream,
                          " is not parked (casectl admin parked lists them)"));
      }
      if (sources.size() > 1) {
        Die(absl::StrCat("stream ", stream, " is parked in ", sources.size(),
                         " services: give --source"));
      }
      source = sources[0];
    }
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::RetryStreamRequest r;
    r.set_source(source);
    r.set_stream_id(stream);
    v1::RetryStreamResponse out;
    grpc::Status s = stub->RetryStream(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("stream %s of %s applied\n", stream.c_str(), source.c_str());
    return 0;
  }
  // resume
  grpc::ClientContext ctx;
  client.Context(&ctx);
  v1::ResumeConsumerResponse out;
  grpc::Status s = stub->ResumeConsumer(&ctx, {}, &out);
  if (!s.ok()) return client.Check(s);
  if (client.json()) {
    client.PrintJson(out);
    return 0;
  }
  std::printf(
      "resuming partition %d of %s from the earliest offset the "
      "broker holds\n",
      out.partition(), out.topic().c_str());
  return 0;
}

int RunAdmin(const Args& a, Client& client) {
  const std::string verb =
      Positional(a, 1,
                 "admin command (republish, backup, status, parked, retry, "
                 "resume, broker)");
  if (verb == "status" || verb == "parked" || verb == "retry" ||
      verb == "resume") {
    return RunConsumerAdmin(verb, a, client);
  }
  if (verb == "broker") {
    // The dev stack's outage drills (casework-dev only).
    const std::string state = Positional(a, 2, "down or up");
    if (state != "down" && state != "up") Die("admin broker: down or up");
    auto stub = v1::DevStackService::NewStub(client.Channel(
        a.Get("dev", Env("CASEWORK_DEV_ADDR", "127.0.0.1:7100"))));
    v1::SetBrokerRequest r;
    r.set_up(state == "up");
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::SetBrokerResponse out;
    grpc::Status s = stub->SetBroker(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("embedded broker %s\n", out.up() ? "up" : "down");
    return 0;
  }
  if (verb == "backup") {
    auto stub = v1::AdminService::NewStub(
        client.Channel(ServiceAddress(a, Require(a, "service"))));
    v1::BackupRequest r;
    r.set_name(a.Get("name"));
    grpc::ClientContext ctx;
    client.Context(&ctx);
    v1::BackupResponse out;
    grpc::Status s = stub->Backup(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("backup written to %s (log to position %lld, %lld bytes)\n",
                out.directory().c_str(),
                static_cast<long long>(out.last_position()),
                static_cast<long long>(out.bytes()));
    return 0;
  }
  if (verb != "republish") Die("unknown admin command (see casectl --help)");
  auto stub = v1::AdminService::NewStub(
      client.Channel(ServiceAddress(a, Require(a, "service"))));
  v1::RepublishRequest r;
  int64_t from = 1;
  if (a.Has("from") && !absl::SimpleAtoi(a.Get("from"), &from))
    Die("--from takes a log position (1: the whole log)");
  r.set_from_position(from);
  grpc::ClientContext ctx;
  client.Context(&ctx);
  v1::RepublishResponse out;
  grpc::Status s = stub->Republish(&ctx, r, &out);
  if (!s.ok()) return client.Check(s);
  if (client.json()) {
    client.PrintJson(out);
    return 0;
  }
  std::printf("re-publishing positions %lld to %lld\n",
              static_cast<long long>(out.from_position()),
              static_cast<long long>(out.last_position()));
  return 0;
}

// casectl health HOST:PORT: the grpc.health.v1 status of a service (no token
// needed); exit 0 when SERVING. For container health checks.
int RunHealth(const Args& a, Client& client) {
  const std::string address = Positional(a, 1, "HOST:PORT");
  const absl::StatusOr<bool> checked =
      CheckServing(client.Channel(address), absl::Seconds(3));
  if (!checked.ok()) return client.Check(ToGrpcStatus(checked.status()));
  const bool serving = *checked;
  if (client.json()) {
    client.PrintJsonObject({{"serving", serving ? "true" : "false"}},
                           {{"address", address},
                            {"status", serving ? "SERVING" : "NOT_SERVING"}});
    return serving ? 0 : 1;
  }
  std::printf("%s: %s\n", address.c_str(), serving ? "SERVING" : "NOT_SERVING");
  return serving ? 0 : 1;
}

int RunAudit(const Args& a, Client& client) {
  const std::string address = ServiceAddress(a, a.Get("service", "ehc"));
  auto stub = v1::AuditService::NewStub(client.Channel(address));
  v1::ListAuditEntriesRequest r;
  r.set_child_id(a.Get("child"));
  r.set_actor(a.Get("actor"));
  if (a.Has("page-size")) {
    int n = 0;
    if (!absl::SimpleAtoi(a.Get("page-size"), &n))
      Die("--page-size: not a number");
    r.set_page_size(n);
  }
  r.set_page_token(a.Get("page-token"));
  r.set_refusals(a.Has("refusals"));
  grpc::ClientContext ctx;
  client.Context(&ctx);
  v1::ListAuditEntriesResponse out;
  grpc::Status s = stub->ListAuditEntries(&ctx, r, &out);
  if (!s.ok()) return client.Check(s);
  if (client.json()) {
    client.PrintJson(out);
    return 0;
  }
  std::printf("%-8s %-24s %-16s %-18s %-14s %s\n", "seq", "at (UTC)", "actor",
              "roles", "child", "read");
  for (const v1::AuditEntry& e : out.entries()) {
    const absl::Time at = absl::FromUnixSeconds(e.at().seconds());
    std::string read = e.method().substr(e.method().rfind('/') + 1);
    if (!e.record_id().empty()) absl::StrAppend(&read, " ", e.record_id());
    if (e.outcome() == "refused") {
      absl::StrAppend(&read, " REFUSED", e.target().empty() ? "" : " ",
                      e.target(), ": ", e.reason());
    }
    std::printf(
        "%-8lld %-24s %-16s %-18s %-14s %s\n",
        static_cast<long long>(e.sequence()),
        absl::FormatTime("%Y-%m-%d %H:%M:%S", at, absl::UTCTimeZone()).c_str(),
        e.actor().c_str(), e.roles().c_str(), e.child_id().c_str(),
        read.c_str());
  }
  if (!out.next_page_token().empty()) {
    std::printf("more: --page-token %s\n", out.next_page_token().c_str());
  }
  return 0;
}

int Dispatch(const Args& a) {
  Client client(a);
  const std::string& command = a.positional[0];
  if (command == "ehc") return RunEhc(a, client);
  if (command == "audit") return RunAudit(a, client);
  if (command == "admin") return RunAdmin(a, client);
  if (command == "health") return RunHealth(a, client);
  if (command == "review") return RunReview(a, client);
  if (command == "transport") return RunTransport(a, client);
  if (command == "complaint") return RunComplaint(a, client);
  if (command == "disagreement") return RunDisagreement(a, client);
  if (command == "events" && a.positional.size() > 1 &&
      a.positional[1] == "tail") {
    return RunEventsTail(a, client);
  }
  if (command == "directory" && a.positional.size() > 1 &&
      a.positional[1] == "import") {
    return RunDirectoryImport(a, client);
  }
  if (command == "plans" && a.positional.size() > 1 &&
      a.positional[1] == "import") {
    return RunPlansImport(a, client);
  }
  if (command == "people" && a.positional.size() > 1 &&
      a.positional[1] == "import") {
    return RunPeopleImport(a, client);
  }
  if (command == "sen2") return RunSen2(a, client);
  if (command == "team-scorecard" || command == "la-scorecard" ||
      command == "exceptions" || command == "trend") {
    return RunManager(a, client, command);
  }
  if (command == "timeline" || command == "worklist" ||
      command == "scorecard") {
    return RunProjection(a, client, command);
  }
  Die(absl::StrCat("unknown command '", command, "' (see casectl --help)"));
}

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--spec-json") {
    PrintSpecJson();  // the declared commands, for the flag tests
    return 0;
  }
  ParseResult parsed = ParseCommandLine(argc, argv);
  if (parsed.exit_code >= 0) return parsed.exit_code;
  const Args& a = parsed.args;
  const int code = Dispatch(a);
  // For tests: a declared flag the command never reads is a bug (the user's
  // value would be ignored silently).
  const char* check = std::getenv("CASECTL_CHECK_FLAGS_USED");
  if (check != nullptr && std::string(check) == "1") {
    for (const auto& [name, value] : a.flags) {
      if (a.command_flags.contains(name) && !a.read.contains(name)) {
        std::fprintf(stderr,
                     "casectl: internal error: --%s was given but this "
                     "command never used it\n",
                     name.c_str());
        return 70;
      }
    }
  }
  return code;
}
