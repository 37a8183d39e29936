#include "services/annual-reviews/review_service.h"

#include "absl/strings/str_cat.h"
#include "libs/core/grpc_status.h"
#include "libs/core/status.h"
#include "libs/rpc/command.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"

namespace casework::reviews {

AnnualReviewServiceImpl::AnnualReviewServiceImpl(
    EventStore& store, const Clock& clock, const Calendar& calendar,
    const auth::Authorizer& authorizer, audit::AuditLog& audit,
    ServiceOptions options)
    : clock_(clock),
      calendar_(calendar),
      options_(options),
      core_{v1::AnnualReviewService::service_full_name(), store, clock,
            authorizer, audit},
      commands_(core_) {}

absl::StatusOr<v1::CommandResult> AnnualReviewServiceImpl::OpenFromFinalPlan(
    const FinalPlanIssuedFacts& facts) {
  const Env env = EnvOn(clock_.Today());
  return commands_.handler().Execute(
      PlanIdForAssessment(facts.assessment_id),
      CommandContext{"annual-reviews", absl::StrCat("ehc:", facts.event_id),
                     RequestDigest("FinalPlanIntake", "annual-reviews",
                                   absl::StrCat(facts.event_id, "/",
                                                facts.assessment_id))},
      [&](const Plan& s, int64_t) { return Decide(s, facts, env); });
}

grpc::Status AnnualReviewServiceImpl::RegisterPlan(
    grpc::ServerContext* ctx, const v1::RegisterPlanRequest* req,
    v1::CommandResult* resp) {
  const std::string id = req->plan_id().empty() ? NewUuid() : req->plan_id();
  return commands_.Run(
      ctx, "RegisterPlan", *req, "plan_id", id,
      [&](const Plan& s, Date today) {
        return Decide(s, id, *req, EnvOn(today));
      },
      resp);
}

#define CASEWORK_REVIEW_COMMAND(Rpc, Request)                                  \
  grpc::Status AnnualReviewServiceImpl::Rpc(                                   \
      grpc::ServerContext* ctx, const Request* req, v1::CommandResult* resp) { \
    return commands_.Run(                                                      \
        ctx, #Rpc, *req, "plan_id", req->plan_id(),                            \
        [&](const Plan& s, Date today) {                                       \
          return Decide(s, *req, EnvOn(today));                                \
        },                                                                     \
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
CASEWORK_REVIEW_COMMAND(RecordPlacement, v1::RecordPlacementRequest)
CASEWORK_REVIEW_COMMAND(CompleteAuditAction, v1::CompleteAuditActionRequest)
#undef CASEWORK_REVIEW_COMMAND

grpc::Status AnnualReviewServiceImpl::AuditPlan(grpc::ServerContext* ctx,
                                                const v1::AuditPlanRequest* req,
                                                v1::CommandResult* resp) {
  const std::string audit_id =
      req->audit_id().empty() ? NewUuid() : req->audit_id();
  return commands_.RunQa(
      ctx, "AuditPlan", *req, "plan_id", req->plan_id(),
      [&](const Plan& s, Date today,
          const auth::Principal& who) -> absl::StatusOr<ReviewDecision> {
        ASSIGN_OR_RETURN(
            std::string auditor,
            statutory::AuditorOf(who.Has(auth::kIntegration), who.officer_id,
                                 req->auditor_id()));
        v1::AuditPlanRequest c = *req;
        c.set_audit_id(audit_id);
        c.set_auditor_id(std::move(auditor));
        return Decide(s, c, EnvOn(today));
      },
      resp);
}

absl::Status AnnualReviewServiceImpl::AttachTexts(Plan& plan) const {
  const std::string prefix = PlanTextPrefix(plan.plan_id());
  std::string after;
  while (true) {
    ASSIGN_OR_RETURN(auto texts, core_.store.ScanIndex(prefix, after, 500));
    if (texts.empty()) return absl::OkStatus();
    for (const auto& [key, text] : texts) {
      for (v1::PlanOutcome& o : *plan.mutable_contents()->mutable_outcomes()) {
        if (key == OutcomeTextKey(plan.plan_id(), o.outcome_id())) {
          o.set_wording(text);
        }
      }
      for (v1::Audit& a : *plan.mutable_audits()) {
        for (v1::AuditAction& action : *a.mutable_actions()) {
          if (key ==
              AuditTextKey(plan.plan_id(), a.audit_id(), action.action_id())) {
            action.set_description(text);
          }
        }
      }
    }
    after = texts.back().first;
  }
}

grpc::Status AnnualReviewServiceImpl::GetQaFramework(
    grpc::ServerContext* ctx, const v1::GetQaFrameworkRequest*,
    v1::QaFramework* resp) {
  absl::StatusOr<auth::Principal> who =
      core_.authorizer.Authorize(*ctx, core_.Method("GetQaFramework"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  const statutory::QaFramework& f = statutory::QaFrameworkInUse();
  resp->set_name(f.name);
  resp->set_action_working_days(f.action_working_days);
  auto add = [](const statutory::Criterion& c, v1::QaCriterion* out) {
    out->set_criterion(c.id);
    out->set_label(c.label);
    out->set_wording(c.wording);
    out->set_source(c.source);
  };
  for (const auto& c : f.plan) add(c, resp->add_plan_criteria());
  for (const auto& c : f.advice) add(c, resp->add_advice_criteria());
  return grpc::Status::OK;
}

grpc::Status AnnualReviewServiceImpl::GetPlan(grpc::ServerContext* ctx,
                                              const v1::GetPlanRequest* req,
                                              v1::Plan* resp) {
  return commands_.Get(ctx, "GetPlan", "plan_id", req->plan_id(), "plan", resp,
                       [this](Plan& p) { return AttachTexts(p); });
}

grpc::Status AnnualReviewServiceImpl::ListPlans(grpc::ServerContext* ctx,
                                                const v1::ListPlansRequest* req,
                                                v1::ListPlansResponse* resp) {
  return host::ListCases(
      core_, ctx,
      {"ListPlans", req->child_id(), req->officer_id(), req->page_size(),
       req->page_token(), ChildIndexKey, OfficerIndexKey},
      [&](const std::string& id) -> absl::StatusOr<audit::Read> {
        ASSIGN_OR_RETURN(auto loaded, commands_.Load(id, [this](Plan& p) {
          return AttachTexts(p);
        }));
        v1::Plan* p = resp->add_plans();
        *p = std::move(loaded.state);
        return audit::Read{p->child_id(), id};
      },
      resp->mutable_next_page_token(), resp);
}

}  // namespace casework::reviews
