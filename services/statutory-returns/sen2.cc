#include "services/statutory-returns/sen2.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/rules.h"

namespace casework::returns {
namespace {

Date D(const v1::Date& d) { return Date::Ymd(d.year(), d.month(), d.day()); }

// An enum value's SEN2 code: its name after the prefix (SEN_TYPE_ASD -> ASD).
template <typename Enum>
std::string Code(const google::protobuf::EnumDescriptor* e, Enum value,
                 absl::string_view prefix) {
  if (static_cast<int>(value) == 0) return "";
  const google::protobuf::EnumValueDescriptor* v =
      e->FindValueByNumber(static_cast<int>(value));
  if (v == nullptr) return "";
  absl::string_view name = v->name();
  absl::ConsumePrefix(&name, prefix);
  return std::string(name);
}

Sen2Setting SettingOf(const v1::Setting& s) {
  return Sen2Setting{
      .urn = s.urn(),
      .ukprn = s.ukprn(),
      .setting = Code(v1::SenSetting_descriptor(), s.setting(), "SEN_SETTING_"),
      .setting_other = s.setting_other(),
      .rank = s.rank() == 0 ? 1 : s.rank(),
      .sen_unit = s.sen_unit(),
      .resourced = s.resourced_provision()};
}

std::string RequestSourceCode(v1::RequestSource s) {
  switch (s) {
    case v1::REQUEST_SOURCE_PARENT:
    case v1::REQUEST_SOURCE_YOUNG_PERSON:
      return "1";
    case v1::REQUEST_SOURCE_SCHOOL_OR_SETTING:
      return "2";
    case v1::REQUEST_SOURCE_HEALTH:
      return "3";
    case v1::REQUEST_SOURCE_SOCIAL_CARE:
      return "4";
    case v1::REQUEST_SOURCE_OTHER:
      return "5";
    default:
      return "";
  }
}

std::string ReviewDecisionCode(v1::ReviewDecision d) {
  switch (d) {
    case v1::REVIEW_DECISION_AMEND:
      return "A";
    case v1::REVIEW_DECISION_CEASE:
      return "C";
    case v1::REVIEW_DECISION_MAINTAIN:
      return "M";
    default:
      return "";
  }
}

bool Within(Date d, Date from, Date to) { return from <= d && d <= to; }

// --- What the log says of each process, as it stood on the census day ---

struct AssessmentFacts {
  std::string id, officer;
  Date received;
  v1::RequestSource source = v1::REQUEST_SOURCE_UNSPECIFIED;
  v1::AssessmentKind kind = v1::ASSESSMENT_KIND_FIRST;
  bool rya = false;
  std::optional<Date> dob, decided_yes, decided_no, draft, no_plan, final,
      withdrawn, moved;
  std::string moved_to;
  bool exception = false;
  v1::PlanContents contents;  // of the final plan
};

struct PlanFacts {
  std::string id, officer;
  v1::PlanOrigin origin = v1::PLAN_ORIGIN_UNSPECIFIED;
  Date issued;
  std::optional<Date> dob, transferred_on, ceased;
  std::string source_assessment, transferred_from;
  int cease_reason = 0;
  v1::PlanContents contents;
  std::map<int, Date> meetings;  // cycle -> held on
  struct Notice {
    int cycle;
    Date on;
    v1::ReviewDecision decision;
  };
  std::vector<Notice> notices;
  std::optional<Date> phase_set, phase_due, phase_final;
  std::map<std::string, v1::Placement> placements;
};

struct DisagreementFacts {
  std::string id, officer, process;
  v1::AppealableDecision decision = v1::APPEALABLE_DECISION_UNSPECIFIED;
  bool mediation = false, tribunal = false;
};

// Events of one stream up to the census, in version order (the store keeps
// them so).
template <typename Event>
std::map<std::string, std::vector<const Event*>> ByStream(
    const std::vector<Event>& events, Date census) {
  std::map<std::string, std::vector<const Event*>> out;
  for (const Event& e : events) {
    const v1::EventMetadata& m = e.metadata();
    if (IsSet(m.occurred_on()) && D(m.occurred_on()) > census) continue;
    out[m.stream_id()].push_back(&e);
  }
  return out;
}

bool AnyException(
    const google::protobuf::RepeatedPtrField<v1::ClockChange>& c) {
  for (const v1::ClockChange& change : c) {
    if (change.exception() &&
        (change.clock_id() == "decision" || change.clock_id() == "final_plan" ||
         change.clock_id() == "no_plan_decision")) {
      return true;
    }
  }
  return false;
}

AssessmentFacts FoldAssessment(
    const std::string& id,
    const std::vector<const v1::EhcAssessmentEvent*>& events) {
  AssessmentFacts a;
  a.id = id;
  for (const v1::EhcAssessmentEvent* e : events) {
    if (!e->metadata().officer_id().empty())
      a.officer = e->metadata().officer_id();
    a.exception = a.exception || AnyException(e->clocks());
    switch (e->event_case()) {
      case v1::EhcAssessmentEvent::kRequestRecorded: {
        const v1::RequestRecorded& r = e->request_recorded();
        a.received = D(r.received_on());
        a.source = r.source();
        a.kind = r.kind();
        a.rya = r.rya();
        if (r.has_date_of_birth()) a.dob = D(r.date_of_birth());
        break;
      }
      case v1::EhcAssessmentEvent::kDecidedToAssess:
        a.decided_yes = D(e->decided_to_assess().decided_on());
        break;
      case v1::EhcAssessmentEvent::kDecidedNotToAssess:
        a.decided_no = D(e->decided_not_to_assess().decided_on());
        break;
      case v1::EhcAssessmentEvent::kDraftPlanIssued:
        a.draft = D(e->draft_plan_issued().issued_on());
        break;
      case v1::EhcAssessmentEvent::kDecidedNotToIssuePlan:
        a.no_plan = D(e->decided_not_to_issue_plan().decided_on());
        break;
      case v1::EhcAssessmentEvent::kFinalPlanIssued:
        a.final = D(e->final_plan_issued().issued_on());
        a.contents = e->final_plan_issued().contents();
        break;
      case v1::EhcAssessmentEvent::kRequestWithdrawn:
        a.withdrawn = D(e->request_withdrawn().withdrawn_on());
        break;
      case v1::EhcAssessmentEvent::kMovedOutOfArea:
        a.moved = D(e->moved_out_of_area().moved_on());
        a.moved_to = e->moved_out_of_area().to_la();
        break;
      default:
        break;
    }
  }
  return a;
}

PlanFacts FoldPlan(const std::string& id,
                   const std::vector<const v1::AnnualReviewEvent*>& events) {
  PlanFacts p;
  p.id = id;
  for (const v1::AnnualReviewEvent* e : events) {
    if (!e->metadata().officer_id().empty())
      p.officer = e->metadata().officer_id();
    switch (e->event_case()) {
      case v1::AnnualReviewEvent::kPlanRegistered: {
        const v1::PlanRegistered& r = e->plan_registered();
        p.origin = r.origin();
        p.issued = D(r.issued_on());
        if (r.has_date_of_birth()) p.dob = D(r.date_of_birth());
        p.source_assessment = r.source_assessment_id();
        p.transferred_from = r.transferred_from_la();
        if (r.has_transferred_on()) p.transferred_on = D(r.transferred_on());
        p.contents = r.contents();
        break;
      }
      case v1::AnnualReviewEvent::kMeetingHeld:
        p.meetings[e->meeting_held().cycle()] = D(e->meeting_held().held_on());
        break;
      case v1::AnnualReviewEvent::kDecisionNotified: {
        const v1::ReviewDecisionNotified& n = e->decision_notified();
        p.notices.push_back({n.cycle(), D(n.notified_on()), n.decision()});
        break;
      }
      case v1::AnnualReviewEvent::kAmendedPlanIssued: {
        const v1::AmendedPlanIssued& a = e->amended_plan_issued();
        if (a.has_contents()) p.contents = a.contents();
        if (p.phase_set && !p.phase_final && D(a.issued_on()) >= *p.phase_set) {
          p.phase_final = D(a.issued_on());
        }
        break;
      }
      case v1::AnnualReviewEvent::kPhaseTransferSet: {
        const v1::PhaseTransferSet& t = e->phase_transfer_set();
        p.phase_set = D(e->metadata().occurred_on());
        p.phase_due = D(t.deadline());
        p.phase_final.reset();
        break;
      }
      case v1::AnnualReviewEvent::kPlanCeased:
        p.ceased = D(e->plan_ceased().ceased_on());
        p.cease_reason = e->plan_ceased().reason();
        break;
      case v1::AnnualReviewEvent::kPlacementRecorded: {
        const v1::Placement& pl = e->placement_recorded().placement();
        p.placements[pl.placement_id()] = pl;
        break;
      }
      default:
        break;
    }
  }
  return p;
}

DisagreementFacts FoldDisagreement(
    const std::string& id,
    const std::vector<const v1::ComplaintsEvent*>& events) {
  DisagreementFacts d;
  d.id = id;
  for (const v1::ComplaintsEvent* e : events) {
    if (!e->metadata().officer_id().empty())
      d.officer = e->metadata().officer_id();
    switch (e->event_case()) {
      case v1::ComplaintsEvent::kDisagreementRecorded:
        d.decision = e->disagreement_recorded().decision();
        d.process = e->disagreement_recorded().process_id();
        break;
      case v1::ComplaintsEvent::kMediationHeld:
        d.mediation = true;
        break;
      case v1::ComplaintsEvent::kAppealRegistered:
        d.tribunal = true;
        break;
      default:
        break;
    }
  }
  return d;
}

class Builder {
 public:
  Builder(const ChildData& child, const ReturnPeriod& period)
      : child_(child), period_(period) {}

