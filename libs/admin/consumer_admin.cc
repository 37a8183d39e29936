#include "libs/admin/consumer_admin.h"

#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"

namespace casework::admin {
namespace {
constexpr char kService[] = "/casework.v1.ConsumerAdminService/";
}  // namespace

v1::ConsumerStatus ToProto(const std::string& name,
                           const kafka::RuntimeStatus& s) {
  v1::ConsumerStatus out;
  out.set_name(name);
  out.set_serving(s.serving);
  out.set_reason(s.reason);
  out.set_lag(s.lag);
  for (const auto& [tp, p] : s.partitions) {
    v1::PartitionStatus* ps = out.add_partitions();
    ps->set_topic(tp.first);
    ps->set_partition(tp.second);
    ps->set_next_offset(p.next);
    ps->set_end_offset(p.end);
    ps->set_lag(p.lag());
  }
  out.set_applied(s.applied);
  out.set_dead_lettered(s.dead_lettered);
  out.set_retries(s.retries);
  if (s.gone.has_value()) {
    out.set_missing_topic(s.gone->first);
    out.set_missing_partition(s.gone->second);
    out.set_missing_from(s.missing_from);
    out.set_missing_to(s.missing_to);
  }
  return out;
}

grpc::Status ConsumerAdminServiceImpl::GetConsumerStatus(
    grpc::ServerContext* ctx, const v1::GetConsumerStatusRequest*,
    v1::ConsumerStatus* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, absl::StrCat(kService, "GetConsumerStatus"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (runtime_ == nullptr) {
    resp->set_name(name_);
    resp->set_reason("consuming nothing (no --brokers)");
  } else {
    *resp = ToProto(name_, runtime_->Status());
  }
  if (repair_ != nullptr) {
    const auto [held, parked] = repair_->Counts();
    resp->set_held_streams(held);
    resp->set_parked_streams(parked);
  }
  return grpc::Status::OK;
}

grpc::Status ConsumerAdminServiceImpl::ListParkedStreams(
    grpc::ServerContext* ctx, const v1::ListParkedStreamsRequest* req,
    v1::ListParkedStreamsResponse* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, absl::StrCat(kService, "ListParkedStreams"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (req->page_size() < 0 || req->page_size() > 1000) {
    return ToGrpcStatus(FieldError("page_size", "must be from 0 to 1000"));
  }
  if (repair_ == nullptr) return grpc::Status::OK;
  const size_t limit = req->page_size() == 0 ? 100 : req->page_size();
  absl::StatusOr<std::vector<v1::ParkedStream>> parked =
      repair_->Parked(limit + 1);
  if (!parked.ok()) return ToGrpcStatus(parked.status());
  for (v1::ParkedStream& p : *parked) {
    if (static_cast<size_t>(resp->streams_size()) == limit) {
      resp->set_truncated(true);
      break;
    }
    *resp->add_streams() = std::move(p);
  }
  if (audit_ != nullptr) {
    std::vector<audit::Read> reads;
    for (const v1::ParkedStream& p : resp->streams()) {
      if (!p.child_id().empty()) reads.push_back({p.child_id(), p.stream_id()});
    }
    absl::Status audited = audit_->Record(
        *who, absl::StrCat(kService, "ListParkedStreams"), reads);
    if (!audited.ok()) {
      resp->Clear();
      return ToGrpcStatus(audited);
    }
  }
  return grpc::Status::OK;
}

grpc::Status ConsumerAdminServiceImpl::RetryStream(
    grpc::ServerContext* ctx, const v1::RetryStreamRequest* req,
    v1::RetryStreamResponse*) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, absl::StrCat(kService, "RetryStream"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (absl::Status s = ValidateId("source", req->source()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (absl::Status s = ValidateId("stream_id", req->stream_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (repair_ == nullptr) {
    return ToGrpcStatus(absl::NotFoundError(
        absl::StrCat(name_, " keeps no streams: nothing to retry")));
  }
  LogInfo("retry of a parked stream requested", {{"actor", who->subject},
                                                 {"source", req->source()},
                                                 {"stream", req->stream_id()}});
  absl::Status retried = repair_->Retry(req->source(), req->stream_id());
  if (!retried.ok()) return ToGrpcStatus(retried);
  return grpc::Status::OK;
}

grpc::Status ConsumerAdminServiceImpl::ResumeConsumer(
    grpc::ServerContext* ctx, const v1::ResumeConsumerRequest*,
    v1::ResumeConsumerResponse* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, absl::StrCat(kService, "ResumeConsumer"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (runtime_ == nullptr) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        absl::StrCat(name_, " consumes nothing (no --brokers)")));
  }
  const kafka::RuntimeStatus before = runtime_->Status();
  absl::Status resumed = runtime_->Resume();
  if (!resumed.ok()) return ToGrpcStatus(resumed);
  if (!before.gone.has_value()) return grpc::Status::OK;
  LogWarn("resume of a partition with missing history requested",
          {{"actor", who->subject},
           {"topic", before.gone->first},
           {"partition", std::to_string(before.gone->second)}});
  resp->set_topic(before.gone->first);
  resp->set_partition(before.gone->second);
  return grpc::Status::OK;
}

}  // namespace casework::admin
