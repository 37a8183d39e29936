#include "services/transport/transport_service.h"

#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"
#include "libs/core/status.h"
#include "libs/rpc/command.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"

namespace casework::transport {
namespace {

std::string Method(absl::string_view rpc) {
  return absl::StrCat("/", v1::TransportService::service_full_name(), "/", rpc);
}

}  // namespace

TransportServiceImpl::TransportServiceImpl(EventStore& store,
                                           const Clock& clock,
                                           const Calendar& calendar,
                                           const auth::Authorizer& authorizer,
                                           audit::AuditLog& audit,
                                           ServiceOptions options)
    : store_(store),
      clock_(clock),
      calendar_(calendar),
      authorizer_(authorizer),
      audit_(audit),
      options_(std::move(options)),
      handler_(store, clock) {}

Env TransportServiceImpl::MakeEnv() const {
  return Env{clock_.Today(), calendar_, options_.decision_working_days,
             options_.term_starts};
}

grpc::Status TransportServiceImpl::Run(grpc::ServerContext* ctx,
                                       absl::string_view rpc,
                                       const google::protobuf::Message& request,
                                       const std::string& application_id,
                                       const DecideFn& decide,
                                       v1::CommandResult* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, Method(rpc));
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<CommandContext> context =
      PrepareCommand(authorizer_, *who, Method(rpc), request, "application_id",
                     application_id, clock_.Today());
  if (!context.ok()) return ToGrpcStatus(context.status());
  const Env env = MakeEnv();
  absl::StatusOr<v1::CommandResult> result = handler_.Execute(
      application_id, *context,
      [&](const Application& state, int64_t) { return decide(state, env); });
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status TransportServiceImpl::SubmitApplication(
    grpc::ServerContext* ctx, const v1::SubmitApplicationRequest* req,
    v1::CommandResult* resp) {
  const std::string id =
      req->application_id().empty() ? NewUuid() : req->application_id();
  return Run(
      ctx, "SubmitApplication", *req, id,
      [&](const Application& s, const Env& env) {
        return Decide(s, id, *req, env);
      },
      resp);
}

grpc::Status TransportServiceImpl::AssessEligibility(
    grpc::ServerContext* ctx, const v1::AssessEligibilityRequest* req,
    v1::EligibilityAssessment* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, Method("AssessEligibility"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<v1::EligibilityAssessment> a = Assess(req->facts(), MakeEnv());
  if (!a.ok()) return ToGrpcStatus(a.status());
  *resp = std::move(*a);
  return grpc::Status::OK;
}

#define CASEWORK_TRANSPORT_COMMAND(Rpc, Request)                               \
  grpc::Status TransportServiceImpl::Rpc(                                      \
      grpc::ServerContext* ctx, const Request* req, v1::CommandResult* resp) { \
    return Run(                                                                \
        ctx, #Rpc, *req, req->application_id(),                                \
        [&](const Application& s, const Env& env) {                            \
          return Decide(s, *req, env);                                         \
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
  const std::string method = Method("GetApplication");
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(*ctx, method);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status valid = ValidateId("application_id", req->application_id());
  if (!valid.ok()) return ToGrpcStatus(valid);
  absl::StatusOr<CommandHandler<Traits>::Loaded> loaded =
      handler_.Load(req->application_id());
  if (!loaded.ok()) return ToGrpcStatus(loaded.status());
  if (loaded->version == 0) {
    return ToGrpcStatus(absl::NotFoundError(absl::StrCat(
        "application_id: no application ", req->application_id())));
  }
  absl::Status reason = AttachReason(&loaded->state);
  if (!reason.ok()) return ToGrpcStatus(reason);
  absl::Status audited = audit_.Record(
      *who, method, {{loaded->state.child_id(), req->application_id()}});
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(loaded->state);
  return grpc::Status::OK;
}

grpc::Status TransportServiceImpl::ListApplications(
    grpc::ServerContext* ctx, const v1::ListApplicationsRequest* req,
    v1::ListApplicationsResponse* resp) {
  const std::string method = Method("ListApplications");
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, method, req->officer_id());
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<Listing> listing =
      CheckListing(req->child_id(), req->officer_id(), req->page_size(),
                   req->page_token(), ChildIndexKey, OfficerIndexKey);
  if (!listing.ok()) return ToGrpcStatus(listing.status());
  const std::string& prefix = listing->prefix;
  const size_t page_size = listing->page_size;
  auto entries = store_.ScanIndex(prefix, listing->after, page_size + 1);
  if (!entries.ok()) return ToGrpcStatus(entries.status());
  std::vector<audit::Read> reads;
  for (size_t i = 0; i < entries->size() && i < page_size; ++i) {
    const std::string id = (*entries)[i].first.substr(prefix.size());
    absl::StatusOr<CommandHandler<Traits>::Loaded> loaded = handler_.Load(id);
    if (!loaded.ok()) return ToGrpcStatus(loaded.status());
    absl::Status reason = AttachReason(&loaded->state);
    if (!reason.ok()) return ToGrpcStatus(reason);
    reads.push_back({loaded->state.child_id(), id});
    *resp->add_applications() = std::move(loaded->state);
  }
  if (entries->size() > page_size)
    resp->set_next_page_token(EncodePageToken((*entries)[page_size - 1].first));
  absl::Status audited = audit_.Record(*who, method, reads);
  if (!audited.ok()) {
    resp->Clear();
    return ToGrpcStatus(audited);
  }
  return grpc::Status::OK;
}

}  // namespace casework::transport
