#include "services/projection/measures.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/statutory/experience.h"
#include "libs/statutory/quality.h"
#include "libs/statutory/school.h"

namespace casework::projection {
namespace {

// Event counters (not clocks): the counter each event type adds one to.
constexpr char kIttStarted[] = "transport.itt_started";
constexpr char kIttCompleted[] = "transport.itt_completed";
constexpr char kComplaintsLogged[] = "complaints.logged";
constexpr char kComplaintsEscalated[] = "complaints.escalated";
constexpr char kComplaintsToOmbudsman[] = "complaints.to_ombudsman";
constexpr char kMediationsHeld[] = "disagreements.mediations";
constexpr char kAppealsRegistered[] = "disagreements.appeals";

MeasureDef Clock(std::string code, std::string label,
                 std::vector<std::string> rules, double target, double amber) {
  MeasureDef m;
  m.code = std::move(code);
  m.label = std::move(label);
  m.rules = std::move(rules);
  m.target = target;
  m.amber_margin = amber;
  return m;
}

MeasureDef Rate(std::string code, std::string label, std::string numerator,
                std::string denominator, double target, double amber,
                bool lower) {
  MeasureDef m;
  m.code = std::move(code);
  m.label = std::move(label);
  m.kind = MeasureKind::kRate;
  m.numerator = std::move(numerator);
  m.denominator = std::move(denominator);
  m.target = target;
  m.amber_margin = amber;
  m.lower_is_better = lower;
  return m;
}

std::vector<MeasureDef>* BuildCatalogue() {
  auto* m = new std::vector<MeasureDef>{
      // EHC needs assessments (SEND Regulations 2014 regs 5(1), 10, 13).
      Clock("ehc.decision_6_weeks",
            "Decisions to assess (or not) within 6 weeks",
            {"ehc.decision_to_assess"}, 90, 10),
      Clock("ehc.final_plan_20_weeks",
            "Final plans issued within 20 weeks (exceptions excluded)",
            {"ehc.final_plan"}, 60, 10),
      // Re-assessments (regs 25(1), 27(2)).
      Clock("ehc.reassessment_decision_15_days",
            "Decisions whether to re-assess within 15 days",
            {"ehc.reassessment_decision"}, 90, 10),
      Clock("ehc.reassessment_final_plan_14_weeks",
            "Re-assessment final plans within 14 weeks of the decision "
            "(exceptions excluded)",
            {"ehc.reassessment_final_plan"}, 60, 10),
      Clock("ehc.no_plan_decision_16_weeks",
            "Decisions not to issue a plan within 16 weeks",
            {"ehc.no_plan_decision"}, 90, 10),
      Clock(kAdviceMeasure, "Advice received within 6 weeks (all advisers)",
            {"ehc.advice"}, 85, 10),
      // Annual reviews (CFA 2014 s.44; regs 18-22).
      Clock("review.on_time",
            "Reviews whose decision was notified by the due date",
            {"review.annual", "review.under_5"}, 90, 10),
      Clock("review.decision_4_weeks",
            "Review decisions notified within 4 weeks of the meeting",
            {"review.decision"}, 90, 10),
      Clock("review.amended_plan_12_weeks",
            "Final amended plans within 12 weeks of the review meeting",
            {"review.amended_plan_from_meeting"}, 80, 10),
      Clock("review.amended_plan_8_weeks",
            "Final amended plans within 8 weeks of the amendment notice",
            {"review.amended_plan"}, 80, 10),
      Clock("review.phase_transfer_on_time",
            "Phase transfers finalised before 15 February / 31 March",
            {"review.phase_transfer"}, 100, 5),
      Clock("review.papers_2_weeks",
            "Review papers (invitations, advice) 2 weeks before",
            {"review.meeting_papers"}, 90, 10),
      Clock("review.early_review_considered",
            "Early reviews considered within 10 working days of a "
            "permanent exclusion or second suspension in a term",
            {"review.consider_early_review"}, 90, 10),
      // Home to school travel (statutory guidance 2024).
      Clock("transport.decided_in_time",
            "Travel applications decided within the LA's target",
            {"transport.decision"}, 90, 10),
      Clock("transport.in_place_for_term",
            "Transport in place by the start of term", {"transport.in_place"},
            100, 5),
      Clock("transport.stage1_on_time",
            "Travel stage 1 reviews decided within 20 working days",
            {"transport.stage1_review"}, 90, 10),
      Clock("transport.stage2_on_time",
            "Travel stage 2 panels decided within 40 working days",
            {"transport.stage2_panel"}, 90, 10),
      Clock("transport.stage2_outcome_on_time",
            "Travel stage 2 written outcomes within 5 working days",
            {"transport.stage2_outcome"}, 90, 10),
      // Complaints.
      Clock("complaints.acknowledged_on_time",
            "Complaints acknowledged within 5 working days",
            {"complaint.acknowledge"}, 95, 5),
      Clock("complaints.stage1_on_time", "Stage 1 complaint replies on time",
            {"complaint.stage1", "complaint.csc_stage1"}, 90, 10),
      Clock("complaints.stage2_acknowledged_on_time",
            "Stage 2 escalations acknowledged within 5 working days",
            {"complaint.stage2_acknowledge"}, 95, 5),
      Clock("complaints.stage2_on_time", "Stage 2 complaint replies on time",
            {"complaint.stage2", "complaint.csc_stage2"}, 90, 10),
      Clock("complaints.stage3_on_time",
            "Stage 3 review panels on time (children's social care)",
            {"complaint.csc_stage3"}, 90, 10),
      // Disagreements (SEND Regulations 2014 Part 6, reg 44).
      Clock("mediation.certificate_on_time",
            "Mediation certificates within 3 working days",
            {"mediation.certificate"}, 95, 5),
      Clock("mediation.held_on_time", "Mediations held within 30 days",
            {"mediation.held"}, 90, 10),
      Clock("tribunal.orders_on_time",
            "Tribunal orders complied with on time (reg 44)",
            {"tribunal.order_assess", "tribunal.order_draft_plan",
             "tribunal.order_final_plan", "tribunal.order_amend_plan",
             "tribunal.order_named_school"},
            100, 5),
      // Rates from event counts.
      Rate("transport.itt_completions",
           "Independent travel training completed (of started)", kIttCompleted,
           kIttStarted, 70, 10, false),
      Rate("complaints.escalated_to_stage2",
           "Complaints escalated to the next stage (of logged)",
           kComplaintsEscalated, kComplaintsLogged, 20, 10, true),
      Rate("complaints.referred_to_ombudsman",
           "Complaints referred to the Ombudsman (of logged)",
           kComplaintsToOmbudsman, kComplaintsLogged, 5, 5, true),
      // Of disagreements mediated in the period, those that went on to
      // appeal (whenever: counted on the mediation's day, a cohort).
      Rate("disagreements.mediation_to_appeal",
           "Mediated disagreements that went on to appeal",
           statutory::kMediatedAppealed, statutory::kMediated, 40, 10, true),
      Rate("disagreements.mediation_agreed",
           "Mediations agreed or partly agreed (of held)",
           statutory::kMediationAgreed, statutory::kMediated, 70, 10, false),
      Rate("complaints.closed_escalated",
           "Complaints closed that reached stage 2 (of closed)",
           statutory::kClosedEscalated, statutory::kComplaintsClosed, 20, 10,
           true),
      Rate("complaints.closed_ombudsman",
           "Complaints closed that went to the Ombudsman (of closed)",
           statutory::kClosedToOmbudsman, statutory::kComplaintsClosed, 5, 5,
           true),
  };
  MeasureDef backlog;
  backlog.code = "review.backlog";
  backlog.label = "Review backlog (active plans overdue for review)";
  backlog.kind = MeasureKind::kFigure;
  backlog.lower_is_better = true;
  backlog.target = 0;
  backlog.amber_margin = 5;
  m->push_back(backlog);
  m->push_back(Rate("complaints.per_100_cases", "Complaints per 100 open cases",
                    kComplaintsLogged, kPerCaseload, 5, 5, true));
  // Complaints by theme (subject) of complaints logged, and by finding of
  // replies: breakdowns, without targets.
  for (absl::string_view subject : statutory::kComplaintSubjects) {
    m->push_back(Rate(absl::StrCat(statutory::kSubjectPrefix, subject),
                      absl::StrCat("Complaints about ",
                                   absl::StrReplaceAll(subject, {{"_", " "}}),
                                   " (of logged)"),
                      absl::StrCat(statutory::kSubjectPrefix, subject),
                      kComplaintsLogged, 0, 0, false));
  }
  for (absl::string_view finding : statutory::kComplaintFindings) {
    m->push_back(Rate(absl::StrCat(statutory::kFindingPrefix, finding),
                      absl::StrCat("Complaint replies: ",
                                   absl::StrReplaceAll(finding, {{"_", " "}}),
                                   " (of replies)"),
                      absl::StrCat(statutory::kFindingPrefix, finding),
                      statutory::kReplies, 0, 0, false));
  }
  // Families' experience (libs/statutory/experience.h): compliments per 100
  // open cases, satisfied of survey responses with a score (over all and per
  // survey), and surveys answered of those sent.
  m->push_back(Rate("experience.compliments_per_100_cases",
                    "Compliments per 100 open cases", statutory::kCompliments,
                    kPerCaseload, 5, 2, false));
  m->push_back(Rate("experience.satisfied",
                    "Survey responses satisfied (all surveys)",
                    statutory::kResponsesSatisfied, statutory::kResponsesScored,
                    80, 10, false));
  for (absl::string_view survey : statutory::kSurveyCodes) {
    m->push_back(
        Rate(statutory::PerSurvey("experience.satisfied", survey),
             absl::StrCat("Survey responses satisfied: ",
                          absl::StrReplaceAll(survey, {{"_", " "}})),
             statutory::PerSurvey(statutory::kResponsesSatisfied, survey),
             statutory::PerSurvey(statutory::kResponsesScored, survey), 80, 10,
             false));
  }
  m->push_back(Rate(
      "experience.surveys_answered", "Surveys answered (of surveys sent)",
      statutory::kSurveysAnswered, statutory::kSurveysSent, 30, 10, false));
  // Children with a plan at school (libs/statutory/school.h): per 100
  // active plans the officer holds, and persistent absence (10% or more of
  // sessions missed) of the terms' attendance recorded.
  m->push_back(Rate("schools.suspensions_per_100",
                    "Suspensions per 100 children with a plan",
                    statutory::kSuspensions, kPerActivePlan, 10, 5, true));
  m->push_back(Rate("schools.permanent_exclusions_per_100",
                    "Permanent exclusions per 100 children with a plan",
                    statutory::kPermanentExclusions, kPerActivePlan, 0, 0.5,
                    true));
  m->push_back(Rate("schools.persistently_absent",
                    "Children with a plan persistently absent (of terms' "
                    "attendance recorded)",
                    statutory::kPersistentlyAbsent,
                    statutory::kAttendanceRecorded, 20, 10, true));
  // Quality assurance (the LA's QA framework, libs/statutory/quality.h):
  // audits of the plans the officer holds, from the tallies the annual
  // reviews service records with plan issues and audits.
  m->push_back(Rate("quality.plans_audited", "Plans audited (of plans issued)",
                    statutory::kPlansAudited, statutory::kPlansIssued, 80, 10,
                    false));
  m->push_back(Rate(
      "quality.good_or_outstanding", "Audited plans graded good or outstanding",
      statutory::kAuditsGoodOrBetter, statutory::kAuditsGraded, 80, 10, false));
  for (const statutory::Criterion& c : statutory::QaFrameworkInUse().plan) {
    m->push_back(Rate(absl::StrCat(statutory::kCriterionPrefix, c.id),
                      absl::StrCat("Plan audits: ", c.label, " (met)"),
                      statutory::CriterionMet(c.id),
                      statutory::CriterionAssessed(c.id), 80, 10, false));
  }
  // Outcomes (SEND Code of Practice 2015, 9.166: reviews focus on progress
  // towards the outcomes; chapter 8: preparing for adulthood from Year 9).
  m->push_back(Rate("quality.outcomes_progressing",
                    "Plan outcomes achieved or progressing (of reviewed)",
                    statutory::kOutcomesProgressing,
                    statutory::kOutcomesReviewed, 75, 10, false));
  m->push_back(Rate("quality.pfa_outcomes_progressing",
                    "Preparation-for-adulthood outcomes achieved or "
                    "progressing (progress towards independence)",
                    statutory::kPfaOutcomesProgressing,
                    statutory::kPfaOutcomesReviewed, 75, 10, false));
  m->push_back(Rate("quality.year9_reviews_pfa",
                    "Reviews from Year 9 covering preparation for adulthood",
                    statutory::kYear9ReviewsPfaCovered,
                    statutory::kYear9Reviews, 100, 5, false));
  m->push_back(Rate("quality.year9_plans_pfa_outcomes",
                    "Reviews from Year 9 of plans with a preparation-for-"
                    "adulthood outcome",
                    statutory::kYear9ReviewsPfaOutcomes,
                    statutory::kYear9Reviews, 100, 10, false));
  // Advice audits (the framework's advice criteria), over all advisers and
  // by kind of adviser.
  m->push_back(Rate("quality.advice_good",
                    "Advice audited graded good or outstanding (all advisers)",
                    statutory::kAdviceGoodOrBetter, statutory::kAdviceGraded,
                    80, 10, false));
  for (const std::string& code : AdviceMeasures()) {
    const std::string adviser = code.substr(sizeof(kAdviceMeasure));
    m->push_back(Rate(
        absl::StrCat("quality.advice_good.", adviser),
        absl::StrCat("Advice audited good or outstanding: ",
                     absl::StrReplaceAll(adviser, {{"_", " "}})),
        absl::StrCat(statutory::kAdviceGoodOrBetter, ".", adviser),
        absl::StrCat(statutory::kAdviceGraded, ".", adviser), 80, 10, false));
  }
  for (const statutory::Criterion& c : statutory::QaFrameworkInUse().advice) {
    m->push_back(Rate(absl::StrCat(statutory::kAdviceCriterionPrefix, c.id),
                      absl::StrCat("Advice audits: ", c.label, " (met)"),
                      statutory::AdviceCriterionMet(c.id),
                      statutory::AdviceCriterionAssessed(c.id), 80, 10, false));
  }
  m->push_back(Clock("quality.audit_actions_on_time",
                     "Audit actions completed on time",
                     {"quality.audit_action"}, 90, 10));
  // Draft plans (EHC needs assessments), apart from issued plans.
  m->push_back(
      Rate("quality.drafts_audited", "Draft plans audited (of drafts issued)",
           statutory::kDraftsAudited, statutory::kDraftsIssued, 80, 10, false));
  m->push_back(Rate("quality.drafts_good",
                    "Audited draft plans graded good or outstanding",
                    statutory::kDraftAuditsGood, statutory::kDraftAuditsGraded,
                    80, 10, false));
  // Dip samples: the plans drawn that were audited (counted for the plans'
  // officers), and the sample audits done on time (for the auditors).
  m->push_back(Rate(
      "quality.sample_audited", "Plans drawn in dip samples audited (of drawn)",
      statutory::kSampledAudited, statutory::kPlansSampled, 100, 10, false));
  m->push_back(Clock("quality.sample_audits_on_time",
                     "Dip-sample audits done by their due date",
                     {"quality.sample_audit"}, 90, 10));
  for (MeasureDef& def : *m) def.by_adviser = def.code == kAdviceMeasure;
  return m;
}

constexpr absl::string_view kAdvicePrefix = "ehc.advice_6_weeks.";

}  // namespace

const std::vector<MeasureDef>& Measures() {
  static const std::vector<MeasureDef>* catalogue = BuildCatalogue();
  return *catalogue;
}

const MeasureDef* FindMeasure(absl::string_view code) {
  if (absl::StartsWith(code, kAdvicePrefix)) code = kAdviceMeasure;
  for (const MeasureDef& m : Measures()) {
    if (m.code == code) return &m;
  }
  return nullptr;
}

const std::vector<std::string>& AdviceMeasures() {
  static const auto* codes = [] {
    auto* out = new std::vector<std::string>;
    const google::protobuf::EnumDescriptor* e = v1::AdviceType_descriptor();
    constexpr absl::string_view kPrefix = "ADVICE_TYPE_";
    for (int i = 0; i < e->value_count(); ++i) {
      absl::string_view name = e->value(i)->name();
      if (e->value(i)->number() == 0 || !absl::ConsumePrefix(&name, kPrefix)) {
        continue;
      }
      out->push_back(absl::StrCat(kAdvicePrefix, absl::AsciiStrToLower(name)));
    }
    return out;
  }();
  return *codes;
}

bool IsMeasure(absl::string_view code) {
  if (absl::StartsWith(code, kAdvicePrefix)) {
    const std::vector<std::string>& codes = AdviceMeasures();
    return code.size() > kAdvicePrefix.size() &&
           (std::find(codes.begin(), codes.end(), code) != codes.end() ||
            code == absl::StrCat(kAdvicePrefix, "other"));
  }
  return FindMeasure(code) != nullptr;
}

std::string MeasureName(const std::string& code) {
  if (absl::StartsWith(code, kAdvicePrefix)) {
    std::string readable(code.substr(kAdvicePrefix.size()));
    std::replace(readable.begin(), readable.end(), '_', ' ');
    return absl::StrCat("Advice within 6 weeks: ", readable);
  }
  const MeasureDef* m = FindMeasure(code);
  return m == nullptr ? code : m->label;
}

std::vector<std::string> MeasuresOfClock(absl::string_view rule,
                                         absl::string_view subtype) {
  std::vector<std::string> out;
  for (const MeasureDef& m : Measures()) {
    if (m.kind != MeasureKind::kClock ||
        std::find(m.rules.begin(), m.rules.end(), rule) == m.rules.end()) {
      continue;
    }
    out.push_back(m.code);
    if (m.by_adviser) {
      out.push_back(
          absl::StrCat(kAdvicePrefix, subtype.empty() ? "other" : subtype));
    }
  }
  return out;
}

namespace {
struct RuleMeasures {
  std::vector<std::string> codes;
  bool by_adviser = false;
};
const absl::flat_hash_map<std::string, RuleMeasures>& ByRule() {
  static const auto* by_rule = [] {
    auto* out = new absl::flat_hash_map<std::string, RuleMeasures>;
    for (const MeasureDef& m : Measures()) {
      if (m.kind != MeasureKind::kClock) continue;
      for (const std::string& rule : m.rules) {
        RuleMeasures& r = (*out)[rule];
        r.codes.push_back(m.code);
        r.by_adviser = r.by_adviser || m.by_adviser;
      }
    }
    return out;
  }();
  return *by_rule;
}
}  // namespace

const std::vector<std::string>& ClockMeasureCodes(absl::string_view rule) {
  static const auto* none = new std::vector<std::string>;
  auto it = ByRule().find(rule);
  return it == ByRule().end() ? *none : it->second.codes;
}

bool CountsByAdviser(absl::string_view rule) {
  auto it = ByRule().find(rule);
  return it != ByRule().end() && it->second.by_adviser;
}

std::string AdviserMeasure(absl::string_view subtype) {
  return absl::StrCat(kAdvicePrefix, subtype.empty() ? "other" : subtype);
}

bool CountsToward(absl::string_view rule, absl::string_view code) {
  for (const std::string& c : MeasuresOfClock(rule, "")) {
    if (c == code) return true;
  }
  return false;
}

const std::vector<std::pair<std::string, std::string>>& EventCounters() {
  static const auto* counters =
      new std::vector<std::pair<std::string, std::string>>{
          {"TravelTrainingStarted", kIttStarted},
          {"TravelTrainingCompleted", kIttCompleted},
          {"ComplaintLogged", kComplaintsLogged},
          {"ComplaintEscalated", kComplaintsEscalated},
          {"ComplaintReferredToOmbudsman", kComplaintsToOmbudsman},
          {"MediationHeld", kMediationsHeld},
          {"AppealRegistered", kAppealsRegistered}};
  return *counters;
}

bool IsCounter(absl::string_view code) {
  // Every event counter and rate numerator and denominator, once (this runs
  // for every tally the projection applies).
  static const auto* known = [] {
    auto* set = new absl::flat_hash_set<std::string>;
    for (const auto& [type, counter] : EventCounters()) set->insert(counter);
    for (const MeasureDef& m : Measures()) {
      if (m.kind != MeasureKind::kRate) continue;
      set->insert(m.numerator);
      if (!IsHeldDenominator(m.denominator)) set->insert(m.denominator);
    }
    return set;
  }();
  if (known->contains(code)) return true;
  // A criterion of a framework this build's catalogue does not list, or a
  // kind of adviser it does not know: counted all the same, so a framework
  // change or a new adviser loses nothing.
  const bool criterion =
      absl::StartsWith(code, statutory::kCriterionPrefix) ||
      absl::StartsWith(code, statutory::kAdviceCriterionPrefix);
  if (criterion) {
    return absl::EndsWith(code, ".met") || absl::EndsWith(code, ".assessed");
  }
  return absl::StartsWith(code, absl::StrCat(statutory::kAdviceGraded, ".")) ||
         absl::StartsWith(code,
                          absl::StrCat(statutory::kAdviceGoodOrBetter, "."));
}

const char* EventCounter(absl::string_view event_type) {
  for (const auto& [type, counter] : EventCounters()) {
    if (type == event_type) return counter.c_str();
  }
  return nullptr;
}

bool IsReviewDue(absl::string_view rule) {
  return rule == "review.annual" || rule == "review.under_5";
}

bool IsOverdue(const statutory::ClockRule* rule, Date due, Date on) {
  if (rule != nullptr && rule->minimum_period) return false;
  return !(on < OverdueFrom(due));
}

const Targets& DefaultTargets() {
  static const auto* targets = [] {
    auto* out = new Targets;
    for (const MeasureDef& m : Measures()) {
      (*out)[m.code] =
          MeasureTarget{m.target, m.amber_margin, m.lower_is_better};
    }
    return out;
  }();
  return *targets;
}

absl::StatusOr<Targets> ParseTargets(const std::string& text) {
  Targets out = DefaultTargets();
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = line.substr(0, line.find('#'));
    std::vector<absl::string_view> f =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (f.empty()) continue;
    MeasureTarget t;
    if ((f.size() != 3 && f.size() != 4) ||
        !absl::SimpleAtod(f[1], &t.target) ||
        !absl::SimpleAtod(f[2], &t.amber_margin) || t.amber_margin < 0 ||
        (f.size() == 4 && f[3] != "lower")) {
      return absl::InvalidArgumentError(
          absl::StrCat("targets line ", line_no,
                       ": expected 'MEASURE TARGET AMBER_MARGIN [lower]'"));
    }
    if (!IsMeasure(f[0])) {
      return absl::InvalidArgumentError(
          absl::StrCat("targets line ", line_no, ": '", f[0],
                       "' is not a measure code (a scorecard lists them)"));
    }
    t.lower_is_better = f.size() == 4;
    out[std::string(f[0])] = t;
  }
  return out;
}

}  // namespace casework::projection
