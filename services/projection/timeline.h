// The child timeline read model (T keys): one entry per event of any of a
// child's streams, in the order of the business date, then the service, then
// the position in its log.
#ifndef CASEWORK_SERVICES_PROJECTION_TIMELINE_H_
#define CASEWORK_SERVICES_PROJECTION_TIMELINE_H_

#include <rocksdb/db.h>

#include "absl/status/statusor.h"
#include "casework/v1/projection.pb.h"
#include "services/projection/store.h"
#include "services/projection/transition.h"

namespace casework::projection::timeline {

void Apply(Batch& batch, const StreamDelta& delta);

// Pages of up to page_size entries (default 200, at most 1000) after the
// page token. Reads the current query snapshot.
absl::StatusOr<v1::Timeline> Get(rocksdb::DB* db,
                                 const v1::GetTimelineRequest& req);

}  // namespace casework::projection::timeline

#endif  // CASEWORK_SERVICES_PROJECTION_TIMELINE_H_
