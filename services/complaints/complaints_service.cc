#include "services/complaints/complaints_service.h"

#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"
#include "libs/core/status.h"
#include "libs/rpc/command.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"

namespace casework::complaints {
namespace {

std::string Method(absl::string_view rpc) {
  return absl::StrCat("/", v1::ComplaintsService::service_full_name(), "/",
                      rpc);
}

}  // namespace

ComplaintsServiceImpl::ComplaintsServiceImpl(EventStore& store,
                                             const Clock& clock,
                                             const Calendar& calendar,
                                             const auth::Authorizer& authorizer,
                                             audit::AuditLog& audit,
                                             Timescales limits)
    : store_(store),
      clock_(clock),
      calendar_(calendar),
      authorizer_(authorizer),
      audit_(audit),
      limits_(limits),
      complaints_(store, clock),
      disagreements_(store, clock) {}

template <typename Traits, typename DecideFn>
grpc::Status ComplaintsServiceImpl::Run(
    grpc::ServerContext* ctx, absl::string_view rpc,
    const google::protobuf::Message& request, absl::string_view id_field,
    const std::string& id, CommandHandler<Traits>& handler,
    const DecideFn& decide, v1::CommandResult* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, Method(rpc));
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<CommandContext> context = PrepareCommand(
      authorizer_, *who, Method(rpc), request, id_field, id, clock_.Today());
  if (!context.ok()) return ToGrpcStatus(context.status());
  const Env env{clock_.Today(), calendar_, limits_};
  absl::StatusOr<v1::CommandResult> result = handler.Execute(
      id, *context, [&](const typename Traits::State& state, int64_t) {
        return decide(state, env);
      });
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status ComplaintsServiceImpl::LogComplaint(
    grpc::ServerContext* ctx, const v1::LogComplaintRequest* req,
    v1::CommandResult* resp) {
  const std::string id =
      req->complaint_id().empty() ? NewUuid() : req->complaint_id();
  return Run(
      ctx, "LogComplaint", *req, "complaint_id", id, complaints_,
      [&](const Complaint& s, const Env& env) {
        return Decide(s, id, *req, env);
      },
      resp);
}

grpc::Status ComplaintsServiceImpl::RecordDisagreement(
    grpc::ServerContext* ctx, const v1::RecordDisagreementRequest* req,
    v1::CommandResult* resp) {
  const std::string id =
      req->disagreement_id().empty() ? NewUuid() : req->disagreement_id();
  return Run(
      ctx, "RecordDisagreement", *req, "disagreement_id", id, disagreements_,
      [&](const Disagreement& s, const Env& env) {
        return Decide(s, id, *req, env);
      },
      resp);
}

grpc::Status ComplaintsServiceImpl::RecordTribunalOrder(
    grpc::ServerContext* ctx, const v1::RecordTribunalOrderRequest* req,
    v1::CommandResult* resp) {
  const std::string order =
      req->order_id().empty() ? NewUuid() : req->order_id();
  return Run(
      ctx, "RecordTribunalOrder", *req, "disagreement_id",
      req->disagreement_id(), disagreements_,
      [&](const Disagreement& s, const Env& env) {
        return Decide(s, order, *req, env);
      },
      resp);
}

#define CASEWORK_COMPLAINT_COMMAND(Rpc, Request)                               \
  grpc::Status ComplaintsServiceImpl::Rpc(                                     \
      grpc::ServerContext* ctx, const Request* req, v1::CommandResult* resp) { \
    return Run(                                                                \
        ctx, #Rpc, *req, "complaint_id", req->complaint_id(), complaints_,     \
        [&](const Complaint& s, const Env& env) {                              \
          return Decide(s, *req, env);                                         \
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
    return Run(                                                                \
        ctx, #Rpc, *req, "disagreement_id", req->disagreement_id(),            \
        disagreements_,                                                        \
        [&](const Disagreement& s, const Env& env) {                           \
          return Decide(s, *req, env);                                         \
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
  const std::string method = Method("GetComplaint");
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(*ctx, method);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status valid = ValidateId("complaint_id", req->complaint_id());
  if (!valid.ok()) return ToGrpcStatus(valid);
  auto loaded = complaints_.Load(req->complaint_id());
  if (!loaded.ok()) return ToGrpcStatus(loaded.status());
  if (loaded->state.complaint_id().empty()) {
    return ToGrpcStatus(absl::NotFoundError(
        absl::StrCat("complaint_id: no complaint ", req->complaint_id())));
  }
  absl::Status audited = audit_.Record(
      *who, method, {{loaded->state.child_id(), req->complaint_id()}});
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(loaded->state);
  return grpc::Status::OK;
}

grpc::Status ComplaintsServiceImpl::GetDisagreement(
    grpc::ServerContext* ctx, const v1::GetDisagreementRequest* req,
    v1::Disagreement* resp) {
  const std::string method = Method("GetDisagreement");
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(*ctx, method);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status valid = ValidateId("disagreement_id", req->disagreement_id());
  if (!valid.ok()) return ToGrpcStatus(valid);
  auto loaded = disagreements_.Load(req->disagreement_id());
  if (!loaded.ok()) return ToGrpcStatus(loaded.status());
  if (loaded->state.disagreement_id().empty()) {
    return ToGrpcStatus(absl::NotFoundError(absl::StrCat(
        "disagreement_id: no disagreement ", req->disagreement_id())));
  }
  absl::Status audited = audit_.Record(
      *who, method, {{loaded->state.child_id(), req->disagreement_id()}});
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(loaded->state);
  return grpc::Status::OK;
}

grpc::Status ComplaintsServiceImpl::ListComplaints(
    grpc::ServerContext* ctx, const v1::ListComplaintsRequest* req,
    v1::ListComplaintsResponse* resp) {
  const std::string method = Method("ListComplaints");
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
    const std::string key = (*entries)[i].first.substr(prefix.size());
    const std::string id = key.substr(2);
    if (key.rfind("c:", 0) == 0) {
      auto loaded = complaints_.Load(id);
      if (!loaded.ok()) return ToGrpcStatus(loaded.status());
      reads.push_back({loaded->state.child_id(), id});
      *resp->add_complaints() = std::move(loaded->state);
    } else {
      auto loaded = disagreements_.Load(id);
      if (!loaded.ok()) return ToGrpcStatus(loaded.status());
      reads.push_back({loaded->state.child_id(), id});
      *resp->add_disagreements() = std::move(loaded->state);
    }
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

}  // namespace casework::complaints
