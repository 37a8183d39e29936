#include "services/transport/transport_service.h"

#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"
#include "libs/core/status.h"
#include "libs/rpc/command.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"

namespace casework::transport {

TransportServiceImpl::TransportServiceImpl(EventStore& store,
                                           const Clock& clock,
                                           const Calendar& calendar,
                                           const auth::Authorizer& authorizer,
                                           audit::AuditLog& audit,
                                           ServiceOptions options)
    : store_(store),
      clock_(clock),
      calendar_(calendar),
      options_(std::move(options)),
      core_{v1::TransportService::service_full_name(), store, clock, authorizer,
            audit},
      commands_(core_) {}

Env TransportServiceImpl::EnvOn(Date today) const {
  return Env{today, calendar_, options_.decision_working_days,
             options_.term_starts};
}

grpc::Status TransportServiceImpl::SubmitApplication(
    grpc::ServerContext* ctx, const v1::SubmitApplicationRequest* req,
    v1::CommandResult* resp) {
  const std::string id =
      req->application_id().empty() ? NewUuid() : req->application_id();
  return commands_.Run(
      ctx, "SubmitApplication", *req, "application_id", id,
      [&](const Application& s, Date today) {
        return Decide(s, id, *req, EnvOn(today));
      },
      resp);
}

grpc::Status TransportServiceImpl::AssessEligibility(
    grpc::ServerContext* ctx, const v1::AssessEligibilityRequest* req,
    v1::EligibilityAssessment* resp) {
  absl::StatusOr<auth::Principal> who =
      core_.authorizer.Authorize(*ctx, core_.Method("AssessEligibility"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<v1::EligibilityAssessment> a =
      Assess(req->facts(), req->needed_from(), EnvOn(clock_.Today()));
  if (!a.ok()) return ToGrpcStatus(a.status());
  *resp = std::move(*a);
  return grpc::Status::OK;
}

#define CASEWORK_TRANSPORT_COMMAND(Rpc, Request)                               \
  grpc::Status TransportServiceImpl::Rpc(                                      \
      grpc::ServerContext* ctx, const Request* req, v1::CommandResult* resp) { \
    return commands_.Run(                                                      \
        ctx, #Rpc, *req, "application_id", req->application_id(),              \
        [&](const Application& s, Date today) {                                \
          return Decide(s, *req, EnvOn(today));                                \
        },                                                                     \
        resp);                                                                 \
  }

CASEWORK_TRANSPORT_COMMAND(RecordDecision, v1::RecordTransportDecisionRequest)
CASEWORK_TRANSPORT_COMMAND(ArrangeTransport, v1::ArrangeTransportRequest)
CASEWORK_TRANSPORT_COMMAND(ChangeArrangement, v1::ChangeArrangementRequest)
CASEWORK_TRANSPORT_COMMAND(EndArrangement, v1::EndArrangementRequest)
CASEWORK_TRANSPORT_COMMAND(RecordTravelTraining,
                           v1::RecordTravelTrainingRequest)
CASEWORK_TRANSPORT_COMMAND(RequestStage1Review, v1::RequestStage1ReviewRequest)
CASEWORK_TRANSPORT_COMMAND(RecordStage1Decision,
                           v1::RecordStage1DecisionRequest)
CASEWORK_TRANSPORT_COMMAND(RequestStage2Appeal, v1::RequestStage2AppealRequest)
CASEWORK_TRANSPORT_COMMAND(RecordPanelDecision, v1::RecordPanelDecisionRequest)
CASEWORK_TRANSPORT_COMMAND(RecordWrittenOutcome,
                           v1::RecordWrittenOutcomeRequest)
CASEWORK_TRANSPORT_COMMAND(ReassignOfficer,
                           v1::ReassignApplicationOfficerRequest)
#undef CASEWORK_TRANSPORT_COMMAND

absl::Status TransportServiceImpl::AttachReason(v1::TransportApplication* a) {
  ASSIGN_OR_RETURN(auto texts,
                   store_.ScanIndex(ReasonKey(a->application_id()), "", 1));
  for (const auto& [key, text] : texts) {
    if (key == ReasonKey(a->application_id())) a->set_decision_reason(text);
  }
  return absl::OkStatus();
}

grpc::Status TransportServiceImpl::GetApplication(
    grpc::ServerContext* ctx, const v1::GetApplicationRequest* req,
    v1::TransportApplication* resp) {
  return commands_.Get(ctx, "GetApplication", "application_id",
                       req->application_id(), "application", resp,
                       [this](Application& a) { return AttachReason(&a); });
}

grpc::Status TransportServiceImpl::ListApplications(
    grpc::ServerContext* ctx, const v1::ListApplicationsRequest* req,
    v1::ListApplicationsResponse* resp) {
  return host::ListCases(
      core_, ctx,
      {"ListApplications", req->child_id(), req->officer_id(), req->page_size(),
       req->page_token(), ChildIndexKey, OfficerIndexKey},
      [&](const std::string& id) -> absl::StatusOr<audit::Read> {
        ASSIGN_OR_RETURN(auto loaded,
                         commands_.Load(id, [this](Application& a) {
                           return AttachReason(&a);
                         }));
        v1::TransportApplication* a = resp->add_applications();
        *a = std::move(loaded.state);
        return audit::Read{a->child_id(), id};
      },
      resp->mutable_next_page_token(), resp);
}

}  // namespace casework::transport