  Sen2Result Build() {
    const Date census = period_.census;
    for (const auto& [id, events] : ByStream(child_.ehc, census)) {
      AssessmentFacts a = FoldAssessment(id, events);
      if (a.received == Date()) continue;  // not yet requested by census
      assessments_.push_back(std::move(a));
    }
    for (const auto& [id, events] : ByStream(child_.reviews, census)) {
      PlanFacts p = FoldPlan(id, events);
      if (p.issued == Date()) continue;
      plans_.push_back(std::move(p));
    }
    for (const auto& [id, events] : ByStream(child_.complaints, census)) {
      DisagreementFacts d = FoldDisagreement(id, events);
      if (d.decision == v1::APPEALABLE_DECISION_UNSPECIFIED) continue;
      disagreements_.push_back(std::move(d));
    }
    Sen2Person person;
    person.child_id = child_.child_id;
    std::vector<bool> plan_used(plans_.size(), false);
    for (const AssessmentFacts& a : assessments_) {
      // A re-assessment is of a plan already reported: its request is not a
      // new request for an EHC needs assessment (SEN2.md section 8: check).
      if (a.kind == v1::ASSESSMENT_KIND_REASSESSMENT) continue;
      const PlanFacts* plan = nullptr;
      for (size_t i = 0; i < plans_.size(); ++i) {
        if (plans_[i].source_assessment == a.id) {
          plan = &plans_[i];
          plan_used[i] = true;
        }
      }
      std::optional<Sen2Request> r = FromAssessment(a, plan);
      if (r) person.requests.push_back(std::move(*r));
    }
    for (size_t i = 0; i < plans_.size(); ++i) {
      if (plan_used[i] || !InScope(plans_[i]) ||
          OursFrom(plans_[i]) > period_.census) {
        continue;
      }
      person.requests.push_back(FromPlanAlone(plans_[i]));
    }
    for (const DisagreementFacts& d : disagreements_) {
      if (d.process.empty()) {
        Problem(v1::SEN2_SEVERITY_WARNING, "RequestMediation", d.id, d.officer,
                "the disagreement names no process (process_id): its "
                "mediation and tribunal flags cannot be put on a request, "
                "assessment or plan");
      }
    }
    Sen2Result out;
    if (person.requests.empty()) {
      out.problems = std::move(problems_);
      return out;
    }
    officer_ = person.requests.front().officer_id;
    PersonDetails(person);
    out.person = std::move(person);
    out.problems = std::move(problems_);
    return out;
  }

