#include "libs/statutory/plan_contents.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/date.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"

namespace casework::statutory {
namespace {

bool Digits(absl::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string At(absl::string_view field, absl::string_view name, int i = -1) {
  return i < 0 ? absl::StrCat(field, ".", name)
               : absl::StrCat(field, ".", name, "[", i, "]");
}

}  // namespace

absl::Status CheckLaNumber(absl::string_view value, absl::string_view field) {
  if (value.empty() || Digits(value, 3)) return absl::OkStatus();
  return FieldError(field, "is not a 3-digit LA number (e.g. 825)");
}

absl::Status CheckSetting(const v1::Setting& s, absl::string_view field) {
  const int given = (s.urn().empty() ? 0 : 1) + (s.ukprn().empty() ? 0 : 1) +
                    (s.setting() == v1::SEN_SETTING_UNSPECIFIED ? 0 : 1);
  if (given != 1) {
    return FieldError(field,
                      "names exactly one of urn (a school), ukprn (a post-16 "
                      "provider) or setting (a SEN2 setting code)");
  }
  if (!s.urn().empty() && !Digits(s.urn(), 6)) {
    return FieldError(At(field, "urn"), "is not a URN (6 digits)");
  }
  if (!s.ukprn().empty() && !Digits(s.ukprn(), 8)) {
    return FieldError(At(field, "ukprn"), "is not a UKPRN (8 digits)");
  }
  if (!v1::SenSetting_IsValid(s.setting())) {
    return FieldError(At(field, "setting"), "is not a SEN2 setting code");
  }
  if (!s.setting_other().empty()) {
    if (s.setting() == v1::SEN_SETTING_UNSPECIFIED) {
      return FieldError(At(field, "setting_other"),
                        "describes a setting given by a code, not a URN or "
                        "UKPRN");
    }
    if (s.setting_other().size() > 100) {
      return FieldError(At(field, "setting_other"),
                        "must be at most 100 characters");
    }
  }
  if (s.rank() != 1 && s.rank() != 2) {
    return FieldError(At(field, "rank"),
                      "must be 1 (the main setting) or 2 (a second, dual)");
  }
  return absl::OkStatus();
}

absl::Status CheckPlanContents(const v1::PlanContents& c,
                               absl::string_view field) {
  if (c.settings_size() > 2) {
    return FieldError(At(field, "settings"), "names at most 2 settings");
  }
  std::set<int> ranks;
  for (int i = 0; i < c.settings_size(); ++i) {
    RETURN_IF_ERROR(CheckSetting(c.settings(i), At(field, "settings", i)));
    if (!ranks.insert(c.settings(i).rank()).second) {
      return FieldError(At(field, "settings", i),
                        "repeats a rank: one setting of each rank");
    }
  }
  if (!ranks.empty() && !ranks.count(1)) {
    return FieldError(At(field, "settings"), "has no rank 1 (main) setting");
  }
  if (c.needs_size() > 2) {
    return FieldError(At(field, "needs"), "records at most 2 needs");
  }
  std::set<int> need_ranks, types;
  for (int i = 0; i < c.needs_size(); ++i) {
    const v1::SenNeed& n = c.needs(i);
    if (!v1::SenType_IsValid(n.type()) ||
        n.type() == v1::SEN_TYPE_UNSPECIFIED) {
      return FieldError(At(field, "needs", i) + ".type",
                        "is required (a SEN2 SENtype)");
    }
    if (n.rank() != 1 && n.rank() != 2) {
      return FieldError(At(field, "needs", i) + ".rank",
                        "must be 1 (primary) or 2 (secondary)");
    }
    if (!need_ranks.insert(n.rank()).second) {
      return FieldError(At(field, "needs", i), "repeats a rank");
    }
    if (!types.insert(n.type()).second) {
      return FieldError(At(field, "needs", i), "repeats a type of need");
    }
  }
  if (!need_ranks.empty() && !need_ranks.count(1)) {
    return FieldError(At(field, "needs"), "has no rank 1 (primary) need");
  }
  if (!v1::Residential_IsValid(c.residential())) {
    return FieldError(At(field, "residential"), "is not A or B");
  }
  if (!v1::WorkBasedPattern_IsValid(c.work_based())) {
    return FieldError(At(field, "work_based"), "is not A, T or S");
  }
  if (!v1::DirectPayments_IsValid(c.direct_payments())) {
    return FieldError(At(field, "direct_payments"), "is not E, S, H or I");
  }
  if (!c.personal_budget() &&
      (c.organised_arrangements() ||
       c.direct_payments() != v1::DIRECT_PAYMENTS_UNSPECIFIED)) {
    return FieldError(At(field, "personal_budget"),
                      "organised arrangements and direct payments are parts "
                      "of a personal budget: set personal_budget");
  }
  if (c.outcomes_size() > kMaxOutcomes) {
    return FieldError(
        At(field, "outcomes"),
        absl::StrCat("records at most ", kMaxOutcomes, " outcomes"));
  }
  std::set<std::string> outcome_ids;
  for (int i = 0; i < c.outcomes_size(); ++i) {
    const v1::PlanOutcome& o = c.outcomes(i);
    const std::string at = At(field, "outcomes", i);
    RETURN_IF_ERROR(ValidateId(at + ".outcome_id", o.outcome_id()));
    if (!outcome_ids.insert(o.outcome_id()).second) {
      return FieldError(at + ".outcome_id",
                        absl::StrCat(o.outcome_id(), " appears twice"));
    }
    if (!v1::OutcomeArea_IsValid(o.area()) ||
        o.area() == v1::OUTCOME_AREA_UNSPECIFIED) {
      return FieldError(at + ".area",
                        "is required (education, health, social care, or a "
                        "preparation-for-adulthood area)");
    }
    if (!Date::FromYmd(o.target_date().year(), o.target_date().month(),
                       o.target_date().day())
             .ok()) {
      return FieldError(at + ".target_date", "is required (a date)");
    }
  }
  return absl::OkStatus();
}

bool IsPreparationForAdulthood(v1::OutcomeArea area) {
  return area == v1::OUTCOME_AREA_PFA_EMPLOYMENT ||
         area == v1::OUTCOME_AREA_PFA_INDEPENDENT_LIVING ||
         area == v1::OUTCOME_AREA_PFA_COMMUNITY ||
         area == v1::OUTCOME_AREA_PFA_GOOD_HEALTH;
}

std::vector<std::pair<std::string, std::string>> TakeOutcomeWording(
    v1::PlanContents* c) {
  std::vector<std::pair<std::string, std::string>> out;
  for (v1::PlanOutcome& o : *c->mutable_outcomes()) {
    if (!o.wording().empty()) out.emplace_back(o.outcome_id(), o.wording());
    o.clear_wording();
  }
  return out;
}

}  // namespace casework::statutory
