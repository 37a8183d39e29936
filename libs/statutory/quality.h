// The LA's quality-assurance framework as data: the criteria an audit of an
// EHC plan (or of advice) is judged against, each with its wording and
// source, and how long the plan's officer has for an action an audit asks
// for. casework ships a default (DefaultQaFramework); an LA replaces it with
// a file (ParseQaFramework), given to the services that record audits and to
// the projection that measures them.
//
// Also the checks of an audit before a service records it, and the counters
// (v1::Tally) audits and plan issues add to, which the projection's quality
// measures divide.
//
// Thread safety: pure functions over immutable data, except
// SetQaFrameworkForProcess (call it once at start-up, before any thread
// reads QaFrameworkInUse).
#ifndef CASEWORK_LIBS_STATUTORY_QUALITY_H_
#define CASEWORK_LIBS_STATUTORY_QUALITY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "casework/v1/common.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace casework::statutory {

struct Criterion {
  std::string id;       // [a-z0-9_], e.g. "outcomes_smart"
  std::string label;    // short, for tables: "Outcomes specific and measurable"
  std::string wording;  // what the auditor judges
  std::string source;   // the law, guidance or local policy behind it
};

struct QaFramework {
  std::string name;               // name and version, recorded with each audit
  std::vector<Criterion> plan;    // criteria for EHC plans
  std::vector<Criterion> advice;  // criteria for advice in an assessment
  int action_working_days = 20;   // an audit action's clock (local policy)
  int sample_percent = 10;        // a dip sample's default rate (local policy)
  int sample_working_days = 20;   // a sampled plan's audit clock (local policy)
};

// casework's default framework (the SEND Code of Practice 2015 chapter 9's
// requirements of a plan and of advice).
const QaFramework& DefaultQaFramework();

// The framework this process uses: the default unless set at start-up.
const QaFramework& QaFrameworkInUse();
void SetQaFrameworkForProcess(QaFramework framework);

// A framework file, line by line ('#' starts a comment):
//   name <text>
//   action_working_days <1-60>
//   sample_percent <1-100>
//   sample_working_days <1-60>
//   plan <id> | <label> | <wording> | <source>
//   advice <id> | <label> | <wording> | <source>
// At least one plan criterion; ids unique within plan and within advice.
// INVALID_ARGUMENT naming the line and what is wrong.
absl::StatusOr<QaFramework> ParseQaFramework(absl::string_view text);

// The --qa-framework flag of a service: reads and parses `path` and makes it
// the process's framework (SetQaFrameworkForProcess). Call it at start-up,
// before anything reads QaFrameworkInUse (the projection's measure
// catalogue is built from it). INVALID_ARGUMENT naming the file and line, or
// the read error.
absl::Status UseQaFrameworkFile(const std::string& path);

// An audit's kind, grade and findings against `criteria`: a kind; a grade,
// except for a themed audit; every finding names a criterion of the
// framework once with a result; a full, dip-sample or multi-agency audit
// has a finding for every criterion, a themed audit at least one.
// INVALID_ARGUMENT naming the field (e.g. "findings[2].criterion").
absl::Status CheckAudit(
    const std::vector<Criterion>& criteria, v1::AuditKind kind,
    v1::AuditGrade grade,
    const google::protobuf::RepeatedPtrField<v1::CriterionFinding>& findings);

// Actions asked of the plan's officer: ids unique and valid, a section
// letter A to K (or empty), a description. INVALID_ARGUMENT naming the field.
absl::Status CheckAuditActions(
    const google::protobuf::RepeatedPtrField<v1::AuditAction>& actions);

// A dip sample of `population` (ids; order and duplicates do not matter):
// ceil(percent% of it), at least one when it is not empty. Each id ranks by
// a 64-bit FNV-1a hash of the seed and the id, and the lowest ranks are
// drawn: the same seed and population always give the same sample, on any
// machine, and a plan added to the population displaces at most one. The
// ids drawn, sorted. `percent` is 1-100 (clamped).
std::vector<std::string> DrawSample(std::vector<std::string> population,
                                    absl::string_view seed, int percent);

