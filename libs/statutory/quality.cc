#include "libs/statutory/quality.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/core/status.h"
#include "libs/rpc/proto_date.h"
#include "libs/rpc/server.h"

namespace casework::statutory {
namespace {

QaFramework* BuildDefault() {
  auto* f = new QaFramework;
  f->name = "casework default QA framework (2026)";
  f->plan = {
      {"needs_specific", "Needs described specifically",
       "Section B describes each of the child's or young person's special "
       "educational needs specifically enough to match provision to it",
       "SEND Regulations 2014 reg 12(1)(b); SEND Code of Practice 2015, 9.69 "
       "(section B)"},
      {"provision_quantified", "Provision specified and quantified",
       "Section F specifies the provision for each need, detailed and "
       "quantified (type, hours, frequency, who provides it)",
       "Children and Families Act 2014 s.37(2); SEND Regulations 2014 reg "
       "12(1)(f); SEND Code of Practice 2015, 9.69 (section F)"},
      {"outcomes_smart", "Outcomes specific and measurable",
       "Section E's outcomes follow from the needs and are specific, "
       "measurable, achievable, realistic and time-bound",
       "SEND Code of Practice 2015, 9.64-9.66 and 9.69 (section E)"},
      {"child_views", "The child's or young person's views",
       "Section A records the views, interests and aspirations of the child "
       "or young person, in their own words where possible",
       "Children and Families Act 2014 s.19(a)-(c); SEND Code of Practice "
       "2015, 9.69 (section A)"},
      {"coproduction", "Co-production with the family",
       "The plan was written with the child's parent or the young person: "
       "their contributions are evident",
       "Children and Families Act 2014 s.19(b)-(d); SEND Code of Practice "
       "2015, 9.21-9.22 and 9.61"},
      {"health_advice", "Health advice reflected",
       "Sections C and G reflect the health advice obtained in the assessment",
       "SEND Regulations 2014 regs 6(1)(c) and 12(1)(c),(g); SEND Code of "
       "Practice 2015, 9.69 (sections C and G)"},
      {"social_care_advice", "Social care advice reflected",
       "Sections D and H1/H2 reflect the social care advice obtained in the "
       "assessment",
       "SEND Regulations 2014 regs 6(1)(e) and 12(1)(d),(h); SEND Code of "
       "Practice 2015, 9.69 (sections D and H)"},
      {"all_advice", "All advice reflected",
       "Every piece of advice and information obtained is reflected in the "
       "plan and listed in section K",
       "SEND Regulations 2014 regs 11 and 12(1)(k); SEND Code of Practice "
       "2015, 9.69 (section K)"},
      {"pfa_year9", "Preparation for adulthood from Year 9",
       "From Year 9, the outcomes and provision cover preparation for "
       "adulthood: employment, independent living, friends and community, "
       "good health",
       "SEND Code of Practice 2015, 8.9-8.11 and 9.69 (section E)"},
  };
  f->advice = {
      {"needs_described", "Needs described",
       "The advice describes the child's or young person's needs clearly and "
       "specifically",
       "SEND Regulations 2014 reg 6(1); SEND Code of Practice 2015, "
       "9.46-9.49"},
      {"provision_specific", "Provision specific",
       "The advice says what provision would meet each need, specific and "
       "quantified where it can be",
       "SEND Code of Practice 2015, 9.46-9.49"},
      {"outcomes_linked", "Outcomes linked",
       "The advice links the provision to the outcomes sought",
       "SEND Code of Practice 2015, 9.46-9.49 and 9.66"},
      {"within_6_weeks", "Within 6 weeks",
       "The advice was given within 6 weeks of the request, or an exception "
       "applied",
       "SEND Regulations 2014 reg 8(1)-(2)"},
  };
  return f;
}

QaFramework*& InUse() {
  static QaFramework* framework = nullptr;
  return framework;
}

bool IsCriterionId(absl::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

const QaFramework& DefaultQaFramework() {
  static const QaFramework* framework = BuildDefault();
  return *framework;
}

const QaFramework& QaFrameworkInUse() {
  const QaFramework* set = InUse();
  return set != nullptr ? *set : DefaultQaFramework();
}

void SetQaFrameworkForProcess(QaFramework framework) {
  delete InUse();
  InUse() = new QaFramework(std::move(framework));
}

absl::StatusOr<QaFramework> ParseQaFramework(absl::string_view text) {
  QaFramework out;
  out.name.clear();
  std::set<std::string> plan_ids, advice_ids;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    auto error = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("QA framework line ", number, ": ", why));
    };
    const size_t hash = line.find('#');
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    const size_t space = line.find_first_of(" \t");
    const absl::string_view word = line.substr(0, space);
    const absl::string_view rest =
        space == absl::string_view::npos
            ? absl::string_view()
            : absl::StripAsciiWhitespace(line.substr(space));
    if (word == "name") {
      if (rest.empty()) return error("name needs a value");
      out.name = std::string(rest);
    } else if (word == "action_working_days") {
      int days = 0;
      if (!absl::SimpleAtoi(rest, &days) || days < 1 || days > 60) {
        return error("action_working_days must be a whole number from 1 to 60");
      }
      out.action_working_days = days;
    } else if (word == "sample_percent") {
      int percent = 0;
      if (!absl::SimpleAtoi(rest, &percent) || percent < 1 || percent > 100) {
        return error("sample_percent must be a whole number from 1 to 100");
      }
      out.sample_percent = percent;
    } else if (word == "sample_working_days") {
      int days = 0;
      if (!absl::SimpleAtoi(rest, &days) || days < 1 || days > 60) {
        return error("sample_working_days must be a whole number from 1 to 60");
      }
      out.sample_working_days = days;
    } else if (word == "plan" || word == "advice") {
      std::vector<std::string> parts = absl::StrSplit(rest, '|');
      if (parts.size() != 4) {
        return error(absl::StrCat(
            word, " needs: <id> | <label> | <wording> | <source>"));
      }
      for (std::string& p : parts)
        p = std::string(absl::StripAsciiWhitespace(p));
      if (!IsCriterionId(parts[0])) {
        return error(absl::StrCat("criterion id '", parts[0],
                                  "' must be 1-40 of [a-z0-9_]"));
      }
      for (size_t i = 1; i < parts.size(); ++i) {
        if (parts[i].empty()) {
          return error(absl::StrCat("criterion ", parts[0],
                                    " needs a label, wording and source"));
        }
      }
      std::set<std::string>& ids = word == "plan" ? plan_ids : advice_ids;
      if (!ids.insert(parts[0]).second) {
        return error(
            absl::StrCat(word, " criterion ", parts[0], " appears twice"));
      }
      (word == "plan" ? out.plan : out.advice)
          .push_back({parts[0], parts[1], parts[2], parts[3]});
    } else {
      return error(absl::StrCat("'", word,
                                "' is not name, action_working_days, "
                                "sample_percent, sample_working_days, plan or "
                                "advice"));
    }
  }
  if (out.name.empty()) {
    return absl::InvalidArgumentError("QA framework: no name line");
  }
  if (out.plan.empty()) {
    return absl::InvalidArgumentError("QA framework: no plan criteria");
  }
  return out;
}

