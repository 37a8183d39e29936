#include "services/annual-reviews/review_service.h"

#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"
#include "libs/core/status.h"
#include "libs/rpc/command.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"

namespace casework::reviews {
namespace {

std::string Method(absl::string_view rpc) {
  return absl::StrCat("/", v1::AnnualReviewService::service_full_name(), "/",
                      rpc);
}

}  // namespace

AnnualReviewServiceImpl::AnnualReviewServiceImpl(
    EventStore& store, const Clock& clock, const Calendar& calendar,
    const auth::Authorizer& authorizer, audit::AuditLog& audit,
    ServiceOptions options)
    : store_(store),
      clock_(clock),
      calendar_(calendar),
      authorizer_(authorizer),
      audit_(audit),
      options_(options),
      handler_(store, clock) {}

absl::StatusOr<v1::CommandResult> AnnualReviewServiceImpl::OpenFromFinalPlan(
    const FinalPlanIssuedFacts& facts) {
  const Env env{clock_.Today(), calendar_, options_.under5_months};
  return handler_.Execute(
      PlanIdForAssessment(facts.assessment_id),
      CommandContext{"annual-reviews", absl::StrCat("ehc:", facts.event_id),
                     RequestDigest("FinalPlanIntake", "annual-reviews",
                                   absl::StrCat(facts.event_id, "/",
                                                facts.assessment_id))},
      [&](const Plan& s, int64_t) { return Decide(s, facts, env); });
}

grpc::Status AnnualReviewServiceImpl::Run(
    grpc::ServerContext* ctx, absl::string_view rpc,
    const google::protobuf::Message& request, const std::string& plan_id,
    const DecideFn& decide, v1::CommandResult* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, Method(rpc));
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<CommandContext> context =
      PrepareCommand(authorizer_, *who, Method(rpc), request, "plan_id",
                     plan_id, clock_.Today());
  if (!context.ok()) return ToGrpcStatus(context.status());
  const Env env{clock_.Today(), calendar_, options_.under5_months};
  absl::StatusOr<v1::CommandResult> result = handler_.Execute(
      plan_id, *context,
      [&](const Plan& state, int64_t) { return decide(state, env); });
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status AnnualReviewServiceImpl::RegisterPlan(
    grpc::ServerContext* ctx, const v1::RegisterPlanRequest* req,
    v1::CommandResult* resp) {
  const std::string id = req->plan_id().empty() ? NewUuid() : req->plan_id();
  return Run(
      ctx, "RegisterPlan", *req, id,
      [&](const Plan& s, const Env& env) { return Decide(s, id, *req, env); },
      resp);
}

#define CASEWORK_REVIEW_COMMAND(Rpc, Request)                                  \
  grpc::Status AnnualReviewServiceImpl::Rpc(                                   \
      grpc::ServerContext* ctx, const Request* req, v1::CommandResult* resp) { \
    return Run(                                                                \
        ctx, #Rpc, *req, req->plan_id(),                                       \
        [&](const Plan& s, const Env& env) { return Decide(s, *req, env); },   \
        resp);                                                                 \
  }

CASEWORK_REVIEW_COMMAND(ReassignOfficer, v1::ReassignPlanOfficerRequest)
CASEWORK_REVIEW_COMMAND(ScheduleReviewMeeting, v1::ScheduleReviewMeetingRequest)
CASEWORK_REVIEW_COMMAND(RecordPapersSent, v1::RecordPapersSentRequest)
CASEWORK_REVIEW_COMMAND(RecordMeetingHeld, v1::RecordMeetingHeldRequest)
CASEWORK_REVIEW_COMMAND(RecordReviewDecision, v1::RecordReviewDecisionRequest)
CASEWORK_REVIEW_COMMAND(IssueAmendedPlan, v1::IssueAmendedPlanRequest)
CASEWORK_REVIEW_COMMAND(DecideNotToAmend, v1::DecideNotToAmendRequest)
CASEWORK_REVIEW_COMMAND(ProposeToCease, v1::ProposeToCeaseRequest)
CASEWORK_REVIEW_COMMAND(CeasePlan, v1::CeasePlanRequest)
CASEWORK_REVIEW_COMMAND(SetPhaseTransfer, v1::SetPhaseTransferRequest)
#undef CASEWORK_REVIEW_COMMAND

grpc::Status AnnualReviewServiceImpl::GetPlan(grpc::ServerContext* ctx,
                                              const v1::GetPlanRequest* req,
                                              v1::Plan* resp) {
  const std::string method = Method("GetPlan");
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(*ctx, method);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status valid = ValidateId("plan_id", req->plan_id());
  if (!valid.ok()) return ToGrpcStatus(valid);
  absl::StatusOr<CommandHandler<Traits>::Loaded> loaded =
      handler_.Load(req->plan_id());
  if (!loaded.ok()) return ToGrpcStatus(loaded.status());
  if (loaded->version == 0) {
    return ToGrpcStatus(
        absl::NotFoundError(absl::StrCat("plan_id: no plan ", req->plan_id())));
  }
  absl::Status audited =
      audit_.Record(*who, method, {{loaded->state.child_id(), req->plan_id()}});
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(loaded->state);
  return grpc::Status::OK;
}

grpc::Status AnnualReviewServiceImpl::ListPlans(grpc::ServerContext* ctx,
                                                const v1::ListPlansRequest* req,
                                                v1::ListPlansResponse* resp) {
  const std::string method = Method("ListPlans");
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
    reads.push_back({loaded->state.child_id(), id});
    *resp->add_plans() = std::move(loaded->state);
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

}  // namespace casework::reviews
