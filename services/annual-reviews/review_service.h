// AnnualReviewServiceImpl: the gRPC adapter of the annual reviews service, the
// same shape as the EHC service's: authorize (libs/auth policy), validate the
// envelope, run the pure core through CommandHandler, audit reads of plans.
//
// Thread safety: thread-safe.
#ifndef CASEWORK_SERVICES_ANNUAL_REVIEWS_REVIEW_SERVICE_H_
#define CASEWORK_SERVICES_ANNUAL_REVIEWS_REVIEW_SERVICE_H_

#include "casework/v1/annual_review.grpc.pb.h"
#include "libs/audit/audit_log.h"
#include "libs/auth/authorizer.h"
#include "libs/core/calendar.h"
#include "libs/core/clock.h"
#include "libs/eventstore/command_handler.h"
#include "libs/eventstore/event_store.h"
#include "libs/host/endpoint.h"
#include "services/annual-reviews/review.h"

namespace casework::reviews {

struct ServiceOptions {
  int under5_months = 6;  // review interval for children under 5
};

class AnnualReviewServiceImpl final : public v1::AnnualReviewService::Service {
 public:
  AnnualReviewServiceImpl(EventStore& store, const Clock& clock,
                          const Calendar& calendar,
                          const auth::Authorizer& authorizer,
                          audit::AuditLog& audit, ServiceOptions options = {});

  // Registers the plan a FinalPlanIssued event of the EHC topic announces.
  // Idempotent by the event id: a re-delivery writes nothing.
  absl::StatusOr<v1::CommandResult> OpenFromFinalPlan(
      const FinalPlanIssuedFacts& facts);

  // Records a school event of a child on the child's active plan (request id
  // "school:" + the record id, so a re-delivery writes nothing). NOT_FOUND
  // when the child has no active plan here; the decision's errors otherwise.
  absl::StatusOr<v1::CommandResult> TakeSchoolEvent(
      const v1::SchoolEventRecord& record);

  grpc::Status RegisterPlan(grpc::ServerContext* ctx,
                            const v1::RegisterPlanRequest* req,
                            v1::CommandResult* resp) override;
  grpc::Status ReassignOfficer(grpc::ServerContext* ctx,
                               const v1::ReassignPlanOfficerRequest* req,
                               v1::CommandResult* resp) override;
  grpc::Status ScheduleReviewMeeting(
      grpc::ServerContext* ctx, const v1::ScheduleReviewMeetingRequest* req,
      v1::CommandResult* resp) override;
  grpc::Status RecordPapersSent(grpc::ServerContext* ctx,
                                const v1::RecordPapersSentRequest* req,
                                v1::CommandResult* resp) override;
  grpc::Status RecordMeetingHeld(grpc::ServerContext* ctx,
                                 const v1::RecordMeetingHeldRequest* req,
                                 v1::CommandResult* resp) override;
  grpc::Status RecordReviewDecision(grpc::ServerContext* ctx,
                                    const v1::RecordReviewDecisionRequest* req,
                                    v1::CommandResult* resp) override;
  grpc::Status IssueAmendedPlan(grpc::ServerContext* ctx,
                                const v1::IssueAmendedPlanRequest* req,
                                v1::CommandResult* resp) override;
  grpc::Status DecideNotToAmend(grpc::ServerContext* ctx,
                                const v1::DecideNotToAmendRequest* req,
                                v1::CommandResult* resp) override;
  grpc::Status ProposeToCease(grpc::ServerContext* ctx,
                              const v1::ProposeToCeaseRequest* req,
                              v1::CommandResult* resp) override;
  grpc::Status CeasePlan(grpc::ServerContext* ctx,
                         const v1::CeasePlanRequest* req,
                         v1::CommandResult* resp) override;
  grpc::Status SetPhaseTransfer(grpc::ServerContext* ctx,
                                const v1::SetPhaseTransferRequest* req,
                                v1::CommandResult* resp) override;
  grpc::Status RecordPlacement(grpc::ServerContext* ctx,
                               const v1::RecordPlacementRequest* req,
                               v1::CommandResult* resp) override;
  grpc::Status AuditPlan(grpc::ServerContext* ctx,
                         const v1::AuditPlanRequest* req,
                         v1::CommandResult* resp) override;
  grpc::Status CompleteAuditAction(grpc::ServerContext* ctx,
                                   const v1::CompleteAuditActionRequest* req,
                                   v1::CommandResult* resp) override;
  grpc::Status DecideEarlyReview(grpc::ServerContext* ctx,
                                 const v1::DecideEarlyReviewRequest* req,
                                 v1::CommandResult* resp) override;
  grpc::Status DrawSample(grpc::ServerContext* ctx,
                          const v1::DrawSampleRequest* req,
                          v1::DrawSampleResponse* resp) override;
  grpc::Status GetQaFramework(grpc::ServerContext* ctx,
                              const v1::GetQaFrameworkRequest* req,
                              v1::QaFramework* resp) override;
  grpc::Status GetPlan(grpc::ServerContext* ctx, const v1::GetPlanRequest* req,
                       v1::Plan* resp) override;
  grpc::Status ListPlans(grpc::ServerContext* ctx,
                         const v1::ListPlansRequest* req,
                         v1::ListPlansResponse* resp) override;

 private:
  Env EnvOn(Date today) const {
    return Env{today, calendar_, options_.under5_months};
  }
  // The free text the plan keeps beside the log: audit actions'
  // descriptions and outcomes' wording.
  absl::Status AttachTexts(Plan& plan) const;
  // DrawSample for an authorized caller: draws and records the sample.
  absl::Status DrawSampleAs(const auth::Principal& who,
                            const v1::DrawSampleRequest& c,
                            v1::DrawSampleResponse* resp) const;

  const Clock& clock_;
  const Calendar& calendar_;
  const ServiceOptions options_;
  const host::EndpointCore core_;
  const host::CommandEndpoint<Traits> commands_;
};

}  // namespace casework::reviews

#endif  // CASEWORK_SERVICES_ANNUAL_REVIEWS_REVIEW_SERVICE_H_
