// EhcAssessmentServiceImpl: the gRPC adapter of the EHC needs assessment
// service.
//
// A table of one line per RPC over the shared endpoints (libs/host/endpoint.h:
// authorize, validate, decide through the CommandHandler, map the status;
// load, attach texts, audit). The actor recorded in event metadata is the
// token's subject.
//
// Thread safety: thread-safe (gRPC calls it from many threads).
#ifndef CASEWORK_SERVICES_EHC_ASSESSMENTS_EHC_SERVICE_H_
#define CASEWORK_SERVICES_EHC_ASSESSMENTS_EHC_SERVICE_H_

#include "casework/v1/ehc_assessment.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/command_handler.h"
#include "libs/eventstore/event_store.h"
#include "libs/host/endpoint.h"
#include "services/ehc-assessments/assessment.h"

namespace casework::ehc {

class EhcAssessmentServiceImpl final
    : public v1::EhcAssessmentService::Service {
 public:
  EhcAssessmentServiceImpl(EventStore& store, const Clock& clock,
                           const Calendar& calendar,
                           const auth::Authorizer& authorizer,
                           audit::AuditLog& audit);

  grpc::Status RecordRequest(grpc::ServerContext* ctx,
                             const v1::RecordRequestRequest* req,
                             v1::CommandResult* resp) override;
  grpc::Status ReassignOfficer(grpc::ServerContext* ctx,
                               const v1::ReassignOfficerRequest* req,
                               v1::CommandResult* resp) override;
  grpc::Status DecideToAssess(grpc::ServerContext* ctx,
                              const v1::DecideToAssessRequest* req,
                              v1::CommandResult* resp) override;
  grpc::Status DecideNotToAssess(grpc::ServerContext* ctx,
                                 const v1::DecideNotToAssessRequest* req,
                                 v1::CommandResult* resp) override;
  grpc::Status RequestAdvice(grpc::ServerContext* ctx,
                             const v1::RequestAdviceRequest* req,
                             v1::CommandResult* resp) override;
  grpc::Status RecordAdviceReceived(grpc::ServerContext* ctx,
                                    const v1::RecordAdviceReceivedRequest* req,
                                    v1::CommandResult* resp) override;
  grpc::Status RecordException(grpc::ServerContext* ctx,
                               const v1::RecordExceptionRequest* req,
                               v1::CommandResult* resp) override;
  grpc::Status IssueDraftPlan(grpc::ServerContext* ctx,
                              const v1::IssueDraftPlanRequest* req,
                              v1::CommandResult* resp) override;
  grpc::Status DecideNotToIssuePlan(grpc::ServerContext* ctx,
                                    const v1::DecideNotToIssuePlanRequest* req,
                                    v1::CommandResult* resp) override;
  grpc::Status IssueFinalPlan(grpc::ServerContext* ctx,
                              const v1::IssueFinalPlanRequest* req,
                              v1::CommandResult* resp) override;
  grpc::Status WithdrawRequest(grpc::ServerContext* ctx,
                               const v1::WithdrawRequestRequest* req,
                               v1::CommandResult* resp) override;
  grpc::Status RecordMovedOutOfArea(grpc::ServerContext* ctx,
                                    const v1::RecordMovedOutOfAreaRequest* req,
                                    v1::CommandResult* resp) override;
  grpc::Status AuditDraftPlan(grpc::ServerContext* ctx,
                              const v1::AuditDraftPlanRequest* req,
                              v1::CommandResult* resp) override;
  grpc::Status AuditAdvice(grpc::ServerContext* ctx,
                           const v1::AuditAdviceRequest* req,
                           v1::CommandResult* resp) override;
  grpc::Status GetAssessment(grpc::ServerContext* ctx,
                             const v1::GetAssessmentRequest* req,
                             v1::Assessment* resp) override;
  grpc::Status ListAssessments(grpc::ServerContext* ctx,
                               const v1::ListAssessmentsRequest* req,
                               v1::ListAssessmentsResponse* resp) override;

 private:
  template <typename Request>
  grpc::Status Audit(grpc::ServerContext* ctx, absl::string_view rpc,
                     const Request& req, v1::CommandResult* resp);
  const Calendar& calendar_;
  EventStore& store_;
  const host::EndpointCore core_;
  const host::CommandEndpoint<Traits> commands_;
};

}  // namespace casework::ehc

#endif  // CASEWORK_SERVICES_EHC_ASSESSMENTS_EHC_SERVICE_H_
