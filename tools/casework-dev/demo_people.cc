#include "tools/casework-dev/demo_people.h"

#include <array>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/rules.h"
#include "libs/statutory/school.h"

namespace casework::demo {
namespace {

constexpr std::array<const char*, 16> kSurnames = {
    "Ashby",   "Brennan", "Carver", "Dunmore", "Ellery",   "Fenwick",
    "Gorrie",  "Hartley", "Ingram", "Jessop",  "Kilbride", "Lowther",
    "Marlowe", "Nuttall", "Oakes",  "Pennock"};
constexpr std::array<const char*, 16> kForenames = {
    "Alfie", "Bea",  "Cal", "Dara", "Evie", "Finn", "Gus", "Hana",
    "Isla",  "Jude", "Kit", "Lola", "Milo", "Nell", "Ori", "Pip"};
constexpr std::array<const char*, 12> kEthnicity = {
    "WBRI", "WBRI", "WBRI", "WBRI", "WOTH", "MWBC",
    "AIND", "APKN", "BAFR", "BCRB", "CHNE", "NOBT"};
constexpr std::array<v1::SenType, 13> kNeeds = {
    v1::SEN_TYPE_ASD,  v1::SEN_TYPE_ASD, v1::SEN_TYPE_SEMH, v1::SEN_TYPE_SLCN,
    v1::SEN_TYPE_SLCN, v1::SEN_TYPE_MLD, v1::SEN_TYPE_SPLD, v1::SEN_TYPE_SLD,
    v1::SEN_TYPE_PMLD, v1::SEN_TYPE_PD,  v1::SEN_TYPE_HI,   v1::SEN_TYPE_VI,
    v1::SEN_TYPE_DS};
constexpr char kCheckLetters[] = "ABCDEFGHJKLMNPQRTUVWXYZ";

std::mt19937_64 RngFor(const std::string& child_id, uint64_t seed) {
  return std::mt19937_64(seed ^ std::hash<std::string>{}(child_id));
}

// A UPN: the check letter and 12 digits (LA 999, school, year, serial).
std::string Upn(std::mt19937_64& rng) {
  std::string digits = absl::StrFormat(
      "999%04d%02d%03d", std::uniform_int_distribution<int>(2000, 7999)(rng),
      std::uniform_int_distribution<int>(10, 25)(rng),
      std::uniform_int_distribution<int>(0, 999)(rng));
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    sum += (digits[i] - '0') * static_cast<int>(i + 2);
  }
  return std::string(1, kCheckLetters[sum % 23]) + digits;
}

}  // namespace

Date DemoBirthDate(const std::string& child_id, Date today, uint64_t seed,
                   int min_years, int max_years) {
  std::mt19937_64 rng = RngFor(child_id, seed);
  return today.AddDays(-std::uniform_int_distribution<int>(
      min_years * 365 + 10, max_years * 365)(rng));
}

v1::PersonRecord DemoPerson(const std::string& child_id, Date dob, Date today,
                            uint64_t seed) {
  std::mt19937_64 rng = RngFor(child_id, seed + 1);
  auto pick = [&](auto& list) {
    return list[std::uniform_int_distribution<size_t>(0, list.size() - 1)(rng)];
  };
  v1::PersonRecord p;
  p.set_child_id(child_id);
  p.set_surname(pick(kSurnames));
  p.set_forename(pick(kForenames));
  *p.mutable_date_of_birth() = ToProto(dob);
  p.set_sex(std::bernoulli_distribution(0.7)(rng) ? "M" : "F");
  p.set_ethnicity(pick(kEthnicity));
  p.set_postcode(absl::StrFormat(
      "ZZ%d %d%c%c", std::uniform_int_distribution<int>(1, 9)(rng),
      std::uniform_int_distribution<int>(1, 9)(rng),
      static_cast<char>('A' + std::uniform_int_distribution<int>(0, 25)(rng)),
      static_cast<char>('A' + std::uniform_int_distribution<int>(0, 25)(rng))));
  const int age = statutory::AgeOn(dob, today);
  if (age < 5) {
    p.set_upn_unknown("UN1");  // under 6, no UPN yet
  } else if (age >= 17 && std::bernoulli_distribution(0.5)(rng)) {
    p.set_uln(absl::StrFormat("%010d", std::uniform_int_distribution<int>(
                                           1000000000, 1999999999)(rng)));
  } else {
    p.set_upn(Upn(rng));
  }
  return p;
}

v1::PlanContents DemoPlanContents(std::mt19937_64& rng, int age) {
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  v1::PlanContents c;
  v1::Setting* main = c.add_settings();
  main->set_rank(1);
  if (age < 4 && chance(0.6)) {
    main->set_setting(v1::SEN_SETTING_EYP);
  } else if (chance(0.04)) {
    main->set_setting(chance(0.5) ? v1::SEN_SETTING_EHE : v1::SEN_SETTING_OLA);
  } else if (age >= 16 && chance(0.5)) {
    main->set_ukprn(absl::StrFormat(
        "1%07d", std::uniform_int_distribution<int>(0, 9999999)(rng)));
  } else {
    main->set_urn(absl::StrFormat(
        "1%05d", std::uniform_int_distribution<int>(0, 99999)(rng)));
    main->set_sen_unit(chance(0.08));
    main->set_resourced_provision(!main->sen_unit() && chance(0.06));
  }
  if (chance(0.05) && !main->urn().empty()) {
    v1::Setting* second = c.add_settings();  // a dual placement
    second->set_rank(2);
    second->set_urn(absl::StrFormat(
        "1%05d", std::uniform_int_distribution<int>(0, 99999)(rng)));
  }
  const v1::SenType primary =
      kNeeds[std::uniform_int_distribution<size_t>(0, kNeeds.size() - 1)(rng)];
  v1::SenNeed* need = c.add_needs();
  need->set_type(primary);
  need->set_rank(1);
  if (chance(0.4)) {
    v1::SenType secondary = primary;
    while (secondary == primary) {
      secondary = kNeeds[std::uniform_int_distribution<size_t>(
          0, kNeeds.size() - 1)(rng)];
    }
    v1::SenNeed* second = c.add_needs();
    second->set_type(secondary);
    second->set_rank(2);
  }
  if (chance(0.03)) c.set_residential(v1::RESIDENTIAL_A);
  if (chance(0.1)) {
    c.set_personal_budget(true);
    c.set_organised_arrangements(chance(0.5));
    c.set_direct_payments(chance(0.5) ? v1::DIRECT_PAYMENTS_E
                                      : v1::DIRECT_PAYMENTS_I);
  }
  return c;
}

