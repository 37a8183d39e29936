// casectl ehc ...: EHC needs assessments (ehc-assessments).
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
         {"other", v1::ADVICE_TYPE_OTHER},
         {"specialist-teacher", v1::ADVICE_TYPE_SPECIALIST_TEACHER}},
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
    if (a.Has("nc-year")) {
      int year = 0;
      if (!absl::SimpleAtoi(a.Get("nc-year"), &year)) {
        Die("--nc-year takes a number (R = 0)");
      }
      r.set_nc_year(year);
    }
    s = stub->IssueFinalPlan(&ctx, r, &result);
  } else if (verb == "audit-advice") {
    v1::AuditAdviceRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    r.set_advice_id(Require(a, "advice-id"));
    AuditFlags(a, &r);
    s = stub->AuditAdvice(&ctx, r, &result);
  } else if (verb == "audit-draft") {
    v1::AuditDraftPlanRequest r;
    r.set_request_id(request_id);
    r.set_assessment_id(id());
    AuditFlags(a, &r);
    s = stub->AuditDraftPlan(&ctx, r, &result);
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

}  // namespace casework::cli
