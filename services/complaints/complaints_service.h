// ComplaintsServiceImpl: the gRPC adapter of the complaints service, the same
// shape as the other domain services, over two kinds of stream (complaints
// and disagreements) in one log.
//
// Thread safety: thread-safe.
#ifndef CASEWORK_SERVICES_COMPLAINTS_COMPLAINTS_SERVICE_H_
#define CASEWORK_SERVICES_COMPLAINTS_COMPLAINTS_SERVICE_H_

#include "casework/v1/complaints.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/command_handler.h"
#include "libs/eventstore/event_store.h"
#include "libs/host/endpoint.h"
#include "services/complaints/complaint.h"

namespace casework::complaints {

class ComplaintsServiceImpl final : public v1::ComplaintsService::Service {
 public:
  ComplaintsServiceImpl(EventStore& store, const Clock& clock,
                        const Calendar& calendar,
                        const auth::Authorizer& authorizer,
                        audit::AuditLog& audit, Timescales limits = {});

#define CASEWORK_COMPLAINTS_RPC(Rpc, Request)                    \
  grpc::Status Rpc(grpc::ServerContext* ctx, const Request* req, \
                   v1::CommandResult* resp) override;
  CASEWORK_COMPLAINTS_RPC(LogComplaint, v1::LogComplaintRequest)
  CASEWORK_COMPLAINTS_RPC(AcknowledgeComplaint, v1::AcknowledgeComplaintRequest)
  CASEWORK_COMPLAINTS_RPC(ExtendComplaint, v1::ExtendComplaintRequest)
  CASEWORK_COMPLAINTS_RPC(RespondToComplaint, v1::RespondToComplaintRequest)
  CASEWORK_COMPLAINTS_RPC(EscalateComplaint, v1::EscalateComplaintRequest)
  CASEWORK_COMPLAINTS_RPC(ReferToOmbudsman, v1::ReferToOmbudsmanRequest)
  CASEWORK_COMPLAINTS_RPC(RecordOmbudsmanDecision,
                          v1::RecordOmbudsmanDecisionRequest)
  CASEWORK_COMPLAINTS_RPC(WithdrawComplaint, v1::WithdrawComplaintRequest)
  CASEWORK_COMPLAINTS_RPC(CloseComplaint, v1::CloseComplaintRequest)
  CASEWORK_COMPLAINTS_RPC(RecordDisagreement, v1::RecordDisagreementRequest)
  CASEWORK_COMPLAINTS_RPC(RecordMediationContact,
                          v1::RecordMediationContactRequest)
  CASEWORK_COMPLAINTS_RPC(RecordMediationHeld, v1::RecordMediationHeldRequest)
  CASEWORK_COMPLAINTS_RPC(IssueMediationCertificate,
                          v1::IssueMediationCertificateRequest)
  CASEWORK_COMPLAINTS_RPC(RegisterAppeal, v1::RegisterAppealRequest)
  CASEWORK_COMPLAINTS_RPC(RecordTribunalDecision,
                          v1::RecordTribunalDecisionRequest)
  CASEWORK_COMPLAINTS_RPC(RecordTribunalOrder, v1::RecordTribunalOrderRequest)
  CASEWORK_COMPLAINTS_RPC(RecordOrderCompliance,
                          v1::RecordOrderComplianceRequest)
#undef CASEWORK_COMPLAINTS_RPC

  grpc::Status GetComplaint(grpc::ServerContext* ctx,
                            const v1::GetComplaintRequest* req,
                            v1::Complaint* resp) override;
  grpc::Status GetDisagreement(grpc::ServerContext* ctx,
                               const v1::GetDisagreementRequest* req,
                               v1::Disagreement* resp) override;
  grpc::Status ListComplaints(grpc::ServerContext* ctx,
                              const v1::ListComplaintsRequest* req,
                              v1::ListComplaintsResponse* resp) override;
  grpc::Status RecordFeedback(grpc::ServerContext* ctx,
                              const v1::RecordFeedbackRequest* req,
                              v1::CommandResult* resp) override;
  grpc::Status RecordSurveySent(grpc::ServerContext* ctx,
                                const v1::RecordSurveySentRequest* req,
                                v1::CommandResult* resp) override;
  grpc::Status RecordSurveyResponse(grpc::ServerContext* ctx,
                                    const v1::RecordSurveyResponseRequest* req,
                                    v1::CommandResult* resp) override;
  grpc::Status GetFeedback(grpc::ServerContext* ctx,
                           const v1::GetFeedbackRequest* req,
                           v1::Feedback* resp) override;

 private:
  Env EnvOn(Date today) const { return Env{today, calendar_, limits_}; }

  const Calendar& calendar_;
  const Timescales limits_;
  const host::EndpointCore core_;
  const host::CommandEndpoint<ComplaintTraits> complaints_;
  const host::CommandEndpoint<DisagreementTraits> disagreements_;
  const host::CommandEndpoint<FeedbackTraits> feedback_;
  // The feedback's text, kept beside the log.
  absl::Status AttachText(Feedback& f) const;
};

}  // namespace casework::complaints

#endif  // CASEWORK_SERVICES_COMPLAINTS_COMPLAINTS_SERVICE_H_
