#include "services/projection/projection_service.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"

namespace casework::projection {
namespace {

std::string Method(absl::string_view rpc) {
  return absl::StrCat("/", v1::ProjectionService::service_full_name(), "/",
                      rpc);
}

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* resp) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace

absl::Status ProjectionServiceImpl::WaitFor(
    const google::protobuf::RepeatedPtrField<v1::SeenWrite>& after) {
  if (after.size() > 100) {
    return absl::InvalidArgumentError("after: at most 100 writes");
  }
  if (after.empty()) return absl::OkStatus();
  // A bounded number of reads may wait at once: each holds a server thread.
  if (waiting_.fetch_add(1) >= max_waiting_) {
    waiting_.fetch_sub(1);
    return absl::ResourceExhaustedError(
        absl::StrCat("after: ", max_waiting_,
                     " reads are already waiting for their writes to be "
                     "applied; retry shortly"));
  }
  absl::Status result = absl::OkStatus();
  for (const v1::SeenWrite& w : after) {
    if (!projection_.WaitForApplied(w.source(), w.stream_id(), w.version(),
                                    consistency_wait_)) {
      result = absl::FailedPreconditionError(
          absl::StrCat("after: ", w.source(), " ", w.stream_id(), " version ",
                       w.version(), " is not applied yet; retry"));
      break;
    }
  }
  waiting_.fetch_sub(1);
  return result;
}

grpc::Status ProjectionServiceImpl::GetTimeline(
    grpc::ServerContext* ctx, const v1::GetTimelineRequest* req,
    v1::Timeline* resp) {
  const std::string method = Method("GetTimeline");
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(*ctx, method);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status waited = WaitFor(req->after());
  if (!waited.ok()) return ToGrpcStatus(waited);
  absl::StatusOr<v1::Timeline> timeline = projection_.GetTimeline(*req);
  if (!timeline.ok()) return ToGrpcStatus(timeline.status());
  absl::Status audited = audit_.Record(*who, method, {{req->child_id(), ""}});
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(*timeline);
  return grpc::Status::OK;
}

grpc::Status ProjectionServiceImpl::GetWorklist(
    grpc::ServerContext* ctx, const v1::GetWorklistRequest* req,
    v1::Worklist* resp) {
  const std::string method = Method("GetWorklist");
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, method, req->officer_id());
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status waited = WaitFor(req->after());
  if (!waited.ok()) return ToGrpcStatus(waited);
  absl::StatusOr<v1::Worklist> worklist =
      projection_.GetWorklist(*req, clock_.Today());
  if (!worklist.ok()) return ToGrpcStatus(worklist.status());
  // A worklist names children: an audited read (each case once).
  std::vector<audit::Read> reads;
  std::set<std::pair<std::string, std::string>> seen;
  for (const v1::WorklistItem& item : worklist->items()) {
    if (seen.emplace(item.child_id(), item.stream_id()).second) {
      reads.push_back({item.child_id(), item.stream_id()});
    }
  }
  absl::Status audited = audit_.Record(*who, method, reads);
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(*worklist);
  return grpc::Status::OK;
}

grpc::Status ProjectionServiceImpl::GetOfficerScorecard(
    grpc::ServerContext* ctx, const v1::GetOfficerScorecardRequest* req,
    v1::OfficerScorecard* resp) {
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(
      *ctx, Method("GetOfficerScorecard"), req->officer_id());
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status waited = WaitFor(req->after());
  if (!waited.ok()) return ToGrpcStatus(waited);
  return Reply(projection_.GetOfficerScorecard(*req), resp);
}

grpc::Status ProjectionServiceImpl::GetTeamScorecard(
    grpc::ServerContext* ctx, const v1::GetTeamScorecardRequest* req,
    v1::TeamScorecard* resp) {
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(
      *ctx, Method("GetTeamScorecard"), "", req->team_id());
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status waited = WaitFor(req->after());
  if (!waited.ok()) return ToGrpcStatus(waited);
  return Reply(projection_.GetTeamScorecard(*req), resp);
}

