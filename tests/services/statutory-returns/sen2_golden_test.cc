// The SEN2 return of a small LA, derived from its log, against the XML written
// here by hand: each value derived in a comment from ../shared/SEN2.md.
//
// Return year 2027: census day Thu 21 Jan 2027 (the third Thursday); the
// collection period is calendar 2026 (SEN2.md section 1).
//
// The events go through the store as the consumer runtime gives them (Kafka
// records with their CloudEvents headers), in the log's order, shuffled, and
// twice over: the file is the same each time. Person details arrive after the
// children's events (one never arrives: the check lists it). Further children
// use, between them, every code of every code set SEN2.md lists (request
// sources, outcomes, setting codes, types of need, cease reasons, review
// outcomes, Res, WBP, DP, sex, ethnicity, UPN-unknown reasons), and the whole
// file validates against services/statutory-returns/sen2.xsd with xmllint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework/v1/annual_review.pb.h"
#include "casework/v1/complaints.pb.h"
#include "casework/v1/ehc_assessment.pb.h"
#include "libs/rpc/proto_date.h"
#include "services/statutory-returns/people.h"
#include "services/statutory-returns/returns_service.h"
#include "services/statutory-returns/sen2_xml.h"
#include "tests/testing/domain_record.h"
#include "tests/testing/temp_dir.h"

namespace casework::returns {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Date D(int y, int m, int d) { return Date::Ymd(y, m, d); }
v1::Date P(int y, int m, int d) { return ToProto(D(y, m, d)); }

// The child's log, as Kafka records of the three topics.
class Log {
 public:
  // An event of `stream` (versions count up per stream), dated `on`.
  template <typename Envelope>
  Envelope& Add(const std::string& service, const std::string& child,
                const std::string& stream, Date on,
                const std::string& officer = "officer-01") {
    auto e = std::make_unique<Envelope>();
    v1::EventMetadata* m = e->mutable_metadata();
    m->set_event_id(absl::StrCat(stream, "-", ++versions_[stream]));
    m->set_stream_id(stream);
    m->set_version(versions_[stream]);
    m->set_position(++position_);
    m->set_child_id(child);
    m->set_officer_id(officer);
    *m->mutable_occurred_on() = ToProto(on);
    m->set_source(service);
    Envelope& ref = *e;
    pending_.push_back({service, std::move(e)});
    return ref;
  }
  v1::EhcAssessmentEvent& Ehc(const std::string& child, const std::string& a,
                              Date on,
                              const std::string& officer = "officer-01") {
    return Add<v1::EhcAssessmentEvent>("ehc-assessments", child, a, on,
                                       officer);
  }
  v1::AnnualReviewEvent& Plan(const std::string& child, const std::string& p,
                              Date on) {
    return Add<v1::AnnualReviewEvent>("annual-reviews", child, p, on,
                                      "officer-02");
  }
  v1::ComplaintsEvent& Disagreement(const std::string& child,
                                    const std::string& d, Date on) {
    return Add<v1::ComplaintsEvent>("complaints", child, d, on);
  }
  void Person(v1::PersonRecord p) { people_.push_back(std::move(p)); }

  // Every record, events first and person details after them.
  std::vector<kafka::Message> Records() const {
    std::vector<kafka::Message> out;
    for (const auto& [service, e] : pending_) {
      out.push_back(testutil::DomainRecord(*e));
    }
    for (const v1::PersonRecord& p : people_) {
      kafka::Message m;
      m.topic = kPeopleTopic;
      m.key = p.child_id();
      m.value = p.SerializeAsString();
      m.headers = {{"content-type", "application/protobuf"},
                   {"ce_type", kPersonRecordType}};
      out.push_back(std::move(m));
    }
    return out;
  }

 private:
  std::map<std::string, int64_t> versions_;
  int64_t position_ = 0;
  std::vector<
      std::pair<std::string, std::unique_ptr<google::protobuf::Message>>>
      pending_;
  std::vector<v1::PersonRecord> people_;
};

v1::PersonRecord Person(const std::string& child, Date dob,
                        const std::string& upn, const std::string& sex = "F",
                        const std::string& ethnicity = "WBRI") {
  v1::PersonRecord p;
  p.set_child_id(child);
  p.set_surname(absl::StrCat("Surname-", child));
  p.set_forename("Sam");
  *p.mutable_date_of_birth() = ToProto(dob);
  p.set_sex(sex);
  p.set_ethnicity(ethnicity);
  p.set_postcode("ZZ1 1ZZ");
  if (absl::StartsWith(upn, "UN")) {
    p.set_upn_unknown(upn);
  } else {
    p.set_upn(upn);
  }
  return p;
}

// A UPN with its check letter, from 12 digits.
std::string Upn(const std::string& digits) {
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    sum += (digits[i] - '0') * static_cast<int>(i + 2);
  }
  return std::string(1, "ABCDEFGHJKLMNPQRTUVWXYZ"[sum % 23]) + digits;
}

v1::Setting Urn(const std::string& urn, int rank, bool unit = false,
                bool resourced = false) {
  v1::Setting s;
  s.set_urn(urn);
  s.set_rank(rank);
  s.set_sen_unit(unit);
  s.set_resourced_provision(resourced);
  return s;
}
v1::Setting Code(v1::SenSetting code, int rank, const std::string& text = "") {
  v1::Setting s;
  s.set_setting(code);
  s.set_setting_other(text);
  s.set_rank(rank);
  return s;
}
v1::PlanContents Contents(std::vector<v1::Setting> settings,
                          std::vector<v1::SenType> needs) {
  v1::PlanContents c;
  for (v1::Setting& s : settings) *c.add_settings() = std::move(s);
  int rank = 0;
  for (v1::SenType t : needs) {
    v1::SenNeed* n = c.add_needs();
    n->set_type(t);
    n->set_rank(++rank);
  }
  return c;
}