 private:
  void Problem(v1::Sen2Severity severity, absl::string_view element,
               absl::string_view stream, absl::string_view officer,
               std::string message) {
    v1::Sen2Problem& p = problems_.emplace_back();
    p.set_child_id(child_.child_id);
    p.set_officer_id(std::string(officer));
    p.set_severity(severity);
    p.set_element(std::string(element));
    p.set_stream_id(std::string(stream));
    p.set_message(std::move(message));
  }
  void Error(absl::string_view element, absl::string_view stream,
             absl::string_view officer, std::string message) {
    Problem(v1::SEN2_SEVERITY_ERROR, element, stream, officer,
            std::move(message));
  }

  // The day the LA began to maintain the plan: its issue, or for a plan
  // transferred in, the day the LA took it over (before, another LA
  // reported it).
  static Date OursFrom(const PlanFacts& p) {
    return p.origin == v1::PLAN_ORIGIN_TRANSFER_IN && p.transferred_on
               ? std::max(p.issued, *p.transferred_on)
               : p.issued;
  }
  bool ActiveAt(const PlanFacts& p, Date d) const {
    return OursFrom(p) <= d && (!p.ceased || *p.ceased > d);
  }
  bool ActiveInPeriod(const PlanFacts& p) const {
    return OursFrom(p) <= period_.to &&
           (!p.ceased || *p.ceased >= period_.from);
  }
  bool InScope(const PlanFacts& p) const {
    return ActiveAt(p, period_.census) || ActiveInPeriod(p);
  }

