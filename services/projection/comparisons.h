// Published figures an LA compares itself with: the DfE's national figure
// for a measure in a calendar year (e.g. final plans within 20 weeks,
// excluding exceptions: 46.4% in 2024), the LA's statistical neighbours'
// or region's. Configuration, not events: docs/samples/comparisons.csv is
// the default, built in; an LA gives its own file with --comparisons.
//
// Thread safety: pure functions over immutable data, except
// SetComparisonsForProcess (call it once at start-up, before any thread
// reads ComparisonsInUse).
#ifndef CASEWORK_SERVICES_PROJECTION_COMPARISONS_H_
#define CASEWORK_SERVICES_PROJECTION_COMPARISONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "casework/v1/projection.pb.h"

namespace casework::projection {

struct Comparison {
  std::string measure;  // a measure code of the catalogue
  int year = 0;         // the calendar year the figure is of
  std::string scope;    // "national", "neighbours", "region", ...
  double percent = 0;   // 0-100
  std::string source;   // the publication it comes from
};
using Comparisons = std::vector<Comparison>;

// A comparisons CSV: a header row "measure,year,scope,percent,source", then
// one row per figure. A measure the catalogue lists; a year from 2014 (the
// SEND regime) to 2100; a scope of [a-z0-9_-]; a percent from 0 to 100; a
// source. One figure per measure, year and scope. INVALID_ARGUMENT naming
// the line and what is wrong.
absl::StatusOr<Comparisons> ParseComparisons(absl::string_view text);

// The built-in figures (docs/samples/comparisons.csv, parsed).
const Comparisons& DefaultComparisons();

// The figures this process uses: the default unless set at start-up.
const Comparisons& ComparisonsInUse();
void SetComparisonsForProcess(Comparisons comparisons);

// The --comparisons flag: reads, parses and uses `path`. INVALID_ARGUMENT
// naming the file and line, or the read error.
absl::Status UseComparisonsFile(const std::string& path);

// For `measure`: the latest figure of each scope for a year up to
// `up_to_year` (what a scorecard of a period ending that year shows), by
// scope. Every figure of every year when `up_to_year` is 0 (a trend's).
std::vector<v1::Comparison> ComparisonsOf(const Comparisons& all,
                                          absl::string_view measure,
                                          int up_to_year);

}  // namespace casework::projection

#endif  // CASEWORK_SERVICES_PROJECTION_COMPARISONS_H_
