#include "services/annual-reviews/review_service.h"

#include <algorithm>
#include <map>

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

absl::StatusOr<v1::CommandResult> AnnualReviewServiceImpl::TakeSchoolEvent(
    const v1::SchoolEventRecord& record) {
  const Env env = EnvOn(clock_.Today());
  // The child's active plan (a child has one at a time; a ceased plan
  // keeps its index entry).
  const std::string prefix = ChildIndexKey(record.child_id(), "");
  std::string plan_id;
  std::string after;
  while (plan_id.empty()) {
    ASSIGN_OR_RETURN(auto keys, core_.store.ScanIndex(prefix, after, 100));
    if (keys.empty()) break;
    for (const auto& [key, unused] : keys) {
      const std::string id = key.substr(prefix.size());
      ASSIGN_OR_RETURN(auto loaded, commands_.handler().Load(id));
      if (loaded.state.status() == v1::PLAN_STATUS_ACTIVE) {
        plan_id = id;
        break;
      }
    }
    after = keys.back().first;
  }
  if (plan_id.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "child_id: child ", record.child_id(), " has no active plan"));
  }
  return commands_.handler().Execute(
      plan_id,
      CommandContext{"annual-reviews",
                     absl::StrCat("school:", record.record_id()),
                     RequestDigest("SchoolEventIntake", "annual-reviews",
                                   record.SerializeAsString())},
      [&](const Plan& s, int64_t) { return Decide(s, record, env); });
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
CASEWORK_REVIEW_COMMAND(DecideEarlyReview, v1::DecideEarlyReviewRequest)
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

absl::Status AnnualReviewServiceImpl::DrawSampleAs(
    const auth::Principal& who, const v1::DrawSampleRequest& asked,
    v1::DrawSampleResponse* resp) const {
  const std::string method = core_.Method("DrawSample");
  const Date today = clock_.Today();
  v1::DrawSampleRequest c = asked;
  if (c.sample_id().empty()) c.set_sample_id(c.request_id());
  ASSIGN_OR_RETURN(CommandContext first,
                   PrepareCommand(core_.authorizer, who, method, c, "sample_id",
                                  c.sample_id(), today));
  ASSIGN_OR_RETURN(std::string auditor,
                   statutory::AuditorOf(who.Has(auth::kIntegration),
                                        who.officer_id, c.auditor_id()));
  c.set_auditor_id(auditor);
  ASSIGN_OR_RETURN(const Date from, FromProto("issued_from", c.issued_from()));
  ASSIGN_OR_RETURN(const Date to, FromProto("issued_to", c.issued_to()));
  if (to < from) {
    return absl::InvalidArgumentError(
        "issued_to: the period ends before it starts (issued_from)");
  }
  if (to > today) {
    return absl::InvalidArgumentError(
        "issued_to: a sample is of plans already issued: the period ends "
        "today at the latest");
  }
  if (c.percent() < 0 || c.percent() > 100) {
    return absl::InvalidArgumentError(
        "percent: a rate from 1 to 100 (0: the QA framework's rate)");
  }
  if (!c.team_id().empty()) RETURN_IF_ERROR(ValidateId("team_id", c.team_id()));
  const statutory::QaFramework& qa = statutory::QaFrameworkInUse();
  if (c.percent() == 0) c.set_percent(qa.sample_percent);
  const Date due = calendar_.AddWorkingDays(today, qa.sample_working_days);

  // The population: every active plan last issued in the period, of the
  // team's officers when a team is asked, never one the auditor holds.
  std::vector<std::string> population;
  std::map<std::string, std::string> child_of;  // plan -> child (the index)
  std::string after;
  while (true) {
    ASSIGN_OR_RETURN(auto keys, core_.store.ScanIndex("child/", after, 1000));
    if (keys.empty()) break;
    after = keys.back().first;
    for (const auto& [key, unused] : keys) {
      // child/<child>/<plan>
      const size_t slash = key.rfind('/');
      const std::string id = key.substr(slash + 1);
      ASSIGN_OR_RETURN(auto loaded, commands_.handler().Load(id));
      const Plan& p = loaded.state;
      if (loaded.version == 0 || p.status() != v1::PLAN_STATUS_ACTIVE ||
          p.officer_id() == auditor) {
        continue;
      }
      const Date issued = LastIssuedOn(p);
      if (issued < from || issued > to) continue;
      if (!c.team_id().empty()) {
        const std::vector<std::string> teams =
            core_.authorizer.TeamsOf(p.officer_id());
        if (std::find(teams.begin(), teams.end(), c.team_id()) == teams.end()) {
          continue;
        }
      }
      population.push_back(id);
      child_of[id] = key.substr(6, slash - 6);
    }
  }
  const std::vector<std::string> drawn =
      statutory::DrawSample(population, c.sample_id(), c.percent());

  resp->set_sample_id(c.sample_id());
  resp->set_population(static_cast<int32_t>(population.size()));
  *resp->mutable_due_on() = ToProto(due);
  resp->set_repeated(!drawn.empty());
  // One PlanSampled per plan drawn. The first carries the caller's request
  // id (a retry of it repeats, anything else under it is refused before a
  // plan is drawn); the others an id made from it and the plan's, so a
  // retry after a failure part-way draws the rest and repeats the others.
  v1::PlanSample sample;  // the same record on every plan drawn
  sample.set_sample_id(c.sample_id());
  sample.set_auditor_id(auditor);
  *sample.mutable_drawn_on() = ToProto(today);
  *sample.mutable_due_on() = ToProto(due);
  *sample.mutable_issued_from() = c.issued_from();
  *sample.mutable_issued_to() = c.issued_to();
  sample.set_percent(c.percent());
  sample.set_team_id(c.team_id());
  sample.set_population(static_cast<int32_t>(population.size()));
  sample.set_size(static_cast<int32_t>(drawn.size()));
  const std::string digest = first.request_digest;
  std::vector<audit::Read> reads;
  for (size_t i = 0; i < drawn.size(); ++i) {
    CommandContext context{
        who.subject,
        i == 0
            ? c.request_id()
            : absl::StrCat("sample:", RequestDigest("DrawSample",
                                                    c.request_id(), drawn[i])),
        digest, nullptr};
    ASSIGN_OR_RETURN(v1::CommandResult result,
                     commands_.handler().Execute(
                         drawn[i], context, [&](const Plan& s, int64_t) {
                           return Decide(s, sample, EnvOn(today));
                         }));
    resp->add_plan_ids(drawn[i]);
    resp->set_position(std::max(resp->position(), result.position()));
    if (!result.repeated()) resp->set_repeated(false);
    reads.push_back({child_of[drawn[i]], drawn[i]});
  }
  return core_.audit.Record(who, method, reads);
}

grpc::Status AnnualReviewServiceImpl::DrawSample(
    grpc::ServerContext* ctx, const v1::DrawSampleRequest* req,
    v1::DrawSampleResponse* resp) {
  absl::StatusOr<auth::Principal> who =
      core_.authorizer.Authorize(*ctx, core_.Method("DrawSample"));
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status drawn = DrawSampleAs(*who, *req, resp);
  if (!drawn.ok()) {
    resp->Clear();
    return ToGrpcStatus(drawn);
  }
  return grpc::Status::OK;
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
  resp->set_sample_percent(f.sample_percent);
  resp->set_sample_working_days(f.sample_working_days);
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