  // Mediation and tribunal on a decision about `process`.
  void Flags(const std::string& process, v1::AppealableDecision decision,
             bool* mediation, bool* tribunal) const {
    for (const DisagreementFacts& d : disagreements_) {
      if (d.process != process || d.decision != decision) continue;
      *mediation = *mediation || d.mediation;
      *tribunal = *tribunal || d.tribunal;
    }
  }

  std::optional<Sen2Request> FromAssessment(const AssessmentFacts& a,
                                            const PlanFacts* plan) {
    const Date from = period_.from;
    Sen2Request r;
    r.stream_id = a.id;
    r.officer_id = a.officer;
    r.received = a.received;
    r.received_in_period = Within(a.received, from, period_.to);
    r.source = RequestSourceCode(a.source);
    r.rya = a.rya;
    // Module 2: the decision whether to assess, never overwritten.
    std::optional<Date> decided;
    if (a.decided_yes) {
      r.outcome = "Y";
      decided = a.decided_yes;
    } else if (a.decided_no) {
      r.outcome = "N";
      decided = a.decided_no;
    } else if (a.withdrawn || a.moved) {
      r.outcome = "W";
    } else {
      r.outcome = "A";
    }
    if (decided && *decided < from) {
      r.outcome = "H";
    } else if (decided) {
      r.outcome_date = decided;
    }
    if (a.moved && !a.decided_yes && !a.decided_no) r.exported = a.moved_to;
    Flags(a.id, v1::APPEALABLE_DECISION_REFUSAL_TO_ASSESS, &r.mediation,
          &r.tribunal);
    // Module 3: the decision whether to issue a plan.
    bool ongoing = r.outcome == "A";
    std::optional<Date> completed;
    if (a.decided_yes) {
      Sen2Assessment s;
      if (a.final) {
        s.outcome = "Y";
        completed = a.final;
      } else if (a.no_plan) {
        s.outcome = "N";
        completed = a.no_plan;
      } else if (a.draft) {
        s.outcome = "Y";  // decided to issue; no final plan yet
        ongoing = true;
      } else if (a.withdrawn || a.moved) {
        s.outcome = "W";
        if (a.moved) r.exported = a.moved_to;
      } else {
        s.outcome = "A";
        ongoing = true;
      }
      if (completed && *completed < from) {
        s.outcome = "H";
      } else if (completed) {
        s.outcome_date = completed;
      }
      if (s.outcome != "H" && s.outcome != "W") s.week20 = a.exception;
      Flags(a.id, v1::APPEALABLE_DECISION_REFUSAL_TO_ISSUE_PLAN, &s.mediation,
            &s.tribunal);
      if (a.final) {
        Flags(a.id, v1::APPEALABLE_DECISION_PLAN_CONTENTS, &s.other_mediation,
              &s.other_tribunal);
        if (plan != nullptr) {
          Flags(plan->id, v1::APPEALABLE_DECISION_PLAN_CONTENTS,
                &s.other_mediation, &s.other_tribunal);
        }
        s.plan =
            plan != nullptr ? NamedPlan(*plan, a.id) : NamedPlanFromFinal(a);
      }
      r.assessment = std::move(s);
    }
    if (a.moved && r.exported.empty()) {
      Problem(v1::SEN2_SEVERITY_WARNING, "Exported", a.id, a.officer,
              "the child moved out of the area before the assessment "
              "finished: record the LA moved to (to_la)");
    }
    const bool plan_in_scope = plan != nullptr && InScope(*plan);
    const bool in_scope =
        r.received_in_period || (decided && *decided >= from) ||
        (completed && *completed >= from) || ongoing || plan_in_scope ||
        (a.withdrawn && *a.withdrawn >= from) || (a.moved && *a.moved >= from);
    if (!in_scope) return std::nullopt;
    if (plan_in_scope) r.active = Active(*plan);
    if (r.source == "5") {
      Problem(v1::SEN2_SEVERITY_WARNING, "RequestSource", a.id, a.officer,
              "request source 'other' (5): COLLECT asks for an explanation "
              "when many are");
    }
    return r;
  }

