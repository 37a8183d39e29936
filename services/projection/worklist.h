// The worklist read model (W keys): each officer's open clocks, by due date.
//
// A value is slim: a flag byte (minimum period, review due), then the child
// and source, then the item as the stream state keeps it (clock id, rule,
// dates, exception); two protobuf serializations concatenated parse as one.
// The stream id comes from the key and the name from the rule when read.
#ifndef CASEWORK_SERVICES_PROJECTION_WORKLIST_H_
#define CASEWORK_SERVICES_PROJECTION_WORKLIST_H_

#include <rocksdb/db.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "casework/v1/projection.pb.h"
#include "libs/core/date.h"
#include "services/projection/store.h"
#include "services/projection/transition.h"

namespace casework::projection::worklist {

void Apply(Batch& batch, const StreamDelta& delta);

// An officer's open items on `as_of` (req.as_of, default `today`), with the
// open and overdue counts; pages of up to page_size (default 100, at most
// 1000). Reads the current query snapshot.
absl::StatusOr<v1::Worklist> Get(rocksdb::DB* db,
                                 const v1::GetWorklistRequest& req, Date today);

// The officer's open clocks of `measure` overdue on `as_of` (exceptions
// excluded), as exception-report items.
absl::Status Overdue(rocksdb::DB* db, const std::string& officer,
                     const std::string& measure, Date as_of,
                     std::vector<v1::ExceptionItem>* out);

}  // namespace casework::projection::worklist

#endif  // CASEWORK_SERVICES_PROJECTION_WORKLIST_H_