// A request and, optionally, its decision.
void Request(Log& log, const std::string& child, const std::string& a,
             Date received, v1::RequestSource source, bool rya = false) {
  v1::RequestRecorded* r =
      log.Ehc(child, a, received).mutable_request_recorded();
  *r->mutable_received_on() = ToProto(received);
  r->set_source(source);
  r->set_kind(v1::ASSESSMENT_KIND_FIRST);
  r->set_rya(rya);
}
void Assess(Log& log, const std::string& child, const std::string& a, Date on) {
  *log.Ehc(child, a, on).mutable_decided_to_assess()->mutable_decided_on() =
      ToProto(on);
}
void Final(Log& log, const std::string& child, const std::string& a, Date draft,
           Date final, const v1::PlanContents& contents) {
  *log.Ehc(child, a, draft).mutable_draft_plan_issued()->mutable_issued_on() =
      ToProto(draft);
  v1::FinalPlanIssued* f = log.Ehc(child, a, final).mutable_final_plan_issued();
  *f->mutable_issued_on() = ToProto(final);
  *f->mutable_contents() = contents;
}
// The plan annual-reviews keeps (from the final plan, or registered).
void Registered(Log& log, const std::string& child, const std::string& plan,
                Date issued, v1::PlanOrigin origin,
                const v1::PlanContents& contents,
                const std::string& source_assessment = "") {
  v1::PlanRegistered* r =
      log.Plan(child, plan, issued).mutable_plan_registered();
  r->set_origin(origin);
  *r->mutable_issued_on() = ToProto(issued);
  *r->mutable_contents() = contents;
  r->set_source_assessment_id(source_assessment);
}
void Placement(Log& log, const std::string& child, const std::string& plan,
               const std::string& id, const v1::Setting& where, Date entry,
               std::optional<Date> leaving = std::nullopt,
               v1::Residential res = v1::RESIDENTIAL_UNSPECIFIED,
               v1::WorkBasedPattern wbp = v1::WORK_BASED_PATTERN_UNSPECIFIED) {
  v1::Placement* p = log.Plan(child, plan, entry)
                         .mutable_placement_recorded()
                         ->mutable_placement();
  p->set_placement_id(id);
  *p->mutable_establishment() = where;
  *p->mutable_entry_date() = ToProto(entry);
  if (leaving) *p->mutable_leaving_date() = ToProto(*leaving);
  p->set_residential(res);
  p->set_work_based(wbp);
}
void Review(Log& log, const std::string& child, const std::string& plan,
            int cycle, Date meeting, Date notice, v1::ReviewDecision d) {
  v1::ReviewMeetingHeld* h =
      log.Plan(child, plan, meeting).mutable_meeting_held();
  h->set_cycle(cycle);
  *h->mutable_held_on() = ToProto(meeting);
  v1::ReviewDecisionNotified* n =
      log.Plan(child, plan, notice).mutable_decision_notified();
  n->set_cycle(cycle);
  n->set_decision(d);
  *n->mutable_notified_on() = ToProto(notice);
}
void Ceased(Log& log, const std::string& child, const std::string& plan,
            Date on, v1::CeaseReason reason) {
  v1::PlanCeased* c = log.Plan(child, plan, on).mutable_plan_ceased();
  *c->mutable_ceased_on() = ToProto(on);
  c->set_reason(reason);
}