  Sen2Request FromPlanAlone(const PlanFacts& p) {
    Sen2Request r;
    r.stream_id = p.id;
    r.officer_id = p.officer;
    r.outcome = "H";
    Sen2Assessment s;
    s.outcome = "H";  // decided before the period, or transferred in
    Flags(p.id, v1::APPEALABLE_DECISION_PLAN_CONTENTS, &s.other_mediation,
          &s.other_tribunal);
    s.plan = NamedPlan(p, p.id);
    r.assessment = std::move(s);
    r.active = Active(p);
    return r;
  }

  void CheckContents(const v1::PlanContents& c, const std::string& stream,
                     const std::string& officer) {
    if (c.settings_size() == 0) {
      Error("PlanDetail", stream, officer,
            "the plan names no setting: record the settings of Section I "
            "(URN, UKPRN or a SEN2 setting code) on the final or amended plan");
    }
    for (const v1::Setting& s : c.settings()) {
      if (s.setting() == v1::SEN_SETTING_OTH ||
          s.setting() == v1::SEN_SETTING_NIEO) {
        Problem(v1::SEN2_SEVERITY_WARNING, "SENsetting", stream, officer,
                "setting OTH or NIEO: COLLECT asks for an explanation");
      }
    }
  }

  Sen2NamedPlan NamedPlanFromFinal(const AssessmentFacts& a) {
    Sen2NamedPlan n;
    n.start = *a.final;
    Contents(a.contents, &n);
    CheckContents(a.contents, a.id, a.officer);
    return n;
  }

  void Contents(const v1::PlanContents& c, Sen2NamedPlan* n) const {
    n->res =
        Code(v1::Residential_descriptor(), c.residential(), "RESIDENTIAL_");
    n->wbp = Code(v1::WorkBasedPattern_descriptor(), c.work_based(),
                  "WORK_BASED_PATTERN_");
    n->pb = c.personal_budget();
    if (c.personal_budget()) {
      n->oa = c.organised_arrangements();
      n->dp = Code(v1::DirectPayments_descriptor(), c.direct_payments(),
                   "DIRECT_PAYMENTS_");
    }
    std::vector<v1::Setting> settings(c.settings().begin(), c.settings().end());
    std::sort(settings.begin(), settings.end(),
              [](const v1::Setting& a, const v1::Setting& b) {
                return a.rank() < b.rank();
              });
    for (const v1::Setting& s : settings) n->details.push_back(SettingOf(s));
  }