absl::Status UseQaFrameworkFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<QaFramework> parsed = ParseQaFramework(*text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", parsed.status().message()));
  }
  SetQaFrameworkForProcess(*std::move(parsed));
  return absl::OkStatus();
}

absl::Status CheckAudit(
    const std::vector<Criterion>& criteria, v1::AuditKind kind,
    v1::AuditGrade grade,
    const google::protobuf::RepeatedPtrField<v1::CriterionFinding>& findings) {
  if (kind == v1::AUDIT_KIND_UNSPECIFIED || !v1::AuditKind_IsValid(kind)) {
    return FieldError("kind",
                      "is required (full, dip sample, themed, multi-agency)");
  }
  const bool themed = kind == v1::AUDIT_KIND_THEMED;
  if (!v1::AuditGrade_IsValid(grade) ||
      (grade == v1::AUDIT_GRADE_UNSPECIFIED && !themed)) {
    return FieldError("grade",
                      "is required (outstanding, good, requires improvement, "
                      "inadequate)");
  }
  std::set<std::string> seen;
  for (int i = 0; i < findings.size(); ++i) {
    const v1::CriterionFinding& f = findings[i];
    const std::string field = absl::StrCat("findings[", i, "]");
    bool known = false;
    for (const Criterion& c : criteria) known = known || c.id == f.criterion();
    if (!known) {
      return FieldError(absl::StrCat(field, ".criterion"),
                        absl::StrCat("'", f.criterion(),
                                     "' is not a criterion of the LA's QA "
                                     "framework"));
    }
    if (!seen.insert(f.criterion()).second) {
      return FieldError(absl::StrCat(field, ".criterion"),
                        absl::StrCat(f.criterion(), " appears twice"));
    }
    if (f.result() == v1::CRITERION_RESULT_UNSPECIFIED ||
        !v1::CriterionResult_IsValid(f.result())) {
      return FieldError(absl::StrCat(field, ".result"),
                        "is required (met, partly met, not met, not "
                        "applicable)");
    }
  }
  if (themed) {
    if (findings.empty()) {
      return FieldError("findings",
                        "a themed audit needs a finding for at least one "
                        "criterion");
    }
    return absl::OkStatus();
  }
  for (const Criterion& c : criteria) {
    if (seen.count(c.id) == 0) {
      return FieldError(
          "findings",
          absl::StrCat("no finding for criterion ", c.id, " (", c.label,
                       "): every criterion is judged in this "
                       "kind of audit (not applicable is a "
                       "finding)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAuditActions(
    const google::protobuf::RepeatedPtrField<v1::AuditAction>& actions) {
  std::set<std::string> seen;
  for (int i = 0; i < actions.size(); ++i) {
    const v1::AuditAction& a = actions[i];
    const std::string field = absl::StrCat("actions[", i, "]");
    RETURN_IF_ERROR(
        ValidateId(absl::StrCat(field, ".action_id"), a.action_id()));
    if (!seen.insert(a.action_id()).second) {
      return FieldError(absl::StrCat(field, ".action_id"),
                        absl::StrCat(a.action_id(), " appears twice"));
    }
    const std::string& section = a.section();
    if (!section.empty() &&
        !(section.size() == 1 && section[0] >= 'A' && section[0] <= 'K') &&
        section != "H1" && section != "H2") {
      return FieldError(absl::StrCat(field, ".section"),
                        "must be a plan section, A to K (H1, H2), or empty");
    }
    if (absl::StripAsciiWhitespace(a.description()).empty()) {
      return FieldError(absl::StrCat(field, ".description"),
                        "is required: say what the officer is to do");
    }
    if (a.has_due_on() || a.has_completed_on()) {
      return FieldError(absl::StrCat(field, ".due_on"),
                        "is set by the service, not the request");
    }
  }
  return absl::OkStatus();
}

std::string AdviceCriterionAssessed(absl::string_view id) {
  return absl::StrCat(kAdviceCriterionPrefix, id, ".assessed");
}

std::string AdviceCriterionMet(absl::string_view id) {
  return absl::StrCat(kAdviceCriterionPrefix, id, ".met");
}

absl::StatusOr<std::string> AuditorOf(bool integration,
                                      const std::string& caller_officer_id,
                                      const std::string& given) {
  if (integration) {
    if (given.empty()) {
      return FieldError("auditor_id",
                        "is required from a back-office caller: who audited");
    }
    return given;
  }
  if (!given.empty() && given != caller_officer_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("auditor_id: you record your own audits (you are ",
                     caller_officer_id, ")"));
  }
  return caller_officer_id;
}

std::vector<std::string> DrawSample(std::vector<std::string> population,
                                    absl::string_view seed, int percent) {
  std::sort(population.begin(), population.end());
  population.erase(std::unique(population.begin(), population.end()),
                   population.end());
  if (population.empty()) return {};
  percent = std::clamp(percent, 1, 100);
  const size_t n = population.size();
  const size_t size = std::max<size_t>(1, (n * percent + 99) / 100);
  auto rank = [&seed](const std::string& id) {
    uint64_t h = 14695981039346656037ull;  // FNV-1a, 64-bit
    auto mix = [&h](absl::string_view bytes) {
      for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
      }
    };
    mix(seed);
    mix(absl::string_view("\0", 1));
    mix(id);
    return h;
  };
  std::vector<std::pair<uint64_t, std::string>> ranked;
  ranked.reserve(n);
  for (std::string& id : population)
    ranked.emplace_back(rank(id), std::move(id));
  std::partial_sort(ranked.begin(), ranked.begin() + size, ranked.end());
  std::vector<std::string> out;
  out.reserve(size);
  for (size_t i = 0; i < size; ++i) out.push_back(std::move(ranked[i].second));
  std::sort(out.begin(), out.end());
  return out;
}

std::string CriterionAssessed(absl::string_view id) {
  return absl::StrCat(kCriterionPrefix, id, ".assessed");
}

std::string CriterionMet(absl::string_view id) {
  return absl::StrCat(kCriterionPrefix, id, ".met");
}

}  // namespace casework::statutory
