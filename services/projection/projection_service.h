// ProjectionServiceImpl: the gRPC adapter of the projection (queries only).
// Every call is authorized (libs/auth policy: worklists and scorecards for the
// officer and the managers of the officer's team); timeline reads are written
// to the audit log before they are returned.
// Thread safety: thread-safe.
#ifndef CASEWORK_SERVICES_PROJECTION_PROJECTION_SERVICE_H_
#define CASEWORK_SERVICES_PROJECTION_PROJECTION_SERVICE_H_

#include <atomic>

#include "casework/v1/projection.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/clock.h"
#include "services/projection/projection.h"

namespace casework::projection {

class ProjectionServiceImpl final : public v1::ProjectionService::Service {
 public:
  ProjectionServiceImpl(Projection& projection, const Clock& clock,
                        const auth::Authorizer& authorizer,
                        audit::AuditLog& audit)
      : projection_(projection),
        clock_(clock),
        authorizer_(authorizer),
        audit_(audit) {}

  grpc::Status GetTimeline(grpc::ServerContext* ctx,
                           const v1::GetTimelineRequest* req,
                           v1::Timeline* resp) override;
  grpc::Status GetWorklist(grpc::ServerContext* ctx,
                           const v1::GetWorklistRequest* req,
                           v1::Worklist* resp) override;
  grpc::Status GetOfficerScorecard(grpc::ServerContext* ctx,
                                   const v1::GetOfficerScorecardRequest* req,
                                   v1::OfficerScorecard* resp) override;
  grpc::Status GetTeamScorecard(grpc::ServerContext* ctx,
                                const v1::GetTeamScorecardRequest* req,
                                v1::TeamScorecard* resp) override;
  grpc::Status GetExceptionReport(grpc::ServerContext* ctx,
                                  const v1::GetExceptionReportRequest* req,
                                  v1::ExceptionReport* resp) override;
  grpc::Status GetTrend(grpc::ServerContext* ctx,
                        const v1::GetTrendRequest* req,
                        v1::Trend* resp) override;
  grpc::Status GetAtRisk(grpc::ServerContext* ctx,
                         const v1::GetAtRiskRequest* req,
                         v1::AtRiskReport* resp) override;
  grpc::Status GetForecastBackTest(grpc::ServerContext* ctx,
                                   const v1::GetForecastBackTestRequest* req,
                                   v1::ForecastBackTest* resp) override;
  grpc::Status GetLaScorecard(grpc::ServerContext* ctx,
                              const v1::GetLaScorecardRequest* req,
                              v1::LaScorecard* resp) override;

  // How long a query waits for the writes it names (read-your-writes).
  void set_consistency_wait(absl::Duration d) { consistency_wait_ = d; }
  // How many queries may wait for their writes at once; one more is
  // RESOURCE_EXHAUSTED at once (each waiting query holds a server thread).
  void set_max_waiting(int n) { max_waiting_ = n; }
  // Queries waiting for their writes now.
  int waiting() const { return waiting_.load(); }

 private:
  // OK once every write in `after` is applied (woken by the consumer's
  // batches); FAILED_PRECONDITION when the wait runs out; RESOURCE_EXHAUSTED
  // when max_waiting queries are already waiting.
  absl::Status WaitFor(
      const google::protobuf::RepeatedPtrField<v1::SeenWrite>& after);

  Projection& projection_;
  absl::Duration consistency_wait_ = absl::Seconds(5);
  int max_waiting_ = 16;
  std::atomic<int> waiting_{0};
  const Clock& clock_;
  const auth::Authorizer& authorizer_;
  audit::AuditLog& audit_;
};

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_PROJECTION_SERVICE_H_