  Sen2NamedPlan NamedPlan(const PlanFacts& p, const std::string& stream) {
    Sen2NamedPlan n;
    n.start = p.issued;
    Contents(p.contents, &n);
    CheckContents(p.contents, p.id, p.officer);
    if (p.ceased) {
      n.cease_date = p.ceased;
      n.cease_reason = p.cease_reason;
      if (*p.ceased < p.issued) {
        Error("CeaseDate", p.id, p.officer,
              "the plan ceased before it started");
      }
      if (p.cease_reason == v1::CEASE_REASON_UNSPECIFIED) {
        // SEN2 asks for CeaseReason with every CeaseDate: the services
        // always record one; a record from elsewhere may not.
        Error("CeaseReason", p.id, p.officer,
              absl::StrCat("the plan ceased on ", p.ceased->ToString(),
                           " with no cease reason: SEN2 needs a reason with "
                           "every CeaseDate"));
      }
      if (p.cease_reason == v1::CEASE_REASON_OTHER) {
        Problem(v1::SEN2_SEVERITY_WARNING, "CeaseReason", p.id, p.officer,
                "cease reason 'other' (9): COLLECT asks for an explanation");
      }
    }
    (void)stream;
    return n;
  }

  Sen2ActivePlan Active(const PlanFacts& p) {
    const Date census = period_.census;
    Sen2ActivePlan a;
    a.active_at_census = ActiveAt(p, census);
    if (p.origin == v1::PLAN_ORIGIN_TRANSFER_IN && p.transferred_on &&
        Within(*p.transferred_on, period_.from, period_.to)) {
      a.transfer_la = p.transferred_from;
      if (a.transfer_la.empty()) {
        Error("TransferLA", p.id, p.officer,
              "the plan was transferred in during the year: record the LA "
              "it came from (transferred_from_la)");
      }
    }
    // The latest review meeting, and the decision after it, by census.
    int last_cycle = 0;
    for (const auto& [cycle, held] : p.meetings) {
      if (held <= census && (!a.review_meeting || held >= *a.review_meeting)) {
        a.review_meeting = held;
        last_cycle = cycle;
      }
    }
    for (const PlanFacts::Notice& n : p.notices) {
      if (n.on > census) continue;
      if (!a.last_review || n.on >= *a.last_review) {
        a.last_review = n.on;
        a.review_draft.reset();
        if (n.decision == v1::REVIEW_DECISION_AMEND) a.review_draft = n.on;
      }
      if (a.review_meeting && n.cycle == last_cycle) {
        a.review_outcome = ReviewDecisionCode(n.decision);
      }
    }
    if (p.phase_due) {
      a.phase_due = p.phase_due;
      a.phase_final = p.phase_final;
    }
    // Placements attended in the period (as they stood on census day).
    for (const auto& [id, pl] : p.placements) {
      const Date entry = D(pl.entry_date());
      if (entry > census) continue;
      std::optional<Date> leaving;
      if (IsSet(pl.leaving_date()) && D(pl.leaving_date()) <= census) {
        leaving = D(pl.leaving_date());
      }
      if (leaving && *leaving < period_.from) continue;
      a.placements.push_back(
          Sen2Placement{.where = SettingOf(pl.establishment()),
                        .entry = entry,
                        .leaving = leaving,
                        .res = Code(v1::Residential_descriptor(),
                                    pl.residential(), "RESIDENTIAL_"),
                        .wbp = Code(v1::WorkBasedPattern_descriptor(),
                                    pl.work_based(), "WORK_BASED_PATTERN_")});
    }
    std::sort(a.placements.begin(), a.placements.end(),
              [](const Sen2Placement& x, const Sen2Placement& y) {
                return std::tie(x.entry, x.where.rank) <
                       std::tie(y.entry, y.where.rank);
              });
    std::vector<v1::SenNeed> needs(p.contents.needs().begin(),
                                   p.contents.needs().end());
    std::sort(needs.begin(), needs.end(),
              [](const v1::SenNeed& x, const v1::SenNeed& y) {
                return x.rank() < y.rank();
              });
    for (const v1::SenNeed& n : needs) {
      a.needs.push_back(
          {Code(v1::SenType_descriptor(), n.type(), "SEN_TYPE_"), n.rank()});
    }
    if (a.placements.empty()) {
      Error("PlacementDetail", p.id, p.officer,
            "no placement in the year: record where the child attends "
            "(RecordPlacement, with its entry date)");
    }
    if (a.needs.empty()) {
      Error("SENneed", p.id, p.officer,
            "the plan records no special educational need: record its "
            "primary need (and a secondary one, if any) on the plan");
    }
    return a;
  }

