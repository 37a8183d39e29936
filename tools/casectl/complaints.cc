// casectl complaint ... and casectl disagreement ...: the complaints service
// from the command line.
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "casework/v1/complaints.grpc.pb.h"
#include "libs/core/clock.h"
#include "tools/casectl/cli.h"

namespace casework::cli {
namespace {

std::unique_ptr<v1::ComplaintsService::Stub> Stub(const Args& a,
                                                  const Client& client) {
  return v1::ComplaintsService::NewStub(
      client.Channel(ServiceAddress(a, "complaints")));
}

}  // namespace

int RunComplaint(const Args& a, Client& client) {
  auto stub = Stub(a, client);
  const std::string verb =
      Positional(a, 1, "complaint command (log, ack, ...)");
  const std::string rid = a.Get("request-id", NewUuid());
  auto id = [&] { return Positional(a, 2, "complaint id"); };
  v1::CommandResult result;
  grpc::ClientContext ctx;
  client.Context(&ctx);
  grpc::Status s;
  if (verb == "log") {
    v1::LogComplaintRequest r;
    r.set_request_id(rid);
    r.set_complaint_id(a.Get("id"));
    r.set_child_id(Require(a, "child"));
    r.set_officer_id(Require(a, "officer"));
    r.set_complainant(
        Pick<v1::Complainant>({{"parent", v1::COMPLAINANT_PARENT},
                               {"young-person", v1::COMPLAINANT_YOUNG_PERSON},
                               {"advocate", v1::COMPLAINANT_ADVOCATE},
                               {"school", v1::COMPLAINANT_SCHOOL},
                               {"other", v1::COMPLAINANT_OTHER}},
                              "complainant", a.Get("complainant", "parent")));
    r.set_subject(Pick<v1::ComplaintSubject>(
        {{"assessment", v1::COMPLAINT_SUBJECT_EHC_ASSESSMENT},
         {"plan", v1::COMPLAINT_SUBJECT_PLAN_CONTENT},
         {"review", v1::COMPLAINT_SUBJECT_ANNUAL_REVIEW},
         {"transport", v1::COMPLAINT_SUBJECT_TRANSPORT},
         {"provision", v1::COMPLAINT_SUBJECT_PROVISION},
         {"communication", v1::COMPLAINT_SUBJECT_COMMUNICATION},
         {"other", v1::COMPLAINT_SUBJECT_OTHER}},
        "subject", Require(a, "subject")));
    r.set_procedure(Pick<v1::ComplaintProcedure>(
        {{"corporate", v1::COMPLAINT_PROCEDURE_CORPORATE},
         {"social-care", v1::COMPLAINT_PROCEDURE_CHILDRENS_SOCIAL_CARE}},
        "procedure", a.Get("procedure", "corporate")));
    r.set_process_id(a.Get("process"));
    *r.mutable_received_on() = DateFlag(a, "received");
    s = stub->LogComplaint(&ctx, r, &result);
  } else if (verb == "ack") {
    v1::AcknowledgeComplaintRequest r;
    r.set_request_id(rid);
    r.set_complaint_id(id());
    *r.mutable_acknowledged_on() = DateFlag(a, "on");
    s = stub->AcknowledgeComplaint(&ctx, r, &result);
  } else if (verb == "extend") {
    v1::ExtendComplaintRequest r;
    r.set_request_id(rid);
    r.set_complaint_id(id());
    int days = 0;
    if (!absl::SimpleAtoi(Require(a, "working-days"), &days))
      Die("--working-days takes a number");
    r.set_working_days(days);
    r.set_reason(Require(a, "reason"));
    s = stub->ExtendComplaint(&ctx, r, &result);
  } else if (verb == "respond") {
    v1::RespondToComplaintRequest r;
    r.set_request_id(rid);
    r.set_complaint_id(id());
    r.set_finding(Pick<v1::ComplaintFinding>(
        {{"upheld", v1::COMPLAINT_FINDING_UPHELD},
         {"partly", v1::COMPLAINT_FINDING_PARTLY_UPHELD},
         {"not-upheld", v1::COMPLAINT_FINDING_NOT_UPHELD}},
        "finding", Require(a, "finding")));
    r.set_remedy_offered(a.Has("remedy"));
    r.set_handler_id(a.Get("handler"));
    *r.mutable_responded_on() = DateFlag(a, "on");
    s = stub->RespondToComplaint(&ctx, r, &result);
  } else if (verb == "escalate") {
    v1::EscalateComplaintRequest r;
    r.set_request_id(rid);
    r.set_complaint_id(id());
    r.set_handler_id(a.Get("handler"));
    *r.mutable_escalated_on() = DateFlag(a, "on");
    s = stub->EscalateComplaint(&ctx, r, &result);
  } else if (verb == "ombudsman") {
    v1::ReferToOmbudsmanRequest r;
    r.set_request_id(rid);
    r.set_complaint_id(id());
    *r.mutable_referred_on() = DateFlag(a, "on");
    s = stub->ReferToOmbudsman(&ctx, r, &result);
  } else if (verb == "ombudsman-decision") {
    v1::RecordOmbudsmanDecisionRequest r;
    r.set_request_id(rid);
    r.set_complaint_id(id());
    r.set_finding(Pick<v1::OmbudsmanFinding>(
        {{"fault", v1::OMBUDSMAN_FINDING_FAULT},
         {"fault-remedy", v1::OMBUDSMAN_FINDING_FAULT_REMEDY},
         {"no-fault", v1::OMBUDSMAN_FINDING_NO_FAULT},
         {"not-investigated", v1::OMBUDSMAN_FINDING_NOT_INVESTIGATED}},
        "finding", Require(a, "finding")));
    *r.mutable_decided_on() = DateFlag(a, "on");
    s = stub->RecordOmbudsmanDecision(&ctx, r, &result);
  } else if (verb == "withdraw") {
    v1::WithdrawComplaintRequest r;
    r.set_request_id(rid);
    r.set_complaint_id(id());
    *r.mutable_withdrawn_on() = DateFlag(a, "on");
    s = stub->WithdrawComplaint(&ctx, r, &result);
  } else if (verb == "close") {
    v1::CloseComplaintRequest r;
    r.set_request_id(rid);
    r.set_complaint_id(id());
    *r.mutable_closed_on() = DateFlag(a, "on");
    s = stub->CloseComplaint(&ctx, r, &result);
  } else if (verb == "show") {
    v1::GetComplaintRequest r;
    r.set_complaint_id(id());
    v1::Complaint out;
    s = stub->GetComplaint(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf(
        "complaint %s  child %s  officer %s  %s, stage %d (%s)\n",
        out.complaint_id().c_str(), out.child_id().c_str(),
        out.officer_id().c_str(),
        EnumWord(v1::ComplaintStatus_Name(out.status()), 17).c_str(),
        out.stage(),
        EnumWord(v1::ComplaintProcedure_Name(out.procedure()), 20).c_str());
    PrintClocks(out.clocks());
    return 0;
  } else {
    Die(absl::StrCat("unknown complaint command '", verb,
                     "' (see casectl --help)"));
  }
  return client.PrintCommandResult(verb, s, result);
}

int RunDisagreement(const Args& a, Client& client) {
  auto stub = Stub(a, client);
  const std::string verb =
      Positional(a, 1, "disagreement command (record, mediation-contact, ...)");
  const std::string rid = a.Get("request-id", NewUuid());
  auto id = [&] { return Positional(a, 2, "disagreement id"); };
  v1::CommandResult result;
  grpc::ClientContext ctx;
  client.Context(&ctx);
  grpc::Status s;
  if (verb == "record") {
    v1::RecordDisagreementRequest r;
    r.set_request_id(rid);
    r.set_disagreement_id(a.Get("id"));
    r.set_child_id(Require(a, "child"));
    r.set_officer_id(Require(a, "officer"));
    r.set_decision(Pick<v1::AppealableDecision>(
        {{"refusal-to-assess", v1::APPEALABLE_DECISION_REFUSAL_TO_ASSESS},
         {"refusal-to-issue", v1::APPEALABLE_DECISION_REFUSAL_TO_ISSUE_PLAN},
         {"plan-contents", v1::APPEALABLE_DECISION_PLAN_CONTENTS},
         {"review-decision", v1::APPEALABLE_DECISION_REVIEW_DECISION},
         {"ceasing", v1::APPEALABLE_DECISION_CEASING}},
        "decision", Require(a, "decision")));
    r.set_process_id(a.Get("process"));
    *r.mutable_decision_letter_on() = DateFlag(a, "letter");
    s = stub->RecordDisagreement(&ctx, r, &result);
  } else if (verb == "mediation-contact") {
    v1::RecordMediationContactRequest r;
    r.set_request_id(rid);
    r.set_disagreement_id(id());
    r.set_mediation_wanted(!a.Has("declined"));
    *r.mutable_contacted_on() = DateFlag(a, "on");
    s = stub->RecordMediationContact(&ctx, r, &result);
  } else if (verb == "mediation-held") {
    v1::RecordMediationHeldRequest r;
    r.set_request_id(rid);
    r.set_disagreement_id(id());
    r.set_outcome(Pick<v1::MediationOutcome>(
        {{"agreed", v1::MEDIATION_OUTCOME_AGREED},
         {"partly", v1::MEDIATION_OUTCOME_PARTLY_AGREED},
         {"not-agreed", v1::MEDIATION_OUTCOME_NOT_AGREED}},
        "outcome", Require(a, "outcome")));
    *r.mutable_held_on() = DateFlag(a, "on");
    s = stub->RecordMediationHeld(&ctx, r, &result);
  } else if (verb == "certificate") {
    v1::IssueMediationCertificateRequest r;
    r.set_request_id(rid);
    r.set_disagreement_id(id());
    *r.mutable_issued_on() = DateFlag(a, "on");
    s = stub->IssueMediationCertificate(&ctx, r, &result);
  } else if (verb == "appeal") {
    v1::RegisterAppealRequest r;
    r.set_request_id(rid);
    r.set_disagreement_id(id());
    *r.mutable_registered_on() = DateFlag(a, "on");
    s = stub->RegisterAppeal(&ctx, r, &result);
  } else if (verb == "tribunal-decision") {
    v1::RecordTribunalDecisionRequest r;
    r.set_request_id(rid);
    r.set_disagreement_id(id());
    r.set_outcome(Pick<v1::TribunalOutcome>(
        {{"allowed", v1::TRIBUNAL_OUTCOME_ALLOWED},
         {"partly", v1::TRIBUNAL_OUTCOME_PARTLY_ALLOWED},
         {"dismissed", v1::TRIBUNAL_OUTCOME_DISMISSED},
         {"conceded", v1::TRIBUNAL_OUTCOME_CONCEDED},
         {"withdrawn", v1::TRIBUNAL_OUTCOME_WITHDRAWN}},
        "outcome", Require(a, "outcome")));
    *r.mutable_decided_on() = DateFlag(a, "on");
    s = stub->RecordTribunalDecision(&ctx, r, &result);
  } else if (verb == "order") {
    v1::RecordTribunalOrderRequest r;
    r.set_request_id(rid);
    r.set_disagreement_id(id());
    r.set_order_id(a.Get("order-id"));
    r.set_kind(Pick<v1::TribunalOrderKind>(
        {{"assess", v1::TRIBUNAL_ORDER_KIND_ASSESS},
         {"make-plan", v1::TRIBUNAL_ORDER_KIND_MAKE_PLAN},
         {"amend-plan", v1::TRIBUNAL_ORDER_KIND_AMEND_PLAN},
         {"named-school", v1::TRIBUNAL_ORDER_KIND_NAMED_SCHOOL}},
        "kind", Require(a, "kind")));
    *r.mutable_made_on() = DateFlag(a, "on");
    s = stub->RecordTribunalOrder(&ctx, r, &result);
  } else if (verb == "comply") {
    v1::RecordOrderComplianceRequest r;
    r.set_request_id(rid);
    r.set_disagreement_id(id());
    r.set_order_id(Require(a, "order-id"));
    r.set_step(
        Pick<v1::ComplianceStep>({{"done", v1::COMPLIANCE_STEP_DONE},
                                  {"draft", v1::COMPLIANCE_STEP_DRAFT_PLAN},
                                  {"final", v1::COMPLIANCE_STEP_FINAL_PLAN}},
                                 "step", a.Get("step", "done")));
    *r.mutable_done_on() = DateFlag(a, "on");
    s = stub->RecordOrderCompliance(&ctx, r, &result);
  } else if (verb == "show") {
    v1::GetDisagreementRequest r;
    r.set_disagreement_id(id());
    v1::Disagreement out;
    s = stub->GetDisagreement(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf(
        "disagreement %s  child %s  officer %s  %s, letter %s\n",
        out.disagreement_id().c_str(), out.child_id().c_str(),
        out.officer_id().c_str(),
        EnumWord(v1::AppealableDecision_Name(out.decision()), 20).c_str(),
        Str(out.decision_letter_on()).c_str());
    std::printf("appeal deadline %s  registered %s%s\n",
                Str(out.appeal_deadline()).c_str(),
                Str(out.appeal_registered_on()).c_str(),
                out.appeal_late() ? " (late)" : "");
    PrintClocks(out.clocks());
    return 0;
  } else {
    Die(absl::StrCat("unknown disagreement command '", verb,
                     "' (see casectl --help)"));
  }
  return client.PrintCommandResult(verb, s, result);
}

// casectl feedback record|survey|answer|show: families' experience.
int RunFeedback(const Args& a, Client& client) {
  auto stub = Stub(a, client);
  const std::string verb =
      Positional(a, 1, "feedback command (record, survey, answer, show)");
  const std::string rid = a.Get("request-id", NewUuid());
  auto id = [&] { return Positional(a, 2, "feedback id"); };
  auto survey = [&](bool required) {
    if (!required && !a.Has("survey")) return v1::SURVEY_UNSPECIFIED;
    return Pick<v1::Survey>(
        {{"new-plan", v1::SURVEY_NEW_PLAN},
         {"annual-family", v1::SURVEY_ANNUAL_FAMILY},
         {"annual-review", v1::SURVEY_ANNUAL_REVIEW},
         {"transport", v1::SURVEY_TRANSPORT},
         {"complaint-handling", v1::SURVEY_COMPLAINT_HANDLING},
         {"other", v1::SURVEY_OTHER}},
        "survey", Require(a, "survey"));
  };
  auto score = [&] {
    int n = 0;
    if (a.Has("score") && !absl::SimpleAtoi(a.Get("score"), &n)) {
      Die("--score takes a whole number from 1 to 5");
    }
    return n;
  };
  v1::CommandResult result;
  grpc::ClientContext ctx;
  client.Context(&ctx);
  grpc::Status s;
  if (verb == "record") {
    v1::RecordFeedbackRequest r;
    r.set_request_id(rid);
    r.set_feedback_id(a.Get("id"));
    r.set_child_id(Require(a, "child"));
    r.set_officer_id(Require(a, "officer"));
    r.set_kind(Pick<v1::FeedbackKind>(
        {{"compliment", v1::FEEDBACK_KIND_COMPLIMENT},
         {"survey-response", v1::FEEDBACK_KIND_SURVEY_RESPONSE},
         {"comment", v1::FEEDBACK_KIND_COMMENT}},
        "kind", Require(a, "kind")));
    r.set_survey(survey(false));
    r.set_process(Require(a, "process"));
    r.set_case_id(a.Get("case"));
    *r.mutable_received_on() = DateFlag(a, "on", false);
    r.set_score(score());
    r.set_text(a.Get("text"));
    s = stub->RecordFeedback(&ctx, r, &result);
  } else if (verb == "survey") {
    v1::RecordSurveySentRequest r;
    r.set_request_id(rid);
    r.set_feedback_id(a.Get("id"));
    r.set_child_id(Require(a, "child"));
    r.set_officer_id(Require(a, "officer"));
    r.set_survey(survey(true));
    r.set_process(Require(a, "process"));
    r.set_case_id(a.Get("case"));
    *r.mutable_sent_on() = DateFlag(a, "on", false);
    s = stub->RecordSurveySent(&ctx, r, &result);
  } else if (verb == "answer") {
    v1::RecordSurveyResponseRequest r;
    r.set_request_id(rid);
    r.set_feedback_id(id());
    *r.mutable_received_on() = DateFlag(a, "on", false);
    r.set_score(score());
    r.set_text(a.Get("text"));
    s = stub->RecordSurveyResponse(&ctx, r, &result);
  } else if (verb == "show") {
    v1::GetFeedbackRequest r;
    r.set_feedback_id(id());
    v1::Feedback out;
    s = stub->GetFeedback(&ctx, r, &out);
    if (!s.ok()) return client.Check(s);
    if (client.json()) {
      client.PrintJson(out);
      return 0;
    }
    std::printf(
        "feedback %s  child %s  officer %s  %s%s%s  %s %s  sent %s  received "
        "%s  score %d\n",
        out.feedback_id().c_str(), out.child_id().c_str(),
        out.officer_id().c_str(),
        EnumWord(v1::FeedbackKind_Name(out.kind()), 14).c_str(),
        out.survey() == v1::SURVEY_UNSPECIFIED ? "" : " ",
        out.survey() == v1::SURVEY_UNSPECIFIED
            ? ""
            : EnumWord(v1::Survey_Name(out.survey()), 7).c_str(),
        out.process().c_str(), out.case_id().c_str(),
        Str(out.sent_on()).c_str(), Str(out.received_on()).c_str(),
        out.score());
    if (!out.text().empty()) std::printf("text: %s\n", out.text().c_str());
    return 0;
  } else {
    Die(absl::StrCat("unknown feedback command '", verb,
                     "' (see casectl --help)"));
  }
  return client.PrintCommandResult(verb, s, result);
}

}  // namespace casework::cli
