#include "services/complaints/complaints_service.h"

#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"
#include "libs/core/status.h"
#include "libs/rpc/command.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"

namespace casework::complaints {

ComplaintsServiceImpl::ComplaintsServiceImpl(EventStore& store,
                                             const Clock& clock,
                                             const Calendar& calendar,
                                             const auth::Authorizer& authorizer,
                                             audit::AuditLog& audit,
                                             Timescales limits)
    : calendar_(calendar),
      limits_(limits),
      core_{v1::ComplaintsService::service_full_name(), store, clock,
            authorizer, audit},
      complaints_(core_),
      disagreements_(core_),
      feedback_(core_) {}

grpc::Status ComplaintsServiceImpl::LogComplaint(
    grpc::ServerContext* ctx, const v1::LogComplaintRequest* req,
    v1::CommandResult* resp) {
  const std::string id =
      req->complaint_id().empty() ? NewUuid() : req->complaint_id();
  return complaints_.Run(
      ctx, "LogComplaint", *req, "complaint_id", id,
      [&](const Complaint& s, Date today) {
        return Decide(s, id, *req, EnvOn(today));
      },
      resp);
}

grpc::Status ComplaintsServiceImpl::RecordDisagreement(
    grpc::ServerContext* ctx, const v1::RecordDisagreementRequest* req,
    v1::CommandResult* resp) {
  const std::string id =
      req->disagreement_id().empty() ? NewUuid() : req->disagreement_id();
  return disagreements_.Run(
      ctx, "RecordDisagreement", *req, "disagreement_id", id,
      [&](const Disagreement& s, Date today) {
        return Decide(s, id, *req, EnvOn(today));
      },
      resp);
}

grpc::Status ComplaintsServiceImpl::RecordTribunalOrder(
    grpc::ServerContext* ctx, const v1::RecordTribunalOrderRequest* req,
    v1::CommandResult* resp) {
  const std::string order =
      req->order_id().empty() ? NewUuid() : req->order_id();
  return disagreements_.Run(
      ctx, "RecordTribunalOrder", *req, "disagreement_id",
      req->disagreement_id(),
      [&](const Disagreement& s, Date today) {
        return Decide(s, order, *req, EnvOn(today));
      },
      resp);
}

#define CASEWORK_COMPLAINT_COMMAND(Rpc, Request)                               \
  grpc::Status ComplaintsServiceImpl::Rpc(                                     \
      grpc::ServerContext* ctx, const Request* req, v1::CommandResult* resp) { \
    return complaints_.Run(                                                    \
        ctx, #Rpc, *req, "complaint_id", req->complaint_id(),                  \
        [&](const Complaint& s, Date today) {                                  \
          return Decide(s, *req, EnvOn(today));                                \
        },                                                                     \
        resp);                                                                 \
  }
CASEWORK_COMPLAINT_COMMAND(AcknowledgeComplaint,
                           v1::AcknowledgeComplaintRequest)
CASEWORK_COMPLAINT_COMMAND(ExtendComplaint, v1::ExtendComplaintRequest)
CASEWORK_COMPLAINT_COMMAND(RespondToComplaint, v1::RespondToComplaintRequest)
CASEWORK_COMPLAINT_COMMAND(EscalateComplaint, v1::EscalateComplaintRequest)
CASEWORK_COMPLAINT_COMMAND(ReferToOmbudsman, v1::ReferToOmbudsmanRequest)
CASEWORK_COMPLAINT_COMMAND(RecordOmbudsmanDecision,
                           v1::RecordOmbudsmanDecisionRequest)
CASEWORK_COMPLAINT_COMMAND(WithdrawComplaint, v1::WithdrawComplaintRequest)
CASEWORK_COMPLAINT_COMMAND(CloseComplaint, v1::CloseComplaintRequest)
#undef CASEWORK_COMPLAINT_COMMAND

#define CASEWORK_DISAGREEMENT_COMMAND(Rpc, Request)                            \
  grpc::Status ComplaintsServiceImpl::Rpc(                                     \
      grpc::ServerContext* ctx, const Request* req, v1::CommandResult* resp) { \
    return disagreements_.Run(                                                 \
        ctx, #Rpc, *req, "disagreement_id", req->disagreement_id(),            \
        [&](const Disagreement& s, Date today) {                               \
          return Decide(s, *req, EnvOn(today));                                \
        },                                                                     \
        resp);                                                                 \
  }
CASEWORK_DISAGREEMENT_COMMAND(RecordMediationContact,
                              v1::RecordMediationContactRequest)
CASEWORK_DISAGREEMENT_COMMAND(RecordMediationHeld,
                              v1::RecordMediationHeldRequest)
CASEWORK_DISAGREEMENT_COMMAND(IssueMediationCertificate,
                              v1::IssueMediationCertificateRequest)
CASEWORK_DISAGREEMENT_COMMAND(RegisterAppeal, v1::RegisterAppealRequest)
CASEWORK_DISAGREEMENT_COMMAND(RecordTribunalDecision,
                              v1::RecordTribunalDecisionRequest)
CASEWORK_DISAGREEMENT_COMMAND(RecordOrderCompliance,
                              v1::RecordOrderComplianceRequest)
#undef CASEWORK_DISAGREEMENT_COMMAND

grpc::Status ComplaintsServiceImpl::GetComplaint(
    grpc::ServerContext* ctx, const v1::GetComplaintRequest* req,
    v1::Complaint* resp) {
  return complaints_.Get(ctx, "GetComplaint", "complaint_id",
                         req->complaint_id(), "complaint", resp);
}

grpc::Status ComplaintsServiceImpl::GetDisagreement(
    grpc::ServerContext* ctx, const v1::GetDisagreementRequest* req,
    v1::Disagreement* resp) {
  return disagreements_.Get(ctx, "GetDisagreement", "disagreement_id",
                            req->disagreement_id(), "disagreement", resp);
}

grpc::Status ComplaintsServiceImpl::ListComplaints(
    grpc::ServerContext* ctx, const v1::ListComplaintsRequest* req,
    v1::ListComplaintsResponse* resp) {
  // The index keeps both kinds: c:<complaint id> and d:<disagreement id>.
  return host::ListCases(
      core_, ctx,
      {"ListComplaints", req->child_id(), req->officer_id(), req->page_size(),
       req->page_token(), ChildIndexKey, OfficerIndexKey},
      [&](const std::string& key) -> absl::StatusOr<audit::Read> {
        const std::string id = key.substr(2);
        if (key.rfind("c:", 0) == 0) {
          ASSIGN_OR_RETURN(auto loaded, complaints_.Load(id));
          v1::Complaint* c = resp->add_complaints();
          *c = std::move(loaded.state);
          return audit::Read{c->child_id(), id};
        }
        if (key.rfind("f:", 0) == 0) {
          ASSIGN_OR_RETURN(auto loaded, feedback_.Load(id));
          v1::Feedback* f = resp->add_feedback();
          *f = std::move(loaded.state);
          return audit::Read{f->child_id(), id};
        }
        ASSIGN_OR_RETURN(auto loaded, disagreements_.Load(id));
        v1::Disagreement* d = resp->add_disagreements();
        *d = std::move(loaded.state);
        return audit::Read{d->child_id(), id};
      },
      resp->mutable_next_page_token(), resp);
}

grpc::Status ComplaintsServiceImpl::RecordFeedback(
    grpc::ServerContext* ctx, const v1::RecordFeedbackRequest* req,
    v1::CommandResult* resp) {
  const std::string id =
      req->feedback_id().empty() ? NewUuid() : req->feedback_id();
  return feedback_.Run(
      ctx, "RecordFeedback", *req, "feedback_id", id,
      [&](const Feedback& s, Date today) {
        return Decide(s, id, *req, EnvOn(today));
      },
      resp);
}

grpc::Status ComplaintsServiceImpl::RecordSurveySent(
    grpc::ServerContext* ctx, const v1::RecordSurveySentRequest* req,
    v1::CommandResult* resp) {
  const std::string id =
      req->feedback_id().empty() ? NewUuid() : req->feedback_id();
  return feedback_.Run(
      ctx, "RecordSurveySent", *req, "feedback_id", id,
      [&](const Feedback& s, Date today) {
        return Decide(s, id, *req, EnvOn(today));
      },
      resp);
}

grpc::Status ComplaintsServiceImpl::RecordSurveyResponse(
    grpc::ServerContext* ctx, const v1::RecordSurveyResponseRequest* req,
    v1::CommandResult* resp) {
  return feedback_.Run(
      ctx, "RecordSurveyResponse", *req, "feedback_id", req->feedback_id(),
      [&](const Feedback& s, Date today) {
        return Decide(s, *req, EnvOn(today));
      },
      resp);
}

absl::Status ComplaintsServiceImpl::AttachText(Feedback& f) const {
  ASSIGN_OR_RETURN(auto texts, core_.store.ScanIndex(
                                   TextKey(f.feedback_id(), "text"), "", 1));
  if (!texts.empty()) f.set_text(texts[0].second);
  return absl::OkStatus();
}

grpc::Status ComplaintsServiceImpl::GetFeedback(
    grpc::ServerContext* ctx, const v1::GetFeedbackRequest* req,
    v1::Feedback* resp) {
  return feedback_.Get(ctx, "GetFeedback", "feedback_id", req->feedback_id(),
                       "feedback", resp,
                       [this](Feedback& f) { return AttachText(f); });
}

}  // namespace casework::complaints