  void PersonDetails(Sen2Person& person) {
    const std::string& officer = officer_;
    if (!child_.person) {
      Error("Person", "", officer,
            "no person details for this child on casework.people.v1 "
            "(surname, forename, date of birth, sex, ethnicity, postcode, "
            "UPN): the back office, or casectl people import, publishes them");
    } else {
      const v1::PersonRecord& p = *child_.person;
      person.surname = p.surname();
      person.forename = p.forename();
      person.sex = p.sex();
      person.ethnicity = p.ethnicity();
      person.postcode = p.postcode();
      person.upn = p.upn();
      person.uln = p.uln();
      person.upn_unknown = p.upn_unknown();
      if (IsSet(p.date_of_birth())) person.birth = D(p.date_of_birth());
      auto missing = [&](const std::string& value, absl::string_view element,
                         absl::string_view what) {
        if (value.empty()) {
          Error(element, "", officer,
                absl::StrCat("no ", what, " in the person details"));
        }
      };
      missing(p.surname(), "Surname", "surname");
      missing(p.forename(), "Forename", "forename");
      missing(p.sex(), "Sex", "sex (M or F)");
      missing(p.ethnicity(), "Ethnicity", "ethnicity code");
      missing(p.postcode(), "PostCode", "postcode");
      if (p.upn().empty() && p.uln().empty() && p.upn_unknown().empty()) {
        Error("UPN", "", officer,
              "no UPN, no ULN and no reason why (UPNunknown UN1-UN10)");
      }
    }
    if (!person.birth) {
      for (const AssessmentFacts& a : assessments_) {
        if (a.dob) person.birth = a.dob;
      }
      for (const PlanFacts& p : plans_) {
        if (p.dob) person.birth = p.dob;
      }
    }
    if (!person.birth) {
      Error("PersonBirthDate", "", officer, "no date of birth");
    } else if (person.upn_unknown == "UN1" &&
               statutory::AgeOn(*person.birth, period_.census) >= 6) {
      Error("UPNunknown", "", officer,
            "UN1 is for a child under 6; this child is 6 or over on census "
            "day");
    }
  }

  const ChildData& child_;
  const ReturnPeriod& period_;
  std::vector<AssessmentFacts> assessments_;
  std::vector<PlanFacts> plans_;
  std::vector<DisagreementFacts> disagreements_;
  std::vector<v1::Sen2Problem> problems_;
  std::string officer_;
};

}  // namespace

ReturnPeriod PeriodFor(int year, std::optional<Date> census) {
  ReturnPeriod p;
  p.year = year;
  p.from = Date::Ymd(year - 1, 1, 1);
  p.to = Date::Ymd(year - 1, 12, 31);
  if (census) {
    p.census = *census;
  } else {
    Date d = Date::Ymd(year, 1, 1);
    while (d.weekday() != Weekday::kThursday) d = d.AddDays(1);
    p.census = d.AddDays(14);  // the third Thursday
  }
  return p;
}

Sen2Result BuildPerson(const ChildData& child, const ReturnPeriod& period) {
  return Builder(child, period).Build();
}

}  // namespace casework::returns