// The log of the golden LA.
Log GoldenLog() {
  Log log;
  // c01: a request in the period assessed and a plan issued within 20 weeks.
  Request(log, "c01", "a01", D(2026, 2, 2), v1::REQUEST_SOURCE_PARENT, true);
  Assess(log, "c01", "a01", D(2026, 3, 2));
  const v1::PlanContents c01 = Contents({Urn("100001", 1, /*unit=*/true)},
                                        {v1::SEN_TYPE_ASD, v1::SEN_TYPE_SLCN});
  v1::PlanContents c01b = c01;
  c01b.set_residential(v1::RESIDENTIAL_A);
  Final(log, "c01", "a01", D(2026, 5, 1), D(2026, 6, 1), c01b);
  Registered(log, "c01", "plan-a01", D(2026, 6, 1),
             v1::PLAN_ORIGIN_EHC_FINAL_PLAN, c01b, "a01");
  Placement(log, "c01", "plan-a01", "p1", Urn("100001", 1, true), D(2026, 6, 1),
            std::nullopt, v1::RESIDENTIAL_A);
  // c02: refused to assess; mediation, then the Tribunal, on that refusal.
  Request(log, "c02", "a02", D(2026, 3, 2),
          v1::REQUEST_SOURCE_SCHOOL_OR_SETTING);
  *log.Ehc("c02", "a02", D(2026, 4, 10))
       .mutable_decided_not_to_assess()
       ->mutable_decided_on() = P(2026, 4, 10);
  {
    v1::DisagreementRecorded* d = log.Disagreement("c02", "d02", D(2026, 4, 12))
                                      .mutable_disagreement_recorded();
    d->set_decision(v1::APPEALABLE_DECISION_REFUSAL_TO_ASSESS);
    *d->mutable_decision_letter_on() = P(2026, 4, 10);
    d->set_process_id("a02");
    *log.Disagreement("c02", "d02", D(2026, 5, 1))
         .mutable_mediation_held()
         ->mutable_held_on() = P(2026, 5, 1);
    *log.Disagreement("c02", "d02", D(2026, 6, 1))
         .mutable_appeal_registered()
         ->mutable_registered_on() = P(2026, 6, 1);
  }
  // c03: received after the period, before census: no decision yet.
  Request(log, "c03", "a03", D(2027, 1, 5), v1::REQUEST_SOURCE_HEALTH);
  // c04: withdrawn before the decision.
  Request(log, "c04", "a04", D(2026, 5, 4), v1::REQUEST_SOURCE_SOCIAL_CARE);
  *log.Ehc("c04", "a04", D(2026, 5, 20))
       .mutable_request_withdrawn()
       ->mutable_withdrawn_on() = P(2026, 5, 20);
  // c05: a plan from a request decided in 2024, still maintained, reviewed.
  Request(log, "c05", "a05", D(2024, 1, 10), v1::REQUEST_SOURCE_OTHER);
  Assess(log, "c05", "a05", D(2024, 2, 1));
  v1::Setting college;
  college.set_ukprn("10012345");
  college.set_rank(1);
  const v1::PlanContents c05 =
      Contents({college}, {v1::SEN_TYPE_SPLD, v1::SEN_TYPE_MLD});
  Final(log, "c05", "a05", D(2024, 5, 1), D(2024, 6, 3), c05);
  Registered(log, "c05", "plan-a05", D(2024, 6, 3),
             v1::PLAN_ORIGIN_EHC_FINAL_PLAN, c05, "a05");
  Placement(log, "c05", "plan-a05", "p1", college, D(2024, 9, 2), std::nullopt,
            v1::RESIDENTIAL_UNSPECIFIED, v1::WORK_BASED_PATTERN_T);
  Review(log, "c05", "plan-a05", 1, D(2025, 5, 12), D(2025, 5, 20),
         v1::REVIEW_DECISION_MAINTAIN);
  Review(log, "c05", "plan-a05", 2, D(2026, 5, 11), D(2026, 5, 21),
         v1::REVIEW_DECISION_MAINTAIN);
  // c06: assessed, then decided not to issue; an exception lifted a limit;
  // mediation (no appeal) on the decision not to issue.
  Request(log, "c06", "a06", D(2026, 1, 12), v1::REQUEST_SOURCE_PARENT);
  Assess(log, "c06", "a06", D(2026, 2, 9));
  {
    v1::EhcAssessmentEvent& x = log.Ehc("c06", "a06", D(2026, 3, 1));
    x.mutable_exception_recorded()->set_kind(
        v1::EXCEPTION_KIND_PERSONAL_CIRCUMSTANCES);
    *x.mutable_exception_recorded()->mutable_starts_on() = P(2026, 3, 1);
    v1::ClockChange* c = x.add_clocks();
    c->set_clock_id("no_plan_decision");
    c->set_action(v1::CLOCK_EXCEPTION_APPLIED);
    c->set_exception(true);
    *log.Ehc("c06", "a06", D(2026, 5, 4))
         .mutable_decided_not_to_issue_plan()
         ->mutable_decided_on() = P(2026, 5, 4);
    v1::DisagreementRecorded* d = log.Disagreement("c06", "d06", D(2026, 5, 10))
                                      .mutable_disagreement_recorded();
    d->set_decision(v1::APPEALABLE_DECISION_REFUSAL_TO_ISSUE_PLAN);
    d->set_process_id("a06");
    *log.Disagreement("c06", "d06", D(2026, 6, 1))
         .mutable_mediation_held()
         ->mutable_held_on() = P(2026, 6, 1);
  }
  // c07: decided to issue (the draft is out), no final plan by census.
  Request(log, "c07", "a07", D(2026, 9, 1), v1::REQUEST_SOURCE_PARENT);
  Assess(log, "c07", "a07", D(2026, 10, 1));
  *log.Ehc("c07", "a07", D(2026, 12, 20))
       .mutable_draft_plan_issued()
       ->mutable_issued_on() = P(2026, 12, 20);
  // c08: being assessed at census.
  Request(log, "c08", "a08", D(2026, 10, 15), v1::REQUEST_SOURCE_PARENT);
  Assess(log, "c08", "a08", D(2026, 11, 20));
  // c09: moved to LA 825 while being assessed.
  Request(log, "c09", "a09", D(2026, 4, 1), v1::REQUEST_SOURCE_PARENT);
  Assess(log, "c09", "a09", D(2026, 5, 1));
  {
    v1::MovedOutOfArea* m =
        log.Ehc("c09", "a09", D(2026, 6, 15)).mutable_moved_out_of_area();
    *m->mutable_moved_on() = P(2026, 6, 15);
    m->set_to_la("825");
  }
  // c10: a plan transferred in from LA 873 during the year; a personal
  // budget by organised arrangements and integrated direct payments.
  {
    v1::PlanContents c10 =
        Contents({Code(v1::SEN_SETTING_OTH, 1, "hospital education")},
                 {v1::SEN_TYPE_SEMH});
    c10.set_personal_budget(true);
    c10.set_organised_arrangements(true);
    c10.set_direct_payments(v1::DIRECT_PAYMENTS_I);
    v1::PlanRegistered* r =
        log.Plan("c10", "plan-t10", D(2025, 3, 3)).mutable_plan_registered();
    r->set_origin(v1::PLAN_ORIGIN_TRANSFER_IN);
    *r->mutable_issued_on() = P(2025, 3, 3);
    *r->mutable_contents() = c10;
    r->set_transferred_from_la("873");
    *r->mutable_transferred_on() = P(2026, 4, 1);
    Placement(log, "c10", "plan-t10", "p1",
              Code(v1::SEN_SETTING_OTH, 1, "hospital education"),
              D(2026, 4, 1));
  }
  // c11: a migrated plan amended at review for the move to post-16, then
  // ceased in the year (moved on to higher education); two placements.
  {
    const v1::PlanContents c11 =
        Contents({Urn("100011", 1), Urn("100012", 2, false, true)},
                 {v1::SEN_TYPE_HI, v1::SEN_TYPE_VI});
    Registered(log, "c11", "plan-m11", D(2020, 9, 1), v1::PLAN_ORIGIN_MIGRATED,
               c11);
    Placement(log, "c11", "plan-m11", "p1", Urn("100011", 1), D(2020, 9, 1),
              D(2026, 7, 20));
    Placement(log, "c11", "plan-m11", "p2", Urn("100012", 2, false, true),
              D(2025, 9, 1), D(2026, 3, 31));
    v1::PhaseTransferSet* t = log.Plan("c11", "plan-m11", D(2025, 10, 1))
                                  .mutable_phase_transfer_set();
    t->set_kind(v1::PHASE_TRANSFER_KIND_SECONDARY_TO_POST16);
    *t->mutable_move_on() = P(2026, 9, 1);
    *t->mutable_deadline() = P(2026, 3, 30);
    Review(log, "c11", "plan-m11", 1, D(2026, 2, 2), D(2026, 2, 20),
           v1::REVIEW_DECISION_AMEND);
    v1::AmendedPlanIssued* a = log.Plan("c11", "plan-m11", D(2026, 3, 27))
                                   .mutable_amended_plan_issued();
    a->set_cycle(1);
    *a->mutable_issued_on() = P(2026, 3, 27);
    Ceased(log, "c11", "plan-m11", D(2026, 7, 20),
           v1::CEASE_REASON_HIGHER_EDUCATION);
  }
  // c12: a request in the period; its person details never arrive.
  Request(log, "c12", "a12", D(2026, 6, 1), v1::REQUEST_SOURCE_PARENT);
  // c13: refused in 2025: nothing of it in the 2027 return.
  Request(log, "c13", "a13", D(2025, 3, 5), v1::REQUEST_SOURCE_PARENT);
  *log.Ehc("c13", "a13", D(2025, 4, 1))
       .mutable_decided_not_to_assess()
       ->mutable_decided_on() = P(2025, 4, 1);

  // Person details (after the events; c12's never come).
  log.Person(Person("c01", D(2015, 3, 1), Upn("999123412001"), "M", "WBRI"));
  log.Person(Person("c02", D(2016, 4, 2), Upn("999123412002"), "F", "WIRI"));
  log.Person(Person("c03", D(2022, 5, 3), "UN1", "M", "WIRT"));
  log.Person(Person("c04", D(2014, 6, 4), "UN2", "F", "WOTH"));
  log.Person(Person("c05", D(2008, 7, 5), Upn("999123412005"), "M", "WROM"));
  log.Person(Person("c06", D(2013, 8, 6), "UN3", "F", "MWBC"));
  log.Person(Person("c07", D(2012, 9, 7), "UN5", "M", "MWBA"));
  log.Person(Person("c08", D(2011, 10, 8), "UN8", "F", "MWAS"));
  log.Person(Person("c09", D(2010, 11, 9), "UN9", "M", "MOTH"));
  log.Person(Person("c10", D(2009, 12, 10), "UN10", "F", "AIND"));
  {
    v1::PersonRecord c11 = Person("c11", D(2007, 1, 11), "", "M", "APKN");
    c11.set_uln("1234567890");
    log.Person(c11);
  }
  log.Person(Person("c13", D(2015, 1, 13), Upn("999123412013"), "F", "ABAN"));
  return log;
}