namespace {

bool IsQualityMeasure(absl::string_view code) {
  return absl::StartsWith(code, "quality.");
}

// The LA's figures (la: true) are the head of service's; the QA role reads
// the LA's quality measures.
absl::Status CheckLaOrQuality(const auth::Principal& who, bool la,
                              absl::string_view measure) {
  if (!la || who.Has(auth::kHeadOfService)) return absl::OkStatus();
  if (who.Has(auth::kQa) && IsQualityMeasure(measure)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      who.Has(auth::kQa)
          ? "the QA role reads the LA's quality measures (quality.*) only"
          : "the LA's figures are for the head of service");
}

}  // namespace

grpc::Status ProjectionServiceImpl::GetExceptionReport(
    grpc::ServerContext* ctx, const v1::GetExceptionReportRequest* req,
    v1::ExceptionReport* resp) {
  const std::string method = Method("GetExceptionReport");
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, method, req->officer_id(), req->team_id());
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (absl::Status s = CheckLaOrQuality(*who, req->la(), req->measure());
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<v1::ExceptionReport> report =
      projection_.GetExceptionReport(*req);
  if (!report.ok()) return ToGrpcStatus(report.status());
  // The report names children: an audited read.
  std::vector<audit::Read> reads;
  for (const v1::ExceptionItem& x : report->items()) {
    reads.push_back({x.child_id(), x.stream_id()});
  }
  absl::Status audited = audit_.Record(*who, method, reads);
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(*report);
  return grpc::Status::OK;
}

grpc::Status ProjectionServiceImpl::GetTrend(grpc::ServerContext* ctx,
                                             const v1::GetTrendRequest* req,
                                             v1::Trend* resp) {
  absl::StatusOr<auth::Principal> who = authorizer_.Authorize(
      *ctx, Method("GetTrend"), req->officer_id(), req->team_id());
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (absl::Status s = CheckLaOrQuality(*who, req->la(), req->measure());
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  return Reply(projection_.GetTrend(*req, clock_.Today()), resp);
}

grpc::Status ProjectionServiceImpl::GetAtRisk(grpc::ServerContext* ctx,
                                              const v1::GetAtRiskRequest* req,
                                              v1::AtRiskReport* resp) {
  const std::string method = Method("GetAtRisk");
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, method, req->officer_id(), req->team_id());
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (req->la() && !who->Has(auth::kHeadOfService)) {
    return ToGrpcStatus(absl::PermissionDeniedError(
        "the LA's cases at risk are for the head of service"));
  }
  absl::StatusOr<v1::AtRiskReport> report =
      projection_.GetAtRisk(*req, clock_.Today());
  if (!report.ok()) return ToGrpcStatus(report.status());
  // The report names children: an audited read.
  std::vector<audit::Read> reads;
  for (const v1::AtRiskItem& x : report->items()) {
    reads.push_back({x.child_id(), x.stream_id()});
  }
  absl::Status audited = audit_.Record(*who, method, reads);
  if (!audited.ok()) return ToGrpcStatus(audited);
  *resp = std::move(*report);
  return grpc::Status::OK;
}

grpc::Status ProjectionServiceImpl::GetForecastBackTest(
    grpc::ServerContext* ctx, const v1::GetForecastBackTestRequest* req,
    v1::ForecastBackTest* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, Method("GetForecastBackTest"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  return Reply(projection_.GetForecastBackTest(*req, clock_.Today()), resp);
}

grpc::Status ProjectionServiceImpl::GetLaScorecard(
    grpc::ServerContext* ctx, const v1::GetLaScorecardRequest* req,
    v1::LaScorecard* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, Method("GetLaScorecard"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status waited = WaitFor(req->after());
  if (!waited.ok()) return ToGrpcStatus(waited);
  grpc::Status replied = Reply(projection_.GetLaScorecard(*req), resp);
  if (replied.ok() && !who->Has(auth::kHeadOfService)) {
    // The QA role: the quality measures, and nothing more.
    auto keep_quality = [](v1::OfficerScorecard* card) {
      v1::OfficerScorecard kept;
      kept.set_officer_id(card->officer_id());
      *kept.mutable_from() = card->from();
      *kept.mutable_to() = card->to();
      *kept.mutable_as_of() = card->as_of();
      for (const v1::Measure& m : card->measures()) {
        if (IsQualityMeasure(m.code())) *kept.add_measures() = m;
      }
      *card = std::move(kept);
    };
    for (v1::TeamTotals& t : *resp->mutable_teams()) {
      keep_quality(t.mutable_totals());
    }
    keep_quality(resp->mutable_totals());
  }
  return replied;
}

}  // namespace casework::projection
