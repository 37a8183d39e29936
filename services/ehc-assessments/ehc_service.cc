#include "services/ehc-assessments/ehc_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/grpc_status.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/rpc/command.h"
#include "libs/rpc/listing.h"

namespace casework::ehc {
namespace {

// Adds the free text the service keeps out of events (adviser names, notes).
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
    }
  }
  return absl::OkStatus();
}

std::string Method(absl::string_view rpc) {
  return absl::StrCat("/", v1::EhcAssessmentService::service_full_name(), "/",
                      rpc);
}

}  // namespace

EhcAssessmentServiceImpl::EhcAssessmentServiceImpl(
    EventStore& store, const Clock& clock, const Calendar& calendar,
    const auth::Authorizer& authorizer, audit::AuditLog& audit)
    : store_(store),
      clock_(clock),
      calendar_(calendar),
      authorizer_(authorizer),
      audit_(audit),
      handler_(store, clock) {}

grpc::Status EhcAssessmentServiceImpl::Run(
    grpc::ServerContext* ctx, absl::string_view rpc,
    const google::protobuf::Message& request, const std::string& assessment_id,
    const DecideFn& decide, v1::CommandResult* resp) {
  const absl::Time start = absl::Now();
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, Method(rpc));
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<CommandContext> context =
      PrepareCommand(authorizer_, *who, Method(rpc), request, "assessment_id",
                     assessment_id, clock_.Today());
  absl::StatusOr<v1::CommandResult> result = absl::UnknownError("not run");
  if (!context.ok()) {
    result = context.status();
  } else {
    const Env env{clock_.Today(), calendar_};
    result = handler_.Execute(
        assessment_id, *context,
        [&](const Assessment& state, int64_t) { return decide(state, env); });
  }
  LogDebug(
      "rpc",
      {{"method", std::string(rpc)},
       {"code",
        result.ok() ? "OK" : absl::StatusCodeToString(result.status().code())},
       {"micros",
        std::to_string(absl::ToInt64Microseconds(absl::Now() - start))}});
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

grpc::Status EhcAssessmentServiceImpl::RecordRequest(
    grpc::ServerContext* ctx, const v1::RecordRequestRequest* req,
    v1::CommandResult* resp) {
  // A repeated request with a service-made id is answered from the request
  // record, before the new id would matter.
  const std::string id =
      req->assessment_id().empty() ? NewUuid() : req->assessment_id();
  return Run(
      ctx, "RecordRequest", *req, id,
      [&](const Assessment& s, const Env& env) {
        return Decide(s, id, *req, env);
      },
      resp);
}

#define CASEWORK_EHC_COMMAND(Rpc, Request)                                     \
  grpc::Status EhcAssessmentServiceImpl::Rpc(                                  \
      grpc::ServerContext* ctx, const Request* req, v1::CommandResult* resp) { \
    return Run(                                                                \
        ctx, #Rpc, *req, req->assessment_id(),                                 \
        [&](const Assessment& s, const Env& env) {                             \
          return Decide(s, *req, env);                                         \
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
  return Run(
      ctx, "RequestAdvice", *req, req->assessment_id(),
      [&](const Assessment& s, const Env& env) {
        return Decide(s, advice_id, *req, env);
      },
      resp);
}

grpc::Status EhcAssessmentServiceImpl::RecordException(
    grpc::ServerContext* ctx, const v1::RecordExceptionRequest* req,
    v1::CommandResult* resp) {
  const std::string exception_id = NewUuid();
  return Run(
      ctx, "RecordException", *req, req->assessment_id(),
      [&](const Assessment& s, const Env& env) {
        return Decide(s, exception_id, *req, env);
      },
      resp);
}

grpc::Status EhcAssessmentServiceImpl::GetAssessment(
    grpc::ServerContext* ctx, const v1::GetAssessmentRequest* req,
    v1::Assessment* resp) {
  const std::string method = Method("GetAssessment");
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(*ctx, method);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status valid = ValidateId("assessment_id", req->assessment_id());
  if (!valid.ok()) return ToGrpcStatus(valid);
  absl::StatusOr<CommandHandler<Traits>::Loaded> loaded =
      handler_.Load(req->assessment_id());
  if (!loaded.ok()) return ToGrpcStatus(loaded.status());
  if (loaded->version == 0) {
    return ToGrpcStatus(absl::NotFoundError(
        absl::StrCat("assessment_id: no assessment ", req->assessment_id())));
  }
  absl::Status texts = AttachTexts(store_, &loaded->state);
  if (!texts.ok()) return ToGrpcStatus(texts);
  absl::Status audited = audit_.Record(
      *who, method, {{loaded->state.child_id(), req->assessment_id()}});
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(loaded->state);
  return grpc::Status::OK;
}

grpc::Status EhcAssessmentServiceImpl::ListAssessments(
    grpc::ServerContext* ctx, const v1::ListAssessmentsRequest* req,
    v1::ListAssessmentsResponse* resp) {
  const std::string method = Method("ListAssessments");
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
  for (size_t i = 0; i < entries->size() && i < page_size; ++i) {
    const std::string id = (*entries)[i].first.substr(prefix.size());
    absl::StatusOr<CommandHandler<Traits>::Loaded> loaded = handler_.Load(id);
    if (!loaded.ok()) return ToGrpcStatus(loaded.status());
    absl::Status texts = AttachTexts(store_, &loaded->state);
    if (!texts.ok()) return ToGrpcStatus(texts);
    *resp->add_assessments() = std::move(loaded->state);
  }
  if (entries->size() > page_size)
    resp->set_next_page_token(EncodePageToken((*entries)[page_size - 1].first));
  std::vector<audit::Read> reads;
  for (const v1::Assessment& a : resp->assessments()) {
    reads.push_back({a.child_id(), a.assessment_id()});
  }
  absl::Status audited = audit_.Record(*who, method, reads);
  if (!audited.ok()) {
    resp->Clear();
    return ToGrpcStatus(audited);
  }
  return grpc::Status::OK;
}

}  // namespace casework::ehc
