#include "libs/admin/admin_service.h"

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/core/grpc_status.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace casework::admin {

grpc::Status AdminServiceImpl::Republish(grpc::ServerContext* ctx,
                                         const v1::RepublishRequest* req,
                                         v1::RepublishResponse* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, "/casework.v1.AdminService/Republish");
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (req->from_position() < 1) {
    return ToGrpcStatus(FieldError("from_position", "must be 1 or more"));
  }
  const int64_t last = store_.LastPosition();
  if (req->from_position() > last + 1) {
    return ToGrpcStatus(FieldError(
        "from_position", absl::StrCat("is after the log's end (", last, ")")));
  }
  if (relay_ == nullptr) {
    return ToGrpcStatus(absl::FailedPreconditionError(
        "this service publishes nothing (no --brokers)"));
  }
  relay_->RepublishFrom(req->from_position());
  LogInfo("re-publish requested",
          {{"actor", who->subject},
           {"from", std::to_string(req->from_position())}});
  resp->set_from_position(req->from_position());
  resp->set_last_position(last);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* ctx,
                                      const v1::BackupRequest* req,
                                      v1::BackupResponse* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, "/casework.v1.AdminService/Backup");
  if (!who.ok()) return ToGrpcStatus(who.status());
  std::string name = req->name();
  if (name.empty()) {
    name = absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone());
  }
  bool plain = !name.empty() && name.size() <= 64 && name[0] != '.';
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      plain = false;
    }
  }
  if (!plain) {
    return ToGrpcStatus(FieldError(
        "name",
        "must be 1-64 characters of A-Z a-z 0-9 . _ - not starting with '.'"));
  }
  if (!backup_ || backup_root_.empty()) {
    return ToGrpcStatus(
        absl::FailedPreconditionError("this service has no --backup-dir"));
  }
  std::lock_guard<std::mutex> lock(backup_mu_);
  const std::string directory = absl::StrCat(backup_root_, "/", name);
  std::error_code ec;
  if (std::filesystem::exists(directory, ec)) {
    return ToGrpcStatus(absl::AlreadyExistsError(
        absl::StrCat("name: a backup '", name, "' already exists")));
  }
  absl::StatusOr<v1::BackupResponse> made = backup_(directory);
  if (!made.ok()) return ToGrpcStatus(made.status());
  LogInfo("backup written",
          {{"actor", who->subject},
           {"directory", directory},
           {"last_position", std::to_string(made->last_position())}});
  *resp = std::move(*made);
  return grpc::Status::OK;
}

}  // namespace casework::admin