// Further children for the code sets: migrated plans, each with two needs and
// a setting by code, eight of them ceased in the year with each remaining
// cease reason, the rest reviewed with each review outcome.
void CodeSetChildren(Log& log) {
  const v1::SenType needs[] = {v1::SEN_TYPE_SLD, v1::SEN_TYPE_PMLD,
                               v1::SEN_TYPE_MSI, v1::SEN_TYPE_PD,
                               v1::SEN_TYPE_DS,  v1::SEN_TYPE_OTH};
  const v1::SenSetting settings[] = {v1::SEN_SETTING_OLA,  v1::SEN_SETTING_OPA,
                                     v1::SEN_SETTING_EHE,  v1::SEN_SETTING_EYP,
                                     v1::SEN_SETTING_NEET, v1::SEN_SETTING_NIEC,
                                     v1::SEN_SETTING_NIEO, v1::SEN_SETTING_OTH};
  const v1::CeaseReason reasons[] = {v1::CEASE_REASON_MAX_AGE,
                                     v1::CEASE_REASON_NEEDS_MET,
                                     v1::CEASE_REASON_EMPLOYMENT,
                                     v1::CEASE_REASON_TRANSFERRED_TO_ANOTHER_LA,
                                     v1::CEASE_REASON_NO_ENGAGEMENT,
                                     v1::CEASE_REASON_LEFT_ENGLAND,
                                     v1::CEASE_REASON_DECEASED,
                                     v1::CEASE_REASON_OTHER};
  const char* ethnicity[] = {"BCRB", "BAFR", "BOTH", "CHNE",
                             "OOTH", "REFU", "NOBT", "AOTH"};
  for (int i = 0; i < 8; ++i) {
    const std::string child = absl::StrFormat("k%02d", i + 1);
    const std::string plan = absl::StrCat("plan-", child);
    v1::PlanContents c =
        Contents({Code(settings[i], 1)}, {needs[i % 6], needs[(i + 1) % 6]});
    c.set_residential(i % 2 ? v1::RESIDENTIAL_B : v1::RESIDENTIAL_A);
    c.set_work_based(i % 3 == 0   ? v1::WORK_BASED_PATTERN_A
                     : i % 3 == 1 ? v1::WORK_BASED_PATTERN_T
                                  : v1::WORK_BASED_PATTERN_S);
    c.set_personal_budget(true);
    c.set_direct_payments(i % 4 == 0   ? v1::DIRECT_PAYMENTS_E
                          : i % 4 == 1 ? v1::DIRECT_PAYMENTS_S
                          : i % 4 == 2 ? v1::DIRECT_PAYMENTS_H
                                       : v1::DIRECT_PAYMENTS_I);
    Registered(log, child, plan, D(2023, 9, 1), v1::PLAN_ORIGIN_MIGRATED, c);
    Placement(log, child, plan, "p1", Code(settings[i], 1), D(2023, 9, 1),
              std::nullopt, i % 2 ? v1::RESIDENTIAL_B : v1::RESIDENTIAL_A,
              i % 3 == 0   ? v1::WORK_BASED_PATTERN_A
              : i % 3 == 1 ? v1::WORK_BASED_PATTERN_T
                           : v1::WORK_BASED_PATTERN_S);
    const v1::ReviewDecision decision = i % 3 == 0 ? v1::REVIEW_DECISION_AMEND
                                        : i % 3 == 1
                                            ? v1::REVIEW_DECISION_CEASE
                                            : v1::REVIEW_DECISION_MAINTAIN;
    Review(log, child, plan, 1, D(2026, 3, 2), D(2026, 3, 20), decision);
    Ceased(log, child, plan, D(2026, 10, 1), reasons[i]);
    log.Person(Person(child, D(2006, 2, 1 + i),
                      Upn(absl::StrFormat("9991234130%02d", i)),
                      i % 2 ? "M" : "F", ethnicity[i]));
  }
}

