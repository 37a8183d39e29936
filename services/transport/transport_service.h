// TransportServiceImpl: the gRPC adapter of the transport service, the same
// shape as the other domain services: authorize (libs/auth policy), validate
// the envelope, run the pure core through CommandHandler, audit reads.
//
// Thread safety: thread-safe.
#ifndef CASEWORK_SERVICES_TRANSPORT_TRANSPORT_SERVICE_H_
#define CASEWORK_SERVICES_TRANSPORT_TRANSPORT_SERVICE_H_

#include <vector>

#include "casework/v1/transport.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/command_handler.h"
#include "libs/eventstore/event_store.h"
#include "libs/host/endpoint.h"
#include "services/transport/application.h"

namespace casework::transport {

struct ServiceOptions {
  int decision_working_days = 20;  // the LA's target for deciding
  std::vector<Date> term_starts;   // the first days of term
};

class TransportServiceImpl final : public v1::TransportService::Service {
 public:
  TransportServiceImpl(EventStore& store, const Clock& clock,
                       const Calendar& calendar,
                       const auth::Authorizer& authorizer,
                       audit::AuditLog& audit, ServiceOptions options = {});

  grpc::Status SubmitApplication(grpc::ServerContext* ctx,
                                 const v1::SubmitApplicationRequest* req,
                                 v1::CommandResult* resp) override;
  grpc::Status AssessEligibility(grpc::ServerContext* ctx,
                                 const v1::AssessEligibilityRequest* req,
                                 v1::EligibilityAssessment* resp) override;
  grpc::Status RecordDecision(grpc::ServerContext* ctx,
                              const v1::RecordTransportDecisionRequest* req,
                              v1::CommandResult* resp) override;
  grpc::Status ArrangeTransport(grpc::ServerContext* ctx,
                                const v1::ArrangeTransportRequest* req,
                                v1::CommandResult* resp) override;
  grpc::Status ChangeArrangement(grpc::ServerContext* ctx,
                                 const v1::ChangeArrangementRequest* req,
                                 v1::CommandResult* resp) override;
  grpc::Status EndArrangement(grpc::ServerContext* ctx,
                              const v1::EndArrangementRequest* req,
                              v1::CommandResult* resp) override;
  grpc::Status RecordTravelTraining(grpc::ServerContext* ctx,
                                    const v1::RecordTravelTrainingRequest* req,
                                    v1::CommandResult* resp) override;
  grpc::Status RequestStage1Review(grpc::ServerContext* ctx,
                                   const v1::RequestStage1ReviewRequest* req,
                                   v1::CommandResult* resp) override;
  grpc::Status RecordStage1Decision(grpc::ServerContext* ctx,
                                    const v1::RecordStage1DecisionRequest* req,
                                    v1::CommandResult* resp) override;
  grpc::Status RequestStage2Appeal(grpc::ServerContext* ctx,
                                   const v1::RequestStage2AppealRequest* req,
                                   v1::CommandResult* resp) override;
  grpc::Status RecordPanelDecision(grpc::ServerContext* ctx,
                                   const v1::RecordPanelDecisionRequest* req,
                                   v1::CommandResult* resp) override;
  grpc::Status RecordWrittenOutcome(grpc::ServerContext* ctx,
                                    const v1::RecordWrittenOutcomeRequest* req,
                                    v1::CommandResult* resp) override;
  grpc::Status ReassignOfficer(grpc::ServerContext* ctx,
                               const v1::ReassignApplicationOfficerRequest* req,
                               v1::CommandResult* resp) override;
  grpc::Status GetApplication(grpc::ServerContext* ctx,
                              const v1::GetApplicationRequest* req,
                              v1::TransportApplication* resp) override;
  grpc::Status ListApplications(grpc::ServerContext* ctx,
                                const v1::ListApplicationsRequest* req,
                                v1::ListApplicationsResponse* resp) override;

 private:
  Env EnvOn(Date today) const;
  absl::Status AttachReason(v1::TransportApplication* a);

  EventStore& store_;
  const Clock& clock_;
  const Calendar& calendar_;
  const ServiceOptions options_;
  const host::EndpointCore core_;
  const host::CommandEndpoint<Traits> commands_;
};

}  // namespace casework::transport

#endif  // CASEWORK_SERVICES_TRANSPORT_TRANSPORT_SERVICE_H_
