#include "services/ehc-assessments/ehc_service.h"

#include "libs/core/status.h"

namespace casework::ehc {
namespace {

// Adds the free text the service keeps out of events (adviser names, notes,
// the final plan's outcomes' wording).
absl::Status AttachTexts(EventStore& store, v1::Assessment* a) {
  const std::string prefix = TextPrefix(a->assessment_id());
  ASSIGN_OR_RETURN(auto texts, store.ScanIndex(prefix, "", 10000));
  for (const auto& [key, text] : texts) {
    const std::string rest = key.substr(prefix.size());
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) continue;
    const std::string field = rest.substr(0, slash),
                      id = rest.substr(slash + 1);
    if (field == kAdviserField) {
      for (v1::Advice& advice : *a->mutable_advice()) {
        if (advice.advice_id() == id) advice.set_adviser(text);
      }
    } else if (field == kNoteField) {
      for (v1::RecordedException& x : *a->mutable_exceptions()) {
        if (x.exception_id() == id) x.set_note(text);
      }
    } else if (field == kOutcomeField) {
      for (v1::PlanOutcome& o : *a->mutable_final_plan()->mutable_outcomes()) {
        if (o.outcome_id() == id) o.set_wording(text);
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

EhcAssessmentServiceImpl::EhcAssessmentServiceImpl(
    EventStore& store, const Clock& clock, const Calendar& calendar,
    const auth::Authorizer& authorizer, audit::AuditLog& audit)
    : calendar_(calendar),
      store_(store),
      core_{v1::EhcAssessmentService::service_full_name(), store, clock,
            authorizer, audit},
      commands_(core_) {}

grpc::Status EhcAssessmentServiceImpl::RecordRequest(
    grpc::ServerContext* ctx, const v1::RecordRequestRequest* req,
    v1::CommandResult* resp) {
  // A repeated request with a service-made id is answered from the request
  // record, before the new id would matter.
  const std::string id =
      req->assessment_id().empty() ? NewUuid() : req->assessment_id();
  return commands_.Run(
      ctx, "RecordRequest", *req, "assessment_id", id,
      [&](const Assessment& s, Date today) {
        return Decide(s, id, *req, Env{today, calendar_});
      },
      resp);
}

// An audit (of advice, of the draft plan): the QA role may take it on any
// case; the auditor is the caller (a back-office caller names one).
template <typename Request>
grpc::Status EhcAssessmentServiceImpl::Audit(grpc::ServerContext* ctx,
                                             absl::string_view rpc,
                                             const Request& req,
                                             v1::CommandResult* resp) {
  const std::string audit_id =
      req.audit_id().empty() ? NewUuid() : req.audit_id();
  return commands_.RunQa(
      ctx, rpc, req, "assessment_id", req.assessment_id(),
      [&](const Assessment& s, Date today,
          const auth::Principal& who) -> absl::StatusOr<EhcDecision> {
        ASSIGN_OR_RETURN(
            std::string auditor,
            statutory::AuditorOf(who.Has(auth::kIntegration), who.officer_id,
                                 req.auditor_id()));
        Request c = req;
        c.set_audit_id(audit_id);
        c.set_auditor_id(std::move(auditor));
        return Decide(s, c, Env{today, calendar_});
      },
      resp);
}

grpc::Status EhcAssessmentServiceImpl::AuditAdvice(
    grpc::ServerContext* ctx, const v1::AuditAdviceRequest* req,
    v1::CommandResult* resp) {
  return Audit(ctx, "AuditAdvice", *req, resp);
}

grpc::Status EhcAssessmentServiceImpl::AuditDraftPlan(
    grpc::ServerContext* ctx, const v1::AuditDraftPlanRequest* req,
    v1::CommandResult* resp) {
  return Audit(ctx, "AuditDraftPlan", *req, resp);
}

#define CASEWORK_EHC_COMMAND(Rpc, Request)                                     \
  grpc::Status EhcAssessmentServiceImpl::Rpc(                                  \
      grpc::ServerContext* ctx, const Request* req, v1::CommandResult* resp) { \
    return commands_.Run(                                                      \
        ctx, #Rpc, *req, "assessment_id", req->assessment_id(),                \
        [&](const Assessment& s, Date today) {                                 \
          return Decide(s, *req, Env{today, calendar_});                       \
        },                                                                     \
        resp);                                                                 \
  }

CASEWORK_EHC_COMMAND(ReassignOfficer, v1::ReassignOfficerRequest)
CASEWORK_EHC_COMMAND(DecideToAssess, v1::DecideToAssessRequest)
CASEWORK_EHC_COMMAND(DecideNotToAssess, v1::DecideNotToAssessRequest)
CASEWORK_EHC_COMMAND(RecordAdviceReceived, v1::RecordAdviceReceivedRequest)
CASEWORK_EHC_COMMAND(IssueDraftPlan, v1::IssueDraftPlanRequest)
CASEWORK_EHC_COMMAND(DecideNotToIssuePlan, v1::DecideNotToIssuePlanRequest)
CASEWORK_EHC_COMMAND(IssueFinalPlan, v1::IssueFinalPlanRequest)
CASEWORK_EHC_COMMAND(WithdrawRequest, v1::WithdrawRequestRequest)
CASEWORK_EHC_COMMAND(RecordMovedOutOfArea, v1::RecordMovedOutOfAreaRequest)
#undef CASEWORK_EHC_COMMAND

grpc::Status EhcAssessmentServiceImpl::RequestAdvice(
    grpc::ServerContext* ctx, const v1::RequestAdviceRequest* req,
    v1::CommandResult* resp) {
  const std::string advice_id =
      req->advice_id().empty() ? NewUuid() : req->advice_id();
  return commands_.Run(
      ctx, "RequestAdvice", *req, "assessment_id", req->assessment_id(),
      [&](const Assessment& s, Date today) {
        return Decide(s, advice_id, *req, Env{today, calendar_});
      },
      resp);
}

grpc::Status EhcAssessmentServiceImpl::RecordException(
    grpc::ServerContext* ctx, const v1::RecordExceptionRequest* req,
    v1::CommandResult* resp) {
  const std::string exception_id = NewUuid();
  return commands_.Run(
      ctx, "RecordException", *req, "assessment_id", req->assessment_id(),
      [&](const Assessment& s, Date today) {
        return Decide(s, exception_id, *req, Env{today, calendar_});
      },
      resp);
}

grpc::Status EhcAssessmentServiceImpl::GetAssessment(
    grpc::ServerContext* ctx, const v1::GetAssessmentRequest* req,
    v1::Assessment* resp) {
  return commands_.Get(
      ctx, "GetAssessment", "assessment_id", req->assessment_id(), "assessment",
      resp, [this](Assessment& a) { return AttachTexts(store_, &a); });
}

grpc::Status EhcAssessmentServiceImpl::ListAssessments(
    grpc::ServerContext* ctx, const v1::ListAssessmentsRequest* req,
    v1::ListAssessmentsResponse* resp) {
  return host::ListCases(
      core_, ctx,
      {"ListAssessments", req->child_id(), req->officer_id(), req->page_size(),
       req->page_token(), ChildIndexKey, OfficerIndexKey},
      [&](const std::string& id) -> absl::StatusOr<audit::Read> {
        ASSIGN_OR_RETURN(auto loaded, commands_.Load(id, [this](Assessment& a) {
          return AttachTexts(store_, &a);
        }));
        v1::Assessment* a = resp->add_assessments();
        *a = std::move(loaded.state);
        return audit::Read{a->child_id(), a->assessment_id()};
      },
      resp->mutable_next_page_token(), resp);
}

}  // namespace casework::ehc
