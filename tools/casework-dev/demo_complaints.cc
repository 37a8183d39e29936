// The demo LA's complaints and disagreements (see demo.h,
// LoadComplaintsDemo).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/complaints.grpc.pb.h"
#include "libs/core/calendar.h"
#include "libs/core/grpc_status.h"
#include "libs/rpc/proto_date.h"
#include "tools/casework-dev/demo.h"
#include "tools/casework-dev/demo_writer.h"

namespace casework::demo {
namespace {

using Stub = v1::ComplaintsService::Stub;

const auto kComplaintId = [](auto& r, const std::string& id) {
  r.set_complaint_id(id);
};
const auto kDisagreementId = [](auto& r, const std::string& id) {
  r.set_disagreement_id(id);
};
using ComplaintWriter = DemoWriter<Stub, decltype(kComplaintId)>;
using DisagreementWriter = DemoWriter<Stub, decltype(kDisagreementId)>;
const auto kFeedbackId = [](auto& r, const std::string& id) {
  r.set_feedback_id(id);
};
using FeedbackWriter = DemoWriter<Stub, decltype(kFeedbackId)>;

absl::Status OneComplaint(Stub& stub, int n, const ComplaintsDemoOptions& o,
                          const Calendar& cal, std::mt19937_64& rng,
                          int64_t* commands, int64_t* repeated) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  ComplaintWriter w(
      stub, {.id = absl::StrFormat("demo-complaint-%04d", n), .today = o.today},
      o.token);
  struct Done {
    ComplaintWriter& w;
    int64_t* c;
    int64_t* r;
    ~Done() {
      *c += w.commands;
      *r += w.repeated;
    }
  } done{w, commands, repeated};
  const int officer = n % o.officers + 1;
  v1::LogComplaintRequest log;
  log.set_child_id(absl::StrFormat("child-%05d", n * 7 % 2000 + 1));
  log.set_officer_id(absl::StrFormat("officer-%02d", officer));
  log.set_complainant(chance(0.8) ? v1::COMPLAINANT_PARENT
                                  : v1::COMPLAINANT_ADVOCATE);
  const v1::ComplaintSubject subjects[] = {
      v1::COMPLAINT_SUBJECT_EHC_ASSESSMENT, v1::COMPLAINT_SUBJECT_COMMUNICATION,
      v1::COMPLAINT_SUBJECT_TRANSPORT, v1::COMPLAINT_SUBJECT_PROVISION,
      v1::COMPLAINT_SUBJECT_ANNUAL_REVIEW};
  log.set_subject(subjects[uniform(0, 4)]);
  const bool csc = chance(0.1);
  log.set_procedure(csc ? v1::COMPLAINT_PROCEDURE_CHILDRENS_SOCIAL_CARE
                        : v1::COMPLAINT_PROCEDURE_CORPORATE);
  const Date received = o.today.AddDays(-uniform(5, 365));
  *log.mutable_received_on() = ToProto(received);
  if (!DEMO_SEND(w, LogComplaint, log, received)) return absl::OkStatus();
  Date stage_start = received;
  if (!csc) {
    v1::AcknowledgeComplaintRequest ack;
    const Date on = cal.AddWorkingDays(
        received, chance(0.9) ? uniform(1, 5) : uniform(6, 9));
    *ack.mutable_acknowledged_on() = ToProto(on);
    if (!DEMO_SEND(w, AcknowledgeComplaint, ack, on)) return absl::OkStatus();
    stage_start = on;
  }
  if (chance(0.15)) {
    v1::ExtendComplaintRequest ext;
    ext.set_working_days(csc ? 10 : uniform(5, 10));
    ext.set_reason("more information needed from a school");
    if (!DEMO_SEND(w, ExtendComplaint, ext, stage_start.AddDays(5)))
      return absl::OkStatus();
  }
  v1::RespondToComplaintRequest reply;
  const v1::ComplaintFinding findings[] = {
      v1::COMPLAINT_FINDING_UPHELD, v1::COMPLAINT_FINDING_PARTLY_UPHELD,
      v1::COMPLAINT_FINDING_NOT_UPHELD, v1::COMPLAINT_FINDING_NOT_UPHELD};
  reply.set_finding(findings[uniform(0, 3)]);
  reply.set_remedy_offered(reply.finding() != v1::COMPLAINT_FINDING_NOT_UPHELD);
  const Date replied = cal.AddWorkingDays(
      stage_start, chance(0.75) ? uniform(5, 10) : uniform(11, 20));
  *reply.mutable_responded_on() = ToProto(replied);
  if (!DEMO_SEND(w, RespondToComplaint, reply, replied))
    return absl::OkStatus();
  if (!chance(0.25)) {
    v1::CloseComplaintRequest close;
    const Date on = replied.AddDays(uniform(14, 30));
    *close.mutable_closed_on() = ToProto(on);
    DEMO_SEND(w, CloseComplaint, close, on);
    return absl::OkStatus();
  }
  v1::EscalateComplaintRequest esc;
  const Date escalated = replied.AddDays(uniform(3, 20));
  *esc.mutable_escalated_on() = ToProto(escalated);
  const int area = (officer - 1) * 3 / std::max(1, o.officers);
  esc.set_handler_id(area == 0   ? "manager-north"
                     : area == 1 ? "manager-south"
                                 : "manager-east");
  if (!DEMO_SEND(w, EscalateComplaint, esc, escalated)) return absl::OkStatus();
  // The escalation is acknowledged (5 working days), and stage 2 counts from
  // the acknowledgement (Complaint Handling Code part 6).
  v1::AcknowledgeComplaintRequest ack2;
  const Date acknowledged2 = cal.AddWorkingDays(
      escalated, chance(0.9) ? uniform(1, 5) : uniform(6, 9));
  *ack2.mutable_acknowledged_on() = ToProto(acknowledged2);
  if (!DEMO_SEND(w, AcknowledgeComplaint, ack2, acknowledged2))
    return absl::OkStatus();
  v1::RespondToComplaintRequest reply2;
  reply2.set_finding(chance(0.7) ? v1::COMPLAINT_FINDING_NOT_UPHELD
                                 : v1::COMPLAINT_FINDING_PARTLY_UPHELD);
  const Date replied2 = cal.AddWorkingDays(
      acknowledged2, chance(0.7) ? uniform(10, 20) : uniform(21, 35));
  *reply2.mutable_responded_on() = ToProto(replied2);
  if (!DEMO_SEND(w, RespondToComplaint, reply2, replied2))
    return absl::OkStatus();
  if (chance(0.3)) {
    v1::ReferToOmbudsmanRequest ref;
    const Date on = replied2.AddDays(uniform(10, 60));
    *ref.mutable_referred_on() = ToProto(on);
    DEMO_SEND(w, ReferToOmbudsman, ref, on);
  }
  return absl::OkStatus();
}

absl::Status OneDisagreement(Stub& stub, int n, const ComplaintsDemoOptions& o,
                             const Calendar& cal, std::mt19937_64& rng,
                             int64_t* commands, int64_t* repeated) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  DisagreementWriter w(
      stub,
      {.id = absl::StrFormat("demo-disagreement-%04d", n), .today = o.today},
      o.token);
  struct Done {
    DisagreementWriter& w;
    int64_t* c;
    int64_t* r;
    ~Done() {
      *c += w.commands;
      *r += w.repeated;
    }
  } done{w, commands, repeated};
  v1::RecordDisagreementRequest rec;
  const int child = n * 11 % 2000 + 1;
  rec.set_child_id(absl::StrFormat("child-%05d", child));
  rec.set_officer_id(absl::StrFormat("officer-%02d", n % o.officers + 1));
  const v1::AppealableDecision decisions[] = {
      v1::APPEALABLE_DECISION_REFUSAL_TO_ASSESS,
      v1::APPEALABLE_DECISION_PLAN_CONTENTS,
      v1::APPEALABLE_DECISION_PLAN_CONTENTS,
      v1::APPEALABLE_DECISION_REFUSAL_TO_ISSUE_PLAN,
      v1::APPEALABLE_DECISION_REVIEW_DECISION};
  rec.set_decision(decisions[uniform(0, 4)]);
  // The child's assessment, or the plan it led to (SEN2 puts the mediation
  // and tribunal flags on the request, assessment or plan).
  const bool about_plan =
      rec.decision() == v1::APPEALABLE_DECISION_PLAN_CONTENTS ||
      rec.decision() == v1::APPEALABLE_DECISION_REVIEW_DECISION;
  rec.set_process_id(absl::StrFormat(
      about_plan ? "plan-demo-asmt-%05d" : "demo-asmt-%05d", child));
  const Date letter = o.today.AddDays(-uniform(20, 540));
  *rec.mutable_decision_letter_on() = ToProto(letter);
  if (!DEMO_SEND(w, RecordDisagreement, rec, letter)) return absl::OkStatus();
  v1::RecordMediationContactRequest contact;
  const Date contacted = letter.AddDays(uniform(5, 50));
  const bool wanted = chance(0.45);
  contact.set_mediation_wanted(wanted);
  *contact.mutable_contacted_on() = ToProto(contacted);
  if (!DEMO_SEND(w, RecordMediationContact, contact, contacted))
    return absl::OkStatus();
  Date ended = contacted;
  bool settled = false;
  if (wanted) {
    v1::RecordMediationHeldRequest held;
    ended = contacted.AddDays(chance(0.8) ? uniform(10, 30) : uniform(31, 50));
    settled = chance(0.45);
    held.set_outcome(settled ? v1::MEDIATION_OUTCOME_AGREED
                             : v1::MEDIATION_OUTCOME_NOT_AGREED);
    *held.mutable_held_on() = ToProto(ended);
    if (!DEMO_SEND(w, RecordMediationHeld, held, ended))
      return absl::OkStatus();
  }
  v1::IssueMediationCertificateRequest cert;
  const Date certified =
      cal.AddWorkingDays(ended, chance(0.85) ? uniform(1, 3) : uniform(4, 8));
  *cert.mutable_issued_on() = ToProto(certified);
  if (!DEMO_SEND(w, IssueMediationCertificate, cert, certified))
    return absl::OkStatus();
  if (settled || !chance(0.6)) return absl::OkStatus();
  v1::RegisterAppealRequest appeal;
  const Date registered = certified.AddDays(uniform(7, 35));
  *appeal.mutable_registered_on() = ToProto(registered);
  if (!DEMO_SEND(w, RegisterAppeal, appeal, registered))
    return absl::OkStatus();
  v1::RecordTribunalDecisionRequest decided;
  const Date hearing = registered.AddDays(uniform(100, 200));
  const int roll = uniform(1, 100);
  decided.set_outcome(roll <= 55   ? v1::TRIBUNAL_OUTCOME_ALLOWED
                      : roll <= 70 ? v1::TRIBUNAL_OUTCOME_CONCEDED
                      : roll <= 85 ? v1::TRIBUNAL_OUTCOME_DISMISSED
                                   : v1::TRIBUNAL_OUTCOME_WITHDRAWN);
  *decided.mutable_decided_on() = ToProto(hearing);
  if (!DEMO_SEND(w, RecordTribunalDecision, decided, hearing))
    return absl::OkStatus();
  if (decided.outcome() != v1::TRIBUNAL_OUTCOME_ALLOWED &&
      decided.outcome() != v1::TRIBUNAL_OUTCOME_CONCEDED) {
    return absl::OkStatus();
  }
  v1::RecordTribunalOrderRequest order;
  order.set_order_id("o1");
  const bool make_plan =
      rec.decision() == v1::APPEALABLE_DECISION_REFUSAL_TO_ISSUE_PLAN;
  order.set_kind(rec.decision() == v1::APPEALABLE_DECISION_REFUSAL_TO_ASSESS
                     ? v1::TRIBUNAL_ORDER_KIND_ASSESS
                 : make_plan ? v1::TRIBUNAL_ORDER_KIND_MAKE_PLAN
                             : v1::TRIBUNAL_ORDER_KIND_AMEND_PLAN);
  *order.mutable_made_on() = ToProto(hearing);
  if (!DEMO_SEND(w, RecordTribunalOrder, order, hearing))
    return absl::OkStatus();
  v1::RecordOrderComplianceRequest comply;
  comply.set_order_id("o1");
  if (make_plan) {
    comply.set_step(v1::COMPLIANCE_STEP_DRAFT_PLAN);
    const Date draft =
        hearing.AddDays(chance(0.8) ? uniform(20, 35) : uniform(36, 50));
    *comply.mutable_done_on() = ToProto(draft);
    if (!DEMO_SEND(w, RecordOrderCompliance, comply, draft))
      return absl::OkStatus();
    comply.set_step(v1::COMPLIANCE_STEP_FINAL_PLAN);
    const Date final_on =
        hearing.AddDays(chance(0.75) ? uniform(60, 77) : uniform(78, 100));
    *comply.mutable_done_on() = ToProto(final_on);
    DEMO_SEND(w, RecordOrderCompliance, comply, final_on);
  } else {
    comply.set_step(v1::COMPLIANCE_STEP_DONE);
    const Date on =
        hearing.AddDays(chance(0.8) ? uniform(5, 14) : uniform(15, 40));
    *comply.mutable_done_on() = ToProto(on);
    DEMO_SEND(w, RecordOrderCompliance, comply, on);
  }
  return absl::OkStatus();
}

}  // namespace

