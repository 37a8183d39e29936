#include "services/projection/timeline.h"

#include <algorithm>

#include "libs/core/status.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"
#include "services/projection/keys.h"

namespace casework::projection::timeline {

void Apply(Batch& batch, const StreamDelta& delta) {
  batch.Put(keys::Timeline(delta.child_id, delta.entry.occurred_on(),
                           delta.source, delta.entry.position()),
            delta.entry.SerializeAsString());
}

absl::StatusOr<v1::Timeline> Get(rocksdb::DB* db,
                                 const v1::GetTimelineRequest& req) {
  RETURN_IF_ERROR(ValidateId("child_id", req.child_id()));
  if (req.page_size() < 0) {
    return FieldError("page_size", "must not be negative");
  }
  const size_t page =
      req.page_size() == 0
          ? 200
          : std::min<size_t>(1000, static_cast<size_t>(req.page_size()));
  const std::string prefix = keys::TimelinePrefix(req.child_id());
  v1::Timeline out;
  out.set_child_id(req.child_id());
  ASSIGN_OR_RETURN(const std::string after, DecodePageToken(req.page_token()));
  PrefixScan it(db, prefix);
  it->Seek(after.empty() ? prefix : prefix + after);
  if (!after.empty() && it->Valid() && View(it->key()) == prefix + after) {
    it->Next();
  }
  std::string last_key;
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (static_cast<size_t>(out.entries_size()) == page) {
      // More remain after the last entry returned.
      out.set_next_page_token(EncodePageToken(last_key));
      break;
    }
    if (!out.add_entries()->ParseFromArray(
            it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("corrupt timeline entry");
    }
    last_key = std::string(View(it->key()).substr(prefix.size()));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read timeline"));
  return out;
}

}  // namespace casework::projection::timeline
