// The outcome counters read model (Q, X and Y keys): for each officer, month
// and measure, how many clocks closed met, missed and excluded (an exception
// applied), by day; and the event counters and tallies (measures.h) the same
// way. Each closed clock counts for the officer responsible when it closed
// (or its assignee). A missed clock without an exception is also kept whole
// (X) for the exception report, and each count of a counter with the case
// that made it (Y), for a rate measure's cases.
#ifndef CASEWORK_SERVICES_PROJECTION_OUTCOMES_H_
#define CASEWORK_SERVICES_PROJECTION_OUTCOMES_H_

#include <rocksdb/db.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/projection.pb.h"
#include "services/projection/store.h"
#include "services/projection/transition.h"

namespace casework::projection::outcomes {

void Apply(Batch& batch, const StreamDelta& delta);

struct Counts {
  int64_t met = 0, missed = 0, excluded = 0;
};
// Outcome counts by measure or counter code (looked up by string_view).
using CountsByCode = std::map<std::string, Counts, std::less<>>;

// Sums an officer's counters for the days [from, to], in one range scan:
// whole months from their totals, a month either end covers in part from its
// days. Reads the query snapshot.
absl::Status Sum(rocksdb::DB* db, const std::string& officer, Date from,
                 Date to, CountsByCode* counts);
// The month totals of one code in one month (month index, keys.h).
absl::StatusOr<Counts> Month(rocksdb::DB* db, const std::string& officer,
                             int month, const std::string& code);
// The officer's missed clocks of `measure` closed in [from, to].
absl::Status Missed(rocksdb::DB* db, const std::string& officer,
                    const std::string& measure, Date from, Date to,
                    std::vector<v1::ExceptionItem>* out);

// What one event of a case added to a counter.
struct CountedCase {
  Date on;             // the event's occurred_on
  std::string source;  // the service
  std::string stream;  // the case
  std::string child;
  int64_t count = 0;
};
// Each count of the officer's `counter` on a day in [from, to], in day order.
// DATA_LOSS for an entry that cannot be read.
absl::Status CountedCases(rocksdb::DB* db, const std::string& officer,
                          const std::string& counter, Date from, Date to,
                          const std::function<void(const CountedCase&)>& add);

}  // namespace casework::projection::outcomes

#endif  // CASEWORK_SERVICES_PROJECTION_OUTCOMES_H_