class Sen2GoldenTest : public ::testing::Test {
 protected:
  // The return of the log's records applied in `order` (indexes), twice over
  // when `twice`.
  Sen2Return Apply(const std::vector<kafka::Message>& records,
                   const std::vector<size_t>& order, bool twice = false) {
    testutil::TempDir dir;
    auto store = ReturnsStore::Open(dir.Sub("returns"));
    EXPECT_TRUE(store.ok()) << store.status();
    ReturnsSink sink(**store);
    for (int round = 0; round < (twice ? 2 : 1); ++round) {
      for (size_t i : order) {
        EXPECT_TRUE(sink.Check(records[i]).ok())
            << sink.Check(records[i]) << " " << records[i].topic;
        EXPECT_TRUE((*store)->Apply({records[i]}, {}).ok());
      }
    }
    auto r = BuildReturn(**store, PeriodFor(2027));
    EXPECT_TRUE(r.ok()) << r.status();
    return *r;
  }
  static std::string Xml(const Sen2Return& r) {
    return WriteSen2Xml(Sen2Header{.period = PeriodFor(2027),
                                   .lea = "999",
                                   .date_time = "2027-02-01T09:00:00"},
                        r.persons);
  }
  // The <Person> element of `surname`'s child.
  static std::string PersonXml(const std::string& xml,
                               const std::string& child) {
    const std::string mark =
        absl::StrCat("<Surname>Surname-", child, "</Surname>");
    size_t at = xml.find(mark);
    if (at == std::string::npos) return "";
    const size_t start = xml.rfind("    <Person>", at);
    const size_t end = xml.find("</Person>", at) + strlen("</Person>\n");
    return xml.substr(start, end - start);
  }
};