// Counters (v1::Tally codes).
inline constexpr char kPlansIssued[] = "quality.plans_issued";
inline constexpr char kPlansAudited[] = "quality.plans_audited";
inline constexpr char kAuditsGraded[] = "quality.audits_graded";
inline constexpr char kAuditsGoodOrBetter[] = "quality.audits_good";
inline constexpr char kCriterionPrefix[] = "quality.criterion.";
// Draft plans issued in EHC needs assessments; those audited (the first
// audit of each), audits of drafts graded, and graded good or outstanding.
// (Drafts count apart from issued plans: a draft audit is not a plan audit.)
inline constexpr char kDraftsIssued[] = "quality.drafts_issued";
inline constexpr char kDraftsAudited[] = "quality.drafts_audited";
inline constexpr char kDraftAuditsGraded[] = "quality.draft_audits_graded";
inline constexpr char kDraftAuditsGood[] = "quality.draft_audits_good";
// Plans drawn in dip samples, and those whose sample audit was recorded.
inline constexpr char kPlansSampled[] = "quality.plans_sampled";
inline constexpr char kSampledAudited[] = "quality.sampled_audited";
// Outcomes reviewed at review meetings (not those no longer relevant), those
// achieved or progressing, and the same for the preparation-for-adulthood
// areas; review meetings from Year 9, those covering preparation for
// adulthood, and those of plans with a preparation-for-adulthood outcome.
inline constexpr char kOutcomesReviewed[] = "outcomes.reviewed";
inline constexpr char kOutcomesProgressing[] = "outcomes.progressing";
inline constexpr char kPfaOutcomesReviewed[] = "outcomes.pfa_reviewed";
inline constexpr char kPfaOutcomesProgressing[] = "outcomes.pfa_progressing";
inline constexpr char kYear9Reviews[] = "reviews.year9";
inline constexpr char kYear9ReviewsPfaCovered[] = "reviews.year9_pfa_covered";
inline constexpr char kYear9ReviewsPfaOutcomes[] = "reviews.year9_pfa_outcomes";
// Advice audits, by kind of adviser ("<prefix><adviser>") and over all:
// graded, good or outstanding; and each advice criterion judged and met
// ("quality.advice_criterion.<id>.assessed" / ".met").
inline constexpr char kAdviceGraded[] = "quality.advice_graded";
inline constexpr char kAdviceGoodOrBetter[] = "quality.advice_good";
inline constexpr char kAdviceCriterionPrefix[] = "quality.advice_criterion.";
std::string AdviceCriterionAssessed(absl::string_view id);
std::string AdviceCriterionMet(absl::string_view id);
// "quality.criterion.<id>.assessed" (met, partly or not met: not "not
// applicable") and "quality.criterion.<id>.met".
std::string CriterionAssessed(absl::string_view id);
std::string CriterionMet(absl::string_view id);

template <typename Event>
v1::Tally* AddTally(Event& e, absl::string_view counter, int64_t count = 1) {
  v1::Tally* t = e.add_tallies();
  t->set_counter(std::string(counter));
  t->set_count(count);
  return t;
}

// A tally counted on `on`, a cohort's day, not the event's (v1::Tally.on).
template <typename Event>
void AddTallyOn(Event& e, absl::string_view counter, const v1::Date& on) {
  *AddTally(e, counter)->mutable_on() = on;
}

// The tallies of an audit: graded and good-or-better (when graded), each
// criterion assessed and met, and - when `first_of_issue` (no earlier audit
// of the same issue of the plan) - one plan audited.
template <typename Event>
void TallyAudit(Event& e, const v1::Audit& audit, bool first_of_issue) {
  if (first_of_issue) AddTally(e, kPlansAudited);
  if (audit.grade() != v1::AUDIT_GRADE_UNSPECIFIED) {
    AddTally(e, kAuditsGraded);
    if (audit.grade() == v1::AUDIT_GRADE_OUTSTANDING ||
        audit.grade() == v1::AUDIT_GRADE_GOOD) {
      AddTally(e, kAuditsGoodOrBetter);
    }
  }
  for (const v1::CriterionFinding& f : audit.findings()) {
    if (f.result() == v1::CRITERION_RESULT_NOT_APPLICABLE) continue;
    AddTally(e, CriterionAssessed(f.criterion()));
    if (f.result() == v1::CRITERION_RESULT_MET) {
      AddTally(e, CriterionMet(f.criterion()));
    }
  }
}

// The tallies of an advice audit of advice from `adviser` (the adviser
// measures' code, e.g. "educational_psychology").
template <typename Event>
void TallyAdviceAudit(Event& e, const v1::Audit& audit,
                      absl::string_view adviser) {
  if (audit.grade() != v1::AUDIT_GRADE_UNSPECIFIED) {
    const bool good = audit.grade() == v1::AUDIT_GRADE_OUTSTANDING ||
                      audit.grade() == v1::AUDIT_GRADE_GOOD;
    AddTally(e, kAdviceGraded);
    AddTally(e, std::string(kAdviceGraded) + "." + std::string(adviser));
    if (good) {
      AddTally(e, kAdviceGoodOrBetter);
      AddTally(e,
               std::string(kAdviceGoodOrBetter) + "." + std::string(adviser));
    }
  }
  for (const v1::CriterionFinding& f : audit.findings()) {
    if (f.result() == v1::CRITERION_RESULT_NOT_APPLICABLE) continue;
    AddTally(e, AdviceCriterionAssessed(f.criterion()));
    if (f.result() == v1::CRITERION_RESULT_MET) {
      AddTally(e, AdviceCriterionMet(f.criterion()));
    }
  }
}

// The auditor an audit records: a person records their own audits
// (`given` empty or their own officer id: else PERMISSION_DENIED); a
// back-office (integration) caller names the auditor (INVALID_ARGUMENT when
// it does not).
absl::StatusOr<std::string> AuditorOf(bool integration,
                                      const std::string& caller_officer_id,
                                      const std::string& given);

}  // namespace casework::statutory

#endif  // CASEWORK_LIBS_STATUTORY_QUALITY_H_
