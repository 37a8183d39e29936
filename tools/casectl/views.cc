// casectl scorecard, worklist, timeline, team-scorecard, la-scorecard,
// exceptions, trend: the projection's views for officers and managers.
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

namespace casework::cli {

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
    for (const v1::Comparison& c : m.comparisons()) {
      std::printf("  compare: %s %d: %.1f%% (%s)\n", c.scope().c_str(),
                  c.year(), c.percent(), c.source().c_str());
    }
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
    // The published figures beside the LA's (the latest up to the period).
    for (const v1::Measure& m : out.totals().measures()) {
      if (m.code() != code) continue;
      for (const v1::Comparison& c : m.comparisons()) {
        std::printf("compare: %s %d: %.1f%% (%s)\n", c.scope().c_str(),
                    c.year(), c.percent(), c.source().c_str());
      }
    }
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
    if (out.rate()) {
      // A rate: each case counted, short of the target first.
      std::printf("%-12s %-12s %-24s %-11s %9s %9s\n", "OFFICER", "CHILD",
                  "CASE", "COUNTED", "FIGURE", "TOTAL");
      for (const v1::ExceptionItem& x : out.items()) {
        std::printf("%-12s %-12s %-24s %-11s %9lld %9lld\n",
                    x.officer_id().c_str(), x.child_id().c_str(),
                    x.stream_id().c_str(), Str(x.counted_on()).c_str(),
                    static_cast<long long>(x.numerator()),
                    static_cast<long long>(x.denominator()));
      }
      return 0;
    }
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
  if (command == "at-risk") {
    v1::GetAtRiskRequest r;
    r.set_officer_id(a.Get("officer"));
    r.set_team_id(a.Get("team"));
    r.set_la(a.Has("la"));
    *r.mutable_as_of() = DateFlag(a, "as-of", false);
    v1::AtRiskReport out;
    grpc::Status s = stub->GetAtRisk(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf(
        "as of %s: %d of %d open assessments and reviews at risk of missing "
        "the deadline (%d without a forecast)\n",
        Str(out.as_of()).c_str(), out.items_size(), out.open_cases(),
        out.without_forecast());
    std::printf("%-12s %-12s %-24s %-11s %-11s %5s %s\n", "OFFICER", "CHILD",
                "CASE", "DUE", "LIKELY", "LATE", "HOLDING IT UP");
    for (const v1::AtRiskItem& x : out.items()) {
      std::printf("%-12s %-12s %-24s %-11s %-11s %4.0f%% %s\n",
                  x.officer_id().c_str(), x.child_id().c_str(),
                  x.stream_id().c_str(), Str(x.due_on()).c_str(),
                  Str(x.forecast_on()).c_str(), x.late_percent(),
                  x.holding_up().c_str());
    }
    std::printf("method: %s\n", out.method().c_str());
    return 0;
  }
  if (command == "forecast-backtest") {
    v1::GetForecastBackTestRequest r;
    *r.mutable_due_from() = DateFlag(a, "from");
    *r.mutable_due_to() = DateFlag(a, "to");
    *r.mutable_as_of() = DateFlag(a, "as-of", false);
    if (a.Has("horizon")) {
      int weeks = 0;
      if (!absl::SimpleAtoi(a.Get("horizon"), &weeks)) {
        Die("--horizon takes a whole number of weeks");
      }
      r.set_horizon_weeks(weeks);
    }
    v1::ForecastBackTest out;
    grpc::Status s = stub->GetForecastBackTest(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf(
        "%d assessments due %s to %s with a known outcome; %d breached\n",
        out.assessments(), Str(r.due_from()).c_str(), Str(r.due_to()).c_str(),
        out.breached());
    std::printf("%-50s %8s %9s %8s %7s\n", "RULE", "FLAGGED", "BREACHED",
                "PRECISION", "RECALL");
    for (const v1::RuleScore& x : out.rules()) {
      std::printf("%-50s %8d %9d %7.1f%% %6.1f%%\n", x.rule().c_str(),
                  x.flagged(), x.flagged_breached(), x.precision(), x.recall());
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

}  // namespace casework::cli