std::vector<size_t> InOrder(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST_F(Sen2GoldenTest, TheCensusIsTheThirdThursdayOfJanuary) {
  EXPECT_EQ(PeriodFor(2027).census, D(2027, 1, 21));
  EXPECT_EQ(PeriodFor(2026).census, D(2026, 1, 15));
  EXPECT_EQ(PeriodFor(2025).census, D(2025, 1, 16));
  EXPECT_EQ(PeriodFor(2024).census, D(2024, 1, 18));
  EXPECT_EQ(PeriodFor(2027).from, D(2026, 1, 1));
  EXPECT_EQ(PeriodFor(2027).to, D(2026, 12, 31));
}

TEST_F(Sen2GoldenTest, EachChildAsSen2Says) {
  const std::vector<kafka::Message> records = GoldenLog().Records();
  const std::string xml = Xml(Apply(records, InOrder(records.size())));
  // c01. Requests: received 2 Feb 2026 (2.1), a parent asked (RequestSource
  // 1), RYA as recorded; decided to assess 2 Mar 2026, in the period: Y with
  // the date (4.2, 4.3). Assessment: the final plan 1 Jun 2026: Y with its
  // date (rule 6); no exception: Week20 0. NamedPlan: StartDate the final
  // plan's date (rule 9), the URN in a SEN unit (PlanDetail rank 1), PlanRes
  // A, no personal budget (PB 0). ActivePlans: the placement from 1 Jun, the
  // needs ASD then SLCN; no review yet (rules 12-14: omitted).
  EXPECT_EQ(PersonXml(xml, "c01"), R"(    <Person>
      <Surname>Surname-c01</Surname>
      <Forename>Sam</Forename>
      <PersonBirthDate>2015-03-01</PersonBirthDate>
      <Sex>M</Sex>
      <Ethnicity>WBRI</Ethnicity>
      <PostCode>ZZ1 1ZZ</PostCode>
      <UPN>)" + Upn("999123412001") + R"(</UPN>
      <Requests>
        <ReceivedDate>2026-02-02</ReceivedDate>
        <RequestSource>1</RequestSource>
        <RYA>1</RYA>
        <RequestOutcomeDate>2026-03-02</RequestOutcomeDate>
        <RequestOutcome>Y</RequestOutcome>
        <RequestMediation>0</RequestMediation>
        <RequestTribunal>0</RequestTribunal>
        <Assessment>
          <AssessmentOutcome>Y</AssessmentOutcome>
          <AssessmentOutcomeDate>2026-06-01</AssessmentOutcomeDate>
          <AssessmentMediation>0</AssessmentMediation>
          <AssessmentTribunal>0</AssessmentTribunal>
          <OtherMediation>0</OtherMediation>
          <OtherTribunal>0</OtherTribunal>
          <Week20>0</Week20>
          <NamedPlan>
            <StartDate>2026-06-01</StartDate>
            <PlanDetail>
              <URN>100001</URN>
              <PlacementRank>1</PlacementRank>
              <SENunitIndicator>1</SENunitIndicator>
              <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
            </PlanDetail>
            <PlanRes>A</PlanRes>
            <PB>0</PB>
          </NamedPlan>
        </Assessment>
        <ActivePlans>
          <PlacementDetail>
            <URN>100001</URN>
            <PlacementRank>1</PlacementRank>
            <EntryDate>2026-06-01</EntryDate>
            <SENunitIndicator>1</SENunitIndicator>
            <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
            <Res>A</Res>
          </PlacementDetail>
          <SENneed>
            <SENtype>ASD</SENtype>
            <SENtypeRank>1</SENtypeRank>
          </SENneed>
          <SENneed>
            <SENtype>SLCN</SENtype>
            <SENtypeRank>2</SENtypeRank>
          </SENneed>
        </ActivePlans>
      </Requests>
    </Person>
)");
  // c02. Refused on 10 Apr 2026: N with the date; mediation held and an
  // appeal registered on that refusal: RequestMediation 1, RequestTribunal 1
  // (rule 4). Nothing further in module 2 (rule 5).
  EXPECT_THAT(PersonXml(xml, "c02"), HasSubstr(R"(
        <ReceivedDate>2026-03-02</ReceivedDate>
        <RequestSource>2</RequestSource>
        <RYA>0</RYA>
        <RequestOutcomeDate>2026-04-10</RequestOutcomeDate>
        <RequestOutcome>N</RequestOutcome>
        <RequestMediation>1</RequestMediation>
        <RequestTribunal>1</RequestTribunal>
      </Requests>)"));
  // c03. Received 5 Jan 2027, no decision by census: A, no date (rule 3); a
  // health professional asked (3); under 6 with no UPN: UN1.
  EXPECT_THAT(PersonXml(xml, "c03"), HasSubstr(R"(
      <UPNunknown>UN1</UPNunknown>
      <Requests>
        <ReceivedDate>2027-01-05</ReceivedDate>
        <RequestSource>3</RequestSource>
        <RYA>0</RYA>
        <RequestOutcome>A</RequestOutcome>)"));
  // c04. Withdrawn before the decision: W, no date; social care asked (4).
  EXPECT_THAT(PersonXml(xml, "c04"), HasSubstr(R"(
        <RequestSource>4</RequestSource>
        <RYA>0</RYA>
        <RequestOutcome>W</RequestOutcome>)"));
  // c05. Decided in 2024, before the period: H, and AssessmentOutcome H, no
  // dates, but the plan's full detail (rule 1): the college by UKPRN; the
  // latest review meeting on or before census (11 May 2026), maintained (M),
  // notified 21 May 2026 (LastReview: the notice, never the meeting, rule
  // 14); a traineeship placement (WBP T).
  EXPECT_THAT(PersonXml(xml, "c05"), HasSubstr(R"(
        <ReceivedDate>2024-01-10</ReceivedDate>
        <RequestSource>5</RequestSource>
        <RYA>0</RYA>
        <RequestOutcome>H</RequestOutcome>
        <RequestMediation>0</RequestMediation>
        <RequestTribunal>0</RequestTribunal>
        <Assessment>
          <AssessmentOutcome>H</AssessmentOutcome>
          <AssessmentMediation>0</AssessmentMediation>
          <AssessmentTribunal>0</AssessmentTribunal>
          <OtherMediation>0</OtherMediation>
          <OtherTribunal>0</OtherTribunal>
          <NamedPlan>
            <StartDate>2024-06-03</StartDate>
            <PlanDetail>
              <UKPRN>10012345</UKPRN>
              <PlacementRank>1</PlacementRank>)"));
  EXPECT_THAT(PersonXml(xml, "c05"), HasSubstr(R"(
            <EntryDate>2024-09-02</EntryDate>
            <SENunitIndicator>0</SENunitIndicator>
            <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>
            <WBP>T</WBP>
          </PlacementDetail>
          <SENneed>
            <SENtype>SPLD</SENtype>
            <SENtypeRank>1</SENtypeRank>
          </SENneed>
          <SENneed>
            <SENtype>MLD</SENtype>
            <SENtypeRank>2</SENtypeRank>
          </SENneed>
          <ReviewMeeting>2026-05-11</ReviewMeeting>
          <ReviewOutcome>M</ReviewOutcome>
          <LastReview>2026-05-21</LastReview>
        </ActivePlans>)"));
  // c06. Decided not to issue on 4 May 2026: N with the date (rule 6); an
  // exception lifted a limit: Week20 1 (rule 7); mediation on that decision,
  // no appeal: AssessmentMediation 1, AssessmentTribunal 0.
  EXPECT_THAT(PersonXml(xml, "c06"), HasSubstr(R"(
          <AssessmentOutcome>N</AssessmentOutcome>
          <AssessmentOutcomeDate>2026-05-04</AssessmentOutcomeDate>
          <AssessmentMediation>1</AssessmentMediation>
          <AssessmentTribunal>0</AssessmentTribunal>
          <OtherMediation>0</OtherMediation>
          <OtherTribunal>0</OtherTribunal>
          <Week20>1</Week20>
        </Assessment>)"));
  // c07. Decided to issue, no final plan by census: Y with an empty date
  // (rule 6).
  EXPECT_THAT(PersonXml(xml, "c07"), HasSubstr(R"(
          <AssessmentOutcome>Y</AssessmentOutcome>
          <AssessmentMediation>0</AssessmentMediation>)"));
  // c08. Still being assessed at census: A.
  EXPECT_THAT(PersonXml(xml, "c08"),
              HasSubstr("<AssessmentOutcome>A</AssessmentOutcome>"));
  // c09. Moved to LA 825 before the decision to issue: W, Exported 825.
  EXPECT_THAT(PersonXml(xml, "c09"), HasSubstr(R"(
        <Exported>825</Exported>
        <Assessment>
          <AssessmentOutcome>W</AssessmentOutcome>)"));
  // c10. Transferred in from 873 in the period: H and H (rule 8), TransferLA
  // 873; setting OTH with its text; a personal budget by organised
  // arrangements, integrated direct payments.
  EXPECT_THAT(PersonXml(xml, "c10"), HasSubstr(R"(
        <RequestOutcome>H</RequestOutcome>)"));
  EXPECT_THAT(PersonXml(xml, "c10"), HasSubstr(R"(
            <PlanDetail>
              <SENsetting>OTH</SENsetting>
              <SENSettingOther>hospital education</SENSettingOther>
              <PlacementRank>1</PlacementRank>)"));
  EXPECT_THAT(PersonXml(xml, "c10"), HasSubstr(R"(
            <PB>1</PB>
            <OA>1</OA>
            <DP>I</DP>
          </NamedPlan>)"));
  EXPECT_THAT(PersonXml(xml, "c10"), HasSubstr(R"(
        <ActivePlans>
          <TransferLA>873</TransferLA>)"));
  // c11. Ceased 20 Jul 2026 (the day it ended, rule 10), reason 3; its two
  // placements in the year with their leaving dates (rule 17), the second in
  // resourced provision; reviewed 2 Feb, amend notified 20 Feb 2026 with the
  // proposed amendments (ReviewDraft); the post-16 transfer due by 30 March
  // and finalised 27 March 2026 (rule 16).
  const std::string c11 = PersonXml(xml, "c11");
  EXPECT_THAT(c11, HasSubstr(R"(
            <CeaseDate>2026-07-20</CeaseDate>
            <CeaseReason>3</CeaseReason>)"));
  EXPECT_THAT(c11, HasSubstr(R"(
            <EntryDate>2020-09-01</EntryDate>
            <LeavingDate>2026-07-20</LeavingDate>)"));
  EXPECT_THAT(c11, HasSubstr(R"(
            <URN>100012</URN>
            <PlacementRank>2</PlacementRank>
            <EntryDate>2025-09-01</EntryDate>
            <LeavingDate>2026-03-31</LeavingDate>
            <SENunitIndicator>0</SENunitIndicator>
            <ResourcedProvisionIndicator>1</ResourcedProvisionIndicator>)"));
  EXPECT_THAT(c11, HasSubstr(R"(
          <ReviewMeeting>2026-02-02</ReviewMeeting>
          <ReviewOutcome>A</ReviewOutcome>
          <ReviewDraft>2026-02-20</ReviewDraft>
          <PhaseTransferDueDate>2026-03-30</PhaseTransferDueDate>
          <PhaseTransferFinalDate>2026-03-27</PhaseTransferFinalDate>
          <LastReview>2026-02-20</LastReview>)"));
  EXPECT_THAT(
      c11, HasSubstr("<UniqueLearnerNumber>1234567890</UniqueLearnerNumber>"));
  // c13. Refused in 2025, no plan: not in the 2027 return.
  EXPECT_EQ(PersonXml(xml, "c13"), "");
  EXPECT_THAT(xml, Not(HasSubstr("2025-03-05")));
}

TEST_F(Sen2GoldenTest, TheOrderAndRepeatsOfTheRecordsChangeNothing) {
  const std::vector<kafka::Message> records = GoldenLog().Records();
  const std::string in_order = Xml(Apply(records, InOrder(records.size())));
  std::vector<size_t> shuffled = InOrder(records.size());
  std::mt19937_64 rng(42);
  for (int round = 0; round < 3; ++round) {
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    EXPECT_EQ(Xml(Apply(records, shuffled)), in_order) << "round " << round;
  }
  // The whole log again (a re-publish): the same file.
  EXPECT_EQ(Xml(Apply(records, InOrder(records.size()), /*twice=*/true)),
            in_order);
}

TEST_F(Sen2GoldenTest, MissingPersonDetailsAreListedAndExportIsRefused) {
  const std::vector<kafka::Message> records = GoldenLog().Records();
  const Sen2Return r = Apply(records, InOrder(records.size()));
  std::vector<std::string> errors;
  for (const v1::Sen2Problem& p : r.problems) {
    if (p.severity() == v1::SEN2_SEVERITY_ERROR) {
      errors.push_back(absl::StrCat(p.child_id(), " ", p.element()));
    }
  }
  // c12's details never arrived; nothing else is missing.
  EXPECT_THAT(errors, ::testing::UnorderedElementsAre("c12 Person",
                                                      "c12 PersonBirthDate"));
  EXPECT_EQ(r.counts.errors(), 2);
  // Its person record arriving later mends it.
  Log log = GoldenLog();
  log.Person(Person("c12", D(2016, 1, 12), Upn("999123412012")));
  const std::vector<kafka::Message> all = log.Records();
  EXPECT_EQ(Apply(all, InOrder(all.size())).counts.errors(), 0);
}

TEST_F(Sen2GoldenTest, ACeaseDateWithoutAReasonIsAnError) {
  // c11's plan ceased on 20 July with reason 3; a record of its ceasing
  // without a reason (from elsewhere than the services, which require one)
  // is an error naming CeaseReason, not a reason silently left out.
  Log log = GoldenLog();
  Ceased(log, "c11", "plan-m11", D(2026, 7, 20), v1::CEASE_REASON_UNSPECIFIED);
  log.Person(Person("c12", D(2016, 1, 12), Upn("999123412012")));
  const std::vector<kafka::Message> records = log.Records();
  const Sen2Return r = Apply(records, InOrder(records.size()));
  std::vector<std::string> errors;
  for (const v1::Sen2Problem& p : r.problems) {
    if (p.severity() == v1::SEN2_SEVERITY_ERROR) {
      errors.push_back(
          absl::StrCat(p.child_id(), " ", p.element(), ": ", p.message()));
    }
  }
  EXPECT_THAT(errors, ::testing::ElementsAre(
                          "c11 CeaseReason: the plan ceased on 2026-07-20 with "
                          "no cease reason: SEN2 needs a reason with every "
                          "CeaseDate"));
}

TEST_F(Sen2GoldenTest, EveryCodeOfEveryCodeSetAndTheXsd) {
  Log log = GoldenLog();
  log.Person(Person("c12", D(2016, 1, 12), Upn("999123412012"), "F", "ABAN"));
  CodeSetChildren(log);
  const std::vector<kafka::Message> records = log.Records();
  const Sen2Return r = Apply(records, InOrder(records.size()));
  EXPECT_EQ(r.counts.errors(), 0);
  const std::string xml = Xml(r);
  auto has = [&](const std::string& tag, const std::string& value) {
    EXPECT_THAT(xml,
                HasSubstr(absl::StrCat("<", tag, ">", value, "</", tag, ">")));
  };
  for (const char* v : {"Y", "N", "A", "W", "H"}) has("RequestOutcome", v);
  for (const char* v : {"Y", "N", "A", "W", "H"}) has("AssessmentOutcome", v);
  for (const char* v : {"1", "2", "3", "4", "5"}) has("RequestSource", v);
  for (const char* v :
       {"OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"}) {
    has("SENsetting", v);
  }
  for (const char* v : {"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI",
                        "VI", "MSI", "PD", "ASD", "DS", "OTH"}) {
    has("SENtype", v);
  }
  for (int v = 1; v <= 9; ++v) has("CeaseReason", absl::StrCat(v));
  for (const char* v : {"A", "C", "M"}) has("ReviewOutcome", v);
  for (const char* v : {"A", "B"}) has("Res", v);
  for (const char* v : {"A", "B"}) has("PlanRes", v);
  for (const char* v : {"A", "T", "S"}) has("WBP", v);
  for (const char* v : {"A", "T", "S"}) has("PlanWBP", v);
  for (const char* v : {"E", "S", "H", "I"}) has("DP", v);
  for (const char* v : {"M", "F"}) has("Sex", v);
  for (const char* v : {"WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA",
                        "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH", "BCRB",
                        "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"}) {
    has("Ethnicity", v);
  }
  for (const char* v : {"UN1", "UN2", "UN3", "UN5", "UN8", "UN9", "UN10"}) {
    has("UPNunknown", v);
  }
  for (const char* v : {"1", "0"}) has("Week20", v);
  // The file validates against the XSD (xmllint, Debian's libxml2-utils).
  testutil::TempDir dir;
  const std::string path = dir.Sub("sen2-2027.xml");
  std::ofstream(path) << xml;
  const std::string command = absl::StrCat(
      "xmllint --noout --schema ", CASEWORK_SOURCE_DIR,
      "/services/statutory-returns/sen2.xsd ", path, " 2>", path, ".err");
  EXPECT_EQ(std::system(command.c_str()), 0)
      << std::ifstream(path + ".err").rdbuf();
}

// A past census as it stood: the 2026 return (census Thu 15 Jan 2026,
// period 2025) from the same log knows nothing that happened after it.
TEST_F(Sen2GoldenTest, APastCensusAsItStood) {
  const std::vector<kafka::Message> records = GoldenLog().Records();
  testutil::TempDir dir;
  auto store = ReturnsStore::Open(dir.Sub("returns"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Apply(records, {}).ok());
  auto r = BuildReturn(**store, PeriodFor(2026));
  ASSERT_TRUE(r.ok());
  const std::string xml = WriteSen2Xml(
      Sen2Header{.period = PeriodFor(2026), .lea = "999"}, r->persons);
  // c01's request came in February 2026: not in the 2026 return.
  EXPECT_EQ(PersonXml(xml, "c01"), "");
  // c11's plan was active on census day 2026 (it ceased in July 2026), with
  // the placements it had then and no review yet.
  const std::string c11 = PersonXml(xml, "c11");
  EXPECT_THAT(c11, Not(HasSubstr("CeaseDate")));
  EXPECT_THAT(c11, Not(HasSubstr("LeavingDate")));
  EXPECT_THAT(c11, Not(HasSubstr("ReviewMeeting")));
  EXPECT_THAT(
      c11,
      HasSubstr("<PhaseTransferDueDate>2026-03-30</PhaseTransferDueDate>"));
  // c05's review then was the one of May 2025.
  EXPECT_THAT(PersonXml(xml, "c05"),
              HasSubstr("<ReviewMeeting>2025-05-12</ReviewMeeting>"));
  EXPECT_THAT(PersonXml(xml, "c05"),
              HasSubstr("<LastReview>2025-05-20</LastReview>"));
  // c13's refusal of April 2025 is in the 2026 return.
  EXPECT_THAT(PersonXml(xml, "c13"), HasSubstr(R"(
        <RequestOutcomeDate>2025-04-01</RequestOutcomeDate>
        <RequestOutcome>N</RequestOutcome>)"));
  EXPECT_EQ(r->counts.active_plans(),
            2);  // c05 and c11 (k* are not in this log)
}

}  // namespace
}  // namespace casework::returns
