// casectl transport ...: the home-to-school travel service from the command
// line.
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "casework/v1/transport.grpc.pb.h"
#include "libs/core/clock.h"
#include "tools/casectl/cli.h"

namespace casework::cli {
namespace {

double Miles(const Args& a, const std::string& name) {
  double miles = 0;
  if (!absl::SimpleAtod(a.Get(name), &miles))
    Die(absl::StrCat("--", name, " takes a number of miles"));
  return miles;
}

v1::TravelFacts Facts(const Args& a) {
  v1::TravelFacts f;
  *f.mutable_date_of_birth() = DateFlag(a, "dob");
  int year = 0;
  if (!absl::SimpleAtoi(Require(a, "academic-year"), &year))
    Die("--academic-year takes the year it starts, e.g. 2026");
  f.set_academic_year(year);
  f.set_school_id(a.Get("school"));
  f.set_nearest_suitable_school(a.Has("nearest"));
  f.set_among_three_nearest(a.Has("three-nearest"));
  f.set_religion_or_belief(a.Has("religion-or-belief"));
  // A distance not given stays unset ("not given", never 0 miles).
  if (a.Has("walking-miles")) f.set_walking_miles(Miles(a, "walking-miles"));
  if (a.Has("road-miles")) f.set_road_miles(Miles(a, "road-miles"));
  f.set_cannot_walk_sen_disability(a.Has("sen"));
  f.set_route_unsafe(a.Has("unsafe-route"));
  f.set_low_income(a.Has("low-income"));
  f.set_post16(a.Has("post16"));
  return f;
}

void PrintAssessment(const v1::EligibilityAssessment& x) {
  std::printf(
      "statutory outcome: %s (on %s: age %d; walking distance %.0f miles)\n"
      "  %s\n  compulsory school age: %s to %s\n",
      EnumWord(v1::EligibilityOutcome_Name(x.outcome()), 20).c_str(),
      Str(x.assessed_on()).c_str(), x.age(), x.walking_distance_limit_miles(),
      x.explanation().c_str(), Str(x.compulsory_school_age_from()).c_str(),
      Str(x.compulsory_school_age_until()).c_str());
  if (x.has_entitled_from()) {
    std::printf("  entitled from %s%s%s\n", Str(x.entitled_from()).c_str(),
                x.has_entitled_until() ? " until " : "",
                x.has_entitled_until() ? Str(x.entitled_until()).c_str() : "");
  }
}

}  // namespace

int RunTransport(const Args& a, Client& client) {
  auto stub = v1::TransportService::NewStub(
      client.Channel(ServiceAddress(a, "transport")));
  const std::string verb =
      Positional(a, 1, "transport command (apply, assess, decide, ...)");
  const std::string request_id = a.Get("request-id", NewUuid());
  auto id = [&] { return Positional(a, 2, "application id"); };
  auto outcome = [&] {
    return Pick<v1::AppealOutcome>({{"upheld", v1::APPEAL_OUTCOME_UPHELD},
                                    {"changed", v1::APPEAL_OUTCOME_CHANGED}},
                                   "outcome", Require(a, "outcome"));
  };
  v1::CommandResult result;
  grpc::ClientContext ctx;
  client.Context(&ctx);
  grpc::Status s;
  if (verb == "apply") {
    v1::SubmitApplicationRequest r;
    r.set_request_id(request_id);
    r.set_application_id(a.Get("id"));
    r.set_child_id(Require(a, "child"));
    r.set_officer_id(Require(a, "officer"));
    *r.mutable_received_on() = DateFlag(a, "received");
    *r.mutable_facts() = Facts(a);
    *r.mutable_needed_from() = DateFlag(a, "needed-from", false);
    s = stub->SubmitApplication(&ctx, r, &result);
  } else if (verb == "assess") {
    v1::AssessEligibilityRequest r;
    *r.mutable_facts() = Facts(a);
    *r.mutable_needed_from() = DateFlag(a, "needed-from", false);
    v1::EligibilityAssessment out;
    s = stub->AssessEligibility(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
    } else {
      PrintAssessment(out);
    }
    return 0;
  } else if (verb == "decide") {
    v1::RecordTransportDecisionRequest r;
    r.set_request_id(request_id);
    r.set_application_id(id());
    r.set_decision(Pick<v1::TransportDecision>(
        {{"eligible", v1::TRANSPORT_DECISION_ELIGIBLE},
         {"discretionary", v1::TRANSPORT_DECISION_DISCRETIONARY},
         {"post16", v1::TRANSPORT_DECISION_POST16_POLICY},
         {"refused", v1::TRANSPORT_DECISION_REFUSED}},
        "decision", Require(a, "decision")));
    *r.mutable_notified_on() = DateFlag(a, "on");
    r.set_reason(a.Get("reason"));
    s = stub->RecordDecision(&ctx, r, &result);
  } else if (verb == "arrange" || verb == "change") {
    const v1::ArrangementType type = Pick<v1::ArrangementType>(
        {{"taxi", v1::ARRANGEMENT_TYPE_VEHICLE_OR_TAXI},
         {"minibus", v1::ARRANGEMENT_TYPE_MINIBUS},
         {"bus-pass", v1::ARRANGEMENT_TYPE_BUS_PASS},
         {"ptb", v1::ARRANGEMENT_TYPE_PERSONAL_TRANSPORT_BUDGET},
         {"mileage", v1::ARRANGEMENT_TYPE_MILEAGE_ALLOWANCE},
         {"itt", v1::ARRANGEMENT_TYPE_INDEPENDENT_TRAVEL_TRAINING}},
        "type", Require(a, "type"));
    if (verb == "arrange") {
      v1::ArrangeTransportRequest r;
      r.set_request_id(request_id);
      r.set_application_id(id());
      r.set_type(type);
      *r.mutable_starts_on() = DateFlag(a, "starts");
      *r.mutable_arranged_on() = DateFlag(a, "on", false);
      s = stub->ArrangeTransport(&ctx, r, &result);
    } else {
      v1::ChangeArrangementRequest r;
      r.set_request_id(request_id);
      r.set_application_id(id());
      r.set_type(type);
      *r.mutable_starts_on() = DateFlag(a, "starts");
      s = stub->ChangeArrangement(&ctx, r, &result);
    }
  } else if (verb == "end") {
    v1::EndArrangementRequest r;
    r.set_request_id(request_id);
    r.set_application_id(id());
    *r.mutable_ends_on() = DateFlag(a, "on");
    s = stub->EndArrangement(&ctx, r, &result);
  } else if (verb == "itt-started" || verb == "itt-completed") {
    v1::RecordTravelTrainingRequest r;
    r.set_request_id(request_id);
    r.set_application_id(id());
    r.set_completed(verb == "itt-completed");
    *r.mutable_on() = DateFlag(a, "on");
    s = stub->RecordTravelTraining(&ctx, r, &result);
  } else if (verb == "review") {
    v1::RequestStage1ReviewRequest r;
    r.set_request_id(request_id);
    r.set_application_id(id());
    *r.mutable_requested_on() = DateFlag(a, "on");
    s = stub->RequestStage1Review(&ctx, r, &result);
  } else if (verb == "review-decision") {
    v1::RecordStage1DecisionRequest r;
    r.set_request_id(request_id);
    r.set_application_id(id());
    r.set_outcome(outcome());
    *r.mutable_decided_on() = DateFlag(a, "on");
    s = stub->RecordStage1Decision(&ctx, r, &result);
  } else if (verb == "appeal") {
    v1::RequestStage2AppealRequest r;
    r.set_request_id(request_id);
    r.set_application_id(id());
    *r.mutable_requested_on() = DateFlag(a, "on");
    s = stub->RequestStage2Appeal(&ctx, r, &result);
  } else if (verb == "panel") {
    v1::RecordPanelDecisionRequest r;
    r.set_request_id(request_id);
    r.set_application_id(id());
    r.set_outcome(outcome());
    *r.mutable_decided_on() = DateFlag(a, "on");
    s = stub->RecordPanelDecision(&ctx, r, &result);
  } else if (verb == "written-outcome") {
    v1::RecordWrittenOutcomeRequest r;
    r.set_request_id(request_id);
    r.set_application_id(id());
    *r.mutable_sent_on() = DateFlag(a, "on");
    s = stub->RecordWrittenOutcome(&ctx, r, &result);
  } else if (verb == "reassign") {
    v1::ReassignApplicationOfficerRequest r;
    r.set_request_id(request_id);
    r.set_application_id(id());
    r.set_officer_id(Require(a, "officer"));
    *r.mutable_reassigned_on() = DateFlag(a, "on", false);
    s = stub->ReassignOfficer(&ctx, r, &result);
  } else if (verb == "show") {
    v1::GetApplicationRequest r;
    r.set_application_id(id());
    v1::TransportApplication out;
    s = stub->GetApplication(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("application %s  child %s  officer %s  %s\n",
                out.application_id().c_str(), out.child_id().c_str(),
                out.officer_id().c_str(),
                EnumWord(v1::ApplicationStatus_Name(out.status()), 19).c_str());
    PrintAssessment(out.assessment());
    std::printf(
        "received %s  needed from %s  decided %s %s\n",
        Str(out.received_on()).c_str(), Str(out.needed_from()).c_str(),
        Str(out.decided_on()).c_str(),
        out.decision() == v1::TRANSPORT_DECISION_UNSPECIFIED
            ? ""
            : EnumWord(v1::TransportDecision_Name(out.decision()), 19).c_str());
    PrintClocks(out.clocks());
    return 0;
  } else if (verb == "list") {
    v1::ListApplicationsRequest r;
    ListFilters(a, &r);
    v1::ListApplicationsResponse out;
    s = stub->ListApplications(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf("%-22s %-12s %-12s %-11s %-14s %s\n", "APPLICATION", "CHILD",
                "OFFICER", "RECEIVED", "OUTCOME", "STATUS");
    for (const v1::TransportApplication& x : out.applications()) {
      std::printf(
          "%-22s %-12s %-12s %-11s %-14s %s\n", x.application_id().c_str(),
          x.child_id().c_str(), x.officer_id().c_str(),
          Str(x.received_on()).c_str(),
          EnumWord(v1::EligibilityOutcome_Name(x.assessment().outcome()), 20)
              .c_str(),
          EnumWord(v1::ApplicationStatus_Name(x.status()), 19).c_str());
    }
    if (!out.next_page_token().empty()) {
      std::printf("more: --page-token '%s'\n", out.next_page_token().c_str());
    }
    return 0;
  } else {
    Die(absl::StrCat("unknown transport command '", verb,
                     "' (see casectl --help)"));
  }
  return client.PrintCommandResult(verb, s, result);
}

}  // namespace casework::cli
