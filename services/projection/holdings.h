// The holdings and caseload read model (H and C keys): what each officer
// holds on any day - open and overdue items, active plans (review-due
// clocks), the review backlog (those overdue), and the caseload (children
// with an open stream).
//
// Each holding of an open clock, or of a child's case, is an interval of
// days [taken on, let go); a clock counts as overdue from the day after it is
// due (measures.h), if still held then. What is held on a day is what was
// taken on by then less what was let go by then, so the H keys hold each
// month's changes by day (signed, day_counts.h), and a figure on a day is
// their sum up to it: a few writes per interval, however long, and no later
// event changes an earlier day's figure unless it is dated before it.
// The C key of (officer, child) keeps the intervals of each of the child's
// streams, so the caseload counts the days of their union, whatever order
// the streams' events arrive in.
#ifndef CASEWORK_SERVICES_PROJECTION_HOLDINGS_H_
#define CASEWORK_SERVICES_PROJECTION_HOLDINGS_H_

#include <rocksdb/db.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/projection/store.h"
#include "services/projection/transition.h"

namespace casework::projection::holdings {

absl::Status Apply(Writer& writer, const StreamDelta& delta);

// An officer's holding on a day (HeldSlot order). Reads the query snapshot.
absl::StatusOr<Holding> On(rocksdb::DB* db, const std::string& officer,
                           Date on);
// An officer's holding at the end of each of the months `first` to `last`
// (month indexes, keys.h).
absl::Status MonthEnds(rocksdb::DB* db, const std::string& officer, int first,
                       int last, std::vector<Holding>* out);

}  // namespace casework::projection::holdings

#endif  // CASEWORK_SERVICES_PROJECTION_HOLDINGS_H_
