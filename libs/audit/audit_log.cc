#include "libs/audit/audit_log.h"

#include <google/protobuf/util/time_util.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/codec.h"
#include "libs/core/grpc_status.h"
#include "libs/core/log.h"
#include "libs/core/rocks_db.h"
#include "libs/core/rocks_status.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"

namespace casework::audit {
namespace {

std::string BE64(int64_t v) {
  return codec::BigEndian64(static_cast<uint64_t>(v));
}
int64_t FromBE64(absl::string_view s) {
  return static_cast<int64_t>(codec::ReadBigEndian64(s));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& dir,
                                                         const Clock& clock) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.info_log = ProcessLogForRocks("audit log");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);  // RocksDB logs a miss
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the audit log at ", dir, ": ", s.ToString()));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  int64_t last = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev("F");
  if (it->Valid() && it->key().starts_with("E")) {
    last =
        FromBE64(absl::string_view(it->key().data() + 1, it->key().size() - 1));
  }
  it.reset();
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(db), clock, last));
}

AuditLog::AuditLog(std::unique_ptr<rocksdb::DB> db, const Clock& clock,
                   int64_t last)
    : db_(std::move(db)), clock_(clock), last_sequence_(last) {}

AuditLog::~AuditLog() { db_->Close().PermitUncheckedError(); }

absl::Status AuditLog::Record(const auth::Principal& who,
                              const std::string& method,
                              const std::vector<Read>& reads) {
  if (reads.empty()) return absl::OkStatus();
  int64_t first;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first = last_sequence_ + 1;
    last_sequence_ += static_cast<int64_t>(reads.size());
  }
  const absl::Time now = clock_.Now();
  rocksdb::WriteBatch batch;
  int64_t seq = first;
  for (const Read& read : reads) {
    v1::AuditEntry e;
    e.set_sequence(seq);
    *e.mutable_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(now));
    e.set_actor(who.subject);
    e.set_roles(auth::RoleNames(who.roles));
    e.set_method(method);
    e.set_child_id(read.child_id);
    e.set_record_id(read.record_id);
    const std::string key = BE64(seq);
    batch.Put(absl::StrCat("E", key), e.SerializeAsString())
        .PermitUncheckedError();
    batch.Put(absl::StrCat("C", read.child_id, std::string(1, '\0'), key), "")
        .PermitUncheckedError();
    batch.Put(absl::StrCat("A", who.subject, std::string(1, '\0'), key), "")
        .PermitUncheckedError();
    ++seq;
  }
  // Concurrent synced writes share one fsync (RocksDB write groups).
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return FromRocks(db_->Write(sync, &batch), "audit log write");
}

absl::Status AuditLog::RecordRefusal(v1::AuditEntry entry) {
  int64_t seq;
  {
    std::lock_guard<std::mutex> lock(mu_);
    seq = ++last_sequence_;
  }
  entry.set_sequence(seq);
  *entry.mutable_at() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(clock_.Now()));
  entry.set_outcome("refused");
  const std::string key = BE64(seq);
  rocksdb::WriteBatch batch;
  batch.Put(absl::StrCat("E", key), entry.SerializeAsString())
      .PermitUncheckedError();
  batch.Put(absl::StrCat("R", key), "").PermitUncheckedError();
  if (!entry.actor().empty()) {
    batch.Put(absl::StrCat("A", entry.actor(), std::string(1, '\0'), key), "")
        .PermitUncheckedError();
  }
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return FromRocks(db_->Write(sync, &batch), "audit log write");
}

absl::Status AuditLog::Checkpoint(const std::string& dir) {
  return RocksCheckpoint(*db_, dir, "audit log");
}

RefusalSink RefusalsTo(AuditLog& log) {
  return [&log](const Refusal& r) {
    v1::AuditEntry e;
    e.set_method(r.method);
    e.set_actor(r.actor);
    e.set_roles(r.roles);
    e.set_request_id(r.request_id);
    e.set_target(r.target);
    e.set_reason(absl::StrCat(r.code, ": ", r.reason));
    absl::Status recorded = log.RecordRefusal(std::move(e));
    if (!recorded.ok()) {
      LogError("refusal not audited", {{"reason", recorded.ToString()}});
    }
  };
}

absl::StatusOr<v1::ListAuditEntriesResponse> AuditLog::List(
    const v1::ListAuditEntriesRequest& req) {
  if (!req.child_id().empty())
    RETURN_IF_ERROR(ValidateId("child_id", req.child_id()));
  if (!req.actor().empty() && req.actor().size() > 256)
    return FieldError("actor", "must be at most 256 characters");
  if (req.page_size() < 0)
    return FieldError("page_size", "must not be negative");
  int64_t before = INT64_MAX;
  if (!req.page_token().empty() &&
      (!absl::SimpleAtoi(req.page_token(), &before) || before < 1)) {
    return FieldError("page_token", "is not a token this query returned");
  }
  const int page = req.page_size() == 0 ? 100 : std::min(1000, req.page_size());
  // Newest first over the narrowest index.
  std::string prefix = "E";
  if (req.refusals()) {
    prefix = "R";
  } else if (!req.child_id().empty()) {
    prefix = absl::StrCat("C", req.child_id(), std::string(1, '\0'));
  } else if (!req.actor().empty()) {
    prefix = absl::StrCat("A", req.actor(), std::string(1, '\0'));
  }
  v1::ListAuditEntriesResponse out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  const std::string start =
      absl::StrCat(prefix, BE64(before == INT64_MAX ? INT64_MAX : before - 1));
  for (it->SeekForPrev(start); it->Valid() && it->key().starts_with(prefix);
       it->Prev()) {
    const absl::string_view key(it->key().data(), it->key().size());
    const int64_t seq = FromBE64(key.substr(prefix.size()));
    std::string value;
    if (prefix == "E") {
      value.assign(it->value().data(), it->value().size());
    } else {
      RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(),
                                         absl::StrCat("E", BE64(seq)), &value),
                                "audit log read"));
    }
    v1::AuditEntry e;
    if (!e.ParseFromString(value))
      return absl::DataLossError("corrupt audit entry");
    if (!req.actor().empty() && e.actor() != req.actor()) continue;
    if (out.entries_size() == page) {
      out.set_next_page_token(absl::StrCat(out.entries(page - 1).sequence()));
      break;
    }
    *out.add_entries() = std::move(e);
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "audit log read"));
  return out;
}

grpc::Status AuditServiceImpl::ListAuditEntries(
    grpc::ServerContext* ctx, const v1::ListAuditEntriesRequest* req,
    v1::ListAuditEntriesResponse* resp) {
  absl::StatusOr<auth::Principal> who =
      authorizer_.Authorize(*ctx, "/casework.v1.AuditService/ListAuditEntries");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<v1::ListAuditEntriesResponse> result = log_.List(*req);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *resp = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace casework::audit
