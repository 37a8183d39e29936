#include "services/projection/comparisons.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/core/csv.h"
#include "libs/core/status.h"
#include "libs/rpc/server.h"
#include "services/projection/measures.h"

namespace casework::projection {

// docs/samples/comparisons.csv, built in (comparisons_default.cc.in).
extern const char kDefaultComparisonsCsv[];

namespace {

bool IsScope(absl::string_view s) {
  return !s.empty() && s.size() <= 40 &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) ||
                  c == '_' || c == '-';
         });
}

Comparisons*& InUse() {
  static Comparisons* set = nullptr;
  return set;
}

}  // namespace

absl::StatusOr<Comparisons> ParseComparisons(absl::string_view text) {
  ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ParseCsv(text));
  auto error = [](int line, absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("comparisons line ", line, ": ", why));
  };
  if (rows.empty()) {
    return absl::InvalidArgumentError(
        "comparisons: no header row (measure,year,scope,percent,source)");
  }
  const std::vector<std::string> header = {"measure", "year", "scope",
                                           "percent", "source"};
  if (rows[0].fields != header) {
    return error(rows[0].line,
                 "the header must be measure,year,scope,percent,source");
  }
  Comparisons out;
  std::set<std::tuple<std::string, int, std::string>> seen;
  for (size_t i = 1; i < rows.size(); ++i) {
    const CsvRow& row = rows[i];
    if (row.fields.size() != header.size()) {
      return error(row.line, absl::StrCat("expected 5 fields, found ",
                                          row.fields.size()));
    }
    Comparison c;
    c.measure = row.fields[0];
    if (!IsMeasure(c.measure)) {
      return error(row.line, absl::StrCat("'", c.measure,
                                          "' is not a measure code (a "
                                          "scorecard lists them)"));
    }
    if (!absl::SimpleAtoi(row.fields[1], &c.year) || c.year < 2014 ||
        c.year > 2100) {
      return error(row.line, absl::StrCat("year '", row.fields[1],
                                          "' is not a year from 2014 to 2100"));
    }
    c.scope = row.fields[2];
    if (!IsScope(c.scope)) {
      return error(row.line,
                   absl::StrCat("scope '", c.scope,
                                "' must be 1-40 of [a-z0-9_-], e.g. national"));
    }
    if (!absl::SimpleAtod(row.fields[3], &c.percent) || !(c.percent >= 0) ||
        c.percent > 100) {
      return error(row.line, absl::StrCat("percent '", row.fields[3],
                                          "' is not a number from 0 to 100"));
    }
    c.source = row.fields[4];
    if (c.source.empty()) {
      return error(row.line, "a figure needs its source");
    }
    if (!seen.emplace(c.measure, c.year, c.scope).second) {
      return error(row.line, absl::StrCat(c.measure, " ", c.year, " ", c.scope,
                                          " appears twice"));
    }
    out.push_back(std::move(c));
  }
  return out;
}

const Comparisons& DefaultComparisons() {
  static const Comparisons* built_in = [] {
    absl::StatusOr<Comparisons> parsed =
        ParseComparisons(kDefaultComparisonsCsv);
    // A malformed built-in file fails the comparisons test, not a service.
    return new Comparisons(parsed.ok() ? *std::move(parsed) : Comparisons());
  }();
  return *built_in;
}

const Comparisons& ComparisonsInUse() {
  const Comparisons* set = InUse();
  return set != nullptr ? *set : DefaultComparisons();
}

void SetComparisonsForProcess(Comparisons comparisons) {
  delete InUse();
  InUse() = new Comparisons(std::move(comparisons));
}

absl::Status UseComparisonsFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  absl::StatusOr<Comparisons> parsed = ParseComparisons(text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", parsed.status().message()));
  }
  SetComparisonsForProcess(*std::move(parsed));
  return absl::OkStatus();
}

std::vector<v1::Comparison> ComparisonsOf(const Comparisons& all,
                                          absl::string_view measure,
                                          int up_to_year) {
  std::map<std::string, const Comparison*> latest;  // by scope
  std::vector<const Comparison*> every;
  for (const Comparison& c : all) {
    if (c.measure != measure) continue;
    if (up_to_year == 0) {
      every.push_back(&c);
      continue;
    }
    if (c.year > up_to_year) continue;
    const Comparison*& best = latest[c.scope];
    if (best == nullptr || c.year > best->year) best = &c;
  }
  for (const auto& [scope, c] : latest) every.push_back(c);
  std::sort(every.begin(), every.end(), [](const auto* a, const auto* b) {
    return std::tie(a->scope, a->year) < std::tie(b->scope, b->year);
  });
  std::vector<v1::Comparison> out;
  for (const Comparison* c : every) {
    v1::Comparison x;
    x.set_scope(c->scope);
    x.set_year(c->year);
    x.set_percent(c->percent);
    x.set_source(c->source);
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace casework::projection