// Families' experience of one child's case: about one family in eight sends
// a compliment; new-plan surveys go to families (most sent within a month of
// the plan), about two in five answer, mostly satisfied, some not; a few
// annual-family survey responses come back on paper (no survey sent
// through casework).
absl::Status OneFeedback(Stub& stub, int n, const ComplaintsDemoOptions& o,
                         std::mt19937_64& rng, int64_t* commands,
                         int64_t* repeated) {
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  auto score = [&] {
    const int r = uniform(1, 100);
    return r <= 35 ? 5 : r <= 70 ? 4 : r <= 85 ? 3 : r <= 95 ? 2 : 1;
  };
  const std::string child = absl::StrFormat("child-%05d", n * 13 % 2000 + 1);
  const std::string officer =
      absl::StrFormat("officer-%02d", n % o.officers + 1);
  const std::string id = absl::StrFormat("demo-feedback-%04d", n);
  FeedbackWriter w(stub, {.id = id, .today = o.today}, o.token);
  struct Done {
    FeedbackWriter& w;
    int64_t* c;
    int64_t* r;
    ~Done() {
      *c += w.commands;
      *r += w.repeated;
    }
  } done{w, commands, repeated};
  const Date on = o.today.AddDays(-uniform(1, 330));
  const int kind = uniform(1, 100);
  if (kind <= 15) {
    v1::RecordFeedbackRequest r;
    r.set_child_id(child);
    r.set_officer_id(officer);
    r.set_kind(v1::FEEDBACK_KIND_COMPLIMENT);
    r.set_process(chance(0.6) ? "ehc-assessments" : "annual-reviews");
    *r.mutable_received_on() = ToProto(on);
    r.set_text("Thank you for all your help this year");
    DEMO_SEND(w, RecordFeedback, r, on);
  } else if (kind <= 85) {
    v1::RecordSurveySentRequest sent;
    sent.set_child_id(child);
    sent.set_officer_id(officer);
    sent.set_survey(v1::SURVEY_NEW_PLAN);
    sent.set_process("ehc-assessments");
    *sent.mutable_sent_on() = ToProto(on);
    if (!DEMO_SEND(w, RecordSurveySent, sent, on) || !chance(0.4)) {
      return absl::OkStatus();
    }
    const Date back = on.AddDays(uniform(3, 40));
    v1::RecordSurveyResponseRequest answer;
    answer.set_score(score());
    *answer.mutable_received_on() = ToProto(back);
    DEMO_SEND(w, RecordSurveyResponse, answer, back);
  } else {
    v1::RecordFeedbackRequest r;
    r.set_child_id(child);
    r.set_officer_id(officer);
    r.set_kind(v1::FEEDBACK_KIND_SURVEY_RESPONSE);
    r.set_survey(v1::SURVEY_ANNUAL_FAMILY);
    r.set_process("annual-reviews");
    r.set_score(score());
    *r.mutable_received_on() = ToProto(on);
    DEMO_SEND(w, RecordFeedback, r, on);
  }
  return absl::OkStatus();
}

absl::StatusOr<DemoSummary> LoadComplaintsDemo(const ComplaintsDemoOptions& o) {
  auto stub = v1::ComplaintsService::NewStub(grpc::CreateChannel(
      o.complaints_address, grpc::InsecureChannelCredentials()));
  const Calendar calendar;
  const int total = o.complaints + o.disagreements + o.feedback;
  absl::StatusOr<DemoCounts> counts = LoadInParallel(
      o.threads, total, o.seed * 15485863u,
      [&](int i, std::mt19937_64& rng, int64_t* c, int64_t* r) {
        if (i < o.complaints) {
          return OneComplaint(*stub, i + 1, o, calendar, rng, c, r);
        }
        if (i < o.complaints + o.disagreements) {
          return OneDisagreement(*stub, i - o.complaints + 1, o, calendar, rng,
                                 c, r);
        }
        return OneFeedback(*stub, i - o.complaints - o.disagreements + 1, o,
                           rng, c, r);
      });
  if (!counts.ok()) return counts.status();
  return DemoSummary{counts->commands, counts->repeated, total, {}};
}

}  // namespace casework::demo