int DemoNcYear(Date dob, Date on) {
  const int start = on.month() >= 9 ? on.year() : on.year() - 1;
  return statutory::AgeOn(dob, Date::Ymd(start, 8, 31)) - 4;
}

void AddDemoOutcomes(v1::PlanContents* contents, uint64_t seed, int age,
                     Date issued) {
  std::mt19937_64 rng(seed);
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  auto add = [&](v1::OutcomeArea area) {
    v1::PlanOutcome* o = contents->add_outcomes();
    o->set_outcome_id(absl::StrCat("E", contents->outcomes_size()));
    o->set_area(area);
    *o->mutable_target_date() = ToProto(
        issued.AddDays(std::uniform_int_distribution<int>(365, 2 * 365)(rng)));
  };
  add(v1::OUTCOME_AREA_EDUCATION);
  if (chance(0.6)) add(v1::OUTCOME_AREA_EDUCATION);
  if (chance(0.5)) add(v1::OUTCOME_AREA_HEALTH);
  if (chance(0.3)) add(v1::OUTCOME_AREA_SOCIAL_CARE);
  if (age >= 13) {
    const v1::OutcomeArea pfa[] = {v1::OUTCOME_AREA_PFA_EMPLOYMENT,
                                   v1::OUTCOME_AREA_PFA_INDEPENDENT_LIVING,
                                   v1::OUTCOME_AREA_PFA_COMMUNITY,
                                   v1::OUTCOME_AREA_PFA_GOOD_HEALTH};
    add(pfa[std::uniform_int_distribution<int>(0, 3)(rng)]);
    if (chance(0.5)) add(pfa[std::uniform_int_distribution<int>(0, 3)(rng)]);
  }
}

std::vector<v1::SchoolEventRecord> DemoSchoolEvents(const std::string& child_id,
                                                    Date today, uint64_t seed) {
  std::mt19937_64 rng = RngFor(child_id, seed + 7);
  std::uniform_real_distribution<double> chance(0, 1);
  std::vector<v1::SchoolEventRecord> out;
  auto next = [&] {
    v1::SchoolEventRecord r;
    r.set_record_id(absl::StrCat("se-", child_id, "-", out.size() + 1));
    r.set_child_id(child_id);
    return r;
  };
  // A school day (Monday to Friday) from `from` to `to`.
  auto school_day = [&](Date from, Date to) {
    Date d = from.AddDays(std::uniform_int_distribution<int>(
        0, std::max(0, from.DaysUntil(to)))(rng));
    while (d.IsWeekend()) d = d.AddDays(-1);
    return d < from ? from : d;
  };
  const statutory::SchoolTermOf now = statutory::TermOf(today);
  const bool absent_child = chance(rng) < 0.35;
  for (int year = now.academic_year - 1; year <= now.academic_year; ++year) {
    for (v1::SchoolTerm term : {v1::SCHOOL_TERM_AUTUMN, v1::SCHOOL_TERM_SPRING,
                                v1::SCHOOL_TERM_SUMMER}) {
      if (statutory::TermEnd({year, term}) > today) continue;
      const int possible = std::uniform_int_distribution<int>(110, 150)(rng);
      const bool absent = absent_child ? chance(rng) < 0.85 : chance(rng) < 0.1;
      const double rate =
          absent ? std::uniform_real_distribution<double>(0.55, 0.9)(rng)
                 : std::uniform_real_distribution<double>(0.905, 1.0)(rng);
      v1::SchoolEventRecord r = next();
      v1::TermAttendance* a = r.mutable_attendance();
      a->set_academic_year(year);
      a->set_term(term);
      a->set_sessions_possible(possible);
      a->set_sessions_attended(std::min(
          possible, static_cast<int>(static_cast<double>(possible) * rate)));
      out.push_back(std::move(r));
    }
  }
  // This academic year, from its first school week to yesterday.
  const Date from = Date::Ymd(now.academic_year, 9, 3);
  const Date to = today.AddDays(-1);
  if (to > from && chance(rng) < 0.12) {
    const double n = chance(rng);
    const int count = n < 0.6 ? 1 : n < 0.9 ? 2 : 3;
    for (int i = 0; i < count; ++i) {
      v1::SchoolEventRecord r = next();
      *r.mutable_suspension()->mutable_start_on() =
          ToProto(school_day(from, to));
      r.mutable_suspension()->set_sessions(
          std::uniform_int_distribution<int>(1, 10)(rng));
      out.push_back(std::move(r));
    }
  }
  if (to > from && chance(rng) < 0.006) {
    v1::SchoolEventRecord r = next();
    *r.mutable_permanent_exclusion()->mutable_effective_on() =
        ToProto(school_day(from, to));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace casework::demo
