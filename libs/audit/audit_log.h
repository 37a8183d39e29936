// AuditLog: the append-only record of who read which child's record, in its
// own RocksDB (beside the service's data, never in the event log or on Kafka),
// and AuditServiceImpl, the admin query over it.
//
// A read is recorded (WAL synced) before its data is returned; if the record
// cannot be written the read fails with UNAVAILABLE. Entries are never updated
// or deleted by the service.
//
// Refused calls are recorded too (RecordRefusal), so an admin sees who tried
// what and why it was refused.
//
// Keys: E<seq> -> AuditEntry; C<child>\0<seq>, A<actor>\0<seq> and R<seq>
// (refusals) -> "" for queries by child, by actor and of refusals (seq
// big-endian).
//
// Thread safety: thread-safe.
#ifndef CASEWORK_LIBS_AUDIT_AUDIT_LOG_H_
#define CASEWORK_LIBS_AUDIT_AUDIT_LOG_H_

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/audit.grpc.pb.h"
#include "libs/auth/authorizer.h"
#include "libs/core/clock.h"
#include "libs/rpc/observe.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace casework::audit {

// One child's record read: the child and the record named (may be empty).
struct Read {
  std::string child_id;
  std::string record_id;
};

class AuditLog {
 public:
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& dir,
                                                        const Clock& clock);
  ~AuditLog();

  absl::Status Record(const auth::Principal& who, const std::string& method,
                      const std::vector<Read>& reads);
  // A refused call: `entry` names the method, actor, roles, reason, request
  // id and target; the log sets the sequence, the time and outcome
  // "refused". Synced like a read.
  absl::Status RecordRefusal(v1::AuditEntry entry);
  // A consistent copy of the audit log in `dir` (must not exist).
  absl::Status Checkpoint(const std::string& dir);
  absl::StatusOr<v1::ListAuditEntriesResponse> List(
      const v1::ListAuditEntriesRequest& request);

 private:
  AuditLog(std::unique_ptr<rocksdb::DB> db, const Clock& clock, int64_t last);
  std::unique_ptr<rocksdb::DB> db_;
  const Clock& clock_;
  std::mutex mu_;
  int64_t last_sequence_;
};

// The call observer's refusal sink that records each refusal in `log` (and
// logs an error when it cannot).
RefusalSink RefusalsTo(AuditLog& log);

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(AuditLog& log, const auth::Authorizer& authorizer)
      : log_(log), authorizer_(authorizer) {}
  grpc::Status ListAuditEntries(grpc::ServerContext* ctx,
                                const v1::ListAuditEntriesRequest* req,
                                v1::ListAuditEntriesResponse* resp) override;

 private:
  AuditLog& log_;
  const auth::Authorizer& authorizer_;
};

}  // namespace casework::audit

#endif  // CASEWORK_LIBS_AUDIT_AUDIT_LOG_H_
