#include "services/projection/worklist.h"

#include <algorithm>

#include "libs/core/status.h"
#include "libs/rpc/listing.h"
#include "libs/rpc/proto_date.h"
#include "libs/statutory/rules.h"
#include "services/projection/keys.h"
#include "services/projection/measures.h"

namespace casework::projection::worklist {
namespace {

constexpr uint8_t kMinimumPeriod = 1;
constexpr uint8_t kReviewDueFlag = 2;

uint8_t Flags(const v1::WorklistItem& item) {
  uint8_t flags = 0;
  const statutory::ClockRule* rule = statutory::FindRule(item.rule());
  if (rule != nullptr && rule->minimum_period) flags |= kMinimumPeriod;
  if (IsReviewDue(item.rule())) flags |= kReviewDueFlag;
  return flags;
}

std::string Value(const v1::WorklistItem& slim, const std::string& child,
                  const std::string& source) {
  v1::WorklistItem whose;
  whose.set_child_id(child);
  whose.set_source(source);
  std::string out(1, static_cast<char>(Flags(slim)));
  whose.AppendToString(&out);
  slim.AppendToString(&out);
  return out;
}

// Reads a W value; `key_rest` is the key after "W<officer>\0":
// <due yyyymmdd><stream>\0<clock>.
bool Parse(absl::string_view key_rest, const rocksdb::Slice& v,
           v1::WorklistItem* item) {
  if (v.size() < 1 ||
      !item->ParseFromArray(v.data() + 1, static_cast<int>(v.size() - 1))) {
    return false;
  }
  const size_t nul = key_rest.find('\0', 8);
  if (key_rest.size() < 8 || nul == absl::string_view::npos) return false;
  item->set_stream_id(std::string(key_rest.substr(8, nul - 8)));
  const statutory::ClockRule* rule = statutory::FindRule(item->rule());
  item->set_name(rule ? std::string(rule->name) : item->rule());
  return true;
}

Date DueOf(const v1::WorklistItem& item) {
  absl::StatusOr<Date> d = Date::FromYmd(
      item.due_on().year(), item.due_on().month(), item.due_on().day());
  return d.ok() ? *d : Date();
}

}  // namespace

void Apply(Batch& batch, const StreamDelta& delta) {
  for (const WorklistOp& op : delta.worklist) {
    std::string key = keys::Worklist(op.officer, op.item.due_on(),
                                     delta.stream_id, op.item.clock_id());
    switch (op.kind) {
      case WorklistOp::kPut:
        batch.Put(std::move(key), Value(op.item, delta.child_id, delta.source));
        break;
      case WorklistOp::kPutNew:
        batch.PutNew(std::move(key),
                     Value(op.item, delta.child_id, delta.source));
        break;
      case WorklistOp::kDelete:
        batch.Delete(std::move(key));
        break;
    }
  }
}

absl::StatusOr<v1::Worklist> Get(rocksdb::DB* db,
                                 const v1::GetWorklistRequest& req,
                                 Date today) {
  RETURN_IF_ERROR(ValidateId("officer_id", req.officer_id()));
  ASSIGN_OR_RETURN(Date as_of, FromProtoOr("as_of", req.as_of(), today));
  if (req.page_size() < 0) {
    return FieldError("page_size", "must not be negative");
  }
  const int page = req.page_size() == 0 ? 100 : std::min(1000, req.page_size());
  v1::Worklist out;
  out.set_officer_id(req.officer_id());
  *out.mutable_as_of() = ToProto(as_of);
  const std::string prefix = keys::WorklistPrefix(req.officer_id());
  ASSIGN_OR_RETURN(const std::string after, DecodePageToken(req.page_token()));
  PrefixScan it(db, prefix);
  bool past_token = after.empty();
  std::string last_key;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    v1::WorklistItem item;
    if (!Parse(View(it->key()).substr(prefix.size()), it->value(), &item)) {
      return absl::DataLossError("corrupt worklist entry");
    }
    const Date due = DueOf(item);
    const bool overdue =
        IsOverdue(statutory::FindRule(item.rule()), due, as_of);
    item.set_overdue(overdue);
    item.set_days_overdue(overdue ? due.DaysUntil(as_of) : 0);
    out.set_open_count(out.open_count() + 1);
    if (overdue) out.set_overdue_count(out.overdue_count() + 1);
    const std::string key(View(it->key()).substr(prefix.size()));
    if (!past_token) {
      past_token = key == after;
      continue;
    }
    if (out.items_size() < page) {
      *out.add_items() = std::move(item);
      last_key = key;
    } else if (out.next_page_token().empty()) {
      // More remain after the last item returned.
      out.set_next_page_token(EncodePageToken(last_key));
    }
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "read worklist"));
  return out;
}

absl::Status Overdue(rocksdb::DB* db, const std::string& officer,
                     const std::string& measure, Date as_of,
                     std::vector<v1::ExceptionItem>* out) {
  const std::string prefix = keys::WorklistPrefix(officer);
  PrefixScan w(db, prefix);
  for (w->Seek(prefix); w->Valid(); w->Next()) {
    v1::WorklistItem item;
    if (!Parse(View(w->key()).substr(prefix.size()), w->value(), &item) ||
        item.exception()) {
      continue;
    }
    const Date due = DueOf(item);
    if (!IsOverdue(statutory::FindRule(item.rule()), due, as_of) ||
        !CountsToward(item.rule(), measure)) {
      continue;
    }
    v1::ExceptionItem x;
    x.set_officer_id(officer);
    x.set_child_id(item.child_id());
    x.set_source(item.source());
    x.set_stream_id(item.stream_id());
    x.set_clock_id(item.clock_id());
    x.set_rule(item.rule());
    *x.mutable_started_on() = item.started_on();
    *x.mutable_due_on() = item.due_on();
    x.set_days_late(due.DaysUntil(as_of));
    x.set_open(true);
    out->push_back(std::move(x));
  }
  return FromRocks(w->status(), "read worklist");
}

}  // namespace casework::projection::worklist
